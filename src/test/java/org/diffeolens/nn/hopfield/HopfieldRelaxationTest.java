package org.diffeolens.nn.hopfield;

import static org.diffeolens.nn.hopfield.HopfieldFixtures.distance;
import static org.diffeolens.nn.hopfield.HopfieldFixtures.norm;
import static org.diffeolens.nn.hopfield.HopfieldFixtures.vector;
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
        HopfieldNetwork net = new HopfieldNetwork(HopfieldFixtures.spec(rho));
        HopfieldFlow flow = net.on(HopfieldFixtures.batch(), 0, HopfieldFixtures.workspace());
        Parameters w = HopfieldFixtures.control(net);
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
        HopfieldNetwork net = new HopfieldNetwork(HopfieldFixtures.spec(rho));
        HopfieldFlow flow = net.on(HopfieldFixtures.batch(), 0, HopfieldFixtures.workspace());
        Parameters w = HopfieldFixtures.control(net);
        Equilibrium e = flow.forward(w);
        assertTrue(e.relaxation().converged(), "relaxed to the tolerance: " + e.relaxation());
        assertTrue(e.relaxation().change() <= HopfieldFixtures.RELAXATION_TOLERANCE);
        // dF/ds = (G'(s) - u) / B: the last sweep moved no unit by more than 1e-14, so the net
        // inputs are off by at most that times the couplings' row sums (< 10 here)
        double[] g = vector(flow.innerEnergyStateGradient(w, e.state()));
        double largest = 0;
        for (double v : g) {
            largest = Math.max(largest, Math.abs(v));
        }
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
        HopfieldNetwork net = new HopfieldNetwork(HopfieldFixtures.spec(rho));
        HopfieldFlow flow = net.on(HopfieldFixtures.batch(), 0, HopfieldFixtures.workspace());
        Parameters w = HopfieldFixtures.control(net);
        Parameters free = flow.forward(w).state();
        double[] nu = vector(flow.adjointState(w, free, 5000, HopfieldFixtures.RELAXATION_TOLERANCE));
        double beta = 1e-3;
        double tol = HopfieldFixtures.RELAXATION_TOLERANCE;
        double[] plus = vector(flow.relax(w, free, beta, 5000, tol));
        double[] minus = vector(flow.relax(w, free, -beta, 5000, tol));
        double[] quotient = new double[nu.length];
        for (int i = 0; i < nu.length; i++) {
            quotient[i] = -(plus[i] - minus[i]) / (2 * beta * 4);
        }
        // B = 4 samples; the quotient is nu to O(beta^2) ~ 1e-6
        assertTrue(distance(quotient, nu) / norm(nu) < 1e-5, "relative error " + distance(quotient, nu) / norm(nu));
    }

    @Test
    void nudgingAtOrBelowMinusOneIsRefused() {
        HopfieldNetwork net = new HopfieldNetwork(HopfieldFixtures.spec(Rho.SIGMOID));
        HopfieldFlow flow = net.on(HopfieldFixtures.batch(), 0, HopfieldFixtures.workspace());
        Parameters w = HopfieldFixtures.control(net);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> flow.relax(w, flow.freeState(w), -1, 10, 1e-6));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void theLogCountsEveryRelaxation() {
        HopfieldNetwork net = new HopfieldNetwork(HopfieldFixtures.spec(Rho.SIGMOID));
        HopfieldFlow flow = net.on(HopfieldFixtures.batch(), 0, HopfieldFixtures.workspace());
        Parameters w = HopfieldFixtures.control(net);
        Equilibrium e = flow.forward(w);
        flow.gradient(e);
        flow.relax(w, e.state(), 0.1, 5000, 1e-10);
        assertEquals(1, net.log().count(RelaxationLog.Phase.FREE));
        assertEquals(1, net.log().count(RelaxationLog.Phase.ADJOINT));
        assertEquals(1, net.log().count(RelaxationLog.Phase.NUDGED));
        assertEquals(0, net.log().unconverged(RelaxationLog.Phase.NUDGED));
        assertEquals(e.relaxation().sweeps(), net.log().meanSweeps(RelaxationLog.Phase.FREE));
    }
}
