package org.diffeolens.registration;

import java.util.Locale;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.ScalarField;

/**
 * Local normalized cross-correlation (ANTs' CC metric) over boxes of radius r voxels, truncated at
 * the border: for each voxel i with window N(i) of n_i voxels,
 * {@code cc_i = A_i^2 / ((B_i + eps n_i)(C_i + eps n_i))}, A = sum FW - sum F sum W / n,
 * B = sum F^2 - (sum F)^2 / n, C = sum W^2 - (sum W)^2 / n, and
 * {@code E_sim = 1/(2 sigma^2) sum_i m_i (1 - cc_i) * voxel volume} (m an optional 0/1 mask). The gradient is exact (not
 * ANTs' approximation): because j in N(i) iff i in N(j), the transposed box sums are box sums,
 * dE/dW_j = -w (F_j Box(alpha)_j - Box(alpha Fbar)_j - W_j Box(beta)_j + Box(beta Wbar)_j),
 * alpha = 2A/((B+e)(C+e)), beta = 2A^2/((B+e)(C+e)^2). eps regularizes flat windows.
 */
public final class LocalCorrelation implements Similarity {

    /** Variance floor per voxel (intensities normalized to about [0, 1]) for flat windows. */
    public static final double EPSILON = 1e-5;

    private final Lattice lat;
    private final int radius;
    private final double sigma;
    private final double weight;
    private final Parallel parallel;
    private final double[] fixed;
    private final double[] count;
    private final double[] sumF;
    private final double[] varF; // B_i + eps n_i
    private final double[] sumW;
    private final double[] sumW2;
    private final double[] sumFW;
    private final double[] mask;

    public LocalCorrelation(ScalarField fixed, int radius, double sigma, Parallel parallel) {
        this(fixed, radius, sigma, null, parallel);
    }

    public LocalCorrelation(ScalarField fixed, int radius, double sigma, double[] mask, Parallel parallel) {
        if (radius < 1) {
            throw new IllegalArgumentException("NCC window radius must be >= 1 voxel, got " + radius);
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
        }
        this.lat = new Lattice(fixed.grid());
        this.radius = radius;
        this.sigma = sigma;
        this.weight = fixed.grid().voxelVolume() / (2 * sigma * sigma);
        this.parallel = parallel;
        this.fixed = fixed.data();
        int n = lat.voxels;
        this.count = boxSum(filled(n, 1), new double[n]);
        this.sumF = boxSum(this.fixed, new double[n]);
        double[] f2 = new double[n];
        for (int i = 0; i < n; i++) {
            f2[i] = this.fixed[i] * this.fixed[i];
        }
        this.varF = boxSum(f2, new double[n]);
        for (int i = 0; i < n; i++) {
            varF[i] = varF[i] - sumF[i] * sumF[i] / count[i] + EPSILON * count[i];
        }
        this.sumW = new double[n];
        this.sumW2 = new double[n];
        this.sumFW = new double[n];
        if (mask != null && mask.length != n) {
            throw new IllegalArgumentException("mask has " + mask.length + " values, the image " + n);
        }
        this.mask = mask;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Override
    public double value(double[] warped) {
        return evaluate(warped, null);
    }

    @Override
    public double valueAndGradient(double[] warped, double[] gradient) {
        return evaluate(warped, gradient);
    }

    private double evaluate(double[] w, double[] gradient) {
        int n = lat.voxels;
        double[] tmp = new double[n];
        boxSum(w, sumW);
        for (int i = 0; i < n; i++) {
            tmp[i] = w[i] * w[i];
        }
        boxSum(tmp, sumW2);
        for (int i = 0; i < n; i++) {
            tmp[i] = w[i] * fixed[i];
        }
        boxSum(tmp, sumFW);
        double total = 0;
        // reuse the sums' arrays for alpha, beta and their products once cc is known
        double[] alpha = tmp;
        double[] beta = gradient == null ? null : new double[n];
        for (int i = 0; i < n; i++) {
            double c = count[i];
            double a = sumFW[i] - sumF[i] * sumW[i] / c;
            double varW = sumW2[i] - sumW[i] * sumW[i] / c + EPSILON * c;
            double cc = a * a / (varF[i] * varW);
            double m = mask == null ? 1 : mask[i];
            total += m * (1 - cc);
            if (gradient != null) {
                alpha[i] = m * 2 * a / (varF[i] * varW);
                beta[i] = m * 2 * a * a / (varF[i] * varW * varW);
            }
        }
        if (gradient != null) {
            // Box(alpha), Box(alpha * Fbar), Box(beta), Box(beta * Wbar)
            double[] aF = new double[n];
            double[] bW = new double[n];
            for (int i = 0; i < n; i++) {
                aF[i] = alpha[i] * sumF[i] / count[i];
                bW[i] = beta[i] * sumW[i] / count[i];
            }
            double[] boxA = boxSum(alpha, new double[n]);
            double[] boxAF = boxSum(aF, aF);
            double[] boxB = boxSum(beta, new double[n]);
            double[] boxBW = boxSum(bW, bW);
            for (int i = 0; i < n; i++) {
                double dcc = fixed[i] * boxA[i] - boxAF[i] - w[i] * boxB[i] + boxBW[i];
                gradient[i] = -weight * dcc;
            }
        }
        return weight * total;
    }

    /** out = sum of in over the truncated box of radius r around each voxel (out may be in). */
    double[] boxSum(double[] in, double[] out) {
        if (out != in) {
            System.arraycopy(in, 0, out, 0, in.length);
        }
        for (int a = 0; a < lat.dim; a++) {
            boxAxisInPlace(out, a);
        }
        return out;
    }

    /** Running sums along one axis over [k - r, k + r] clipped to the line, line by line in place. */
    private void boxAxisInPlace(double[] f, int axis) {
        int n = lat.size(axis);
        int s = lat.stride(axis);
        int r = radius;
        int chunks = parallel.chunks(lat.lines(axis));
        double[][] lines = new double[chunks][n];
        parallel.chunked(lat.lines(axis), (chunk, l0, l1) -> {
            double[] line = lines[chunk];
            for (int li = l0; li < l1; li++) {
                int start = lat.lineStart(axis, li);
                for (int k = 0; k < n; k++) {
                    line[k] = f[start + k * s];
                }
                double acc = 0;
                for (int k = 0; k <= Math.min(r, n - 1); k++) {
                    acc += line[k];
                }
                for (int k = 0; k < n; k++) {
                    f[start + k * s] = acc;
                    if (k + r + 1 < n) {
                        acc += line[k + r + 1];
                    }
                    if (k - r >= 0) {
                        acc -= line[k - r];
                    }
                }
            }
        });
    }

    public int radius() {
        return radius;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "ncc(radius=%d, sigma=%g)", radius, sigma);
    }
}
