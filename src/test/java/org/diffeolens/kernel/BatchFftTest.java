package org.diffeolens.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.diffeolens.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The batched Stockham FFT against the defining sum X(k) = sum_t x(t) exp(-2 pi i k t / n). */
class BatchFftTest {

    /** FFT error grows like log(n) eps relative to the largest coefficient; a wide margin for n < 300. */
    private static final double TOLERANCE = 100 * Tolerances.DOUBLE_EPS;

    @ParameterizedTest
    // 1, powers of 2, mixed radices (2, 3, 5, 7, 11, 13), primes above MAX_RADIX (column-wise Bluestein)
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16, 30, 45, 64, 77, 128, 143, 144, 17, 34, 97, 257})
    void forwardMatchesTheDefiningSumAndInverseUndoesIt(int n) {
        int width = 7;
        int offset = 3;
        int stride = 2;
        double[][] re = new double[offset + n * stride][width];
        double[][] im = new double[offset + n * stride][width];
        Random rnd = new Random(n);
        for (int r = 0; r < re.length; r++) {
            for (int i = 0; i < width; i++) {
                re[r][i] = rnd.nextDouble() - 0.5;
                im[r][i] = rnd.nextDouble() - 0.5;
            }
        }
        double[][] re0 = deepCopy(re);
        double[][] im0 = deepCopy(im);
        BatchFft fft = new BatchFft(n, width);
        BatchFft.Work work = fft.newWork();
        int lo = 1;
        int hi = 6;
        fft.transform(re, im, offset, stride, lo, hi, -1, work);
        double scale = 0;
        for (int i = lo; i < hi; i++) {
            for (int k = 0; k < n; k++) {
                double sr = 0;
                double si = 0;
                for (int t = 0; t < n; t++) {
                    double a = -2 * Math.PI * ((long) k * t % n) / n;
                    double xr = re0[offset + t * stride][i];
                    double xi = im0[offset + t * stride][i];
                    sr += xr * Math.cos(a) - xi * Math.sin(a);
                    si += xr * Math.sin(a) + xi * Math.cos(a);
                }
                scale = Math.max(scale, Math.hypot(sr, si));
                double er = Math.abs(sr - re[offset + k * stride][i]);
                double ei = Math.abs(si - im[offset + k * stride][i]);
                assertTrue(er <= TOLERANCE * n * Math.max(1, scale) && ei <= TOLERANCE * n * Math.max(1, scale),
                        "n=" + n + " k=" + k + " column " + i + ": " + er + ", " + ei);
            }
        }
        fft.transform(re, im, offset, stride, lo, hi, 1, work);
        for (int r = 0; r < re.length; r++) {
            boolean transformed = r >= offset && (r - offset) % stride == 0;
            for (int i = 0; i < width; i++) {
                boolean inRange = transformed && i >= lo && i < hi;
                double f = inRange ? n : 1;
                // rows and columns outside the transform are untouched, bit for bit
                if (!inRange) {
                    assertTrue(re[r][i] == re0[r][i] && im[r][i] == im0[r][i], "row " + r + " column " + i);
                } else {
                    assertTrue(Math.abs(re[r][i] / f - re0[r][i]) < TOLERANCE * n
                            && Math.abs(im[r][i] / f - im0[r][i]) < TOLERANCE * n, "n=" + n + " row " + r);
                }
            }
        }
    }

    @Test
    void factorsArePrimeAndMultiplyBack() {
        for (int n = 1; n < 2000; n++) {
            int p = 1;
            for (int f : BatchFft.factor(n)) {
                for (int d = 2; d * d <= f; d++) {
                    assertTrue(f % d != 0, f + " is not prime");
                }
                p *= f;
            }
            assertArrayEquals(new int[] {n}, new int[] {p});
        }
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
