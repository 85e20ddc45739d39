package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Fields;
import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The depth experiment of SVF registration on a tiny problem: properties its curves must have by the math. */
class DepthExperimentTest {

    private static final int[] DEPTHS = {1, 2, 4};

    /**
     * All depths start at the identity (one energy); the first fixed step of every depth is the
     * SVF's (the factor covectors are the SVF's / N, exactly, and the path metric multiplies by N);
     * L-BFGS steps satisfy Armijo's condition, so its energies never rise; and at balanced points
     * depth lowers the energy at first order at least as fast (rho >= 1, Cauchy-Schwarz).
     */
    @ParameterizedTest
    @ValueSource(doubles = {1, 0})
    void depthsStartTogetherTakeTheSvfsFirstStepAndDescendUnderArmijo(double weight) {
        FlowContext ctx = Problems.context(2, false);
        DepthExperiment.Result r = DepthExperiment.run(ctx, DEPTHS, 8, weight);
        double e0 = r.lbfgs().get(0).total()[0];
        for (DepthExperiment.Curve c : r.fixedSteps()) {
            assertEquals(e0, c.total()[0], 0.0, "depth " + c.depth() + " starts from the identity");
        }
        for (int k = 0; k < DepthExperiment.STEP_MULTIPLES.length; k++) {
            double svfFirst = r.fixedSteps().get(k).total()[1];
            for (int d = 1; d < DEPTHS.length; d++) {
                DepthExperiment.Curve c = r.fixedSteps().get(d * DepthExperiment.STEP_MULTIPLES.length + k);
                assertEquals(r.fixedSteps().get(k).stepSize(), c.stepSize(), 0.0);
                assertEquals(svfFirst, c.total()[1], Tolerances.DOUBLE_ROUNDOFF * svfFirst,
                        "first fixed step of depth " + c.depth());
            }
        }
        for (DepthExperiment.Curve c : r.lbfgs()) {
            assertEquals(e0, c.total()[0], 0.0);
            assertTrue(c.total().length > 2, "depth " + c.depth() + " took steps");
            for (int k = 1; k < c.total().length; k++) {
                assertTrue(c.total()[k] <= c.total()[k - 1], "L-BFGS depth " + c.depth() + " iteration " + k);
            }
            for (int k = 1; k < c.cpuSeconds().length; k++) {
                assertTrue(c.cpuSeconds()[k] >= c.cpuSeconds()[k - 1], "CPU time runs forward");
            }
        }
        assertEquals(1, r.gainAfterFirstStep()[0], Tolerances.DOUBLE_ROUNDOFF);
        for (int d = 1; d < DEPTHS.length; d++) {
            assertTrue(r.gainAfterFirstStep()[d] >= 1 - Tolerances.DOUBLE_ROUNDOFF, "rho " + r.gainAfterFirstStep()[d]);
            assertTrue(r.gainAtSvfResult()[d] >= 1 - Tolerances.DOUBLE_ROUNDOFF, "rho " + r.gainAtSvfResult()[d]);
        }
    }

    /** N = 1 through the experiment is the registration's own SVF level: the same energies, iteration by iteration. */
    @Test
    void depthOneIsTheRegistrationsOwnSvfEnergyCurve() {
        Grid g = Grid.of(new int[] {26, 22}, new double[] {1.0, 1.2});
        ScalarField moving = Fields.of(g, (x, y, z) -> Fields.gaussianBump(12, 12, 0, 4.0).at(x, y, z)
                + 0.5 * Fields.gaussianBump(18, 8, 0, 2.5).at(x, y, z));
        ScalarField fixed = Fields.of(g, (x, y, z) -> Fields.gaussianBump(13.5, 11, 0, 4.2).at(x, y, z)
                + 0.5 * Fields.gaussianBump(17, 9, 0, 2.5).at(x, y, z));
        int iterations = 12;
        RegistrationParameters p = RegistrationParameters.defaultsFor(g).withLevels(1).withAffine(AffineModel.NONE)
                .withNormalize(false).withSigma(0.05).withTolerance(0).withIterations(iterations).withThreads(1);
        RegistrationResult registered = Registration.register(fixed, moving, p);
        double[] expected = registered.energyCurve("svf");
        Registration.Prealigned pre = Registration.prealign(fixed, moving, p);
        FlowContext ctx = Registration.levelContext(pre.target(), pre.source(), 1, p, Parallel.serial());
        DepthExperiment.Curve one = DepthExperiment.descend(ctx, 1, 1, DepthExperiment.lbfgs(ctx, 1), iterations);
        assertEquals(iterations + 1, expected.length);
        assertEquals(expected.length, one.total().length);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], one.total()[k], Tolerances.DOUBLE_ROUNDOFF * expected[k], "iteration " + k);
        }
        assertTrue(expected[iterations] < expected[0], "the level descends: " + expected[0] + " -> "
                + expected[iterations]);
    }

    @Test
    void depthsMustStartAtOneAndIncreaseInPowersOfTwo() {
        FlowContext ctx = Problems.context(2, false);
        assertThrows(IllegalArgumentException.class, () -> DepthExperiment.run(ctx, new int[] {2, 4}, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> DepthExperiment.run(ctx, new int[] {1, 4, 2}, 3, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DepthExperiment.run(ctx, new int[] {1, 6}, 3, 1));
        assertTrue(e.getMessage().contains("got 6"), e.getMessage());
    }
}
