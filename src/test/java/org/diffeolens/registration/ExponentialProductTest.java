package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Fields;
import org.diffeolens.Tolerances;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.FiniteDifferences;
import org.diffeolens.flow.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SVF over-parameterized as a product of N stationary factors: its adjoint gradient against
 * central differences, and the exact identities that tie it to the single SVF (equal factors are
 * the SVF; at N = 1 it is the SVF; on the diagonal the factor gradients sum to the SVF gradient).
 */
class ExponentialProductTest {

    private static VelocityPath distinctFactors(FlowContext ctx, int n) {
        VectorField[] v = new VectorField[n];
        for (int i = 0; i < n; i++) {
            v[i] = VelocityFlowsTest.smoothVelocity(ctx.grid(), 1.2, 0.3 * i);
        }
        return new VelocityPath(v);
    }

    @ParameterizedTest
    @CsvSource({"2, 2, false, 1", "2, 4, false, 1", "2, 8, false, 1", "2, 4, true, 1", "3, 2, false, 1",
        "2, 4, false, 0"})
    void gradientMatchesFiniteDifferencesThroughTheTreeAndTheSquarings(int dim, int n, boolean ncc, double weight) {
        FlowContext ctx = Problems.context(dim, ncc);
        ExponentialProduct flow = new ExponentialProduct(ctx, weight);
        VelocityPath v = distinctFactors(ctx, n);
        VelocityPath gradient = new Adjoint<VelocityPath>().evaluate(flow, v).gradient();
        FiniteDifferences<VelocityPath> fd = new FiniteDifferences<>(1e-5);
        for (int seed = 1; seed <= 2; seed++) {
            VectorField[] dir = new VectorField[n];
            for (int i = 0; i < n; i++) {
                dir[i] = seed == 1 ? VelocityFlowsTest.smoothVelocity(ctx.grid(), 1, 1 + i)
                        : Fields.randomVector(ctx.grid(), 31L * seed + i);
            }
            VelocityPath direction = new VelocityPath(dir);
            double expected = fd.directional(flow, v, direction);
            assertTrue(Math.abs(expected) > 1e-8);
            // the central difference errs by h^2 E''' ~ 1e-10 relative: 1e-4 as for the other flows
            assertEquals(expected, flow.space().dot(gradient, direction), 1e-4 * Math.abs(expected));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void equalFactorsAreTheSvfItselfInMapAndEnergy(int n) {
        FlowContext ctx = Problems.context(2, false);
        VectorField v = VelocityFlowsTest.smoothVelocity(ctx.grid(), 1.5, 0.4);
        StationaryVelocity.Trajectory svf = new StationaryVelocity(ctx).forward(v);
        ExponentialProduct.Trajectory product = new ExponentialProduct(ctx).forward(ExponentialProduct.equalFactors(v, n));
        double scale = svf.inverseMap().maxNorm();
        for (int c = 0; c < 2; c++) {
            // the tree's levels are the SVF's last squarings: the same arithmetic
            assertTrue(Fields.maxAbsDiff(svf.inverseMap().component(c), product.inverseMap().component(c))
                    <= Tolerances.DOUBLE_ROUNDOFF * scale);
        }
        assertEquals(svf.energy().data(), product.energy().data(), Tolerances.DOUBLE_ROUNDOFF * svf.energy().data());
        // sum_i 1/(2N) ||v||^2 = 1/2 ||v||^2
        assertEquals(svf.energy().regularization(), product.energy().regularization(),
                Tolerances.DOUBLE_ROUNDOFF * svf.energy().regularization());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void atOneFactorTheGradientIsTheSvfGradient(boolean ncc) {
        FlowContext ctx = Problems.context(2, ncc);
        VectorField v = VelocityFlowsTest.smoothVelocity(ctx.grid(), 1.5, 0.4);
        VectorField svf = new Adjoint<VectorField>().evaluate(new StationaryVelocity(ctx), v).gradient();
        VectorField one = new Adjoint<VelocityPath>().evaluate(new ExponentialProduct(ctx),
                ExponentialProduct.equalFactors(v, 1)).gradient().step(0);
        assertFieldsEqual(svf, one, Tolerances.DOUBLE_ROUNDOFF);
    }

    /**
     * E_N(v, .., v) = E_SVF(v) for every v, so differentiating along the diagonal gives
     * sum_i dE_N/dv_i = dE_SVF/dv there: the chain rule through the N copies.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void onTheDiagonalTheFactorGradientsSumToTheSvfGradient(int n) {
        FlowContext ctx = Problems.context(2, false);
        VectorField v = VelocityFlowsTest.smoothVelocity(ctx.grid(), 1.5, 0.4);
        VectorField svf = new Adjoint<VectorField>().evaluate(new StationaryVelocity(ctx), v).gradient();
        VelocityPath factors = new Adjoint<VelocityPath>().evaluate(new ExponentialProduct(ctx),
                ExponentialProduct.equalFactors(v, n)).gradient();
        VectorField sum = VectorField.zeros(ctx.grid());
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                double[] s = sum.component(c);
                double[] g = factors.step(i).component(c);
                for (int x = 0; x < s.length; x++) {
                    s[x] += g[x];
                }
            }
        }
        // round-off of N adjoint sweeps through the same compositions, relative to the largest coefficient
        assertFieldsEqual(svf, sum, 1e3 * Tolerances.DOUBLE_EPS);
        // the factors are transported by different amounts: their gradients are not all equal
        assertTrue(Fields.maxAbsDiff(factors.step(0).component(0), factors.step(n - 1).component(0))
                > 1e-3 * Fields.maxAbs(factors.step(0).component(0)));
    }

    /**
     * At v = 0 every factor's covector is the SVF covector / N, exactly (the squarings and the tree
     * only double and copy it); the path metric multiplies by N: one step of depth-N descent moves
     * every factor to the velocity that one SVF step reaches, so the two descents start together.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void fromTheIdentityOneDepthNStepIsTheSvfStep(int n) {
        FlowContext ctx = Problems.context(2, false);
        VectorField zero = VectorField.zeros(ctx.grid());
        VectorField c = new Adjoint<VectorField>().evaluate(new StationaryVelocity(ctx), zero).gradient();
        VectorField svfStep = KernelMetric.forVelocity(ctx.kernel()).sharp(c, zero);
        VelocityPath start = ExponentialProduct.equalFactors(zero, n);
        VelocityPath ci = new Adjoint<VelocityPath>().evaluate(new ExponentialProduct(ctx), start).gradient();
        VelocityPath steps = KernelMetric.forPath(ctx.kernel()).sharp(ci, start);
        for (int i = 0; i < n; i++) {
            assertFieldsEqual(svfStep, steps.step(i), Tolerances.DOUBLE_ROUNDOFF);
        }
    }

    /**
     * The end-to-end view at a balanced point v_i = v (paper 000, eq. 5, discretized): with J_i the
     * derivative of the map in v_i and c_i = J_i^T g + (vol/N) L v the factor covectors, one depth-N
     * step under the path metric changes the energy by -eta N sum_i |c_i|^2 + O(eta^2), the SVF step by
     * -eta |sum_i c_i|^2, and N sum_i |c_i|^2 - |sum_i c_i|^2 = sum_{i<j} |c_i - c_j|^2 >= 0 (|.| the
     * dual norm of the kernel metric). Checked: both first-order rates against actual steps (residuals
     * falling as eta^2), and the ratio rho > 1 away from the identity.
     */
    @Test
    void atEqualFactorsDepthDescendsAtLeastAsFastToFirstOrder() {
        FlowContext ctx = Problems.context(2, false);
        int n = 4;
        VectorField v = VelocityFlowsTest.smoothVelocity(ctx.grid(), 1.5, 0.4);
        ExponentialProduct product = new ExponentialProduct(ctx);
        StationaryVelocity svf = new StationaryVelocity(ctx);
        VelocityPath factors = ExponentialProduct.equalFactors(v, n);
        VelocityPath ci = new Adjoint<VelocityPath>().evaluate(product, factors).gradient();
        VelocityPath di = KernelMetric.forPath(ctx.kernel()).sharp(ci, factors);
        VectorField c = new Adjoint<VectorField>().evaluate(svf, v).gradient();
        VectorField d = KernelMetric.forVelocity(ctx.kernel()).sharp(c, v);
        double rateN = product.space().dot(ci, di);
        double rate1 = svf.space().dot(c, d);
        double gap = 0;
        Metric<VectorField> k = KernelMetric.forVelocity(ctx.kernel());
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                VectorField diff = ci.step(i).copy();
                svf.space().axpy(-1, ci.step(j), diff);
                gap += svf.space().dot(diff, k.sharp(diff, v));
            }
        }
        assertEquals(rateN - rate1, gap, 1e-9 * rateN, "N sum |c_i|^2 - |sum c_i|^2 = sum_{i<j} |c_i - c_j|^2");
        assertTrue(rateN / rate1 > 1 + 1e-6, "rho = " + rateN / rate1);
        double e0 = svf.forward(v).energy().total();
        double[] residualN = new double[3];
        double[] residual1 = new double[3];
        double[] etas = {4e-3, 2e-3, 1e-3};
        for (int s = 0; s < etas.length; s++) {
            VelocityPath movedN = product.space().copy(factors);
            product.space().axpy(-etas[s], di, movedN);
            residualN[s] = product.forward(movedN).energy().total() - (e0 - etas[s] * rateN);
            VectorField moved1 = v.copy();
            svf.space().axpy(-etas[s], d, moved1);
            residual1[s] = svf.forward(moved1).energy().total() - (e0 - etas[s] * rate1);
        }
        System.out.printf("N = %d at equal factors: rho = %.6f; residual ratios depth-N %.3f %.3f, SVF %.3f %.3f%n", n,
                rateN / rate1, residualN[0] / residualN[1], residualN[1] / residualN[2], residual1[0] / residual1[1],
                residual1[1] / residual1[2]);
        for (int s = 1; s < etas.length; s++) {
            // halving eta quarters a second-order residual: ratio 4 within the O(eta^3) term
            assertEquals(4, residualN[s - 1] / residualN[s], 0.2, "depth-N residual ratio");
            assertEquals(4, residual1[s - 1] / residual1[s], 0.2, "SVF residual ratio");
        }
    }

    @Test
    void aNumberOfFactorsThatIsNoPowerOfTwoIsRefusedWithItsValue() {
        FlowContext ctx = Problems.context(2, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ExponentialProduct(ctx).forward(distinctFactors(ctx, 3)));
        assertTrue(e.getMessage().contains("got 3"), e.getMessage());
    }

    private static void assertFieldsEqual(VectorField expected, VectorField actual, double relative) {
        double scale = 0;
        for (int c = 0; c < expected.dim(); c++) {
            scale = Math.max(scale, Fields.maxAbs(expected.component(c)));
        }
        for (int c = 0; c < expected.dim(); c++) {
            double diff = Fields.maxAbsDiff(expected.component(c), actual.component(c));
            assertTrue(diff <= relative * scale, "component " + c + ": max difference " + diff + " of " + scale);
        }
    }
}
