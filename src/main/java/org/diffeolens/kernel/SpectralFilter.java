package org.diffeolens.kernel;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Lattice;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * out = F^-1 (m F in) for a real field and a real multiplier m that is even in every frequency
 * (m(k) = m(-k)), through a real-to-complex transform on the half spectrum (about half the work
 * of a complex one).
 * <ol>
 * <li>x: two rows at a time ride one complex JTransforms FFT of length nx (a as the real, b as
 *     the imaginary part; A(k) = (Z(k) + conj Z(n-k)) / 2, B(k) = (Z(k) - conj Z(n-k)) / 2i);
 *     the nh = nx/2 + 1 coefficients of row y + ny z go to their own pair of arrays;</li>
 * <li>y and z: {@link BatchFft} transforms all kx columns of a set of rows at once (the rows of
 *     one z for y, the rows of one y for z), each set small enough to stay in cache; m is
 *     applied after the last forward axis, and the inverse axes follow in reverse order;</li>
 * <li>x inverse: the half spectra of two rows, extended by Hermitian symmetry, ride one inverse
 *     complex FFT back to the two real rows.</li>
 * </ol>
 * Every pass is chunked over the caller's {@link Parallel} (row pairs, z or y sets, or kx ranges in
 * 2D), with plans and scratch per chunk, so the thread count is explicit and no JTransforms thread
 * pool is used (lines are far shorter than its threading threshold). Not thread-safe.
 */
final class SpectralFilter {

    /**
     * Bytes of rows one batched transform may touch (its rows and as many scratch rows), so that
     * the Stockham stages run in a 512 KiB L2 cache; wider sets are done in column blocks.
     */
    private static final int CACHE_BUDGET = 384 * 1024;

    private final int nx;
    private final int ny;
    private final int nz;
    private final int nh;
    private final int rows;
    private final Parallel parallel;
    private final double[][] re;
    private final double[][] im;
    private final BatchFft fftY;
    private final BatchFft fftZ;
    private final Scratch[] scratch;
    private final int blockY;
    private final int blockZ;

    /** Per-chunk plans and buffers. */
    private final class Scratch {
        final DoubleFFT_1D fx = new DoubleFFT_1D(nx);
        final double[] line = new double[2 * nx];
        final BatchFft.Work y = fftY.newWork();
        final BatchFft.Work z = nz > 1 ? fftZ.newWork() : null;
    }

    SpectralFilter(Lattice lat, Parallel parallel) {
        this.nx = lat.nx;
        this.ny = lat.ny;
        this.nz = lat.nz;
        this.nh = nx / 2 + 1;
        this.rows = ny * nz;
        this.parallel = parallel;
        this.re = new double[rows][nh];
        this.im = new double[rows][nh];
        this.fftY = new BatchFft(ny, nh);
        this.fftZ = new BatchFft(nz, nh);
        this.scratch = new Scratch[parallel.threads()];
        this.blockY = columnBlock(ny, nh);
        this.blockZ = columnBlock(nz, nh);
    }

    /** Width of the column blocks of a transform of length n: [0, width) split evenly to fit the budget. */
    static int columnBlock(int n, int width) {
        int fit = Math.max(8, CACHE_BUDGET / (32 * n));
        int blocks = (width + fit - 1) / fit;
        return (width + blocks - 1) / blocks;
    }

    /** Number of kx values kept: nx / 2 + 1. */
    int halfWidth() {
        return nh;
    }

    /** Number of rows (ny * nz); the multiplier is indexed [y + ny z][kx]. */
    int rows() {
        return rows;
    }

