package org.diffeolens.field;

import java.util.Arrays;
import org.diffeolens.concurrent.Parallel;

/**
 * Semi-Lagrangian transport on one grid, and the exact adjoint of each step, the building blocks
 * of every flow in the engine. A map psi is held as its displacement p (psi(x) = x + p(x), p in mm
 * along the voxel axes). The forward operations:
 * <ul>
 * <li>{@link #pullBack}: out(x) = f(x + p(x)), an image carried by the map (I_t = I_0 o psi_t);</li>
 * <li>{@link #advectMap}: psi' = psi o (id - dt v), one explicit step of d/dt psi = -(D psi) v,
 *     the inverse map of the flow of v;</li>
 * <li>{@link #compose}: r = p o (id + q) + q, i.e. (id + r) = (id + p) o (id + q).</li>
 * </ul>
 * Each *Adjoint method accumulates (adds) the transposed derivative of its forward operation into
 * the given bar arrays, for reverse sweeps; the bar arrays must not alias the inputs. The point
 * of each voxel is located once for all the fields that share it. Scatter (splat) targets: the
 * first chunk of rows writes the target itself, every other chunk a private buffer that is added
 * in afterwards over the index range it touched, then zeroed again there, so no two threads write
 * the same voxel and the work does not grow with the number of threads times the grid.
 */
public final class Transport {

    private final Grid grid;
    private final Lattice lat;
    private final Parallel parallel;
    private final int dim;
    private final double[] inverseSpacing;
    private final Splats splats;
    private double[][] direct;

    public Transport(Grid grid, Parallel parallel) {
        this.grid = grid;
        this.lat = new Lattice(grid);
        this.parallel = parallel;
        this.dim = grid.dim();
        this.inverseSpacing = new double[] {1 / lat.hx, 1 / lat.hy, dim == 3 ? 1 / lat.hz : 0};
        this.splats = new Splats();
    }

    public Grid grid() {
        return grid;
    }

    public Lattice lattice() {
        return lat;
    }

    /** out(x) = f(x + p(x)); p may be null (identity). */
    public void pullBack(double[] f, double[][] p, double[] out) {
        pullBack(new double[][] {f}, p, new double[][] {out});
    }

