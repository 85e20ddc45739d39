package org.diffeolens.field;

import org.diffeolens.concurrent.Parallel;

/**
 * Finite differences on a grid, in physical units (mm): the gradient G (central differences,
 * one-sided at the border), the divergence defined as exactly -G^T so that
 * {@code <grad f, v> = -<f, div v>} holds to round-off (the adjoint sweeps rely on it), the
 * periodic Laplacian whose eigenvalues the Fourier kernels use, and the Jacobian determinant of
 * {@code x + u(x)}. A plan object: make one per grid and reuse it.
 */
public final class Differential {

    private final Grid grid;
    private final Lattice lat;
    private final Parallel parallel;

    public Differential(Grid grid, Parallel parallel) {
        this.grid = grid;
        this.lat = new Lattice(grid);
        this.parallel = parallel;
    }

    public Grid grid() {
        return grid;
    }

    public VectorField gradient(ScalarField f) {
        VectorField g = VectorField.zeros(grid);
        gradient(f.data(), g.components());
        return g;
    }

    /** out[a] = d f / d x_a for every axis a (out arrays are overwritten). */
    public void gradient(double[] f, double[][] out) {
        for (int a = 0; a < lat.dim; a++) {
            derivative(f, out[a], a);
        }
    }

    /** out = d f / d x_axis: central differences inside, one-sided at the two border voxels. */
    public void derivative(double[] f, double[] out, int axis) {
        parallel.range(lat.rows(), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                derivativeRow(f, row, axis, out, row * lat.nx);
            }
        });
    }

    /** d f / d x_axis along one row of the grid, written to out[outBase ..]. */
    private void derivativeRow(double[] f, int row, int axis, double[] out, int outBase) {
        int nx = lat.nx;
        int base = row * nx;
        if (axis == 0) {
            derivativeAlongRow(f, base, nx, lat.hx, out, outBase);
            return;
        }
        int n = lat.size(axis);
        if (n == 1) {
            java.util.Arrays.fill(out, outBase, outBase + nx, 0);
            return;
        }
        int s = lat.stride(axis);
        int c = lat.rowCoordinate(row, axis);
        int up = c == n - 1 ? 0 : s;
        int down = c == 0 ? 0 : s;
        double w = 1.0 / ((up + down) / (double) s * lat.spacing(axis));
        for (int x = 0; x < nx; x++) {
            int i = base + x;
            out[outBase + x] = (f[i + up] - f[i - down]) * w;
        }
    }

    private static void derivativeAlongRow(double[] f, int base, int n, double h, double[] out, int outBase) {
        if (n == 1) {
            out[outBase] = 0;
            return;
        }
        double w = 0.5 / h;
        out[outBase] = (f[base + 1] - f[base]) / h;
        for (int x = 1; x < n - 1; x++) {
            out[outBase + x] = (f[base + x + 1] - f[base + x - 1]) * w;
        }
        out[outBase + n - 1] = (f[base + n - 1] - f[base + n - 2]) / h;
    }

    public ScalarField divergence(VectorField v) {
        ScalarField out = ScalarField.zeros(grid);
        divergence(v.components(), out.data());
        return out;
    }

    /** out = div v = -G^T v, the exact negative adjoint of {@link #gradient} (out is overwritten). */
    public void divergence(double[][] v, double[] out) {
        java.util.Arrays.fill(out, 0);
        for (int a = 0; a < lat.dim; a++) {
            addNegativeTransposedDerivative(v[a], out, a);
        }
    }

    /**
     * out -= G_a^T v. Row j of G_a^T collects the gradient stencils that touch j:
     * (G^T v)_j = wUp(j-1) v_{j-1} - wDown(j+1) v_{j+1} + [j=0] (-v_0/h) + [j=n-1] v_{n-1}/h,
     * where wUp(i) (wDown(i)) is the weight of f_{i+1} (f_{i-1}) in (G f)_i.
     */
    public void addNegativeTransposedDerivative(double[] v, double[] out, int axis) {
        addTransposedDerivative(v, out, axis, -1);
    }

    /** out += scale * G_a^T v (see {@link #addNegativeTransposedDerivative} for the stencil). */
    public void addTransposedDerivative(double[] v, double[] out, int axis, double scale) {
        if (lat.size(axis) == 1) {
            return;
        }
        parallel.range(lat.rows(), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                addTransposedDerivativeRow(v, out, row, axis, scale);
            }
        });
    }

    /** {@link #addTransposedDerivative} on one row (the axis longer than one voxel). */
    private void addTransposedDerivativeRow(double[] v, double[] out, int row, int axis, double scale) {
        int nx = lat.nx;
        int base = row * nx;
        double h = lat.spacing(axis);
        if (axis == 0) {
            addTransposedDerivativeAlongRow(v, out, base, nx, h, scale);
            return;
        }
        int n = lat.size(axis);
        int s = lat.stride(axis);
        int c = lat.rowCoordinate(row, axis);
        int ps = c > 0 ? s : 0;
        int ns = c < n - 1 ? s : 0;
        addTransposedAcrossRows(v, base - ps, v, base + ns, v, base, out, base, nx, c, n, h, scale);
    }

    /**
     * out[outBase + x] += scale G_a^T v along an axis a across rows (y or z), for the row at
     * coordinate c of n along a: the row's values are at[atBase + x], its lower and upper
     * neighbours' below[belowBase + x] and above[aboveBase + x] (at the border, the row itself,
     * with weight zero).
     */
    private static void addTransposedAcrossRows(double[] below, int belowBase, double[] above, int aboveBase,
                                                double[] at, int atBase, double[] out, int outBase, int nx, int c,
                                                int n, double h, double scale) {
        double prev = c > 0 ? upWeight(c - 1, n, h) : 0;
        double next = c < n - 1 ? downWeight(c + 1, n, h) : 0;
        double self = (c == 0 ? -1 / h : 0) + (c == n - 1 ? 1 / h : 0);
        for (int x = 0; x < nx; x++) {
            out[outBase + x] += scale * (prev * below[belowBase + x] - next * above[aboveBase + x]
                    + self * at[atBase + x]);
        }
    }

    /** The x-axis case of {@link #addTransposedDerivative} on one row: the stencil's border cases, then a plain loop. */
    private static void addTransposedDerivativeAlongRow(double[] v, double[] out, int base, int n, double h,
                                                        double scale) {
        addTransposedDerivativeAlongRow(v, base, out, base, n, h, scale);
    }

    /** {@link #addTransposedDerivativeAlongRow} with the row of v at vBase and that of out at outBase. */
    private static void addTransposedDerivativeAlongRow(double[] v, int vBase, double[] out, int outBase, int n,
                                                        double h, double scale) {
        int edge = Math.min(n, 2);
        for (int x = 0; x < edge; x++) {
            out[outBase + x] += scale * transposedDerivativeAt(v, vBase, 1, x, n, h);
        }
        // inside, both neighbours are central-difference stencils: weights 1/2h (as upWeight and downWeight give)
        double w = 0.5 / h;
        for (int x = 2; x < n - 2; x++) {
            out[outBase + x] += scale * (w * v[vBase + x - 1] - w * v[vBase + x + 1]);
        }
        for (int x = Math.max(edge, n - 2); x < n; x++) {
            out[outBase + x] += scale * transposedDerivativeAt(v, vBase, 1, x, n, h);
        }
    }

    private static double transposedDerivativeAt(double[] v, int base, int s, int j, int n, double h) {
        double t = 0;
        if (j > 0) {
            t += upWeight(j - 1, n, h) * v[base + (j - 1) * s];
        }
        if (j < n - 1) {
            t -= downWeight(j + 1, n, h) * v[base + (j + 1) * s];
        }
        if (j == 0) {
            t -= v[base] / h;
        }
        if (j == n - 1) {
            t += v[base + j * s] / h;
        }
        return t;
    }

    /** Weight of f_{i+1} in (G f)_i: 1/h at the first voxel (one-sided), 1/2h inside. */
    private static double upWeight(int i, int n, double h) {
        return i == 0 ? 1 / h : 0.5 / h;
    }

    /** Weight (magnitude) of f_{i-1} in (G f)_i: 1/h at the last voxel, 1/2h inside. */
    private static double downWeight(int i, int n, double h) {
        return i == n - 1 ? 1 / h : 0.5 / h;
    }

    /** out = sum_a (f(x + e_a) - 2 f(x) + f(x - e_a)) / h_a^2 with periodic wrap-around. */
    public void laplacianPeriodic(double[] f, double[] out) {
        final int nx = lat.nx;
        final int ny = lat.ny;
        final int nz = lat.nz;
        final double ix2 = 1 / (lat.hx * lat.hx);
        final double iy2 = 1 / (lat.hy * lat.hy);
        final double iz2 = lat.dim == 3 ? 1 / (lat.hz * lat.hz) : 0;
        parallel.range(lat.rows(), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int y = row % ny;
                int z = row / ny;
                int base = row * nx;
                int yUp = (y + 1) % ny - y;
                int yDown = (y - 1 + ny) % ny - y;
                int zUp = ((z + 1) % nz - z) * ny;
                int zDown = ((z - 1 + nz) % nz - z) * ny;
                for (int x = 0; x < nx; x++) {
                    int i = base + x;
                    int xp = base + (x + 1) % nx;
                    int xm = base + (x - 1 + nx) % nx;
                    double c = f[i];
                    double lap = (f[xp] - 2 * c + f[xm]) * ix2
                            + (f[i + yUp * nx] - 2 * c + f[i + yDown * nx]) * iy2;
                    if (iz2 != 0) {
                        lap += (f[i + zUp * nx] - 2 * c + f[i + zDown * nx]) * iz2;
                    }
                    out[i] = lap;
                }
            }
        });
    }

    /** det(I + grad u) of the map x -> x + u(x), u in mm along the voxel axes. */
    public ScalarField jacobianDeterminant(VectorField u) {
        double[] det = new double[lat.voxels];
        jacobianDeterminant(u.components(), det);
        return new ScalarField(grid, det);
    }

    /**
     * Scratch of {@link #jacobianDeterminantAdjoint}, made once by {@link #newJacobianScratch} and
     * reused: in 2D the d x d cofactor fields of the grid; in 3D, per thread, the nine cofactor
     * fields of three z planes (the ones a plane's transposed derivatives read), made as needed.
     */
    public static final class JacobianScratch {
        private final double[][][] fields;
        private final double[][][][] rings;

        private JacobianScratch(double[][][] fields, int threads) {
            this.fields = fields;
            this.rings = new double[threads][][][];
        }

        /** The three planes of nine cofactor fields of one chunk of a 3D sweep. */
        double[][][] ring(int chunk, int plane) {
            if (rings[chunk] == null) {
                rings[chunk] = new double[3][9][plane];
            }
            return rings[chunk];
        }
    }

    /** Scratch for {@link #jacobianDeterminantAdjoint}: allocate once and reuse. */
    public JacobianScratch newJacobianScratch() {
        return new JacobianScratch(lat.dim == 2 ? new double[2][2][lat.voxels] : null, parallel.threads());
    }

    /**
     * out = det(I + G u). Row by row: the row's d x d derivatives go to a few rows of scratch that
     * stay in cache, instead of d x d grid-sized fields (in 3D, nine fields written and read back
     * for one).
     */
    public void jacobianDeterminant(double[][] u, double[] out) {
        int d = lat.dim;
        int nx = lat.nx;
        parallel.range(lat.rows(), (r0, r1) -> {
            double[][][] du = new double[d][d][nx];
            for (int row = r0; row < r1; row++) {
                rowDerivatives(u, row, du);
                if (d == 2) {
                    determinantRow2(du, out, row * nx);
                } else {
                    determinantRow3(du, out, row * nx);
                }
            }
        });
    }

    /** du[c][a] = G_a u_c along one row. */
    private void rowDerivatives(double[][] u, int row, double[][][] du) {
        for (int c = 0; c < du.length; c++) {
            for (int a = 0; a < du.length; a++) {
                derivativeRow(u[c], row, a, du[c][a], 0);
            }
        }
    }

    private static void determinantRow2(double[][][] du, double[] out, int base) {
        double[] d00 = du[0][0], d01 = du[0][1], d10 = du[1][0], d11 = du[1][1];
        for (int x = 0; x < d00.length; x++) {
            out[base + x] = (1 + d00[x]) * (1 + d11[x]) - d01[x] * d10[x];
        }
    }

    private static void determinantRow3(double[][][] du, double[] out, int base) {
        double[] d00 = du[0][0], d01 = du[0][1], d02 = du[0][2];
        double[] d10 = du[1][0], d11 = du[1][1], d12 = du[1][2];
        double[] d20 = du[2][0], d21 = du[2][1], d22 = du[2][2];
        for (int x = 0; x < d00.length; x++) {
            double a00 = 1 + d00[x], a01 = d01[x], a02 = d02[x];
            double a10 = d10[x], a11 = 1 + d11[x], a12 = d12[x];
            double a20 = d20[x], a21 = d21[x], a22 = 1 + d22[x];
            out[base + x] = a00 * (a11 * a22 - a12 * a21) - a01 * (a10 * a22 - a12 * a20)
                    + a02 * (a10 * a21 - a11 * a20);
        }
    }

    /**
     * Adjoint of {@link #jacobianDeterminant}: uBar[c] += sum_a G_a^T (detBar cof_ca), cof the
     * cofactor matrix of I + G u (d det / d M_ca), the products q_ca = detBar cof_ca computed row
     * by row as in the forward pass. In 3D they are kept for three z planes at a time, not as nine
     * grid-sized fields (177 MB at 135^3, 1.3 GB at 256^3, each written and read back once); the
     * sweep is bound by its arithmetic more than by that traffic (135^3: 24 -> 22.7 ms).
     */
    public void jacobianDeterminantAdjoint(double[][] u, double[] detBar, double[][] uBar, JacobianScratch scratch) {
        if (lat.dim == 3) {
            jacobianDeterminantAdjoint3(u, detBar, uBar, scratch);
            return;
        }
        int d = lat.dim;
        int nx = lat.nx;
        double[][][] q = scratch.fields;
        parallel.range(lat.rows(), (r0, r1) -> {
            double[][][] du = new double[d][d][nx];
            for (int row = r0; row < r1; row++) {
                rowDerivatives(u, row, du);
                cofactorRow2(du, detBar, q, row * nx);
            }
        });
        // each uBar[c] collects its d transposed derivatives in one pass over its rows
        for (int c = 0; c < d; c++) {
            double[][] qc = q[c];
            double[] out = uBar[c];
            parallel.range(lat.rows(), (r0, r1) -> {
                for (int row = r0; row < r1; row++) {
                    for (int a = 0; a < d; a++) {
                        if (lat.size(a) > 1) {
                            addTransposedDerivativeRow(qc[a], out, row, a, 1);
                        }
                    }
                }
            });
        }
    }

    /**
     * The 3D adjoint a z slab per thread: the cofactor products of plane z + 1 are made (into a
     * ring of three planes) just before plane z collects its transposed derivatives, which read
     * planes z - 1 .. z + 1; a slab makes the planes on either side of it too. Each uBar[c] element
     * gets its terms in the order a = 0, 1, 2, as one pass per c over the grid would add them.
     */
    private void jacobianDeterminantAdjoint3(double[][] u, double[] detBar, double[][] uBar, JacobianScratch scratch) {
        int nx = lat.nx;
        int ny = lat.ny;
        int nz = lat.nz;
        parallel.chunked(nz, (chunk, z0, z1) -> {
            double[][][] ring = scratch.ring(chunk, nx * ny);
            double[][][] du = new double[3][3][nx];
            int made = Math.max(0, z0 - 1) - 1; // the last plane whose products are in the ring
            for (int z = z0; z < z1; z++) {
                for (int need = Math.min(nz - 1, z + 1); made < need; ) {
                    made++;
                    double[][] q = ring[made % 3];
                    for (int y = 0; y < ny; y++) {
                        int row = y + ny * made;
                        rowDerivatives(u, row, du);
                        cofactorRow3(du, detBar, row * nx, q, y * nx);
                    }
                }
                double[][] at = ring[z % 3];
                double[][] below = z > 0 ? ring[(z - 1) % 3] : at;
                double[][] above = z < nz - 1 ? ring[(z + 1) % 3] : at;
                for (int c = 0; c < 3; c++) {
                    double[] out = uBar[c];
                    double[] qx = at[3 * c];
                    double[] qy = at[3 * c + 1];
                    for (int y = 0; y < ny; y++) {
                        int base = (y + ny * z) * nx;
                        int local = y * nx;
                        if (nx > 1) {
                            addTransposedDerivativeAlongRow(qx, local, out, base, nx, lat.hx, 1);
                        }
                        if (ny > 1) {
                            addTransposedAcrossRows(qy, y > 0 ? local - nx : local, qy, y < ny - 1 ? local + nx : local,
                                    qy, local, out, base, nx, y, ny, lat.hy, 1);
                        }
                        if (nz > 1) {
                            addTransposedAcrossRows(below[3 * c + 2], local, above[3 * c + 2], local, at[3 * c + 2],
                                    local, out, base, nx, z, nz, lat.hz, 1);
                        }
                    }
                }
            }
        });
    }

    /** q[c][a] = detBar cof_ca(I + du) on one row, 2D. */
    private static void cofactorRow2(double[][][] du, double[] detBar, double[][][] q, int base) {
        double[] d00 = du[0][0], d01 = du[0][1], d10 = du[1][0], d11 = du[1][1];
        double[] q00 = q[0][0], q01 = q[0][1], q10 = q[1][0], q11 = q[1][1];
        for (int x = 0; x < d00.length; x++) {
            int i = base + x;
            double w = detBar[i];
            q00[i] = w * (1 + d11[x]);
            q01[i] = -w * d10[x];
            q10[i] = -w * d01[x];
            q11[i] = w * (1 + d00[x]);
        }
    }

    /** q[3 c + a][qBase + x] = detBar cof_ca(I + du) on one row (detBar's at detBase), 3D. */
    private static void cofactorRow3(double[][][] du, double[] detBar, int detBase, double[][] q, int qBase) {
        double[] d00 = du[0][0], d01 = du[0][1], d02 = du[0][2];
        double[] d10 = du[1][0], d11 = du[1][1], d12 = du[1][2];
        double[] d20 = du[2][0], d21 = du[2][1], d22 = du[2][2];
        double[] q00 = q[0], q01 = q[1], q02 = q[2];
        double[] q10 = q[3], q11 = q[4], q12 = q[5];
        double[] q20 = q[6], q21 = q[7], q22 = q[8];
        for (int x = 0; x < d00.length; x++) {
            int i = qBase + x;
            double w = detBar[detBase + x];
            double a00 = 1 + d00[x], a01 = d01[x], a02 = d02[x];
            double a10 = d10[x], a11 = 1 + d11[x], a12 = d12[x];
            double a20 = d20[x], a21 = d21[x], a22 = 1 + d22[x];
            q00[i] = w * (a11 * a22 - a12 * a21);
            q01[i] = -w * (a10 * a22 - a12 * a20);
            q02[i] = w * (a10 * a21 - a11 * a20);
            q10[i] = -w * (a01 * a22 - a02 * a21);
            q11[i] = w * (a00 * a22 - a02 * a20);
            q12[i] = -w * (a00 * a21 - a01 * a20);
            q20[i] = w * (a01 * a12 - a02 * a11);
            q21[i] = -w * (a00 * a12 - a02 * a10);
            q22[i] = w * (a00 * a11 - a01 * a10);
        }
    }
}
