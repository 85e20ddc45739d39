package org.diffeolens.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The half-spectrum filter against a direct oracle: the full complex DFT of the field, times the
 * even multiplier at every frequency (m(-k) read from the half spectrum), and the full inverse DFT
 * as a sum, on even, odd and prime sizes (prime factors above BatchFft.MAX_RADIX included), in 2D
 * and 3D (planes of one and of two x blocks), with 1 and 2 threads.
 */
class SpectralFilterTest {

    private static final double TOLERANCE = 1000 * Tolerances.DOUBLE_EPS;

    static Stream<int[]> sizes() {
        return Stream.of(new int[] {16, 12}, new int[] {13, 7}, new int[] {1, 9}, new int[] {9, 1}, new int[] {17, 19},
                new int[] {2, 34}, new int[] {15, 10}, new int[] {9, 8, 5}, new int[] {11, 13, 6}, new int[] {8, 6, 4},
                new int[] {7, 3, 17}, new int[] {4, 1, 3}, new int[] {1, 5, 2}, new int[] {5, 4, 1},
                // ny above two x blocks: a 3D plane's rows split into two x blocks
                new int[] {5, 131, 3});
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void filterEqualsTheDirectDiscreteFourierSum(int[] size) {
        Grid g = Grid.of(size, spacing(size.length));
        Lattice l = new Lattice(g);
        double[] in = random(l.voxels, size.length + 31L * size[0]);
        for (int threads = 1; threads <= 2; threads++) {
            SpectralFilter f = new SpectralFilter(l, Parallel.of(threads));
            double[][] m = multiplier(l, f);
            double[] out = new double[l.voxels];
            f.filter(in, out, m);
            double[] expected = direct(in, l, m);
            double scale = Math.max(1, maxAbs(expected));
            for (int i = 0; i < out.length; i++) {
                assertTrue(Math.abs(out[i] - expected[i]) < TOLERANCE * scale,
                        java.util.Arrays.toString(size) + " threads " + threads + " voxel " + i + ": " + out[i]
                                + " vs " + expected[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void oneAndTwoThreadsAgreeBitForBitAndInPlaceWorks(int[] size) {
        Lattice l = new Lattice(Grid.of(size, spacing(size.length)));
        double[] in = random(l.voxels, 7);
        SpectralFilter one = new SpectralFilter(l, Parallel.serial());
        SpectralFilter two = new SpectralFilter(l, Parallel.of(2));
        double[][] m = multiplier(l, one);
        double[] a = new double[l.voxels];
        double[] b = in.clone();
        one.filter(in, a, m);
        two.filter(b, b, m);
        assertArrayEquals(a, b);
        // and again with the same instance: buffers are reused, not accumulated into
        two.filter(in, b, m);
        assertArrayEquals(a, b);
    }

    private static double[] spacing(int dim) {
        return dim == 2 ? new double[] {1, 1.5} : new double[] {1, 1.5, 0.7};
    }

    /** A real multiplier that is even in every frequency but not separable. */
    private static double[][] multiplier(Lattice l, SpectralFilter f) {
        double[][] m = new double[f.rows()][f.halfWidth()];
        for (int z = 0; z < l.nz; z++) {
            for (int y = 0; y < l.ny; y++) {
                for (int x = 0; x < f.halfWidth(); x++) {
                    m[y + l.ny * z][x] = value(l, x, y, z);
                }
            }
        }
        return m;
    }

    private static double value(Lattice l, int x, int y, int z) {
        double cx = Math.cos(2 * Math.PI * x / l.nx);
        double cy = Math.cos(2 * Math.PI * y / l.ny);
        double cz = Math.cos(2 * Math.PI * z / l.nz);
        return (1.5 + cx * cy + 0.3 * cz + 0.2 * cx * cx * cz) / l.voxels;
    }

    /** sum_k m(k) exp(2 pi i k.x) sum_y f(y) exp(-2 pi i k.y), real part, with m(k) = m(-k). */
    private static double[] direct(double[] f, Lattice l, double[][] m) {
        int n = l.voxels;
        double[] fr = new double[n];
        double[] fi = new double[n];
        for (int k = 0; k < n; k++) {
            int[] kk = coords(l, k);
            double sr = 0;
            double si = 0;
            for (int j = 0; j < n; j++) {
                int[] jj = coords(l, j);
                double a = -2 * Math.PI * phase(l, kk, jj);
                sr += f[j] * Math.cos(a);
                si += f[j] * Math.sin(a);
            }
            int x = kk[0] <= l.nx / 2 ? kk[0] : l.nx - kk[0];
            int y = kk[0] <= l.nx / 2 ? kk[1] : (l.ny - kk[1]) % l.ny;
            int z = kk[0] <= l.nx / 2 ? kk[2] : (l.nz - kk[2]) % l.nz;
            double w = m[y + l.ny * z][x];
            fr[k] = w * sr;
            fi[k] = w * si;
        }
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            int[] jj = coords(l, j);
            double s = 0;
            for (int k = 0; k < n; k++) {
                double a = 2 * Math.PI * phase(l, coords(l, k), jj);
                s += fr[k] * Math.cos(a) - fi[k] * Math.sin(a);
            }
            out[j] = s;
        }
        return out;
    }

    private static double phase(Lattice l, int[] k, int[] j) {
        return (double) (k[0] * j[0] % l.nx) / l.nx + (double) (k[1] * j[1] % l.ny) / l.ny
                + (double) (k[2] * j[2] % l.nz) / l.nz;
    }

    private static int[] coords(Lattice l, int i) {
        return new int[] {i % l.nx, (i / l.nx) % l.ny, i / (l.nx * l.ny)};
    }

    private static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble() - 0.5;
        }
        return a;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
