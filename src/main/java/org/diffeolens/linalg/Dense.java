package org.diffeolens.linalg;

/**
 * Small dense matrices as row-major double arrays with explicit shapes: products, transposes and
 * fractional powers of symmetric positive semi-definite matrices. Dependency-free, for geometry
 * (2x2..4x4), affine parameters and the layer matrices of deep linear networks.
 */
public final class Dense {

    private Dense() {
    }

    public static double[] identity(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1;
        }
        return m;
    }

    /** Product of a (n x k) and b (k x m). */
    public static double[] multiply(double[] a, double[] b, int n, int k, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < k; l++) {
                double ail = a[i * k + l];
                if (ail == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    c[i * m + j] += ail * b[l * m + j];
                }
            }
        }
        return c;
    }

    /** Transpose of a (n x m). */
    public static double[] transpose(double[] a, int n, int m) {
        double[] t = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                t[j * n + i] = a[i * m + j];
            }
        }
        return t;
    }

    /** a a^T for a (n x m): n x n. */
    public static double[] outerGram(double[] a, int n, int m) {
        return multiply(a, transpose(a, n, m), n, m, n);
    }

    /** a^T a for a (n x m): m x m. */
    public static double[] innerGram(double[] a, int n, int m) {
        return multiply(transpose(a, n, m), a, m, n, m);
    }

    /**
     * S^p for a symmetric positive semi-definite S (d x d) by its eigen-decomposition; eigenvalues
     * below zero from round-off are taken as zero, and 0^0 = 1 (so S^0 = I).
     */
    public static double[] power(double[] s, int d, double p) {
        SymmetricEigen e = SymmetricEigen.of(s, d);
        double[] v = e.vectors();
        double[] lam = e.values();
        double[] out = new double[d * d];
        for (int k = 0; k < d; k++) {
            double l = Math.max(lam[k], 0);
            double f = p == 0 ? 1 : Math.pow(l, p);
            if (f == 0) {
                continue;
            }
            for (int i = 0; i < d; i++) {
                double vik = v[i * d + k] * f;
                for (int j = 0; j < d; j++) {
                    out[i * d + j] += vik * v[j * d + k];
                }
            }
        }
        return out;
    }

    public static double frobenius(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
