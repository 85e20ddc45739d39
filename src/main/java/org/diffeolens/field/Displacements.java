package org.diffeolens.field;

import org.diffeolens.concurrent.Parallel;

/**
 * Operations on displacement fields u (the map x -> x + u(x) on one grid, u in mm along the voxel
 * axes): composition, inversion, folds, and folding an affine pre-alignment into one field.
 */
public final class Displacements {

    private Displacements() {
    }

    /**
     * The displacement of the composed map (x + outer) o (x + inner):
     * w(x) = inner(x) + outer(x + inner(x)), outer interpolated linearly and extended by its border.
     */
    public static VectorField compose(VectorField outer, VectorField inner, Parallel parallel) {
        Grid g = inner.grid();
        if (!outer.grid().sameShape(g)) {
            throw new IllegalArgumentException("displacements to compose must share a grid");
        }
        Lattice l = new Lattice(g);
        int d = g.dim();
        double[][] w = new double[d][l.voxels];
        double[][] o = outer.components();
        double[][] in = inner.components();
        parallel.range(l.rows(), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int y = row % l.ny;
                int z = row / l.ny;
                for (int x = 0; x < l.nx; x++) {
                    int i = row * l.nx + x;
                    double px = x + in[0][i] / l.hx;
                    double py = y + in[1][i] / l.hy;
                    double pz = d == 3 ? z + in[2][i] / l.hz : 0;
                    for (int k = 0; k < d; k++) {
                        w[k][i] = in[k][i] + Sampler.linear(o[k], l, px, py, pz, Border.REPLICATE);
                    }
                }
            }
        });
        return new VectorField(g, w);
    }

    /**
     * The inverse displacement by fixed-point iteration v(y) = -u(y + v(y)) (Chen et al. 2008), which
     * converges where the map is a contraction-perturbed identity (|grad u| < 1); returns after
     * {@code iterations} sweeps or when the largest change falls below {@code tolerance} voxels.
     */
    public static VectorField invert(VectorField u, int iterations, double tolerance, Parallel parallel) {
        VectorField v = u.copy();
        for (double[] c : v.components()) {
            for (int i = 0; i < c.length; i++) {
                c[i] = -c[i];
            }
        }
        return invert(u, v, iterations, tolerance, parallel);
    }

    /** As {@link #invert(VectorField, int, double, Parallel)}, from an initial guess of the inverse. */
    public static VectorField invert(VectorField u, VectorField guess, int iterations, double tolerance,
                                     Parallel parallel) {
        Grid g = u.grid();
        Lattice l = new Lattice(g);
        int d = g.dim();
        VectorField v = guess.copy();
        double[][] uc = u.components();
        for (int it = 0; it < iterations; it++) {
            double[][] vc = v.components();
            double[][] next = new double[d][l.voxels];
            double[] change = new double[parallel.chunks(l.rows())];
            parallel.chunked(l.rows(), (chunk, r0, r1) -> {
                double worst = 0;
                for (int row = r0; row < r1; row++) {
                    int y = row % l.ny;
                    int z = row / l.ny;
                    for (int x = 0; x < l.nx; x++) {
                        int i = row * l.nx + x;
                        double px = x + vc[0][i] / l.hx;
                        double py = y + vc[1][i] / l.hy;
                        double pz = d == 3 ? z + vc[2][i] / l.hz : 0;
                        for (int k = 0; k < d; k++) {
                            double nv = -Sampler.linear(uc[k], l, px, py, pz, Border.REPLICATE);
                            worst = Math.max(worst, Math.abs(nv - vc[k][i]) / l.spacing(k));
                            next[k][i] = nv;
                        }
                    }
                }
                change[chunk] = worst;
            });
            v = new VectorField(g, next);
            double worst = 0;
            for (double c : change) {
                worst = Math.max(worst, c);
            }
            if (worst < tolerance) {
                break;
            }
        }
        return v;
    }

    /** Number of voxels where the Jacobian determinant is <= 0 (folds). */
    public static int foldCount(ScalarField jacobianDeterminant) {
        int n = 0;
        for (double j : jacobianDeterminant.data()) {
            if (!(j > 0)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Folds a world affine map T into a displacement on its grid: the total map
     * x -> T(x + u(x)) written as x + w(x), w along the grid's voxel axes (u may be null).
     */
    public static VectorField withAffine(VectorField u, Grid grid, AffineTransform affine) {
        int d = grid.dim();
        Lattice l = new Lattice(grid);
        double[][] w = new double[d][l.voxels];
        double[] dir = grid.direction();
        double[] dirT = Matrices.transpose(dir, d, d);
        double[] idx = new double[d];
        double[] local = new double[d];
        for (int i = 0; i < l.voxels; i++) {
            idx[0] = i % l.nx;
            idx[1] = (i / l.nx) % l.ny;
            if (d == 3) {
                idx[2] = i / (l.nx * l.ny);
            }
            double[] p = grid.indexToPhysical(idx);
            for (int k = 0; k < d; k++) {
                local[k] = u == null ? 0 : u.component(k)[i];
            }
            double[] shift = Matrices.multiply(dir, local, d, d, 1);
            for (int k = 0; k < d; k++) {
                shift[k] += p[k];
            }
            double[] q = affine.apply(shift);
            for (int k = 0; k < d; k++) {
                q[k] -= p[k];
            }
            double[] back = Matrices.multiply(dirT, q, d, d, 1);
            for (int k = 0; k < d; k++) {
                w[k][i] = back[k];
            }
        }
        return new VectorField(grid, w);
    }

    /**
     * The inverse of x -> T(x + u(x)) (u on grid {@code from}) sampled on grid {@code to}:
     * y -> z + uInv(z) with z = T^-1 y, where uInv is the inverse of u on {@code from};
     * the result is a displacement along {@code to}'s voxel axes.
     */
    public static VectorField inverseWithAffine(VectorField uInv, Grid from, Grid to, AffineTransform affine) {
        int d = to.dim();
        Lattice lf = new Lattice(from);
        Lattice lt = new Lattice(to);
        AffineTransform inv = affine.inverse();
        double[] dirF = from.direction();
        double[] dirTT = Matrices.transpose(to.direction(), d, d);
        double[][] w = new double[d][lt.voxels];
        double[] idx = new double[d];
        double[] local = new double[d];
        for (int i = 0; i < lt.voxels; i++) {
            idx[0] = i % lt.nx;
            idx[1] = (i / lt.nx) % lt.ny;
            if (d == 3) {
                idx[2] = i / (lt.nx * lt.ny);
            }
            double[] y = to.indexToPhysical(idx);
            double[] z = inv.apply(y);
            double[] zi = from.physicalToIndex(z);
            for (int k = 0; k < d; k++) {
                local[k] = uInv == null ? 0 : Sampler.linear(uInv.component(k), lf, zi[0], zi[1],
                        d == 3 ? zi[2] : 0, Border.REPLICATE);
            }
            double[] shift = Matrices.multiply(dirF, local, d, d, 1);
            for (int k = 0; k < d; k++) {
                shift[k] += z[k] - y[k];
            }
            double[] back = Matrices.multiply(dirTT, shift, d, d, 1);
            for (int k = 0; k < d; k++) {
                w[k][i] = back[k];
            }
        }
        return new VectorField(to, w);
    }
}
