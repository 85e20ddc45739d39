package org.diffeolens.linalg;

/**
 * Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations: accurate to round-off
 * for the small matrices it serves (layer Gram matrices, Lanczos tridiagonals, test oracles).
 * S = V diag(values) V^T, columns of V the eigenvectors, values in ascending order.
 */
public record SymmetricEigen(double[] values, double[] vectors, int dim) {

    private static final int MAX_SWEEPS = 100;

    public static SymmetricEigen of(double[] s, int d) {
        double[] a = s.clone();
        double[] v = Dense.identity(d);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double norm = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    norm += a[i * d + j] * a[i * d + j];
                    if (i != j) {
                        off += a[i * d + j] * a[i * d + j];
                    }
                }
            }
            if (off <= 1e-30 * norm || off == 0) {
                break;
            }
            for (int p = 0; p < d - 1; p++) {
                for (int q = p + 1; q < d; q++) {
                    double apq = a[p * d + q];
                    if (apq == 0) {
                        continue;
                    }
                    double app = a[p * d + p];
                    double aqq = a[q * d + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < d; k++) {
                        double akp = a[k * d + p];
                        double akq = a[k * d + q];
                        a[k * d + p] = c * akp - sn * akq;
                        a[k * d + q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++) {
                        double apk = a[p * d + k];
                        double aqk = a[q * d + k];
                        a[p * d + k] = c * apk - sn * aqk;
                        a[q * d + k] = sn * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++) {
                        double vkp = v[k * d + p];
                        double vkq = v[k * d + q];
                        v[k * d + p] = c * vkp - sn * vkq;
                        v[k * d + q] = sn * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            values[i] = a[i * d + i];
        }
        // ascending order, columns of v permuted alike
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] sv = new double[d];
        double[] vv = new double[d * d];
        for (int k = 0; k < d; k++) {
            sv[k] = values[order[k]];
            for (int i = 0; i < d; i++) {
                vv[i * d + k] = v[i * d + order[k]];
            }
        }
        return new SymmetricEigen(sv, vv, d);
    }
}
