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
     * x -> T(x + u(x)) written as x + w(x), w along the grid's voxel axes (u may be null). With p(x)
     * the world position of voxel x and D the direction, w = D^T (A (p + D u) + b - p), which is
     * affine in (index, u): w = M i + N u + c with M, N and c computed once.
     */
    public static VectorField withAffine(VectorField u, Grid grid, AffineTransform affine) {
        int d = grid.dim();
        Lattice l = new Lattice(grid);
        double[] dir = grid.direction();
        double[] dirT = Matrices.transpose(dir, d, d);
        double[] a = affine.matrix();
        double[] aMinusI = a.clone();
        for (int k = 0; k < d; k++) {
            aMinusI[k * d + k] -= 1;
        }
        // p = o + D S i:  w = D^T (A - I)(o + D S i) + D^T A D u + D^T b
        double[] ds = dir.clone();
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                ds[r * d + c] *= grid.spacing(c);
            }
        }
        double[] m = Matrices.multiply(dirT, Matrices.multiply(aMinusI, ds, d, d, d), d, d, d);
        double[] n = Matrices.multiply(dirT, Matrices.multiply(a, dir, d, d, d), d, d, d);
        double[] shift = Matrices.multiply(aMinusI, grid.origin(), d, d, 1);
        double[] b = affine.translation();
        for (int k = 0; k < d; k++) {
            shift[k] += b[k];
        }
        double[] c = Matrices.multiply(dirT, shift, d, d, 1);
        double[][] w = new double[d][l.voxels];
        double[] idx = new double[3];
        for (int i = 0; i < l.voxels; i++) {
            idx[0] = i % l.nx;
            idx[1] = (i / l.nx) % l.ny;
            idx[2] = i / (l.nx * l.ny);
            for (int r = 0; r < d; r++) {
                double s2 = c[r];
                for (int k = 0; k < d; k++) {
                    s2 += m[r * d + k] * idx[k] + (u == null ? 0 : n[r * d + k] * u.component(k)[i]);
                }
                w[r][i] = s2;
            }
        }
        return new VectorField(grid, w);
    }

    /**
     * The inverse of x -> T(x + u(x)) (u on grid {@code from}) sampled on grid {@code to}:
     * y -> z + uInv(z) with z = T^-1 y, where uInv is the inverse of u on {@code from};
     * the result is a displacement along {@code to}'s voxel axes. Every step is affine in the
     * voxel index of y except the interpolation of uInv, so the matrices are formed once.
     */
    public static VectorField inverseWithAffine(VectorField uInv, Grid from, Grid to, AffineTransform affine) {
        int d = to.dim();
        Lattice lf = new Lattice(from);
        Lattice lt = new Lattice(to);
        AffineTransform inv = affine.inverse();
        double[] ainv = inv.matrix();
        // y = o_t + D_t S_t j;  z = A^-1 y + b';  zi = S_f^-1 D_f^-1 (z - o_f)
        double[] dts = to.direction();
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                dts[r * d + c] *= to.spacing(c);
            }
        }
        double[] toIndexF = Matrices.inverse(from.direction(), d);
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                toIndexF[r * d + c] /= from.spacing(r);
            }
        }
        double[] zOfJ = Matrices.multiply(ainv, dts, d, d, d);           // z = zOfJ j + z0
        double[] z0 = inv.apply(to.origin());
        double[] ziOfJ = Matrices.multiply(toIndexF, zOfJ, d, d, d);     // zi = ziOfJ j + zi0
        double[] zMinusOf = z0.clone();
        double[] of = from.origin();
        for (int k = 0; k < d; k++) {
            zMinusOf[k] -= of[k];
        }
        double[] zi0 = Matrices.multiply(toIndexF, zMinusOf, d, d, 1);
        // w = D_t^T (z + D_f uInv(zi) - y); z - y = (A^-1 - I) y + b' is affine in j
        double[] dtT = Matrices.transpose(to.direction(), d, d);
        double[] dtTdf = Matrices.multiply(dtT, from.direction(), d, d, d);
        double[] aMinusI = ainv.clone();
        for (int k = 0; k < d; k++) {
            aMinusI[k * d + k] -= 1;
        }
        double[] gOfJ = Matrices.multiply(dtT, Matrices.multiply(aMinusI, dts, d, d, d), d, d, d);
        double[] g0v = Matrices.multiply(aMinusI, to.origin(), d, d, 1);
        double[] bp = inv.translation();
        for (int k = 0; k < d; k++) {
            g0v[k] += bp[k];
        }
        double[] g0 = Matrices.multiply(dtT, g0v, d, d, 1);
        double[][] w = new double[d][lt.voxels];
        LinearStencil st = new LinearStencil(lf);
        double[] j = new double[3];
        double[] zi = new double[3];
        double[] local = new double[3];
        for (int i = 0; i < lt.voxels; i++) {
            j[0] = i % lt.nx;
            j[1] = (i / lt.nx) % lt.ny;
            j[2] = i / (lt.nx * lt.ny);
            for (int r = 0; r < d; r++) {
                double s2 = zi0[r];
                for (int k = 0; k < d; k++) {
                    s2 += ziOfJ[r * d + k] * j[k];
                }
                zi[r] = s2;
            }
            st.locate(zi[0], zi[1], d == 3 ? zi[2] : 0);
            for (int k = 0; k < d; k++) {
                local[k] = uInv == null ? 0 : st.value(uInv.component(k));
            }
            for (int r = 0; r < d; r++) {
                double s2 = g0[r];
                for (int k = 0; k < d; k++) {
                    s2 += gOfJ[r * d + k] * j[k] + dtTdf[r * d + k] * local[k];
                }
                w[r][i] = s2;
            }
        }
        return new VectorField(to, w);
    }
}
