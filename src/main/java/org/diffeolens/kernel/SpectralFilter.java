package org.diffeolens.kernel;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Lattice;

/**
 * out = F^-1 (m F in) for a real field and a real multiplier m that is even in every frequency
 * (m(k) = m(-k)), through a real-to-complex transform on the half spectrum (about half the work
 * of a complex one).
 * <ol>
 * <li>x: a block of rows goes through one batched complex FFT along x ({@link BatchFft} over the
 *     block's rows transposed into columns): row a rides as the real part, row b as the imaginary
 *     part of one column (A(k) = (Z(k) + conj Z(n-k)) / 2, B(k) = (Z(k) - conj Z(n-k)) / 2i);
 *     the nh = nx/2 + 1 coefficients of row y + ny z go to their own pair of arrays;</li>
 * <li>y and z: {@link BatchFft} transforms all kx columns of a set of rows at once (the rows of
 *     one z for y, the rows of one y for z), each set small enough to stay in cache; m is
 *     applied after the last forward axis, and the inverse axes follow in reverse order. In 3D
 *     the x and y passes run a z plane at a time (x blocks never straddle planes), so the y
 *     transform finds the plane's half spectrum still in cache: the spectrum crosses memory three
 *     times a filter instead of five (135^3, 2 threads: 83 -> 72 ms for three components);</li>
 * <li>x inverse: the half spectra of two rows, extended by Hermitian symmetry, ride one column of
 *     an inverse batched FFT back to the two real rows.</li>
 * </ol>
 * Every pass is chunked over the caller's {@link Parallel} (row blocks, z or y sets, or kx ranges in
 * 2D), with scratch per chunk, so the thread count is explicit and no JTransforms thread pool is
 * involved (JTransforms only serves, column by column, lengths with a prime factor above
 * {@link BatchFft#MAX_RADIX}). Not thread-safe.
 */
final class SpectralFilter {

    /**
     * Bytes of rows one batched transform may touch (its rows and as many scratch rows) before the
     * columns are split into blocks: about L2 (512 KiB) plus a share of L3. Measured: narrower
     * blocks lose more to per-loop overhead than they gain in cache hits.
     */
    private static final int CACHE_BUDGET = 1024 * 1024;
    /** Columns moved together between rows and the x transform's columns. */
    private static final int TILE = 8;

    private final int nx;
    private final int ny;
    private final int nz;
    private final int nh;
    private final int rows;
    private final Parallel parallel;
    private final double[][] re;
    private final double[][] im;
    private final BatchFft fftX;
    private final BatchFft fftY;
    private final BatchFft fftZ;
    /** Pairs of rows per x block: rows r0 + j (real part) and r0 + half + j (imaginary part), j < half. */
    private final int half;
    private final Scratch[] scratch;
    private final int blockY;
    private final int blockZ;
    /** 3D: x blocks per z plane (the plane's rows split evenly), so a plane's x and y passes run back to back. */
    private final int planeBlocks;

    /** Per-chunk scratch: the x block's rows as columns, and the batched transforms' work rows. */
    private final class Scratch {
        final double[][] colRe = new double[nx][half];
        final double[][] colIm = new double[nx][half];
        final BatchFft.Work x = fftX.newWork();
        final BatchFft.Work y = fftY.newWork();
        final BatchFft.Work z = nz > 1 ? fftZ.newWork() : null;
        /** 2D: the thread's own copy of a block of kx columns for the y pass. */
        final double[][] homeRe = nz == 1 ? new double[ny][blockY] : null;
        final double[][] homeIm = nz == 1 ? new double[ny][blockY] : null;
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
        int widest = Math.max(1, columnBlock(nx, 64));
        this.planeBlocks = (ny + 2 * widest - 1) / (2 * widest);
        this.half = nz == 1 ? balancedHalf(Math.min(widest, (rows + 1) / 2), rows)
                : (ny / planeBlocks + 2) / 2;
        this.fftX = new BatchFft(nx, half);
        this.fftY = new BatchFft(ny, nh);
        this.fftZ = new BatchFft(nz, nh);
        this.scratch = new Scratch[parallel.threads()];
        this.blockY = columnBlock(ny, nh);
        this.blockZ = columnBlock(nz, nh);
    }