    /** out = F^-1 (m F in), m indexed [y + ny z][kx], kx in [0, nx/2]; in and out may be the same array. */
    void filter(double[] in, double[] out, double[][] m) {
        int pairs = (rows + 1) / 2;
        parallel.chunked(pairs, (chunk, p0, p1) -> {
            Scratch s = scratch(chunk);
            for (int p = p0; p < p1; p++) {
                forwardPair(in, 2 * p, s);
            }
        });
        if (nz == 1) {
            // 2D: one set of rows; split the kx columns between the threads
            parallel.chunked(nh, (chunk, k0, k1) -> {
                Scratch s = scratch(chunk);
                for (int lo = k0; lo < k1; lo += blockY) {
                    int hi = Math.min(k1, lo + blockY);
                    fftY.transform(re, im, 0, 1, lo, hi, -1, s.y);
                    multiply(0, 1, ny, m, lo, hi);
                    fftY.transform(re, im, 0, 1, lo, hi, 1, s.y);
                }
            });
        } else {
            parallel.chunked(nz, (chunk, z0, z1) -> {
                Scratch s = scratch(chunk);
                for (int z = z0; z < z1; z++) {
                    for (int lo = 0; lo < nh; lo += blockY) {
                        fftY.transform(re, im, z * ny, 1, lo, Math.min(nh, lo + blockY), -1, s.y);
                    }
                }
            });
            parallel.chunked(ny, (chunk, y0, y1) -> {
                Scratch s = scratch(chunk);
                for (int y = y0; y < y1; y++) {
                    for (int lo = 0; lo < nh; lo += blockZ) {
                        int hi = Math.min(nh, lo + blockZ);
                        fftZ.transform(re, im, y, ny, lo, hi, -1, s.z);
                        multiply(y, ny, nz, m, lo, hi);
                        fftZ.transform(re, im, y, ny, lo, hi, 1, s.z);
                    }
                }
            });
            parallel.chunked(nz, (chunk, z0, z1) -> {
                Scratch s = scratch(chunk);
                for (int z = z0; z < z1; z++) {
                    for (int lo = 0; lo < nh; lo += blockY) {
                        fftY.transform(re, im, z * ny, 1, lo, Math.min(nh, lo + blockY), 1, s.y);
                    }
                }
            });
        }
        parallel.chunked(pairs, (chunk, p0, p1) -> {
            Scratch s = scratch(chunk);
            for (int p = p0; p < p1; p++) {
                inversePair(out, 2 * p, s);
            }
        });
    }

    private Scratch scratch(int chunk) {
        Scratch s = scratch[chunk];
        if (s == null) {
            s = new Scratch();
            scratch[chunk] = s;
        }
        return s;
    }

    /** Rows offset + t stride (t < count) times their multiplier rows, on columns [lo, hi). */
    private void multiply(int offset, int stride, int count, double[][] m, int lo, int hi) {
        for (int t = 0; t < count; t++) {
            int r = offset + t * stride;
            double[] a = re[r];
            double[] b = im[r];
            double[] w = m[r];
            for (int k = lo; k < hi; k++) {
                a[k] *= w[k];
                b[k] *= w[k];
            }
        }
    }

    /** Half spectra of rows a and a + 1 (if any) from one complex FFT. */
    private void forwardPair(double[] in, int a, Scratch s) {
        double[] line = s.line;
        boolean pair = a + 1 < rows;
        int ia = a * nx;
        int ib = ia + nx;
        for (int x = 0; x < nx; x++) {
            line[2 * x] = in[ia + x];
            line[2 * x + 1] = pair ? in[ib + x] : 0;
        }
        s.fx.complexForward(line);
        double[] ar = re[a];
        double[] ai = im[a];
        double[] br = pair ? re[a + 1] : null;
        double[] bi = pair ? im[a + 1] : null;
        for (int k = 0; k < nh; k++) {
            int kk = k == 0 ? 0 : nx - k;
            double zr = line[2 * k];
            double zi = line[2 * k + 1];
            double wr = line[2 * kk];
            double wi = line[2 * kk + 1];
            ar[k] = 0.5 * (zr + wr);
            ai[k] = 0.5 * (zi - wi);
            if (pair) {
                br[k] = 0.5 * (zi + wi);
                bi[k] = 0.5 * (wr - zr);
            }
        }
    }

    /** Rows a and a + 1 (if any) back from their half spectra by one inverse complex FFT. */
    private void inversePair(double[] out, int a, Scratch s) {
        double[] line = s.line;
        boolean pair = a + 1 < rows;
        double[] ar = re[a];
        double[] ai = im[a];
        double[] br = pair ? re[a + 1] : null;
        double[] bi = pair ? im[a + 1] : null;
        int nyquist = nx % 2 == 0 ? nx / 2 : -1;
        for (int k = 0; k < nh; k++) {
            double xr = ar[k];
            double xi = ai[k];
            double yr = pair ? br[k] : 0;
            double yi = pair ? bi[k] : 0;
            if (k == 0 || k == nyquist) {
                // a real row's spectrum is real there; drop the round-off, as a c2r transform does
                xi = 0;
                yi = 0;
            }
            line[2 * k] = xr - yi;
            line[2 * k + 1] = xi + yr;
            if (k > 0 && k != nyquist) {
                // Z(n - k) = conj A(k) + i conj B(k)
                line[2 * (nx - k)] = xr + yi;
                line[2 * (nx - k) + 1] = yr - xi;
            }
        }
        s.fx.complexInverse(line, false);
        int ia = a * nx;
        for (int x = 0; x < nx; x++) {
            out[ia + x] = line[2 * x];
        }
        if (pair) {
            int ib = ia + nx;
            for (int x = 0; x < nx; x++) {
                out[ib + x] = line[2 * x + 1];
            }
        }
    }
}
