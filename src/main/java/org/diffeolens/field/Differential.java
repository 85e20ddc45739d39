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
        final int nx = lat.nx;
        final int n = lat.size(axis);
        final int s = lat.stride(axis);
        final double h = lat.spacing(axis);
        parallel.range(lat.rows(), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int base = row * nx;
                if (axis == 0) {
                    derivativeAlongRow(f, out, base, nx, h);
                    continue;
                }
                int c = lat.rowCoordinate(row, axis);
                if (n == 1) {
                    java.util.Arrays.fill(out, base, base + nx, 0);
                    continue;
                }
                int up = c == n - 1 ? 0 : s;
                int down = c == 0 ? 0 : s;
                double w = 1.0 / ((up + down) / (double) s * h);
                for (int i = base; i < base + nx; i++) {
                    out[i] = (f[i + up] - f[i - down]) * w;
                }
            }
        });
    }

    private static void derivativeAlongRow(double[] f, double[] out, int base, int n, double h) {
        if (n == 1) {
            out[base] = 0;
            return;
        }
        double w = 0.5 / h;
        out[base] = (f[base + 1] - f[base]) / h;
        for (int i = base + 1; i < base + n - 1; i++) {
            out[i] = (f[i + 1] - f[i - 1]) * w;
        }
        out[base + n - 1] = (f[base + n - 1] - f[base + n - 2]) / h;
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
        final int nx = lat.nx;
        final int n = lat.size(axis);
        final int s = lat.stride(axis);
        final double h = lat.spacing(axis);
        if (n == 1) {
            return;
        }
        parallel.range(lat.rows(), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int base = row * nx;
                if (axis == 0) {
                    addTransposedDerivativeAlongRow(v, out, base, nx, h, scale);
                    continue;
                }
                int c = lat.rowCoordinate(row, axis);
                double prev = c > 0 ? upWeight(c - 1, n, h) : 0;
                double next = c < n - 1 ? downWeight(c + 1, n, h) : 0;
                double self = (c == 0 ? -1 / h : 0) + (c == n - 1 ? 1 / h : 0);
                int ps = c > 0 ? s : 0;
                int ns = c < n - 1 ? s : 0;
                for (int i = base; i < base + nx; i++) {
                    out[i] += scale * (prev * v[i - ps] - next * v[i + ns] + self * v[i]);
                }
            }
        });
    }

    /** The x-axis case of {@link #addTransposedDerivative} on one row: the stencil's border cases, then a plain loop. */
    private static void addTransposedDerivativeAlongRow(double[] v, double[] out, int base, int n, double h,
                                                        double scale) {
        int edge = Math.min(n, 2);
        for (int x = 0; x < edge; x++) {
            out[base + x] += scale * transposedDerivativeAt(v, base, 1, x, n, h);
        }
        // inside, both neighbours are central-difference stencils: weights 1/2h (as upWeight and downWeight give)
        double w = 0.5 / h;
        for (int x = 2; x < n - 2; x++) {
            out[base + x] += scale * (w * v[base + x - 1] - w * v[base + x + 1]);
        }
        for (int x = Math.max(edge, n - 2); x < n; x++) {
            out[base + x] += scale * transposedDerivativeAt(v, base, 1, x, n, h);
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
        jacobianDeterminant(u.components(), det, newJacobianScratch());
        return new ScalarField(grid, det);
    }

    /** Scratch for the Jacobian methods: d x d arrays of the grid's size, allocate once and reuse. */
    public double[][][] newJacobianScratch() {
        return new double[lat.dim][lat.dim][lat.voxels];
    }

    /** out = det(I + G u), with du[c][a] = G_a u_c left in the scratch. */
    public void jacobianDeterminant(double[][] u, double[] out, double[][][] du) {
        int d = lat.dim;
        for (int c = 0; c < d; c++) {
            for (int a = 0; a < d; a++) {
                derivative(u[c], du[c][a], a);
            }
        }
        parallel.range(lat.voxels, (s, e) -> {
            for (int i = s; i < e; i++) {
                if (d == 2) {
                    out[i] = (1 + du[0][0][i]) * (1 + du[1][1][i]) - du[0][1][i] * du[1][0][i];
                } else {
                    double a00 = 1 + du[0][0][i], a01 = du[0][1][i], a02 = du[0][2][i];
                    double a10 = du[1][0][i], a11 = 1 + du[1][1][i], a12 = du[1][2][i];
                    double a20 = du[2][0][i], a21 = du[2][1][i], a22 = 1 + du[2][2][i];
                    out[i] = a00 * (a11 * a22 - a12 * a21) - a01 * (a10 * a22 - a12 * a20)
                            + a02 * (a10 * a21 - a11 * a20);
                }
            }
        });
    }

    /**
     * Adjoint of {@link #jacobianDeterminant}: uBar[c] += sum_a G_a^T (detBar cof_ca), cof the
     * cofactor matrix of I + G u (d det / d M_ca). The scratch is overwritten.
     */
    public void jacobianDeterminantAdjoint(double[][] u, double[] detBar, double[][] uBar, double[][][] du) {
        int d = lat.dim;
        for (int c = 0; c < d; c++) {
            for (int a = 0; a < d; a++) {
                derivative(u[c], du[c][a], a);
            }
        }
        parallel.range(lat.voxels, (s, e) -> {
            for (int i = s; i < e; i++) {
                double w = detBar[i];
                if (d == 2) {
                    double m00 = 1 + du[0][0][i], m01 = du[0][1][i], m10 = du[1][0][i], m11 = 1 + du[1][1][i];
                    du[0][0][i] = w * m11;
                    du[0][1][i] = -w * m10;
                    du[1][0][i] = -w * m01;
                    du[1][1][i] = w * m00;
                } else {
                    double a00 = 1 + du[0][0][i], a01 = du[0][1][i], a02 = du[0][2][i];
                    double a10 = du[1][0][i], a11 = 1 + du[1][1][i], a12 = du[1][2][i];
                    double a20 = du[2][0][i], a21 = du[2][1][i], a22 = 1 + du[2][2][i];
                    du[0][0][i] = w * (a11 * a22 - a12 * a21);
                    du[0][1][i] = -w * (a10 * a22 - a12 * a20);
                    du[0][2][i] = w * (a10 * a21 - a11 * a20);
                    du[1][0][i] = -w * (a01 * a22 - a02 * a21);
                    du[1][1][i] = w * (a00 * a22 - a02 * a20);
                    du[1][2][i] = -w * (a00 * a21 - a01 * a20);
                    du[2][0][i] = w * (a01 * a12 - a02 * a11);
                    du[2][1][i] = -w * (a00 * a12 - a02 * a10);
                    du[2][2][i] = w * (a00 * a11 - a01 * a10);
                }
            }
        });
        for (int c = 0; c < d; c++) {
            for (int a = 0; a < d; a++) {
                addTransposedDerivative(du[c][a], uBar[c], a, 1);
            }
        }
    }
}
