package org.diffeolens.linalg;

/** A dense solver for test oracles, independent of the code under test: elimination with partial pivoting. */
public final class GaussianElimination {

    private GaussianElimination() {
    }

    /** x with A x = b, A n x n row-major. */
    public static double[] solve(double[] matrix, int n, double[] rhs) {
        double[] a = matrix.clone();
        double[] b = rhs.clone();
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) {
                    pivot = r;
                }
            }
            for (int c = 0; c < n; c++) {
                double t = a[col * n + c];
                a[col * n + c] = a[pivot * n + c];
                a[pivot * n + c] = t;
            }
            double t = b[col];
            b[col] = b[pivot];
            b[pivot] = t;
            for (int r = col + 1; r < n; r++) {
                double f = a[r * n + col] / a[col * n + col];
                for (int c = col; c < n; c++) {
                    a[r * n + c] -= f * a[col * n + c];
                }
                b[r] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int c = r + 1; c < n; c++) {
                s -= a[r * n + c] * x[c];
            }
            x[r] = s / a[r * n + r];
        }
        return x;
    }

    /** The Kronecker product A (x) G (n m x n m): entry ((r, c), (r', c')) = A[r][r'] G[c][c']. */
    public static double[] kronecker(double[] a, int n, double[] g, int m) {
        int d = n * m;
        double[] k = new double[d * d];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                for (int r2 = 0; r2 < n; r2++) {
                    for (int c2 = 0; c2 < m; c2++) {
                        k[(r * m + c) * d + r2 * m + c2] = a[r * n + r2] * g[c * m + c2];
                    }
                }
            }
        }
        return k;
    }

    /** S + shift I (d x d). */
    public static double[] plusIdentity(double[] s, int d, double shift) {
        double[] out = s.clone();
        for (int i = 0; i < d; i++) {
            out[i * d + i] += shift;
        }
        return out;
    }

    public static double relativeDistance(double[] x, double[] y) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < x.length; i++) {
            d += (x[i] - y[i]) * (x[i] - y[i]);
            n += y[i] * y[i];
        }
        return Math.sqrt(d / n);
    }
}
