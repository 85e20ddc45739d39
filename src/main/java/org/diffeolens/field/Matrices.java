package org.diffeolens.field;

/** Small dense row-major matrices (2x2, 3x3, 4x4) for geometry: identity, determinant, inverse, products. */
public final class Matrices {

    private Matrices() {
    }

    public static double[] identity(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1;
        }
        return m;
    }

    public static double determinant(double[] m, int d) {
        switch (d) {
            case 1:
                return m[0];
            case 2:
                return m[0] * m[3] - m[1] * m[2];
            case 3:
                return m[0] * (m[4] * m[8] - m[5] * m[7])
                        - m[1] * (m[3] * m[8] - m[5] * m[6])
                        + m[2] * (m[3] * m[7] - m[4] * m[6]);
            default:
                double[] lu = m.clone();
                return luDeterminant(lu, d);
        }
    }

    /** Inverse by Gauss-Jordan elimination with partial pivoting. */
    public static double[] inverse(double[] m, int d) {
        double[] a = m.clone();
        double[] inv = identity(d);
        for (int c = 0; c < d; c++) {
            int p = c;
            for (int r = c + 1; r < d; r++) {
                if (Math.abs(a[r * d + c]) > Math.abs(a[p * d + c])) {
                    p = r;
                }
            }
            if (Math.abs(a[p * d + c]) < 1e-300) {
                throw new IllegalArgumentException("matrix is singular");
            }
            swapRows(a, d, c, p);
            swapRows(inv, d, c, p);
            double piv = a[c * d + c];
            for (int k = 0; k < d; k++) {
                a[c * d + k] /= piv;
                inv[c * d + k] /= piv;
            }
            for (int r = 0; r < d; r++) {
                if (r != c) {
                    double f = a[r * d + c];
                    if (f != 0) {
                        for (int k = 0; k < d; k++) {
                            a[r * d + k] -= f * a[c * d + k];
                            inv[r * d + k] -= f * inv[c * d + k];
                        }
                    }
                }
            }
        }
        return inv;
    }

    /** Product of a (n x k) and b (k x m), row-major. */
    public static double[] multiply(double[] a, double[] b, int n, int k, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    s += a[i * k + l] * b[l * m + j];
                }
                c[i * m + j] = s;
            }
        }
        return c;
    }

    public static double[] transpose(double[] a, int n, int m) {
        double[] t = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                t[j * n + i] = a[i * m + j];
            }
        }
        return t;
    }

    private static void swapRows(double[] a, int d, int r1, int r2) {
        if (r1 == r2) {
            return;
        }
        for (int k = 0; k < d; k++) {
            double t = a[r1 * d + k];
            a[r1 * d + k] = a[r2 * d + k];
            a[r2 * d + k] = t;
        }
    }

    private static double luDeterminant(double[] a, int d) {
        double det = 1;
        for (int c = 0; c < d; c++) {
            int p = c;
            for (int r = c + 1; r < d; r++) {
                if (Math.abs(a[r * d + c]) > Math.abs(a[p * d + c])) {
                    p = r;
                }
            }
            if (a[p * d + c] == 0) {
                return 0;
            }
            if (p != c) {
                swapRows(a, d, c, p);
                det = -det;
            }
            det *= a[c * d + c];
            for (int r = c + 1; r < d; r++) {
                double f = a[r * d + c] / a[c * d + c];
                for (int k = c; k < d; k++) {
                    a[r * d + k] -= f * a[c * d + k];
                }
            }
        }
        return det;
    }
}
