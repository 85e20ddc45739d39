package org.diffeolens.field;

import org.diffeolens.concurrent.Parallel;

/**
 * Pulls a source field back onto a target grid through an optional displacement and an optional
 * world affine map: for target voxel i at world point p(i), the source is sampled at
 * {@code T(p(i) + D_t u(i))} (CONVENTIONS.md: warped(x) = moving(x + u(x))). Every step is affine
 * in (i, u), so it collapses into one index map {@code src = Q i + R u(i) + c} computed once,
 * and the voxel loop does a few multiply-adds and one interpolation.
 */
public final class Resampler {

    /** How values between voxels are computed. */
    public enum Interpolation {
        LINEAR, NEAREST
    }

    private final Grid source;
    private final Grid target;
    private final double[] q; // d x d: target index -> source index
    private final double[] r; // d x d: displacement (mm, target voxel axes) -> source index
    private final double[] c; // d
    private final Parallel parallel;

    public Resampler(Grid source, Grid target, AffineTransform affine, Parallel parallel) {
        if (source.dim() != target.dim()) {
            throw new IllegalArgumentException("cannot resample a " + source.dim() + "D field onto a "
                    + target.dim() + "D grid");
        }
        int d = target.dim();
        AffineTransform t = affine == null ? AffineTransform.identity(d) : affine;
        if (t.dim() != d) {
            throw new IllegalArgumentException("affine map is " + t.dim() + "D, grids are " + d + "D");
        }
        // world -> source index: S_s^-1 D_s^-1 (y - o_s)
        double[] toSource = Matrices.inverse(source.direction(), d);
        for (int row = 0; row < d; row++) {
            for (int col = 0; col < d; col++) {
                toSource[row * d + col] /= source.spacing(row);
            }
        }
        double[] ta = Matrices.multiply(toSource, t.matrix(), d, d, d); // world -> source index (linear part)
        double[] dt = target.direction();
        this.r = Matrices.multiply(ta, dt, d, d, d);
        this.q = r.clone();
        for (int row = 0; row < d; row++) {
            for (int col = 0; col < d; col++) {
                q[row * d + col] *= target.spacing(col);
            }
        }
        double[] shift = t.apply(target.origin());
        double[] os = source.origin();
        for (int i = 0; i < d; i++) {
            shift[i] -= os[i];
        }
        this.c = Matrices.multiply(toSource, shift, d, d, 1);
        this.source = source;
        this.target = target;
        this.parallel = parallel;
    }

    /** Resamples source through displacement u (on the target grid, may be null). */
    public ScalarField resample(ScalarField field, VectorField u, Interpolation interpolation, Border border) {
        if (!field.grid().sameShape(source)) {
            throw new IllegalArgumentException("field grid does not match the resampler's source grid");
        }
        if (u != null && !u.grid().sameShape(target)) {
            throw new IllegalArgumentException("displacement grid does not match the target grid");
        }
        ScalarField out = ScalarField.zeros(target);
        resample(field.data(), u == null ? null : u.components(), out.data(), interpolation, border);
        return out;
    }

    /** Flat-array form: out (target grid) = f (source grid) sampled through u (may be null). */
    public void resample(double[] f, double[][] u, double[] out, Interpolation interpolation, Border border) {
        Lattice src = new Lattice(source);
        Lattice tgt = new Lattice(target);
        int d = target.dim();
        parallel.range(tgt.rows(), (r0, r1) -> {
            double[] p = new double[3];
            for (int row = r0; row < r1; row++) {
                int y = row % tgt.ny;
                int z = row / tgt.ny;
                int base = row * tgt.nx;
                for (int x = 0; x < tgt.nx; x++) {
                    int i = base + x;
                    sourceIndex(x, y, z, u, i, d, p);
                    out[i] = interpolation == Interpolation.LINEAR
                            ? Sampler.linear(f, src, p[0], p[1], p[2], border)
                            : Sampler.nearest(f, src, p[0], p[1], p[2], border);
                }
            }
        });
    }

    /** The continuous source index sampled for target voxel (x, y, z) with flat index i. */
    void sourceIndex(int x, int y, int z, double[][] u, int i, int d, double[] p) {
        if (d == 2) {
            double ux = u == null ? 0 : u[0][i];
            double uy = u == null ? 0 : u[1][i];
            p[0] = q[0] * x + q[1] * y + r[0] * ux + r[1] * uy + c[0];
            p[1] = q[2] * x + q[3] * y + r[2] * ux + r[3] * uy + c[1];
            p[2] = 0;
        } else {
            double ux = u == null ? 0 : u[0][i];
            double uy = u == null ? 0 : u[1][i];
            double uz = u == null ? 0 : u[2][i];
            for (int a = 0; a < 3; a++) {
                p[a] = q[3 * a] * x + q[3 * a + 1] * y + q[3 * a + 2] * z
                        + r[3 * a] * ux + r[3 * a + 1] * uy + r[3 * a + 2] * uz + c[a];
            }
        }
    }

    /** Convenience: resample f onto the target grid through u and affine (both may be null). */
    public static ScalarField resample(ScalarField f, Grid target, VectorField u, AffineTransform affine,
                                       Interpolation interpolation, Border border, Parallel parallel) {
        return new Resampler(f.grid(), target, affine, parallel).resample(f, u, interpolation, border);
    }

    /** Resamples each component of a vector field (components stay along the shared voxel axes). */
    public static VectorField resample(VectorField v, Grid target, Parallel parallel) {
        Resampler rs = new Resampler(v.grid(), target, null, parallel);
        double[][] out = new double[v.dim()][target.voxelCount()];
        for (int k = 0; k < v.dim(); k++) {
            rs.resample(v.component(k), null, out[k], Interpolation.LINEAR, Border.REPLICATE);
        }
        return new VectorField(target, out);
    }
}
