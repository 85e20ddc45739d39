package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.field.ScalarField;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.EquilibriumPropagation;
import org.junit.jupiter.api.Test;

/**
 * Equilibrium propagation on geodesic shooting (issue 6; paper 001, section III.F): the estimate
 * from the nudged equilibria of the transport's penalty form converges to the engine's adjoint
 * gradient, at O(beta^2) when nudged both ways and O(beta) one-sided, and the nudged phase's
 * residuals divided by beta are the adjoint maps of the reverse sweep. The betas are small enough
 * that the nudge moves no interpolation point across a cell face (see ShootingEnergyForm).
 */
class ShootingEquilibriumPropagationTest {

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    @Test
    void epGradientOfShootingConvergesToTheAdjointGradient() {
        FlowContext ctx = Problems.context(2, false);
        GeodesicShooting shooting = new GeodesicShooting(ctx, 4);
        ShootingEnergyForm form = new ShootingEnergyForm(shooting);
        ScalarField p0 = Problems.smooth(ctx.grid(), 0.4, 0.2);
        double[] adjoint = new Adjoint<ScalarField>().evaluate(form, p0).gradient().data();
        double norm = Math.sqrt(dot(adjoint, adjoint));
        double[] betas = {1e-6, 5e-7, 2.5e-7};
        double[] sym = new double[3];
        double[] one = new double[3];
        for (int k = 0; k < 3; k++) {
            EquilibriumPropagation<ScalarField> s = new EquilibriumPropagation<>(betas[k], true, 200, 1e-13);
            EquilibriumPropagation<ScalarField> o = new EquilibriumPropagation<>(betas[k], false, 200, 1e-13);
            double[] gs = s.evaluate(form, p0).gradient().data();
            double[] go = o.evaluate(form, p0).gradient().data();
            sym[k] = distance(gs, adjoint) / norm;
            one[k] = distance(go, adjoint) / norm;
            if (k == 2) {
                double cosine = dot(gs, adjoint) / (norm * Math.sqrt(dot(gs, gs)));
                assertTrue(cosine > 0.999, "cosine " + cosine);
            }
        }
        for (int k = 0; k < 2; k++) {
            assertEquals(2, Math.log(sym[k] / sym[k + 1]) / Math.log(2), 0.25, "symmetric: O(beta^2)");
            assertEquals(1, Math.log(one[k] / one[k + 1]) / Math.log(2), 0.25, "one-sided: O(beta)");
        }
    }

    @Test
    void nudgedResidualsOverBetaAreTheAdjointMaps() {
        FlowContext ctx = Problems.context(2, false);
        GeodesicShooting shooting = new GeodesicShooting(ctx, 4);
        ShootingEnergyForm form = new ShootingEnergyForm(shooting);
        ScalarField p0 = Problems.smooth(ctx.grid(), 0.4, 0.2);
        double[][][] lambda = shooting.adjointMaps(shooting.forward(p0));
        double[] errors = new double[2];
        double[] betas = {1e-6, 5e-7};
        for (int b = 0; b < 2; b++) {
            EquilibriumPropagation<ScalarField> ep = new EquilibriumPropagation<>(betas[b], false, 200, 1e-13);
            double[][][] free = ep.relax(form, p0, form.freeState(p0), 0);
            double[][][] nudged = ep.relax(form, p0, free, betas[b]);
            double[][][] r = form.transportResiduals(p0, nudged);
            double err = 0;
            double ref = 0;
            for (int k = 0; k < r.length; k++) {
                for (int c = 0; c < r[k].length; c++) {
                    for (int i = 0; i < r[k][c].length; i++) {
                        double predicted = -lambda[k][c][i];
                        double observed = ctx.voxelVolume * r[k][c][i] / betas[b];
                        err += (observed - predicted) * (observed - predicted);
                        ref += predicted * predicted;
                    }
                }
            }
            errors[b] = Math.sqrt(err / ref);
        }
        // vol r_k / beta = -pBar_{k+1} + O(beta)
        assertTrue(errors[1] < 1e-4, "relative error " + errors[1]);
        assertEquals(1, Math.log(errors[0] / errors[1]) / Math.log(2), 0.3, "first order in beta");
    }
}
