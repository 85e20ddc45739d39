package org.diffeolens.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.diffeolens.Fields;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Grid;
import org.diffeolens.field.VectorField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FourierKernelTest {

    static Stream<Grid> grids() {
        return Stream.of(
                Grid.of(new int[] {16, 12}, new double[] {1, 1}),
                Grid.of(new int[] {13, 7}, new double[] {0.8, 1.7}),
                Grid.of(new int[] {9, 8, 5}, new double[] {1, 1.5, 2.5}),
                Grid.of(new int[] {11, 13, 6}, new double[] {2, 2, 3}),
                // prime factors above BatchFft.MAX_RADIX: the column-wise path
                Grid.of(new int[] {17, 19}, new double[] {1, 1.2}),
                Grid.of(new int[] {23, 4, 7}, new double[] {1.1, 1, 0.9}));
    }

    @ParameterizedTest
    @MethodSource("grids")
    void oneAndTwoThreadsGiveTheSameField(Grid g) {
        VectorField v = Fields.randomVector(g, 3);
        VectorField one = Kernels.sobolev(g, 2.0, 1.0, 2, Parallel.serial()).applyK(v);
        VectorField two = Kernels.sobolev(g, 2.0, 1.0, 2, Parallel.of(2)).applyK(v);
        for (int c = 0; c < g.dim(); c++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(one.component(c), two.component(c));
        }
    }

    @ParameterizedTest
    @MethodSource("grids")
    void aPlaneWaveIsScaledByItsEigenvalue(Grid g) {
        // cos(2 pi k.x / N) is an eigenvector of every translation-invariant K, eigenvalue K(k)
        FourierKernel k = Kernels.sobolev(g, 1.7, 0.8, 1.5, Parallel.of(2));
        int[] n = g.size();
        int[] freq = {1 % n[0], 2 % n[1], g.dim() == 3 ? 1 % n[2] : 0};
        double[] h = g.spacing();
        double hz = g.dim() == 3 ? h[2] : 1;
        Fields.Function3 cos = (x, y, z) -> Math.cos(2 * Math.PI * (freq[0] * x / (h[0] * n[0])
                + freq[1] * y / (h[1] * n[1]) + (g.dim() == 3 ? freq[2] * z / (hz * n[2]) : 0)));
        Fields.Function3 zero = (x, y, z) -> 0;
        VectorField wave = Fields.vector(g, cos, zero, zero);
        double lambda = k.eigenvalueK(freq[0] + n[0] * (freq[1] + n[1] * freq[2]));
        VectorField kw = k.applyK(wave);
        for (int i = 0; i < g.voxelCount(); i++) {
            assertEquals(lambda * wave.component(0)[i], kw.component(0)[i], 1e-13);
        }
    }

    @ParameterizedTest
    @MethodSource("grids")
    void kernelInvertsTheOperator(Grid g) {
        FourierKernel k = Kernels.sobolev(g, 2.0, 1.0, 2, Parallel.of(2));
        VectorField v = Fields.randomVector(g, 11);
        VectorField lkv = k.applyL(k.applyK(v));
        for (int c = 0; c < g.dim(); c++) {
            // FFT round trip in double: relative error ~ log(N) eps times the condition number of L
            assertTrue(Fields.maxAbsDiff(v.component(c), lkv.component(c)) < 1e-9);
        }
    }

    @ParameterizedTest
    @MethodSource("grids")
    void kernelIsSymmetricAndPositive(Grid g) {
        FourierKernel k = Kernels.sobolev(g, 1.5, 0.5, 1.5, Parallel.serial());
        VectorField a = Fields.randomVector(g, 1);
        VectorField b = Fields.randomVector(g, 2);
        double ab = VectorField.dot(k.applyK(a), b);
        double ba = VectorField.dot(a, k.applyK(b));
        assertEquals(ab, ba, 1e-10 * Math.abs(ab) + 1e-12);
        assertTrue(VectorField.dot(k.applyK(a), a) > 0);
        assertTrue(k.normSquared(a) > 0);
    }

    @ParameterizedTest
    @MethodSource("grids")
    void fourierOperatorEqualsTheDiscreteStencilApplied(Grid g) {
        // L = (gamma - alpha Lap)^2 applied twice by the periodic 5/7-point stencil
        double alpha = 0.7;
        double gamma = 1.3;
        FourierKernel k = Kernels.sobolev(g, alpha, gamma, 2, Parallel.of(2));
        Differential diff = new Differential(g, Parallel.serial());
        VectorField v = Fields.randomVector(g, 5);
        VectorField viaFft = k.applyL(v);
        for (int c = 0; c < g.dim(); c++) {
            double[] once = applyStencil(diff, v.component(c), alpha, gamma);
            double[] twice = applyStencil(diff, once, alpha, gamma);
            double scale = Fields.maxAbs(twice);
            assertTrue(Fields.maxAbsDiff(twice, viaFft.component(c)) < 1e-11 * scale);
        }
    }

    private static double[] applyStencil(Differential diff, double[] f, double alpha, double gamma) {
        double[] lap = new double[f.length];
        diff.laplacianPeriodic(f, lap);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = gamma * f[i] - alpha * lap[i];
        }
        return out;
    }

    @Test
    void gaussianKernelOfADeltaHasVarianceSigmaSquared() {
        // exp(t Lap_h) is the law of a continuous-time random walk: variance 2t per axis, = sigma^2
        double sigma = 3.0;
        Grid g = Grid.of(new int[] {64, 48}, new double[] {1, 0.75});
        FourierKernel k = Kernels.gaussian(g, sigma, Parallel.of(2));
        VectorField delta = VectorField.zeros(g);
        int cx = 32;
        int cy = 24;
        delta.component(0)[cx + 64 * cy] = 1;
        VectorField kd = k.applyK(delta);
        double mass = 0;
        double vx = 0;
        double vy = 0;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                double w = kd.component(0)[x + 64 * y];
                mass += w;
                vx += w * (x - cx) * (x - cx);
                vy += w * (y - cy) * 0.75 * (y - cy) * 0.75;
            }
        }
        assertEquals(1, mass, 1e-9);
        // the floor adds a negligible white component; the periodic wrap is 8 sigma away
        assertEquals(sigma * sigma, vx, 1e-3 * sigma * sigma);
        assertEquals(sigma * sigma, vy, 1e-3 * sigma * sigma);
    }

    @Test
    void constantFieldsAreScaledByOneOverGammaToTheOrder() {
        Grid g = Grid.of(new int[] {8, 6, 4}, new double[] {1, 1, 1});
        FourierKernel k = Kernels.sobolev(g, 5, 2, 3, Parallel.serial());
        VectorField v = Fields.vector(g, (x, y, z) -> 1, (x, y, z) -> -2, (x, y, z) -> 0.5);
        VectorField kv = k.applyK(v);
        assertEquals(1 / 8.0, kv.component(0)[17], 1e-12);
        assertEquals(-2 / 8.0, kv.component(1)[5], 1e-12);
        assertEquals(0.5 / 8.0, kv.component(2)[100], 1e-12);
    }

    @Test
    void badParametersAreRefusedWithTheirValue() {
        Grid g = Grid.of(4, 4);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Kernels.sobolev(g, -1, 1, 2, Parallel.serial()));
        assertTrue(e.getMessage().contains("-1"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Kernels.sobolev(g, 1, 0, 2, Parallel.serial()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Kernels.gaussian(g, Double.NaN, Parallel.serial()));
    }
}
