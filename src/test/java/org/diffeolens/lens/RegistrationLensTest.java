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
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Iteration;
import org.diffeolens.flow.Minimizer;
import org.diffeolens.flow.MinimizerListener;
import org.diffeolens.kernel.Kernel;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.GeodesicShooting;
import org.diffeolens.registration.RegistrationListener;
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
        FinalMomentum last = new FinalMomentum();
        RegistrationResult r = Registration.register(fixed, moving, p, RegistrationListener.both(lens, last), null);
        RegistrationLens.LevelTrajectory t = lens.levels().get(0);
        assertEquals(16, t.distances().length, "the start and 15 iterations");
        // from P0 = 0 the lens measures ||v_0||_V = ||K(P0 grad I0)||_V; the registration reports the
        // path's root-mean-square speed sqrt(2 E_reg) = sqrt(sum_k dt ||v_k||_V^2), which lies between
        // the slowest and the fastest step: the two agree up to the spread of the discrete speeds
        GeodesicShooting.Trajectory path = last.flow.forward(last.momentum);
        Kernel k = last.flow.context().kernel();
        double slowest = Double.POSITIVE_INFINITY;
        double fastest = 0;
        for (int s = 0; s < path.timeSteps(); s++) {
            double speed = Math.sqrt(k.normSquared(path.velocity(s)));
            slowest = Math.min(slowest, speed);
            fastest = Math.max(fastest, speed);
        }
        double speed0 = Math.sqrt(k.normSquared(path.velocity(0)));
        assertEquals(speed0, t.distanceFromStart(), 1e-9 * speed0, "the lens's distance is ||v_0||_V");
        assertTrue(r.geodesicDistance() >= slowest * (1 - 1e-12) && r.geodesicDistance() <= fastest * (1 + 1e-12),
                "rms speed " + r.geodesicDistance() + " in [" + slowest + ", " + fastest + "]");
        assertEquals(r.geodesicDistance(), t.distanceFromStart(), (fastest - slowest) * (1 + 1e-12));
        assertTrue(t.pathLength() >= t.distanceFromStart() * (1 - 1e-12), "a path is no shorter than its chord");
        assertTrue(r.geodesicDistance() > 0);
    }

    @Test
    void shootingByEquilibriumPropagationRecordsItsTrajectoryAndPathEnergyLikeTheAdjointRun() throws Exception {
        Parallel par = Parallel.of(2);
        ScalarField fixed = org.diffeolens.field.Pyramid.downsample(ImageFiles.readScalar(
                Tolerances.testData("RatLungSlice1.mha")), 4, par);
        ScalarField moving = org.diffeolens.field.Pyramid.downsample(ImageFiles.readScalar(
                Tolerances.testData("RatLungSlice2.mha")), 4, par);
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withMethod(Method.SHOOTING)
                .withLevels(1).withIterations(3).withTimeSteps(3).withAffine(AffineModel.NONE).withThreads(2)
                .withGradient(RegistrationParameters.Gradient.EP);
        RegistrationLens lens = new RegistrationLens();
        RegistrationResult r = Registration.register(fixed, moving, p, lens, null);
        // the EP run minimizes the shooting's energy form: the same control, the same metric
        assertEquals(1, lens.levels().size(), "one level recorded");
        RegistrationLens.LevelTrajectory t = lens.levels().get(0);
        assertEquals(r.levels().get(0).iterations() + 1, t.distances().length, "the start and every iteration");
        // from P0 = 0, the distance is ||v_0||_V > 0, and the kinetic energy's time mean is the reported
        // d^2 = 2 E_reg = sum_k dt ||v_k||_V^2 of the same final momentum (round-off of L K = Id)
        assertTrue(t.distanceFromStart() > 0);
        double d2 = r.geodesicDistance() * r.geodesicDistance();
        assertEquals(d2, RegistrationLens.pathEnergy(t.kineticEnergy()), 1e-9 * d2);
    }

    /** Keeps the shooting flow of the (single) level and the last momentum its minimizer visited. */
    private static final class FinalMomentum implements RegistrationListener {
        GeodesicShooting flow;
        ScalarField momentum;

        @Override
        @SuppressWarnings("unchecked")
        public void onMinimizer(String stage, int level, FlowContext context, Minimizer<?> minimizer,
                                ControlledFlow<?, ?> f) {
            flow = (GeodesicShooting) f;
            ((Minimizer<ScalarField>) minimizer).addListener(new MinimizerListener<>() {
                @Override
                public void onIteration(Iteration<ScalarField> it) {
                    momentum = it.control().copy();
                }
            });
        }
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
        // d^2 = 2 E_reg is the discrete path's energy sum_k dt ||v_k||_V^2 by definition; the lens rebuilds
        // the path without the registration's 3-voxel FFT margin, which the saved momentum leaves out
        // (measured 0.13 %)
        assertEquals(d2, energy, 0.01 * d2);
        // and EPDiff conserves ||v_t||_V, so ||v_0||_V^2 is d^2 within the conservation drift: the
        // first-order integrator's and the attenuation of unresolved momentum by linear interpolation,
        // which the smoothing keeps small (measured 0.5 % of d^2 at 10 steps; 12 % on the raw slices)
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
