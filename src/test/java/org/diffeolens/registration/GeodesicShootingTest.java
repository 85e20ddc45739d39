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
}
