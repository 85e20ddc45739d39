package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Fields;
import org.diffeolens.field.Grid;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.FiniteDifferences;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LDDMM and SVF gradients against central differences (see GeodesicShootingTest for the step). */
class VelocityFlowsTest {

    /**
     * A smooth velocity that vanishes on no border: where v = 0 exactly on the border the sample
     * point sits on the kink of the border extension and a central difference averages two slopes.
     */
    static VectorField smoothVelocity(Grid g, double a, double phase) {
        Fields.Function3 x = (px, py, pz) -> a * Math.sin(0.3 * px + phase + 0.4) * Math.cos(0.2 * py);
        Fields.Function3 y = (px, py, pz) -> a * Math.cos(0.25 * px - phase) * Math.sin(0.35 * py + 0.1 * pz + 0.5);
        Fields.Function3 z = (px, py, pz) -> a * Math.sin(0.2 * pz + 0.1 * px + phase + 0.3);
        return g.dim() == 2 ? Fields.vector(g, x, y) : Fields.vector(g, x, y, z);
    }

    @ParameterizedTest
    @CsvSource({"2, false", "3, false", "2, true", "3, true"})
    void lddmmGradientMatchesFiniteDifferences(int dim, boolean ncc) {
        FlowContext ctx = Problems.context(dim, ncc);
        Lddmm flow = new Lddmm(ctx);
        VectorField[] steps = new VectorField[3];
        for (int k = 0; k < 3; k++) {
            steps[k] = smoothVelocity(ctx.grid(), 1.2, 0.3 * k);
        }
        VelocityPath v = new VelocityPath(steps);
        VelocityPath gradient = new Adjoint<VelocityPath>().evaluate(flow, v).gradient();
        FiniteDifferences<VelocityPath> fd = new FiniteDifferences<>(1e-5);
        for (int seed = 1; seed <= 2; seed++) {
            VectorField[] dir = new VectorField[3];
            for (int k = 0; k < 3; k++) {
                dir[k] = seed == 1 ? smoothVelocity(ctx.grid(), 1, 1 + k) : Fields.randomVector(ctx.grid(), 31 * seed + k);
            }
            VelocityPath direction = new VelocityPath(dir);
            double expected = fd.directional(flow, v, direction);
            assertTrue(Math.abs(expected) > 1e-8);
            assertEquals(expected, flow.space().dot(gradient, direction), 1e-4 * Math.abs(expected));
        }
    }

    @ParameterizedTest
    @CsvSource({"2, false", "3, false", "2, true", "3, true"})
    void svfGradientMatchesFiniteDifferencesThroughTheSquarings(int dim, boolean ncc) {
        FlowContext ctx = Problems.context(dim, ncc);
        StationaryVelocity flow = new StationaryVelocity(ctx);
        VectorField v = smoothVelocity(ctx.grid(), 1.5, 0.4);
        VectorField gradient = new Adjoint<VectorField>().evaluate(flow, v).gradient();
        FiniteDifferences<VectorField> fd = new FiniteDifferences<>(1e-5);
        for (int seed = 1; seed <= 2; seed++) {
            VectorField direction = seed == 1 ? smoothVelocity(ctx.grid(), 1, 2.1) : Fields.randomVector(ctx.grid(), seed);
            double expected = fd.directional(flow, v, direction);
            assertTrue(Math.abs(expected) > 1e-8);
            assertEquals(expected, flow.space().dot(gradient, direction), 1e-4 * Math.abs(expected));
        }
    }

    /**
     * LDDMM recycles a trajectory's maps two forward passes later: the old trajectory then
     * integrates again and gives bit for bit what it gave before, its map handed out earlier does
     * not change under its holder, and a path changed in place afterwards is not followed.
     */
    @org.junit.jupiter.api.Test
    void aRecycledLddmmTrajectoryIntegratesAgainToTheSameNumbers() {
        FlowContext ctx = Problems.context(2, false);
        Lddmm flow = new Lddmm(ctx);
        VectorField[] steps = new VectorField[4];
        VectorField[] others = new VectorField[4];
        for (int k = 0; k < 4; k++) {
            steps[k] = smoothVelocity(ctx.grid(), 1.0 + 0.2 * k, 0.3 * k);
            others[k] = smoothVelocity(ctx.grid(), -0.7, 1.1 + k);
        }
        Lddmm.Trajectory first = flow.forward(new VelocityPath(steps));
        VectorField map = first.inverseMap();
        double[] mapBefore = map.component(1).clone();
        double[] gradientFresh = flow.gradient(first).step(2).component(0).clone();
        flow.forward(new VelocityPath(others));
        flow.forward(VelocityPath.zeros(ctx.grid(), 4));
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, map.component(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(gradientFresh, flow.gradient(first).step(2).component(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, first.inverseMap().component(1));
        // and a path changed in place afterwards is not followed
        java.util.Arrays.fill(steps[2].component(0), 0);
        flow.forward(new VelocityPath(others));
        flow.forward(new VelocityPath(others));
        org.junit.jupiter.api.Assertions.assertArrayEquals(gradientFresh, flow.gradient(first).step(2).component(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, first.inverseMap().component(1));
    }
}