    /** out[k](x) = f[k](x + p(x)) for every field k, locating each point once; p may be null. */
    public void pullBack(double[][] f, double[][] p, double[][] out) {
        if (p == null) {
            for (int k = 0; k < f.length; k++) {
                System.arraycopy(f[k], 0, out[k], 0, f[k].length);
            }
            return;
        }
        double[] step = steps(1);
        parallel.range(lat.rows(), (r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                pullBackRow(st, row, f, p, step, out);
            }
        });
    }

    private void pullBackRow(LinearStencil st, int row, double[][] f, double[][] p, double[] step, double[][] out) {
        int y = row % lat.ny;
        int z = row / lat.ny;
        int i0 = row * lat.nx;
        double[] f0 = f[0];
        double[] out0 = out[0];
        for (int x = 0; x < lat.nx; x++) {
            int i = i0 + x;
            locate(st, x, y, z, p, i, step);
            out0[i] = st.value(f0);
            for (int k = 1; k < f.length; k++) {
                out[k][i] = st.value(f[k]);
            }
        }
    }

    /**
     * Adjoint of {@link #pullBack} given outBar = dE/d out: pBar[a] += outBar (df/dx_a)(x + p),
     * and, when fBar is not null, fBar += (interpolation)^T outBar.
     */
    public void pullBackAdjoint(double[] f, double[][] p, double[] outBar, double[][] pBar, double[] fBar) {
        pullBackAdjoint(new double[][] {f}, p, new double[][] {outBar}, pBar, new double[][] {fBar});
    }

    /**
     * Adjoint of the multi-field {@link #pullBack}: pBar[a] += sum_k outBar[k] (df[k]/dx_a)(x + p)
     * (pBar may be null), and fBar[k] += (interpolation)^T outBar[k] for each k whose fBar[k] is not
     * null (fBar may be null).
     */
    public void pullBackAdjoint(double[][] f, double[][] p, double[][] outBar, double[][] pBar, double[][] fBar) {
        int fields = f.length;
        if (p == null) {
            for (int k = 0; k < fields; k++) {
                if (fBar != null && fBar[k] != null) {
                    for (int i = 0; i < fBar[k].length; i++) {
                        fBar[k][i] += outBar[k][i];
                    }
                }
            }
            return;
        }
        double[][] targets = new double[fields][];
        for (int k = 0; k < fields; k++) {
            targets[k] = fBar == null ? null : fBar[k];
        }
        double[] step = steps(1);
        splats.run(targets, (chunk, r0, r1, acc, range) -> {
            LinearStencil st = new LinearStencil(lat);
            double[] w = new double[fields];
            double[] g = new double[3];
            for (int row = r0; row < r1; row++) {
                pullBackAdjointRow(st, w, g, row, f, p, step, outBar, pBar, acc, range);
            }
        });
    }

    private void pullBackAdjointRow(LinearStencil st, double[] w, double[] g, int row, double[][] f, double[][] p,
                                    double[] step, double[][] outBar, double[][] pBar, double[][] acc, Range range) {
        int y = row % lat.ny;
        int z = row / lat.ny;
        int i0 = row * lat.nx;
        int fields = f.length;
        for (int x = 0; x < lat.nx; x++) {
            int i = i0 + x;
            boolean any = false;
            for (int k = 0; k < fields; k++) {
                w[k] = outBar[k][i];
                any |= w[k] != 0;
            }
            if (!any) {
                continue;
            }
            locate(st, x, y, z, p, i, step);
            if (pBar != null) {
                // sum_k outBar[k] grad f[k] is the gradient of the interpolant of sum_k outBar[k] f[k]
                st.gradientOfSum(f, w, fields, g);
                for (int a = 0; a < dim; a++) {
                    pBar[a][i] += g[a] * inverseSpacing[a];
                }
            }
            for (int k = 0; k < fields; k++) {
                if (acc[k] != null && w[k] != 0) {
                    st.splat(acc[k], w[k]);
                    range.touch(st);
                }
            }
        }
    }

    /** pNext(x) = -dt v(x) + p(x - dt v(x)); p may be null (identity). */
    public void advectMap(double[][] p, double[][] v, double dt, double[][] pNext) {
        double[] step = steps(-dt);
        parallel.range(lat.rows(), (r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                advectMapRow(st, row, p, v, dt, step, pNext);
            }
        });
    }

    private void advectMapRow(LinearStencil st, int row, double[][] p, double[][] v, double dt, double[] step,
                              double[][] pNext) {
        int y = row % lat.ny;
        int z = row / lat.ny;
        int i0 = row * lat.nx;
        for (int x = 0; x < lat.nx; x++) {
            int i = i0 + x;
            locate(st, x, y, z, v, i, step);
            for (int c = 0; c < dim; c++) {
                pNext[c][i] = -dt * v[c][i] + (p == null ? 0 : st.value(p[c]));
            }
        }
    }

    /**
     * Adjoint of {@link #advectMap} given pNextBar: pBar += (interpolation at x - dt v)^T pNextBar,
     * vBar[a] += -dt (pNextBar[a] + sum_c pNextBar[c] (dp_c/dx_a)(x - dt v)).
     */
    public void advectMapAdjoint(double[][] p, double[][] v, double dt, double[][] pNextBar,
                                 double[][] pBar, double[][] vBar) {
        double[][] targets = pBar == null || p == null ? new double[dim][] : pBar;
        double[] step = steps(-dt);
        splats.run(targets, (chunk, r0, r1, acc, range) -> {
            LinearStencil st = new LinearStencil(lat);
            double[] w = new double[3];
            double[] g = new double[3];
            for (int row = r0; row < r1; row++) {
                advectMapAdjointRow(st, w, g, row, p, v, dt, step, pNextBar, vBar, acc, range);
            }
        });
    }

    private void advectMapAdjointRow(LinearStencil st, double[] w, double[] g, int row, double[][] p, double[][] v,
                                     double dt, double[] step, double[][] pNextBar, double[][] vBar, double[][] acc,
                                     Range range) {
        int y = row % lat.ny;
        int z = row / lat.ny;
        int i0 = row * lat.nx;
        for (int x = 0; x < lat.nx; x++) {
            int i = i0 + x;
            locate(st, x, y, z, v, i, step);
            for (int c = 0; c < dim; c++) {
                w[c] = pNextBar[c][i];
            }
            if (p != null) {
                // sum_c pNextBar[c] grad p_c is the gradient of the interpolant of sum_c pNextBar[c] p_c
                st.gradientOfSum(p, w, dim, g);
            }
            for (int a = 0; a < dim; a++) {
                double s = w[a] + (p == null ? 0 : g[a] * inverseSpacing[a]);
                vBar[a][i] -= dt * s;
            }
            if (acc[0] != null) {
                for (int c = 0; c < dim; c++) {
                    st.splat(acc[c], w[c]);
                }
                range.touch(st);
            }
        }
    }

    /** r(x) = q(x) + p(x + q(x)): the displacement of (id + p) o (id + q). */
    public void compose(double[][] p, double[][] q, double[][] r) {
        double[] step = steps(1);
        parallel.range(lat.rows(), (r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                composeRow(st, row, p, q, step, r);
            }
        });
    }

    private void composeRow(LinearStencil st, int row, double[][] p, double[][] q, double[] step, double[][] r) {
        int y = row % lat.ny;
        int z = row / lat.ny;
        int i0 = row * lat.nx;
        for (int x = 0; x < lat.nx; x++) {
            int i = i0 + x;
            locate(st, x, y, z, q, i, step);
            for (int c = 0; c < dim; c++) {
                r[c][i] = q[c][i] + st.value(p[c]);
            }
        }
    }

    /**
     * Adjoint of {@link #compose} given rBar: pBar += (interpolation at x + q)^T rBar and
     * qBar[a] += rBar[a] + sum_c rBar[c] (dp_c/dx_a)(x + q). pBar and qBar may be the same arrays.
     */
    public void composeAdjoint(double[][] p, double[][] q, double[][] rBar, double[][] pBar, double[][] qBar) {
        double[][] qDirect = directBuffers();
        double[] step = steps(1);
        // the splats land in pBar while qBar may be the same arrays: collect the direct terms apart
        splats.run(pBar, (chunk, r0, r1, acc, range) -> {
            LinearStencil st = new LinearStencil(lat);
            double[] w = new double[3];
            double[] g = new double[3];
            for (int row = r0; row < r1; row++) {
                composeAdjointRow(st, w, g, row, p, q, step, rBar, qDirect, acc, range);
            }
        });
        parallel.range(lat.voxels, (s, e) -> {
            for (int a = 0; a < dim; a++) {
                for (int i = s; i < e; i++) {
                    qBar[a][i] += qDirect[a][i];
                }
            }
        });
    }

    private void composeAdjointRow(LinearStencil st, double[] w, double[] g, int row, double[][] p, double[][] q,
                                   double[] step, double[][] rBar, double[][] qDirect, double[][] acc, Range range) {
        int y = row % lat.ny;
        int z = row / lat.ny;
        int i0 = row * lat.nx;
        for (int x = 0; x < lat.nx; x++) {
            int i = i0 + x;
            locate(st, x, y, z, q, i, step);
            for (int c = 0; c < dim; c++) {
                w[c] = rBar[c][i];
            }
            st.gradientOfSum(p, w, dim, g);
            for (int a = 0; a < dim; a++) {
                qDirect[a][i] = w[a] + g[a] * inverseSpacing[a];
            }
            for (int c = 0; c < dim; c++) {
                st.splat(acc[c], w[c]);
            }
            range.touch(st);
        }
    }

    /** Places the stencil at x + step * w(x), step = scale / h per axis (w in mm). */
    private void locate(LinearStencil st, int x, int y, int z, double[][] w, int i, double[] step) {
        double px = x + step[0] * w[0][i];
        double py = y + step[1] * w[1][i];
        double pz = dim == 3 ? z + step[2] * w[2][i] : 0;
        st.locate(px, py, pz);
    }

    /** scale / h per axis: a displacement in mm times this is the move in voxels. */
    private double[] steps(double scale) {
        double[] s = new double[3];
        for (int a = 0; a < dim; a++) {
            s[a] = scale * inverseSpacing[a];
        }
        return s;
    }

    private double[][] directBuffers() {
        if (direct == null) {
            direct = new double[dim][lat.voxels];
        }
        return direct;
    }

    /** The index range [lo, hi] a chunk's splats touched. */
    static final class Range {
        int lo = Integer.MAX_VALUE;
        int hi = -1;

        void touch(LinearStencil st) {
            int b = st.base();
            if (b < lo) {
                lo = b;
            }
            int top = b + st.extent();
            if (top > hi) {
                hi = top;
            }
        }
    }

    /** Body of a splatting loop over rows [r0, r1): acc[k] is where field k's splats go (null: none). */
    @FunctionalInterface
    interface SplatBody {
        void run(int chunk, int r0, int r1, double[][] acc, Range range);
    }

    /**
     * Runs a splatting loop over the rows in chunks: chunk 0 splats into the targets, chunk k > 0
     * into private zeroed buffers that are then added to the targets and zeroed again over the
     * range they touched. If a loop fails midway the buffers are cleared in full before next use.
     */
    private final class Splats {
        private double[][][] buffers = new double[0][][];
        private boolean clean = true;

        void run(double[][] targets, SplatBody body) {
            int chunks = parallel.chunks(lat.rows());
            int fields = targets.length;
            double[][][] acc = new double[chunks][fields][];
            Range[] ranges = new Range[chunks];
            prepare(chunks, fields);
            for (int c = 0; c < chunks; c++) {
                ranges[c] = new Range();
                for (int k = 0; k < fields; k++) {
                    acc[c][k] = targets[k] == null ? null : c == 0 ? targets[k] : buffers[c][k];
                }
            }
            clean = false;
            parallel.chunked(lat.rows(), (chunk, r0, r1) -> body.run(chunk, r0, r1, acc[chunk], ranges[chunk]));
            for (int c = 1; c < chunks; c++) {
                Range r = ranges[c];
                if (r.hi < r.lo) {
                    continue;
                }
                double[][] b = buffers[c];
                parallel.range(r.hi - r.lo + 1, (s, e) -> {
                    for (int k = 0; k < fields; k++) {
                        if (targets[k] == null) {
                            continue;
                        }
                        double[] t = targets[k];
                        double[] a = b[k];
                        for (int i = r.lo + s; i < r.lo + e; i++) {
                            t[i] += a[i];
                            a[i] = 0;
                        }
                    }
                });
            }
            clean = true;
        }

        /** Zeroed buffers for chunks 1..chunks-1, fields each. */
        private void prepare(int chunks, int fields) {
            if (buffers.length < chunks || (chunks > 1 && buffers[1].length < fields)) {
                double[][][] b = new double[chunks][][];
                for (int c = 1; c < chunks; c++) {
                    b[c] = new double[fields][lat.voxels];
                }
                buffers = b;
                clean = true;
            } else if (!clean) {
                for (int c = 1; c < buffers.length; c++) {
                    for (double[] a : buffers[c]) {
                        Arrays.fill(a, 0);
                    }
                }
            }
        }
    }
}
