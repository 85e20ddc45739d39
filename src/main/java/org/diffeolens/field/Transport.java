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

    /** The threads its loops run on. */
    public Parallel parallel() {
        return parallel;
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
        int nx = lat.nx;
        double[] f0 = f[0];
        double[] out0 = out[0];
        double[] f1 = f.length > 1 ? f[1] : null;
        double[] out1 = f.length > 1 ? out[1] : null;
        double[] px = p[0];
        double[] py = p[1];
        double[] pz = dim == 3 ? p[2] : null;
        double sx = step[0];
        double sy = step[1];
        double sz = step[2];
        for (int x = 0; x < nx; x++) {
            int i = i0 + x;
            st.locate(x + sx * px[i], y + sy * py[i], pz == null ? 0 : z + sz * pz[i]);
            out0[i] = st.value(f0);
            if (f1 != null) {
                out1[i] = st.value(f1);
            }
            for (int k = 2; k < f.length; k++) {
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
        int nx = lat.nx;
        int fields = f.length;
        boolean d3 = dim == 3;
        double[] px = p[0];
        double[] py = p[1];
        double[] pz = d3 ? p[2] : null;
        double[] barX = pBar == null ? null : pBar[0];
        double[] barY = pBar == null ? null : pBar[1];
        double[] barZ = pBar == null || !d3 ? null : pBar[2];
        double sx = step[0];
        double sy = step[1];
        double sz = step[2];
        double hx = inverseSpacing[0];
        double hy = inverseSpacing[1];
        double hz = inverseSpacing[2];
        // lowest and highest splat corner of the row, in registers: the chunks' Range objects
        // are neighbours in memory, and updating them per voxel made the threads share a line
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (int x = 0; x < nx; x++) {
            int i = i0 + x;
            boolean any = false;
            for (int k = 0; k < fields; k++) {
                w[k] = outBar[k][i];
                any |= w[k] != 0;
            }
            if (!any) {
                continue;
            }
            st.locate(x + sx * px[i], y + sy * py[i], d3 ? z + sz * pz[i] : 0);
            if (barX != null) {
                // sum_k outBar[k] grad f[k] is the gradient of the interpolant of sum_k outBar[k] f[k]
                st.gradientOfSum(f, w, fields, g);
                barX[i] += g[0] * hx;
                barY[i] += g[1] * hy;
                if (d3) {
                    barZ[i] += g[2] * hz;
                }
            }
            boolean touched = false;
            for (int k = 0; k < fields; k++) {
                if (acc[k] != null && w[k] != 0) {
                    st.splat(acc[k], w[k]);
                    touched = true;
                }
            }
            if (touched) {
                lo = Math.min(lo, st.base());
                hi = Math.max(hi, st.base());
            }
        }
        range.include(lo, hi, st);
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
        int nx = lat.nx;
        boolean d3 = dim == 3;
        double[] vx = v[0];
        double[] vy = v[1];
        double[] vz = d3 ? v[2] : null;
        double[] px = p == null ? null : p[0];
        double[] py = p == null ? null : p[1];
        double[] pz = p == null || !d3 ? null : p[2];
        double[] nextX = pNext[0];
        double[] nextY = pNext[1];
        double[] nextZ = d3 ? pNext[2] : null;
        double sx = step[0];
        double sy = step[1];
        double sz = step[2];
        for (int x = 0; x < nx; x++) {
            int i = i0 + x;
            st.locate(x + sx * vx[i], y + sy * vy[i], d3 ? z + sz * vz[i] : 0);
            nextX[i] = -dt * vx[i] + (px == null ? 0 : st.value(px));
            nextY[i] = -dt * vy[i] + (py == null ? 0 : st.value(py));
            if (d3) {
                nextZ[i] = -dt * vz[i] + (pz == null ? 0 : st.value(pz));
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
        int nx = lat.nx;
        boolean d3 = dim == 3;
        double[] vx = v[0];
        double[] vy = v[1];
        double[] vz = d3 ? v[2] : null;
        double[] bx = pNextBar[0];
        double[] by = pNextBar[1];
        double[] bz = d3 ? pNextBar[2] : null;
        double[] gx = vBar[0];
        double[] gy = vBar[1];
        double[] gz = d3 ? vBar[2] : null;
        double[] ax = acc[0];
        double[] ay = acc[1];
        double[] az = d3 ? acc[2] : null;
        double sx = step[0];
        double sy = step[1];
        double sz = step[2];
        double hx = inverseSpacing[0];
        double hy = inverseSpacing[1];
        double hz = inverseSpacing[2];
        // lowest and highest splat corner of the row, in registers: the chunks' Range objects
        // are neighbours in memory, and updating them per voxel made the threads share a line
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (int x = 0; x < nx; x++) {
            int i = i0 + x;
            st.locate(x + sx * vx[i], y + sy * vy[i], d3 ? z + sz * vz[i] : 0);
            double wx = bx[i];
            double wy = by[i];
            double wz = d3 ? bz[i] : 0;
            double ux = wx;
            double uy = wy;
            double uz = wz;
            if (p != null) {
                // sum_c pNextBar[c] grad p_c is the gradient of the interpolant of sum_c pNextBar[c] p_c
                w[0] = wx;
                w[1] = wy;
                w[2] = wz;
                st.gradientOfSum(p, w, dim, g);
                ux += g[0] * hx;
                uy += g[1] * hy;
                uz += g[2] * hz;
            }
            gx[i] -= dt * ux;
            gy[i] -= dt * uy;
            if (d3) {
                gz[i] -= dt * uz;
            }
            if (ax != null) {
                st.splat(ax, wx);
                st.splat(ay, wy);
                if (d3) {
                    st.splat(az, wz);
                }
                lo = Math.min(lo, st.base());
                hi = Math.max(hi, st.base());
            }
        }
        range.include(lo, hi, st);
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
        int nx = lat.nx;
        boolean d3 = dim == 3;
        double[] qx = q[0];
        double[] qy = q[1];
        double[] qz = d3 ? q[2] : null;
        double[] px = p[0];
        double[] py = p[1];
        double[] pz = d3 ? p[2] : null;
        double[] rx = r[0];
        double[] ry = r[1];
        double[] rz = d3 ? r[2] : null;
        double sx = step[0];
        double sy = step[1];
        double sz = step[2];
        for (int x = 0; x < nx; x++) {
            int i = i0 + x;
            st.locate(x + sx * qx[i], y + sy * qy[i], d3 ? z + sz * qz[i] : 0);
            rx[i] = qx[i] + st.value(px);
            ry[i] = qy[i] + st.value(py);
            if (d3) {
                rz[i] = qz[i] + st.value(pz);
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
        int nx = lat.nx;
        boolean d3 = dim == 3;
        double[] qx = q[0];
        double[] qy = q[1];
        double[] qz = d3 ? q[2] : null;
        double[] bx = rBar[0];
        double[] by = rBar[1];
        double[] bz = d3 ? rBar[2] : null;
        double[] dx = qDirect[0];
        double[] dy = qDirect[1];
        double[] dz = d3 ? qDirect[2] : null;
        double[] ax = acc[0];
        double[] ay = acc[1];
        double[] az = d3 ? acc[2] : null;
        double sx = step[0];
        double sy = step[1];
        double sz = step[2];
        double hx = inverseSpacing[0];
        double hy = inverseSpacing[1];
        double hz = inverseSpacing[2];
        // lowest and highest splat corner of the row, in registers: the chunks' Range objects
        // are neighbours in memory, and updating them per voxel made the threads share a line
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (int x = 0; x < nx; x++) {
            int i = i0 + x;
            st.locate(x + sx * qx[i], y + sy * qy[i], d3 ? z + sz * qz[i] : 0);
            w[0] = bx[i];
            w[1] = by[i];
            w[2] = d3 ? bz[i] : 0;
            st.gradientOfSum(p, w, dim, g);
            dx[i] = w[0] + g[0] * hx;
            dy[i] = w[1] + g[1] * hy;
            st.splat(ax, w[0]);
            st.splat(ay, w[1]);
            if (d3) {
                dz[i] = w[2] + g[2] * hz;
                st.splat(az, w[2]);
            }
            lo = Math.min(lo, st.base());
            hi = Math.max(hi, st.base());
        }
        range.include(lo, hi, st);
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

        /** Adds the splats of stencils whose lowest corners were at first .. last (none if last < first). */
        void include(int first, int last, LinearStencil st) {
            if (last < first) {
                return;
            }
            lo = Math.min(lo, first);
            hi = Math.max(hi, last + st.extent());
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
