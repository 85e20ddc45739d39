package org.diffeolens.linalg;

/**
 * Cholesky factorization S = L L^T of a symmetric positive definite matrix (row-major, d x d) and
 * solves with it: for the damped curvature blocks of the metrics (K-FAC factors), where the
 * damping guarantees definiteness and the sizes (up to about a thousand) stay small.
 */
public final class Cholesky {

    private final double[] lower;
    private final int dim;

    private Cholesky(double[] lower, int dim) {
        this.lower = lower;
        this.dim = dim;
    }

    /** Factors S; fails naming the pivot where S is not positive definite. */
    public static Cholesky of(double[] s, int d) {
        if (s.length != d * d) {
            throw new IllegalArgumentException("expected a " + d + " x " + d + " matrix, got " + s.length + " entries");
        }
        double[] l = new double[d * d];
        for (int j = 0; j < d; j++) {
            double diag = s[j * d + j];
            for (int k = 0; k < j; k++) {
                diag -= l[j * d + k] * l[j * d + k];
            }
            if (!(diag > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite (pivot " + j + " is " + diag + ")");
            }
            double ljj = Math.sqrt(diag);
            l[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++) {
                double v = s[i * d + j];
                for (int k = 0; k < j; k++) {
                    v -= l[i * d + k] * l[j * d + k];
                }
                l[i * d + j] = v / ljj;
            }
        }
        return new Cholesky(l, d);
    }

    public int dim() {
        return dim;
    }

    /** X = S^{-1} B for B (d x m, row-major), by forward and back substitution on all columns at once. */
    public double[] solve(double[] b, int m) {
        if (b.length != dim * m) {
            throw new IllegalArgumentException("right-hand side must be " + dim + " x " + m);
        }
        double[] x = b.clone();
        int d = dim;
        for (int i = 0; i < d; i++) {
            // L y = b
            for (int k = 0; k < i; k++) {
                double lik = lower[i * d + k];
                if (lik != 0) {
                    for (int c = 0; c < m; c++) {
                        x[i * m + c] -= lik * x[k * m + c];
                    }
                }
            }
            double inv = 1 / lower[i * d + i];
            for (int c = 0; c < m; c++) {
                x[i * m + c] *= inv;
            }
        }
        for (int i = d - 1; i >= 0; i--) {
            // L^T x = y
            for (int k = i + 1; k < d; k++) {
                double lki = lower[k * d + i];
                if (lki != 0) {
                    for (int c = 0; c < m; c++) {
                        x[i * m + c] -= lki * x[k * m + c];
                    }
                }
            }
            double inv = 1 / lower[i * d + i];
            for (int c = 0; c < m; c++) {
                x[i * m + c] *= inv;
            }
        }
        return x;
    }
}
