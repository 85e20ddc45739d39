package org.diffeolens.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.diffeolens.Fields;
import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DifferentialTest {

    /** Odd, prime, even, singleton-free sizes with anisotropic spacing, in 2D and 3D. */
    static Stream<Grid> grids() {
        return Stream.of(
                Grid.of(new int[] {7, 5}, new double[] {1, 1}),
                Grid.of(new int[] {13, 11}, new double[] {0.7, 1.9}),
                Grid.of(new int[] {2, 3}, new double[] {1, 1}),
                Grid.of(new int[] {5, 6, 7}, new double[] {1.2, 0.8, 3}),
                Grid.of(new int[] {11, 2, 4}, new double[] {1, 1, 1}));
    }

    @ParameterizedTest
    @MethodSource("grids")
    void divergenceIsTheExactNegativeAdjointOfTheGradient(Grid g) {
        Differential diff = new Differential(g, Parallel.of(2));
        ScalarField f = Fields.random(g, 1);
        VectorField v = Fields.randomVector(g, 2);
        double lhs = VectorField.dot(diff.gradient(f), v);
        double rhs = -ScalarField.dot(f, diff.divergence(v));
        // both sides are sums of ~N d products of O(1/h) terms: round-off is a few ulps of the magnitude
        double scale = Math.sqrt(g.voxelCount()) * 10;
        assertEquals(lhs, rhs, scale * Tolerances.DOUBLE_ROUNDOFF);
    }

    @ParameterizedTest
    @MethodSource("grids")
    void gradientOfALinearFunctionIsExactEverywhereIncludingTheBorder(Grid g) {
        Differential diff = new Differential(g, Parallel.serial());
        double[] a = {0.5, -2.0, 1.25};
        ScalarField f = Fields.of(g, (x, y, z) -> a[0] * x + a[1] * y + a[2] * z + 3);
        VectorField grad = diff.gradient(f);
        for (int k = 0; k < g.dim(); k++) {
            for (double v : grad.component(k)) {
                assertEquals(a[k], v, 1e-12);
            }
        }
    }

    @Test
    void centralDifferencesAreSecondOrderAccurateInside() {
        // error of (f(x+h)-f(x-h))/2h for sin is h^2/6 |f'''|: halving h divides it by 4
        double[] errors = new double[2];
        for (int level = 0; level < 2; level++) {
            int n = 32 << level;
            double h = 2 * Math.PI / n;
            Grid g = Grid.of(new int[] {n, 3}, new double[] {h, 1});
            ScalarField f = Fields.of2(g, (x, y) -> Math.sin(x));
            VectorField grad = new Differential(g, Parallel.serial()).gradient(f);
            double worst = 0;
            for (int x = 1; x < n - 1; x++) {
                worst = Math.max(worst, Math.abs(grad.component(0)[x] - Math.cos(x * h)));
            }
            errors[level] = worst;
            assertEquals(h * h / 6, worst, 0.05 * h * h / 6);
        }
        assertEquals(4, errors[0] / errors[1], 0.05);
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalResults() {
        Grid g = Grid.of(new int[] {17, 9, 5}, new double[] {1, 2, 1.5});
        ScalarField f = Fields.random(g, 3);
        VectorField v = Fields.randomVector(g, 4);
        Differential one = new Differential(g, Parallel.serial());
        Differential two = new Differential(g, Parallel.of(2));
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(one.gradient(f).component(k), two.gradient(f).component(k), 0);
        }
        assertArrayEquals(one.divergence(v).data(), two.divergence(v).data(), 0);
        double[] l1 = new double[g.voxelCount()];
        double[] l2 = new double[g.voxelCount()];
        one.laplacianPeriodic(f.data(), l1);
        two.laplacianPeriodic(f.data(), l2);
        assertArrayEquals(l1, l2, 0);
    }

    @Test
    void jacobianDeterminantOfAnAffineDisplacementIsDetOfIPlusA() {
        Grid g = Grid.of(new int[] {6, 7, 5}, new double[] {1, 0.5, 2});
        double[] a = {0.1, -0.2, 0.05, 0.3, -0.1, 0.2, 0.0, 0.15, 0.25};
        VectorField u = Fields.vector(g,
                (x, y, z) -> a[0] * x + a[1] * y + a[2] * z,
                (x, y, z) -> a[3] * x + a[4] * y + a[5] * z,
                (x, y, z) -> a[6] * x + a[7] * y + a[8] * z);
        double[] m = a.clone();
        m[0] += 1;
        m[4] += 1;
        m[8] += 1;
        double expected = Matrices.determinant(m, 3);
        for (double j : new Differential(g, Parallel.of(2)).jacobianDeterminant(u).data()) {
            assertEquals(expected, j, 1e-12);
        }
    }

    @Test
    void periodicLaplacianOfAFourierModeIsItsEigenvalue() {
        Grid g = Grid.of(new int[] {12, 10}, new double[] {0.5, 2});
        int kx = 3;
        int ky = 2;
        ScalarField f = Fields.of2(g, (x, y) -> Math.cos(2 * Math.PI * (kx * x / (12 * 0.5) + ky * y / (10 * 2.0))));
        double[] out = new double[g.voxelCount()];
        new Differential(g, Parallel.serial()).laplacianPeriodic(f.data(), out);
        double mu = (2 - 2 * Math.cos(2 * Math.PI * kx / 12)) / 0.25 + (2 - 2 * Math.cos(2 * Math.PI * ky / 10)) / 4;
        for (int i = 0; i < out.length; i++) {
            assertEquals(-mu * f.data()[i], out[i], 1e-12);
        }
    }
}
