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
 * the given bar arrays, for reverse sweeps. Scatter (splat) targets are written through one private
 * buffer per thread and summed, so no two threads write the same voxel.
 */
public final class Transport {

    private final Grid grid;
    private final Lattice lat;
    private final Parallel parallel;
    private final int dim;
    private double[][] scatter;

    public Transport(Grid grid, Parallel parallel) {
        this.grid = grid;
        this.lat = new Lattice(grid);
        this.parallel = parallel;
        this.dim = grid.dim();
    }

    public Grid grid() {
        return grid;
    }

    public Lattice lattice() {
        return lat;
    }

    /** out(x) = f(x + p(x)); p may be null (identity). */
    public void pullBack(double[] f, double[][] p, double[] out) {
        if (p == null) {
            System.arraycopy(f, 0, out, 0, f.length);
            return;
        }
        parallel.range(lat.rows(), (r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                int y = row % lat.ny;
                int z = row / lat.ny;
                for (int x = 0; x < lat.nx; x++) {
                    int i = row * lat.nx + x;
                    locate(st, x, y, z, p, i, 1);
                    out[i] = st.value(f);
                }
            }
        });
    }

    /**
     * Adjoint of {@link #pullBack} given outBar = dE/d out: pBar[a] += outBar (df/dx_a)(x + p),
     * and, when fBar is not null, fBar += (interpolation)^T outBar.
     */
    public void pullBackAdjoint(double[] f, double[][] p, double[] outBar, double[][] pBar, double[] fBar) {
        if (p == null) {
            if (fBar != null) {
                for (int i = 0; i < fBar.length; i++) {
                    fBar[i] += outBar[i];
                }
            }
            return;
        }
        double[][] acc = fBar == null ? null : scatterBuffers();
        parallel.chunked(lat.rows(), (chunk, r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                int y = row % lat.ny;
                int z = row / lat.ny;
                for (int x = 0; x < lat.nx; x++) {
                    int i = row * lat.nx + x;
                    double w = outBar[i];
                    if (w == 0) {
                        continue;
                    }
                    locate(st, x, y, z, p, i, 1);
                    if (pBar != null) {
                        for (int a = 0; a < dim; a++) {
                            pBar[a][i] += w * st.derivative(f, a) / lat.spacing(a);
                        }
                    }
                    if (acc != null) {
                        st.splat(acc[chunk], w);
                    }
                }
            }
        });
        if (acc != null) {
            reduceInto(acc, fBar);
        }
    }

    /** pNext(x) = -dt v(x) + p(x - dt v(x)); p may be null (identity). */
    public void advectMap(double[][] p, double[][] v, double dt, double[][] pNext) {
        parallel.range(lat.rows(), (r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                int y = row % lat.ny;
                int z = row / lat.ny;
                for (int x = 0; x < lat.nx; x++) {
                    int i = row * lat.nx + x;
                    locate(st, x, y, z, v, i, -dt);
                    for (int c = 0; c < dim; c++) {
                        pNext[c][i] = -dt * v[c][i] + (p == null ? 0 : st.value(p[c]));
                    }
                }
            }
        });
    }

    /**
     * Adjoint of {@link #advectMap} given pNextBar: pBar += (interpolation at x - dt v)^T pNextBar,
     * vBar[a] += -dt (pNextBar[a] + sum_c pNextBar[c] (dp_c/dx_a)(x - dt v)).
     */
    public void advectMapAdjoint(double[][] p, double[][] v, double dt, double[][] pNextBar,
                                 double[][] pBar, double[][] vBar) {
        double[][] acc = pBar == null || p == null ? null : scatterBuffers(dim);
        parallel.chunked(lat.rows(), (chunk, r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                int y = row % lat.ny;
                int z = row / lat.ny;
                for (int x = 0; x < lat.nx; x++) {
                    int i = row * lat.nx + x;
                    locate(st, x, y, z, v, i, -dt);
                    for (int a = 0; a < dim; a++) {
                        double s = pNextBar[a][i];
                        if (p != null) {
                            for (int c = 0; c < dim; c++) {
                                s += pNextBar[c][i] * st.derivative(p[c], a) / lat.spacing(a);
                            }
                        }
                        vBar[a][i] -= dt * s;
                    }
                    if (acc != null) {
                        for (int c = 0; c < dim; c++) {
                            st.splat(acc[chunk * dim + c], pNextBar[c][i]);
                        }
                    }
                }
            }
        });
        if (acc != null) {
            for (int c = 0; c < dim; c++) {
                reduceInto(acc, c, dim, pBar[c]);
            }
        }
    }

    /** r(x) = q(x) + p(x + q(x)): the displacement of (id + p) o (id + q). */
    public void compose(double[][] p, double[][] q, double[][] r) {
        parallel.range(lat.rows(), (r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                int y = row % lat.ny;
                int z = row / lat.ny;
                for (int x = 0; x < lat.nx; x++) {
                    int i = row * lat.nx + x;
                    locate(st, x, y, z, q, i, 1);
                    for (int c = 0; c < dim; c++) {
                        r[c][i] = q[c][i] + st.value(p[c]);
                    }
                }
            }
        });
    }

    /**
     * Adjoint of {@link #compose} given rBar: pBar += (interpolation at x + q)^T rBar and
     * qBar[a] += rBar[a] + sum_c rBar[c] (dp_c/dx_a)(x + q). pBar and qBar may be the same arrays.
     */
    public void composeAdjoint(double[][] p, double[][] q, double[][] rBar, double[][] pBar, double[][] qBar) {
        double[][] acc = scatterBuffers(dim);
        int chunks = parallel.chunks(lat.rows());
        double[][] qDirect = new double[dim][];
        for (int a = 0; a < dim; a++) {
            qDirect[a] = new double[lat.voxels];
        }
        parallel.chunked(lat.rows(), (chunk, r0, r1) -> {
            LinearStencil st = new LinearStencil(lat);
            for (int row = r0; row < r1; row++) {
                int y = row % lat.ny;
                int z = row / lat.ny;
                for (int x = 0; x < lat.nx; x++) {
                    int i = row * lat.nx + x;
                    locate(st, x, y, z, q, i, 1);
                    for (int a = 0; a < dim; a++) {
                        double s = rBar[a][i];
                        for (int c = 0; c < dim; c++) {
                            s += rBar[c][i] * st.derivative(p[c], a) / lat.spacing(a);
                        }
                        qDirect[a][i] = s;
                    }
                    for (int c = 0; c < dim; c++) {
                        st.splat(acc[chunk * dim + c], rBar[c][i]);
                    }
                }
            }
        });
        // qBar may alias pBar: add the direct terms only after every thread has read what it needs
        for (int a = 0; a < dim; a++) {
            for (int i = 0; i < lat.voxels; i++) {
                qBar[a][i] += qDirect[a][i];
            }
        }
        for (int c = 0; c < dim; c++) {
            reduceInto(acc, c, dim, pBar[c]);
        }
        assert chunks > 0;
    }

    /** Places the stencil at x + scale * w(x) / h (w in mm). */
    private void locate(LinearStencil st, int x, int y, int z, double[][] w, int i, double scale) {
        double px = x + scale * w[0][i] / lat.hx;
        double py = y + scale * w[1][i] / lat.hy;
        double pz = dim == 3 ? z + scale * w[2][i] / lat.hz : 0;
        st.locate(px, py, pz);
    }

    private double[][] scatterBuffers() {
        return scatterBuffers(1);
    }

    /** Zeroed private buffers: chunks x fields of them, reused between calls. */
    private double[][] scatterBuffers(int fields) {
        int need = parallel.chunks(lat.rows()) * fields;
        if (scatter == null || scatter.length < need) {
            scatter = new double[need][lat.voxels];
        } else {
            for (int k = 0; k < need; k++) {
                Arrays.fill(scatter[k], 0);
            }
        }
        return scatter;
    }

    private void reduceInto(double[][] acc, double[] target) {
        reduceInto(acc, 0, 1, target);
    }

    /** target += sum over chunks of acc[chunk * fields + field]. */
    private void reduceInto(double[][] acc, int field, int fields, double[] target) {
        int chunks = parallel.chunks(lat.rows());
        parallel.range(lat.voxels, (s, e) -> {
            for (int k = 0; k < chunks; k++) {
                double[] a = acc[k * fields + field];
                for (int i = s; i < e; i++) {
                    target[i] += a[i];
                }
            }
        });
    }
}
