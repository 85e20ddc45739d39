package org.diffeolens.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Equilibrium propagation against the adjoint on a residual flow in penalty form: the estimate
 * converges to the adjoint gradient as beta -> 0, with error O(beta^2) when nudged both ways and
 * O(beta) one-sided; the slopes are read over three betas.
 */
class EquilibriumPropagationTest {

    static double[] control() {
        Random r = new Random(4);
        double[] c = new double[16];
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextGaussian();
        }
        return c;
    }

    static double error(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void epGradientConvergesToTheAdjointAtTheOrderOfItsNudging() {
        ScalarResidualFlow flow = new ScalarResidualFlow(8, 0.3, 1.7, 0.01);
        double[] c = control();
        double[] adjoint = new Adjoint<double[]>().evaluate(flow, c).gradient();
        double[] betas = {4e-3, 2e-3, 1e-3};
        double[] symmetricError = new double[3];
        double[] oneSidedError = new double[3];
        for (int k = 0; k < 3; k++) {
            EquilibriumPropagation<double[]> sym = new EquilibriumPropagation<>(betas[k], true, 500, 1e-12);
            EquilibriumPropagation<double[]> one = new EquilibriumPropagation<>(betas[k], false, 500, 1e-12);
            Evaluation<double[]> e = sym.evaluate(flow, c);
            double[] s = e.gradient();
            double[] o = one.evaluate(flow, c).gradient();
            assertTrue(cosine(s, adjoint) > 0.999, "cosine " + cosine(s, adjoint));
            // relaxed far below the O(beta^2) error being measured
            assertTrue(sym.lastRelaxationResidual() < 1e-8, "relaxed: " + sym.lastRelaxationResidual());
            symmetricError[k] = error(s, adjoint);
            oneSidedError[k] = error(o, adjoint);
            // the energy is the free equilibrium's: the forward pass
            assertEquals(flow.energy(flow.forward(c)).total(), e.energy().total(), 1e-12);
        }
        for (int k = 0; k < 2; k++) {
            double symSlope = Math.log(symmetricError[k] / symmetricError[k + 1]) / Math.log(2);
            double oneSlope = Math.log(oneSidedError[k] / oneSidedError[k + 1]) / Math.log(2);
            assertEquals(2, symSlope, 0.2, "symmetric nudging is second order");
            assertEquals(1, oneSlope, 0.2, "one-sided nudging is first order");
        }
    }

    @Test
    void epTrainsThroughTheSharedMinimizer() {
        ScalarResidualFlow flow = new ScalarResidualFlow(6, 0.3, 1.2, 0.01);
        MinimizationResult<double[]> adj = new Minimizer<>(new Adjoint<double[]>(), Metric.identity(flow.space()),
                GradientDescent.fixed(0.5), StoppingRule.iterations(200)).minimize(flow, new double[12]);
        // beta = 1e-4: the symmetric estimate errs by ~2e-6 relative (1.8e-4 at beta = 1e-3, O(beta^2)),
        // so the two descents stay within ~1e-5 of each other over 200 steps
        MinimizationResult<double[]> ep = new Minimizer<>(new EquilibriumPropagation<double[]>(1e-4, true, 200, 1e-12),
                Metric.identity(flow.space()), GradientDescent.fixed(0.5), StoppingRule.iterations(200))
                .minimize(flow, new double[12]);
        assertEquals(adj.energy().total(), ep.energy().total(), 1e-5 * adj.energy().total());
        assertTrue(ep.energy().total() < 0.1 * ep.history().get(0).total());
    }
}
