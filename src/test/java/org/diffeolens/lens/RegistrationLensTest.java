package org.diffeolens.lens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.kernel.Kernels;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.Lddmm;
import org.diffeolens.registration.Method;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.RegistrationResult;
import org.diffeolens.registration.SumOfSquaredDifferences;
import org.diffeolens.registration.VelocityPath;
import org.junit.jupiter.api.Test;

class RegistrationLensTest {

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