    /**
     * Row pairs per x block, at most {@code half}, such that the number of blocks is even when it is
     * small: 270 rows in blocks of 2 x 64 made 3 blocks, and two threads took 1 and 2 of them. The
     * layout does not depend on the thread count, since it decides which rows share a transform
     * and so the round-off: every thread count gives the same numbers.
     */
    static int balancedHalf(int half, int rows) {
        int blocks = (rows + 2 * half - 1) / (2 * half);
        if (blocks % 2 == 0 || blocks > 16) {
            return half;
        }
        int even = blocks + 1;
        return Math.max(1, (rows + 2 * even - 1) / (2 * even));
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
        int blocks = (rows + 2 * half - 1) / (2 * half);
        if (nz > 1) {
            forwardPlanes(in);
        } else {
            parallel.chunked(blocks, (chunk, b0, b1) -> {
                Scratch s = scratch(chunk);
                for (int b = b0; b < b1; b++) {
                    forwardRows(in, b * 2 * half, Math.min(2 * half, rows - b * 2 * half), s);
                }
            });
        }
        if (nz == 1) {
            // 2D: one set of rows; split the kx columns between the threads, each block moved into
            // the thread's own rows first: the stages write their rows in place, and two threads
            // writing neighbouring columns of the same rows share a cache line in every row
            // (measured: the pass took twice as long on two threads as on one)
            parallel.chunked(nh, (chunk, k0, k1) -> {
                Scratch s = scratch(chunk);
                for (int lo = k0; lo < k1; lo += blockY) {
                    int hi = Math.min(k1, lo + blockY);
                    int w = hi - lo;
                    for (int y = 0; y < ny; y++) {
                        System.arraycopy(re[y], lo, s.homeRe[y], 0, w);
                        System.arraycopy(im[y], lo, s.homeIm[y], 0, w);
                    }
                    fftY.transform(s.homeRe, s.homeIm, 0, 1, 0, w, -1, s.y);
                    for (int y = 0; y < ny; y++) {
                        double[] a = s.homeRe[y];
                        double[] b = s.homeIm[y];
                        double[] f = m[y];
                        for (int k = 0; k < w; k++) {
                            a[k] *= f[lo + k];
                            b[k] *= f[lo + k];
                        }
                    }
                    fftY.transform(s.homeRe, s.homeIm, 0, 1, 0, w, 1, s.y);
                    for (int y = 0; y < ny; y++) {
                        System.arraycopy(s.homeRe[y], 0, re[y], lo, w);
                        System.arraycopy(s.homeIm[y], 0, im[y], lo, w);
                    }
                }
            });
        } else {
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
                    for (int b = 0; b < planeBlocks; b++) {
                        int r0 = z * ny + b * ny / planeBlocks;
                        inverseRows(out, r0, z * ny + (b + 1) * ny / planeBlocks - r0, s);
                    }
                }
            });
            return;
        }
        parallel.chunked(blocks, (chunk, b0, b1) -> {
            Scratch s = scratch(chunk);
            for (int b = b0; b < b1; b++) {
                inverseRows(out, b * 2 * half, Math.min(2 * half, rows - b * 2 * half), s);
            }
        });
    }

    /**
     * 3D forward x and y passes, a z plane at a time: the plane's half spectrum (a few hundred KB)
     * is still in cache when its y transform reads it, instead of a second pass over the whole
     * spectrum from memory.
     */
    private void forwardPlanes(double[] in) {
        parallel.chunked(nz, (chunk, z0, z1) -> {
            Scratch s = scratch(chunk);
            for (int z = z0; z < z1; z++) {
                for (int b = 0; b < planeBlocks; b++) {
                    int r0 = z * ny + b * ny / planeBlocks;
                    forwardRows(in, r0, z * ny + (b + 1) * ny / planeBlocks - r0, s);
                }
                for (int lo = 0; lo < nh; lo += blockY) {
                    fftY.transform(re, im, z * ny, 1, lo, Math.min(nh, lo + blockY), -1, s.y);
                }
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

    /**
     * Half spectra of rows r0 .. r0 + count - 1: row r0 + j rides as the real part and row
     * r0 + h + j (h = ceil(count / 2)) as the imaginary part of column j of one batched complex FFT
     * along x.
     */
    private void forwardRows(double[] in, int r0, int count, Scratch s) {
        int h = (count + 1) / 2;
        double[][] cr = s.colRe;
        double[][] ci = s.colIm;
        int pairs = count - h; // columns j < pairs also carry row r0 + h + j
        for (int j0 = 0; j0 < h; j0 += TILE) {
            int j1 = Math.min(h, j0 + TILE);
            gather(in, r0, j0, j1, cr);
            int paired = Math.max(j0, Math.min(j1, pairs));
            gather(in, r0 + h, j0, paired, ci);
            for (int t = 0; paired < j1 && t < nx; t++) {
                java.util.Arrays.fill(ci[t], paired, j1, 0); // the odd row out rides with zero
            }
        }
        fftX.transform(cr, ci, 0, 1, 0, h, -1, s.x);
        // k outer: each column row is read once, contiguously; the rows written stay in L1
        for (int k = 0; k < nh; k++) {
            int kk = k == 0 ? 0 : nx - k;
            double[] zrs = cr[k];
            double[] zis = ci[k];
            double[] wrs = cr[kk];
            double[] wis = ci[kk];
            for (int j = 0; j < h; j++) {
                double zr = zrs[j];
                double zi = zis[j];
                double wr = wrs[j];
                double wi = wis[j];
                re[r0 + j][k] = 0.5 * (zr + wr);
                im[r0 + j][k] = 0.5 * (zi - wi);
                if (j < pairs) {
                    re[r0 + h + j][k] = 0.5 * (zi + wi);
                    im[r0 + h + j][k] = 0.5 * (wr - zr);
                }
            }
        }
    }

    /** Columns [j0, j1) of col from rows row0 + j: a tile of rows read side by side, each column row written in one run. */
    private void gather(double[] in, int row0, int j0, int j1, double[][] col) {
        int base = row0 * nx;
        for (int t = 0; t < nx; t++) {
            double[] c = col[t];
            int a = base + t;
            for (int j = j0; j < j1; j++) {
                c[j] = in[a + j * nx];
            }
        }
    }

    /** Rows r0 .. r0 + count - 1 back from their half spectra, paired as in {@link #forwardRows}. */
    private void inverseRows(double[] out, int r0, int count, Scratch s) {
        int h = (count + 1) / 2;
        int pairs = count - h;
        double[][] cr = s.colRe;
        double[][] ci = s.colIm;
        int nyquist = nx % 2 == 0 ? nx / 2 : -1;
        for (int k = 0; k < nh; k++) {
            // a real row's spectrum is real at k = 0 and at the Nyquist frequency: the round-off
            // there is dropped, as a c2r transform does
            boolean real = k == 0 || k == nyquist;
            double[] zr = cr[k];
            double[] zi = ci[k];
            double[] wr = real ? null : cr[nx - k];
            double[] wi = real ? null : ci[nx - k];
            for (int j = 0; j < h; j++) {
                double xr = re[r0 + j][k];
                double xi = real ? 0 : im[r0 + j][k];
                double yr = j < pairs ? re[r0 + h + j][k] : 0;
                double yi = j < pairs && !real ? im[r0 + h + j][k] : 0;
                zr[j] = xr - yi;
                zi[j] = xi + yr;
                if (!real) {
                    // Z(n - k) = conj A(k) + i conj B(k)
                    wr[j] = xr + yi;
                    wi[j] = yr - xi;
                }
            }
        }
        fftX.transform(cr, ci, 0, 1, 0, h, 1, s.x);
        for (int j0 = 0; j0 < h; j0 += TILE) {
            int j1 = Math.min(h, j0 + TILE);
            scatter(cr, j0, j1, out, r0);
            scatter(ci, j0, Math.min(j1, pairs), out, r0 + h);
        }
    }

    /** Rows row0 + j of out from columns [j0, j1) of col: the inverse of {@link #gather}. */
    private void scatter(double[][] col, int j0, int j1, double[] out, int row0) {
        int base = row0 * nx;
        for (int t = 0; t < nx; t++) {
            double[] c = col[t];
            int a = base + t;
            for (int j = j0; j < j1; j++) {
                out[a + j * nx] = c[j];
            }
        }
    }
}
