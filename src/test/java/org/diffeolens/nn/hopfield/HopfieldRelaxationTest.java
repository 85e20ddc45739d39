package org.diffeolens.nn.hopfield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffeolens.nn.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The relaxation of a layered Hopfield network: block Gauss-Seidel steps that never raise the
 * energy, a free equilibrium that is a stationary point and a strict local minimum of F, and the
 * nudged phase's displacement that is minus the adjoint state (paper 001's correspondence).
 */
class HopfieldRelaxationTest {

    private final SplittableRandom random = new SplittableRandom(3);

    @ParameterizedTest
    @EnumSource(Rho.class)
    void everySweepLowersTheNudgedEnergy(Rho rho) {
        HopfieldFixtures.Setup x = HopfieldFixtures.setup(rho, 0);
        HopfieldFlow flow = x.flow();
        Parameters w = x.w();
        for (double b : new double[] {0, 0.5, -0.5}) {
            Parameters s = flow.freeState(w);
            double before = flow.innerEnergy(w, s) + b * flow.cost(s);
            for (int sweep = 0; sweep < 20; sweep++) {
                flow.relaxInPlace(w, s, b, 1, 0);
                double after = flow.innerEnergy(w, s) + b * flow.cost(s);
                // each block step is that layer's exact minimizer: F + bC falls, up to round-off
                assertTrue(after <= before + 1e-14, "sweep " + sweep + " raised F + " + b + " C: " + before + " -> "
                        + after);
                before = after;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Rho.class)
    void theFreeEquilibriumIsAStationaryPointAndAStrictLocalMinimum(Rho rho) {
        HopfieldFixtures.Setup x = HopfieldFixtures.setup(rho, 0);
        HopfieldFlow flow = x.flow();
        Parameters w = x.w();
        Equilibrium e = flow.forward(w);
        assertTrue(e.relaxation().converged(), "relaxed to the tolerance: " + e.relaxation());
        assertTrue(e.relaxation().change() <= HopfieldFixtures.RELAXATION_TOLERANCE);
        // dF/ds = (G'(s) - u) / B: the last sweep moved no unit by more than 1e-14, so the net
        // inputs are off by at most that times the couplings' row sums (< 10 here)
        double largest = flow.innerEnergyStateGradient(w, e.state()).flat().amaxNumber().doubleValue();
        assertTrue(largest < 1e-13, "|dF/ds|_max = " + largest);
        // F(s* + eps d) - F(s*) ~ eps^2/2 d^T H d > 0 in every admissible direction d
        double f = flow.innerEnergy(w, e.state());
        for (int trial = 0; trial < 20; trial++) {
            Parameters moved = e.state().copy();
            long n = moved.flat().length();
            for (long i = 0; i < n; i++) {
                double s = moved.flat().getDouble(i);
                double d = random.nextGaussian();
                // units on a face of the box may only move inward
                if (s <= 0) {
                    d = Math.abs(d);
                } else if (s >= 1) {
                    d = -Math.abs(d);
                }
                moved.flat().putScalar(i, s + 1e-3 * d);
            }
            double raised = flow.innerEnergy(w, moved) - f;
            assertTrue(raised > 0, "F fell by " + (-raised) + " in a direction from the equilibrium");
        }
    }

    /**
     * d s_beta / d beta at beta = 0 is -H^{-1} (y - t) = -B nu (H one sample's Hessian, nu the
     * adjoint state of the batch-mean cost): the nudged phase carries the adjoint state (Scellier and
     * Bengio; paper 001, section III.F). The symmetric quotient errs by O(beta^2).
     */
    @ParameterizedTest
    @EnumSource(Rho.class)
    void theNudgedDisplacementIsMinusTheAdjointState(Rho rho) {
        HopfieldFixtures.Setup x = HopfieldFixtures.setup(rho, 0);
        HopfieldFlow flow = x.flow();
        Parameters w = x.w();
        Parameters free = flow.forward(w).state();
        Parameters nu = flow.adjointState(w, free, 5000, HopfieldFixtures.RELAXATION_TOLERANCE);
        double beta = 1e-3;
        double tol = HopfieldFixtures.RELAXATION_TOLERANCE;
        Parameters quotient = flow.relax(w, free, beta, 5000, tol);
        // -(s_beta - s_-beta) / (2 beta B), B = 4 samples
        quotient.flat().subi(flow.relax(w, free, -beta, 5000, tol).flat()).muli(-1 / (2 * beta * 4));
        // nu to O(beta^2) ~ 1e-6
        double relative = HopfieldFixtures.relativeError(quotient, nu);
        assertTrue(relative < 1e-5, "relative error " + relative);
    }

    @Test
    void nudgingAtOrBelowMinusOneIsRefused() {
        HopfieldFixtures.Setup x = HopfieldFixtures.setup(Rho.SIGMOID, 0);
        HopfieldFlow flow = x.flow();
        Parameters w = x.w();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> flow.relax(w, flow.freeState(w), -1, 10, 1e-6));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void theLogCountsEveryRelaxation() {
        HopfieldFixtures.Setup x = HopfieldFixtures.setup(Rho.SIGMOID, 0);
        HopfieldFlow flow = x.flow();
        Parameters w = x.w();
        Equilibrium e = flow.forward(w);
        flow.gradient(e);
        flow.relax(w, e.state(), 0.1, 5000, 1e-10);
        assertEquals(1, x.net().log().count(RelaxationLog.Phase.FREE));
        assertEquals(1, x.net().log().count(RelaxationLog.Phase.ADJOINT));
        assertEquals(1, x.net().log().count(RelaxationLog.Phase.NUDGED));
        assertEquals(0, x.net().log().unconverged(RelaxationLog.Phase.NUDGED));
        assertEquals(e.relaxation().sweeps(), x.net().log().meanSweeps(RelaxationLog.Phase.FREE));
    }
}
