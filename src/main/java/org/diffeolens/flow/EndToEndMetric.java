package org.diffeolens.flow;

import org.diffeolens.linalg.Dense;

/**
 * The preconditioner that depth induces (Arora, Cohen and Hazan 2018, eq. 5 of paper 000): for a
 * product map W_e = W_N ... W_1 whose factors are balanced (W_{j+1}^T W_{j+1} = W_j W_j^T), plain
 * gradient descent on the factors moves W_e, to first order in the step, along
 * <pre>
 *   sum_{j=1..N} (W_e W_e^T)^{(j-1)/N} grad L(W_e) (W_e^T W_e)^{(N-j)/N}
 * </pre>
 * As a {@link Metric} on the end-to-end matrix (rows x cols, row-major) it lets the same
 * {@link Minimizer} run "depth-N descent" without the factors. N = 1 is the identity.
 */
public final class EndToEndMetric implements Metric<double[]> {

    private final int rows;
    private final int cols;
    private final int depth;

    public EndToEndMetric(int rows, int cols, int depth) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix shape must be positive, got " + rows + " x " + cols);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
        this.rows = rows;
        this.cols = cols;
        this.depth = depth;
    }

    public int depth() {
        return depth;
    }

    @Override
    public double[] sharp(double[] covector, double[] at) {
        if (covector.length != rows * cols || at.length != rows * cols) {
            throw new IllegalArgumentException("expected " + rows + " x " + cols + " matrices");
        }
        if (depth == 1) {
            return covector.clone();
        }
        double[] left = Dense.outerGram(at, rows, cols);   // W W^T, rows x rows
        double[] right = Dense.innerGram(at, rows, cols);  // W^T W, cols x cols
        double[] out = new double[rows * cols];
        for (int j = 1; j <= depth; j++) {
            double[] l = Dense.power(left, rows, (j - 1) / (double) depth);
            double[] r = Dense.power(right, cols, (depth - j) / (double) depth);
            double[] term = Dense.multiply(Dense.multiply(l, covector, rows, rows, cols), r, rows, cols, cols);
            for (int i = 0; i < out.length; i++) {
                out[i] += term[i];
            }
        }
        return out;
    }
}
