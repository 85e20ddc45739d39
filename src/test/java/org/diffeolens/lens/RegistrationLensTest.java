package org.diffeolens.lens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.GaussianSmoothing;
import org.diffeolens.field.Intensities;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.kernel.Kernels;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.GeodesicShooting;
import org.diffeolens.registration.Lddmm;
import org.diffeolens.registration.Method;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.RegistrationResult;
import org.diffeolens.registration.SumOfSquaredDifferences;
import org.diffeolens.registration.VelocityPath;
import org.junit.jupiter.api.Test;

class RegistrationLensTest {

    /** Smoothing that makes the lung slices' content resolved by the grid (as in GeodesicPropertiesTest). */
    private static final double SMOOTHING_MM = 4;

    @Test
    void distanceTravelledByTheMomentumIsTheReportedGeodesicDistance() throws Exception {
        ScalarField fixed = ImageFiles.readScalar(Tolerances.testData("RatLungSlice1.mha"));
        ScalarField moving = ImageFiles.readScalar(Tolerances.testData("RatLungSlice2.mha"));
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withMethod(Method.SHOOTING)
                .withLevels(1).withIterations(15).withTimeSteps(5).withAffine(AffineModel.NONE).withThreads(2);
        RegistrationLens lens = new RegistrationLens();
        RegistrationResult r = Registration.register(fixed, moving, p, lens, null);
        RegistrationLens.LevelTrajectory t = lens.levels().get(0);
        assertEquals(16, t.distances().length, "the start and 15 iterations");
        // from P0 = 0, ||K(P0 grad I0)||_V = sqrt(2 E_reg): the same number by two code paths
        assertEquals(r.geodesicDistance(), t.distanceFromStart(), 1e-9 * r.geodesicDistance());
        assertTrue(t.pathLength() >= t.distanceFromStart() * (1 - 1e-12), "a path is no shorter than its chord");
        assertTrue(r.geodesicDistance() > 0);
    }

    @Test
    void pathEnergyOfAShootingRegistrationIsItsGeodesicDistanceSquared() throws Exception {
        Parallel par = Parallel.of(2);
        ScalarField fixed = GaussianSmoothing.smooth(ImageFiles.readScalar(Tolerances.testData("RatLungSlice1.mha")),
                SMOOTHING_MM, par);
        ScalarField moving = GaussianSmoothing.smooth(ImageFiles.readScalar(Tolerances.testData("RatLungSlice2.mha")),
                SMOOTHING_MM, par);
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withMethod(Method.SHOOTING)
                .withLevels(1).withIterations(15).withTimeSteps(10).withAffine(AffineModel.NONE).withThreads(2);
        RegistrationResult r = Registration.register(fixed, moving, p);
        // the registration's own flow at full resolution: normalized intensities (the default), no affine
        fixed = Intensities.normalize(fixed);
        moving = Intensities.normalize(moving);
        FlowContext ctx = new FlowContext(moving, new SumOfSquaredDifferences(fixed, p.sigma()),
                Kernels.sobolev(fixed.grid(), p.alpha(), p.gamma(), p.order(), par), par);
        double[] kinetic = RegistrationLens.kineticEnergies(new GeodesicShooting(ctx, p.timeSteps())
                .forward(r.momentum()), ctx.kernel());
        double d2 = r.geodesicDistance() * r.geodesicDistance();
        double energy = RegistrationLens.pathEnergy(kinetic);
        // EPDiff conserves ||v_t||_V, so the path energy int_0^1 ||v_t||^2 dt (the time mean) is ||v_0||^2 = d^2
        // within the discretization error: the first-order integrator's, and the attenuation of unresolved
        // momentum by linear interpolation, which the smoothing keeps small (measured drift: 0.5 % of d^2 at
        // 10 steps; 3-4 % on 2 mm smoothing, not falling with more steps, 12 % on the raw slices)
        assertEquals(d2, energy, 0.01 * d2);
        // ||v_0||_V^2 is the reported 2 E_reg up to the registration's 3-voxel FFT margin, which the saved
        // momentum leaves out (measured 0.13 %)
        assertEquals(d2, kinetic[0], 0.01 * d2);
        assertTrue(d2 > 0);
    }

    @Test
    void resettingATimeStepOfAnIdentityRegistrationChangesNothing() throws Exception {
        ScalarField image = ImageFiles.readScalar(Tolerances.testData("RatLungSlice1.mha"));
        RegistrationParameters p = RegistrationParameters.defaultsFor(image.grid()).withMethod(Method.LDDMM)
                .withLevels(1).withIterations(5).withTimeSteps(4).withAffine(AffineModel.NONE).withThreads(2);
        RegistrationResult r = Registration.register(image, image, p);
        VelocityPath path = r.path();
        Parallel par = Parallel.of(2);
        FlowContext ctx = new FlowContext(image, new SumOfSquaredDifferences(image, p.sigma()),
                Kernels.sobolev(image.grid(), p.alpha(), p.gamma(), p.order(), par), par);
        Lddmm flow = new Lddmm(ctx);
        double[] change = StepSensitivity.changes(new PathSteps(), path, VelocityPath.zeros(image.grid(), 4),
                v -> flow.forward(v).energy().data());
        assertEquals(4, change.length);
        for (double c : change) {
            assertEquals(0, c, 1e-12, "an image registered onto itself has nothing to lose");
        }
    }

    @Test
    void everyTimeStepOfARealRegistrationCarriesPartOfTheMatch() throws Exception {
        ScalarField fixed = ImageFiles.readScalar(Tolerances.testData("RatLungSlice1.mha"));
        ScalarField moving = ImageFiles.readScalar(Tolerances.testData("RatLungSlice2.mha"));
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withMethod(Method.LDDMM)
                .withLevels(2).withIterations(20).withTimeSteps(4).withAffine(AffineModel.NONE).withNormalize(false)
                .withSigma(10).withThreads(2);
        RegistrationResult r = Registration.register(fixed, moving, p);
        Parallel par = Parallel.of(2);
        FlowContext ctx = new FlowContext(moving, new SumOfSquaredDifferences(fixed, p.sigma()),
                Kernels.sobolev(fixed.grid(), p.alpha(), p.gamma(), p.order(), par), par);
        Lddmm flow = new Lddmm(ctx);
        double[] change = StepSensitivity.changes(new PathSteps(), r.path(), VelocityPath.zeros(fixed.grid(), 4),
                v -> flow.forward(v).energy().data());
        // the constant-speed path moves at every step: taking any one away undoes part of the match
        for (double c : change) {
            assertTrue(c > 0, "matching energy change " + c);
        }
    }
}
