package org.diffeolens.nn.linear;

import java.util.Random;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.flow.BlockSpace;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.linalg.Dense;
import org.diffeolens.linalg.SymmetricEigen;

/**
 * A deep linear network W_e = W_N ... W_1 trained on an l_p regression, as a flow whose control is
 * the list of factors (layer j maps width h_{j-1} to h_j, h_0 = inputs, h_N = outputs). Its adjoint
 * is backpropagation through the product: dL/dW_j = (W_N..W_{j+1})^T grad L(W_e) (W_{j-1}..W_1)^T.
 */
public final class DeepLinearNetwork implements ControlledFlow<double[][], double[][]> {

    private final LpRegression problem;
    private final int[] widths;
    private final Space space = new Space();

    /** widths = {inputs, h_1, ..., h_{N-1}, outputs}. */
    public DeepLinearNetwork(LpRegression problem, int[] widths) {
        if (widths.length < 2 || widths[0] != problem.inputs() || widths[widths.length - 1] != problem.outputs()) {
            throw new IllegalArgumentException("widths must run from " + problem.inputs() + " inputs to "
                    + problem.outputs() + " outputs");
        }
        this.problem = problem;
        this.widths = widths.clone();
    }

    public int depth() {
        return widths.length - 1;
    }

    /** W_b ... W_a (1-based, inclusive), or the identity of width h_{a-1} when b < a. */
    double[] product(double[][] w, int a, int b) {
        double[] p = Dense.identity(widths[a - 1]);
        for (int j = a; j <= b; j++) {
            p = Dense.multiply(w[j - 1], p, widths[j], widths[j - 1], widths[a - 1]);
        }
        return p;
    }

    /** The end-to-end matrix W_N ... W_1 (outputs x inputs). */
    public double[] endToEnd(double[][] w) {
        return product(w, 1, depth());
    }

    @Override
    public double[][] forward(double[][] factors) {
        return factors;
    }

    @Override
    public Energy energy(double[][] factors) {
        return new Energy(0, problem.loss(endToEnd(factors)));
    }

    @Override
    public double[][] gradient(double[][] w) {
        int n = depth();
        double[] g = problem.gradient(endToEnd(w)); // outputs x inputs
        double[][] out = new double[n][];
        for (int j = 1; j <= n; j++) {
            double[] after = product(w, j + 1, n);  // h_N x h_j
            double[] before = product(w, 1, j - 1); // h_{j-1} x h_0
            double[] a = Dense.multiply(Dense.transpose(after, widths[n], widths[j]), g, widths[j], widths[n], widths[0]);
            out[j - 1] = Dense.multiply(a, Dense.transpose(before, widths[j - 1], widths[0]), widths[j], widths[0],
                    widths[j - 1]);
        }
        return out;
    }

    @Override
    public VectorSpace<double[][]> space() {
        return space;
    }

    /** The factors as blocks of the shared vector-space arithmetic. */
    private static final class Space extends BlockSpace<double[][]> {
        Space() {
            super(Parallel.serial());
        }

        @Override
        protected double[][] blocks(double[][] x) {
            return x;
        }

        @Override
        protected double[][] wrap(double[][] like, double[][] blocks) {
            return blocks;
        }
    }

    /**
     * Balanced factors of a given end-to-end matrix: with W_e = U S V^T (rank r <= every width),
     * W_1 = R_1 S^{1/N} V^T, W_j = R_j S^{1/N} R_{j-1}^T, W_N = U S^{1/N} R_{N-1}^T with R_j random
     * matrices of orthonormal columns, so that W_{j+1}^T W_{j+1} = W_j W_j^T = R_j S^{2/N} R_j^T.
     */
    public double[][] balancedFactors(double[] we, Random random) {
        int n = depth();
        int in = widths[0];
        int out = widths[n];
        int r = Math.min(in, out);
        for (int h : widths) {
            r = Math.min(r, h);
        }
        SymmetricEigen e = SymmetricEigen.of(Dense.innerGram(we, out, in), in);
        // the r largest singular values (eigenvalues in ascending order) and their vectors
        double[] s = new double[r];
        double[] v = new double[in * r];
        double[] u = new double[out * r];
        for (int k = 0; k < r; k++) {
            int col = in - 1 - k;
            s[k] = Math.sqrt(Math.max(e.values()[col], 0));
            for (int i = 0; i < in; i++) {
                v[i * r + k] = e.vectors()[i * in + col];
            }
            double[] wv = new double[out];
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int i = 0; i < in; i++) {
                    acc += we[o * in + i] * v[i * r + k];
                }
                wv[o] = acc;
            }
            for (int o = 0; o < out; o++) {
                u[o * r + k] = s[k] > 0 ? wv[o] / s[k] : (o == k ? 1 : 0);
            }
        }
        double[] root = new double[r * r];
        for (int k = 0; k < r; k++) {
            root[k * r + k] = Math.pow(s[k], 1.0 / n);
        }
        double[][] rot = new double[n][];
        for (int j = 1; j < n; j++) {
            rot[j] = orthonormalColumns(widths[j], r, random);
        }
        double[][] w = new double[n][];
        for (int j = 1; j <= n; j++) {
            double[] leftFactor = j == n ? u : rot[j];                       // h_j x r
            double[] rightFactor = j == 1 ? v : rot[j - 1];                  // h_{j-1} x r
            double[] a = Dense.multiply(leftFactor, root, widths[j], r, r);
            w[j - 1] = Dense.multiply(a, Dense.transpose(rightFactor, widths[j - 1], r), widths[j], r, widths[j - 1]);
        }
        return w;
    }

    /** An h x r matrix with orthonormal columns (Gram-Schmidt on Gaussian columns). */
    static double[] orthonormalColumns(int h, int r, Random random) {
        double[] q = new double[h * r];
        for (int k = 0; k < r; k++) {
            double[] c = new double[h];
            for (int i = 0; i < h; i++) {
                c[i] = random.nextGaussian();
            }
            for (int l = 0; l < k; l++) {
                double d = 0;
                for (int i = 0; i < h; i++) {
                    d += c[i] * q[i * r + l];
                }
                for (int i = 0; i < h; i++) {
                    c[i] -= d * q[i * r + l];
                }
            }
            double norm = 0;
            for (double x : c) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < h; i++) {
                q[i * r + k] = c[i] / norm;
            }
        }
        return q;
    }
}
