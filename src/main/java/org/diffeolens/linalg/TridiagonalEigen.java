package org.diffeolens.linalg;

/**
 * Eigenvalues of a real symmetric tridiagonal matrix by the implicit QL method with Wilkinson
 * shifts (EISPACK tql2), with the first and last rows of the eigenvector matrix carried along:
 * the last row is what Lanczos needs for its residual bounds beta_m |s_{m,i}|, the first gives the
 * Gauss quadrature weights s_{1,i}^2 of stochastic Lanczos quadrature, at O(n^2) instead of the
 * O(n^3) of the full eigenvectors. Values in descending order.
 */
public record TridiagonalEigen(double[] values, double[] firstComponents, double[] lastComponents) {

    private static final int MAX_ITERATIONS = 60;

    /**
     * @param diagonal     a_0 .. a_{n-1}
     * @param offDiagonal  b_0 .. b_{n-2}, b_i coupling rows i and i+1
     */
    public static TridiagonalEigen of(double[] diagonal, double[] offDiagonal) {
        int n = diagonal.length;
        if (n == 0 || offDiagonal.length < n - 1) {
            throw new IllegalArgumentException("need n >= 1 diagonal and n - 1 off-diagonal entries, got "
                    + diagonal.length + " and " + offDiagonal.length);
        }
        double[] d = diagonal.clone();
        double[] e = new double[n];
        System.arraycopy(offDiagonal, 0, e, 0, n - 1);
        double[] z = new double[n];
        z[n - 1] = 1;
        double[] y = new double[n];
        y[0] = 1;
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            while (true) {
                int m = l;
                while (m < n - 1 && Math.abs(e[m]) > Math.ulp(1.0) * (Math.abs(d[m]) + Math.abs(d[m + 1]))) {
                    m++;
                }
                if (m == l) {
                    break;
                }
                if (++iterations > MAX_ITERATIONS) {
                    throw new ArithmeticException("tridiagonal QL did not converge at row " + l);
                }
                qlSweep(d, e, z, y, l, m);
            }
        }
        return sorted(d, y, z);
    }

    /** One implicit QL step on the block l..m with the Wilkinson shift; rotations also applied to the rows z, y. */
    private static void qlSweep(double[] d, double[] e, double[] z, double[] y, int l, int m) {
        double g = (d[l + 1] - d[l]) / (2 * e[l]);
        double r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
        double s = 1;
        double c = 1;
        double p = 0;
        for (int i = m - 1; i >= l; i--) {
            double f = s * e[i];
            double b = c * e[i];
            r = Math.hypot(f, g);
            e[i + 1] = r;
            if (r == 0) {
                // deflation inside the block: undo the shift and start again
                d[i + 1] -= p;
                e[m] = 0;
                return;
            }
            s = f / r;
            c = g / r;
            g = d[i + 1] - p;
            r = (d[i] - g) * s + 2 * c * b;
            p = s * r;
            d[i + 1] = g + p;
            g = c * r - b;
            double zi = z[i + 1];
            z[i + 1] = s * z[i] + c * zi;
            z[i] = c * z[i] - s * zi;
            double yi = y[i + 1];
            y[i + 1] = s * y[i] + c * yi;
            y[i] = c * y[i] - s * yi;
        }
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
    }

    private static TridiagonalEigen sorted(double[] d, double[] y, double[] z) {
        int n = d.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(d[q], d[p]));
        double[] values = new double[n];
        double[] first = new double[n];
        double[] last = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = d[order[i]];
            first[i] = y[order[i]];
            last[i] = z[order[i]];
        }
        return new TridiagonalEigen(values, first, last);
    }
}
