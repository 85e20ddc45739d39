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

    @Test
    void registrationByEquilibriumPropagationFollowsTheAdjointRun() throws Exception {
        ScalarField fixed = org.diffeolens.field.Pyramid.downsample(org.diffeolens.io.ImageFiles.readScalar(
                org.diffeolens.Tolerances.testData("RatLungSlice1.mha")), 4, org.diffeolens.concurrent.Parallel.of(2));
        ScalarField moving = org.diffeolens.field.Pyramid.downsample(org.diffeolens.io.ImageFiles.readScalar(
                org.diffeolens.Tolerances.testData("RatLungSlice2.mha")), 4, org.diffeolens.concurrent.Parallel.of(2));
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withMethod(Method.SHOOTING)
                .withLevels(1).withIterations(4).withTimeSteps(3).withAffine(AffineModel.NONE).withThreads(2);
        RegistrationResult adjoint = Registration.register(fixed, moving, p);
        RegistrationResult ep = Registration.register(fixed, moving, p.withGradient(RegistrationParameters.Gradient.EP));
        // every registration starts at P0 = 0, where v = 0 puts each sample on a grid node: a kink of the
        // linear interpolant, where the adjoint takes the one-sided slope and symmetric EP averages both
        // sides; the two descents then differ by what the first step differed, and agree to 1%
        assertEquals(adjoint.energy().total(), ep.energy().total(), 1e-2 * adjoint.energy().total());
        assertTrue(ep.energy().total() < ep.levels().get(0).energies().get(0).total());
        assertEquals("ep", p.withGradient(RegistrationParameters.Gradient.EP).asMap().get("gradient"));
    }
}
