package org.diffeolens.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Fields;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Prolongation;
import org.diffeolens.field.VectorField;
import org.junit.jupiter.api.Test;

class CoarseKernelTest {

    private static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            for (int i = 0; i < a[c].length; i++) {
                s += a[c][i] * b[c][i];
            }
        }
        return s;
    }

    /**
     * On an exact half, a plane wave cos(w x) goes through in closed form: P^T collects
     * (1 + cos w) cos(2 w j) per coarse node and 2 along y, the voxel ratio 1/4 scales it, K_c
     * multiplies by K at the coarse Laplacian's eigenvalue (2 - 2 cos 2w) / (2h)^2, and P puts the
     * coarse values on the even voxels and their means, a factor cos w, on the odd ones.
     */
    @Test
    void aPlaneWaveComesOutInClosedForm() {
        Grid g = Grid.of(new int[] {64, 16}, new double[] {1, 1});
        FourierKernel k = Kernels.sobolev(g, 9, 1, 2, Parallel.of(2));
        CoarseKernel coarse = CoarseKernel.of(k);
        assertNotNull(coarse);
        assertArrayEquals(new int[] {32, 8}, coarse.coarseGrid().size());
        double w = 2 * Math.PI * 3 / 64;
        double[][] f = new double[1][g.voxelCount()];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 64; x++) {
                f[0][x + 64 * y] = Math.cos(w * x);
            }
        }
        double[][] out = new double[1][f[0].length];
        coarse.applyK(f, out);
        double kc = k.eigenvalueAt((2 - 2 * Math.cos(2 * w)) / 4);
        double gain = Math.pow(Math.cos(w / 2), 2) * kc;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 64; x++) {
                double expected = gain * Math.cos(w * x) * (x % 2 == 0 ? 1 : Math.cos(w));
                assertEquals(expected, out[0][x + 64 * y], 1e-13, "at " + x + ", " + y);
            }
        }
        // and that is K's own eigenvalue up to the O(w^2) of linear interpolation
        double exact = k.eigenvalueAt(2 - 2 * Math.cos(w));
        assertEquals(exact, gain, w * w * exact);
    }

    @Test
    void symmetricPositiveAndKeepsConstantsOnUnevenRatios() {
        Grid g = Grid.of(new int[] {27, 20, 18}, new double[] {1, 1.2, 0.9});
        FourierKernel k = Kernels.sobolev(g, 9, 1, 2, Parallel.of(2));
        CoarseKernel coarse = CoarseKernel.of(k);
        assertNotNull(coarse);
        Grid gc = coarse.coarseGrid();
        for (int a = 0; a < 3; a++) {
            // the same periodic box, on an FFT-friendly grid about half as fine
            assertEquals(g.size(a) * g.spacing(a), gc.size(a) * gc.spacing(a), 1e-12);
            assertTrue(gc.size(a) < g.size(a) && 2 * gc.size(a) >= g.size(a), "axis " + a + ": " + gc);
        }
        assertArrayEquals(g.origin(), gc.origin());
        double[][] f = Fields.randomVector(g, 1).components();
        double[][] h = Fields.randomVector(g, 2).components();
        double[][] kf = new double[3][g.voxelCount()];
        double[][] kh = new double[3][g.voxelCount()];
        coarse.applyK(f, kf);
        coarse.applyK(h, kh);
        double scale = Math.sqrt(dot(f, f) * dot(h, h)) * k.eigenvalueAt(0);
        assertEquals(dot(f, kh), dot(h, kf), 1e-12 * scale);
        assertTrue(dot(f, kf) > 0);
        // constants: on an uneven ratio the column sums s = P^T 1 are not all N / Nc, and by
        // Parseval mean(K' 1) = c s'K_c s / N = K(0) + (Nc / N^2) sum_{k != 0} K_c(k) |s_k|^2 / Nc,
        // between K(0) and K(0) (1 + var(s) / mean(s)^2) since 0 < K_c(k) <= K(0)
        double[][] ones = new double[1][g.voxelCount()];
        java.util.Arrays.fill(ones[0], 1);
        double[][] k1 = new double[1][g.voxelCount()];
        coarse.applyK(ones, k1);
        double mean = 0;
        for (double v : k1[0]) {
            mean += v / k1[0].length;
        }
        double[] sums = new double[gc.voxelCount()];
        new Prolongation(g.size(), gc.size(), Parallel.serial()).restrict(ones[0], sums);
        double sMean = 0;
        double sVar = 0;
        for (double v : sums) {
            sMean += v / sums.length;
        }
        for (double v : sums) {
            sVar += (v - sMean) * (v - sMean) / sums.length;
        }
        assertTrue(sVar > 0, "an uneven ratio");
        double k0 = k.eigenvalueAt(0);
        assertTrue(mean >= k0 - 1e-12 && mean <= k0 * (1 + sVar / (sMean * sMean)) + 1e-12,
                "mean " + mean + ", K(0) " + k0 + ", relative variance of the column sums " + sVar / (sMean * sMean));
    }

    @Test
    void theNormalOperatorIsGTimesKPrimeOfXTimesG() {
        Grid g = Grid.of(new int[] {30, 24}, new double[] {1, 1});
        FourierKernel k = Kernels.sobolev(g, 9, 1, 2, Parallel.of(2));
        CoarseKernel coarse = CoarseKernel.of(k);
        double[] x = Fields.random(g, 3).data();
        VectorField grad = Fields.randomVector(g, 4);
        double[][] gc = grad.components();
        double[] out = Fields.random(g, 5).data();
        double[] expected = out.clone();
        double[][] m = new double[2][x.length];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < x.length; i++) {
                m[c][i] = x[i] * gc[c][i];
            }
        }
        coarse.applyK(m, m);
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < x.length; i++) {
                expected[i] += gc[c][i] * m[c][i];
            }
        }
        coarse.addNormalOperator(x, gc, out);
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], out[i], 1e-12 * (1 + Math.abs(expected[i])));
        }
    }

    @Test
    void narrowKernelsSmallGridsAndOtherKernelsAreNotCoarsened() {
        Grid g = Grid.of(new int[] {64, 64}, new double[] {1, 1});
        // alpha = 1: K at the coarse Nyquist (mu = 2) is (1 + 2)^-2 = 0.11 of K(0), above DECAY
        assertNull(CoarseKernel.of(Kernels.sobolev(g, 1, 1, 2, Parallel.serial())));
        // the Gaussian of 3 mm has decayed to exp(-9) there; of 1 mm, to exp(-1)
        assertNotNull(CoarseKernel.of(Kernels.gaussian(g, 3, Parallel.serial())));
        assertNull(CoarseKernel.of(Kernels.gaussian(g, 1, Parallel.serial())));
        assertNull(CoarseKernel.of(Kernels.sobolev(Grid.of(new int[] {12, 10}, new double[] {1, 1}), 9, 1, 2,
                Parallel.serial())));
        // a coarse spacing is judged in mm: 0.25 mm voxels make alpha = 9 mm^2 very wide
        CoarseKernel fine = CoarseKernel.of(Kernels.sobolev(Grid.of(new int[] {40, 40}, new double[] {0.25, 0.25}),
                0.1, 1, 2, Parallel.serial()));
        assertNull(fine, "alpha 0.1 mm^2 on 0.25 mm voxels: 1.6 voxels^2, too narrow");
        FourierKernel base = Kernels.sobolev(g, 9, 1, 2, Parallel.serial());
        Kernel wrapped = new Kernel() {
            public Grid grid() {
                return base.grid();
            }

            public void applyK(double[][] in, double[][] out) {
                base.applyK(in, out);
            }

            public void applyL(double[][] in, double[][] out) {
                base.applyL(in, out);
            }

            public double eigenvalueK(int i) {
                return base.eigenvalueK(i);
            }

            public String describe() {
                return base.describe();
            }
        };
        assertNull(CoarseKernel.of(wrapped));
    }
}
