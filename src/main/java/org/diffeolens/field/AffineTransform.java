package org.diffeolens.field;

import java.util.Arrays;

/**
 * An affine map of world (physical, mm) space, y = A x + b, in 2D or 3D. Affine pre-alignment
 * produces one; it maps fixed-space points to moving-space points, so that the pre-aligned moving
 * image is {@code moving(T x)} (the same pull-back direction as the displacement fields).
 */
public final class AffineTransform {

    private final int dim;
    private final double[] matrix; // d x d row-major
    private final double[] translation;

    public AffineTransform(double[] matrix, double[] translation) {
        int d = translation.length;
        if (d < 2 || d > 3 || matrix.length != d * d) {
            throw new IllegalArgumentException("an affine map needs a " + d + "x" + d + " matrix and "
                    + d + " translations, got " + matrix.length + " and " + d);
        }
        for (double v : matrix) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("affine matrix must be finite: " + Arrays.toString(matrix));
            }
        }
        for (double v : translation) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("affine translation must be finite: " + Arrays.toString(translation));
            }
        }
        this.dim = d;
        this.matrix = matrix.clone();
        this.translation = translation.clone();
    }

    public static AffineTransform identity(int d) {
        return new AffineTransform(Matrices.identity(d), new double[d]);
    }

    public static AffineTransform translation(double... t) {
        return new AffineTransform(Matrices.identity(t.length), t);
    }

    public int dim() {
        return dim;
    }

    public double[] matrix() {
        return matrix.clone();
    }

    public double[] translation() {
        return translation.clone();
    }

    public double[] apply(double[] x) {
        double[] y = new double[dim];
        for (int r = 0; r < dim; r++) {
            double s = translation[r];
            for (int c = 0; c < dim; c++) {
                s += matrix[r * dim + c] * x[c];
            }
            y[r] = s;
        }
        return y;
    }

    /** this o other: x -> this(other(x)). */
    public AffineTransform compose(AffineTransform other) {
        double[] m = Matrices.multiply(matrix, other.matrix, dim, dim, dim);
        double[] t = apply(other.translation);
        return new AffineTransform(m, t);
    }

    public AffineTransform inverse() {
        double[] inv = Matrices.inverse(matrix, dim);
        double[] t = Matrices.multiply(inv, translation, dim, dim, 1);
        for (int i = 0; i < dim; i++) {
            t[i] = -t[i];
        }
        return new AffineTransform(inv, t);
    }

    public double determinant() {
        return Matrices.determinant(matrix, dim);
    }

    public boolean isIdentity(double tol) {
        double[] id = Matrices.identity(dim);
        for (int i = 0; i < matrix.length; i++) {
            if (Math.abs(matrix[i] - id[i]) > tol) {
                return false;
            }
        }
        for (double t : translation) {
            if (Math.abs(t) > tol) {
                return false;
            }
        }
        return true;
    }

    /** The (d+1)x(d+1) homogeneous matrix, row-major. */
    public double[] homogeneous() {
        int n = dim + 1;
        double[] h = new double[n * n];
        for (int r = 0; r < dim; r++) {
            System.arraycopy(matrix, r * dim, h, r * n, dim);
            h[r * n + dim] = translation[r];
        }
        h[n * n - 1] = 1;
        return h;
    }

    @Override
    public String toString() {
        return "AffineTransform[A=" + Arrays.toString(matrix) + ", b=" + Arrays.toString(translation) + "]";
    }
}
