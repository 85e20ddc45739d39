package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Fields;
import org.diffeolens.field.ScalarField;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.FiniteDifferences;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeodesicShootingTest {

    /**
     * Central differences with step h have truncation error h^2 E'''/6 and round-off eps E / h; with
     * h = 1e-5 relative to the control both are below 1e-8 of the derivative, far inside 1e-4.
     */
    @ParameterizedTest
    @CsvSource({"2, false", "3, false", "2, true", "3, true"})
    void shootingGradientMatchesFiniteDifferences(int dim, boolean ncc) {
        FlowContext ctx = Problems.context(dim, ncc);
        GeodesicShooting flow = new GeodesicShooting(ctx, 4);
        ScalarField p0 = Problems.smooth(ctx.grid(), 0.4, 0.2);
        ScalarField gradient = new Adjoint<ScalarField>().evaluate(flow, p0).gradient();
        FiniteDifferences<ScalarField> fd = new FiniteDifferences<>(1e-5);
        for (long seed = 1; seed <= 3; seed++) {
            ScalarField direction = seed == 1 ? Problems.smooth(ctx.grid(), 1, 1.3) : Fields.random(ctx.grid(), seed);
            double expected = fd.directional(flow, p0, direction);
            double actual = flow.space().dot(gradient, direction);
            assertTrue(Math.abs(expected) > 1e-8, "direction must change the energy");
            assertEquals(expected, actual, 1e-4 * Math.abs(expected), "direction " + seed);
        }
    }

    @org.junit.jupiter.api.Test
    void oneAndTwoThreadsGiveTheSameGradient() {
        FlowContext two = Problems.context(3, true);
        FlowContext one = new FlowContext(two.source(), two.similarity(),
                org.diffeolens.kernel.Kernels.sobolev(two.grid(), 3.0, 1.0, 2, org.diffeolens.concurrent.Parallel.serial()),
                org.diffeolens.concurrent.Parallel.serial());
        ScalarField p0 = Problems.smooth(two.grid(), 0.4, 0.2);
        ScalarField g1 = new Adjoint<ScalarField>().evaluate(new GeodesicShooting(one, 4), p0).gradient();
        ScalarField g2 = new Adjoint<ScalarField>().evaluate(new GeodesicShooting(two, 4), p0).gradient();
        double scale = Fields.maxAbs(g1.data());
        // scattered sums are added in another order with two threads: equal to round-off
        assertTrue(Fields.maxAbsDiff(g1.data(), g2.data()) < 1e-12 * scale);
    }

    /**
     * The flow recycles a trajectory's storage two forward passes later: the old trajectory then
     * shoots again and gives bit for bit what it gave before, and what it handed out earlier (copies)
     * does not change under its holder.
     */
    @org.junit.jupiter.api.Test
    void aRecycledTrajectoryShootsAgainToTheSameNumbers() {
        FlowContext ctx = Problems.context(2, false);
        GeodesicShooting flow = new GeodesicShooting(ctx, 4);
        ScalarField p0 = Problems.smooth(ctx.grid(), 0.4, 0.2);
        GeodesicShooting.Trajectory first = flow.forward(p0);
        org.diffeolens.field.VectorField map = first.inverseMap();
        double[] mapBefore = map.component(0).clone();
        org.diffeolens.field.VectorField v2 = first.velocity(2);
        double[] velocityBefore = v2.component(1).clone();
        ScalarField gradientFresh = flow.gradient(first);
        // two more passes from other momenta take both storages, the first trajectory's included
        flow.forward(Problems.smooth(ctx.grid(), 0.7, 1.1));
        flow.forward(Problems.smooth(ctx.grid(), -0.5, 0.4));
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, map.component(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(velocityBefore, v2.component(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(gradientFresh.data(), flow.gradient(first).data());
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, first.inverseMap().component(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(velocityBefore, first.velocity(2).component(1));
        // and the trajectory does not follow a caller that changes the control in place afterwards
        ScalarField control = Problems.smooth(ctx.grid(), 0.4, 0.2);
        GeodesicShooting.Trajectory t = flow.forward(control);
        double[] expected = flow.gradient(t).data();
        java.util.Arrays.fill(control.data(), 0);
        flow.forward(p0);
        flow.forward(p0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, flow.gradient(t).data());
    }
}
