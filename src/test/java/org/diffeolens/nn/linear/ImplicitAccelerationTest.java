package org.diffeolens.nn.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.EndToEndMetric;
import org.diffeolens.flow.FiniteDifferences;
import org.diffeolens.flow.GradientDescent;
import org.diffeolens.flow.Metric;
import org.diffeolens.flow.Minimizer;
import org.diffeolens.flow.StoppingRule;
import org.diffeolens.linalg.Dense;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Arora, Cohen and Hazan (2018), paper 000 eq. 1 and 5, as numbers: one step of plain gradient
 * descent on balanced factors of a deep linear network moves the end-to-end matrix along the
 * EndToEndMetric update, with an error that is second order in the step.
 */
class ImplicitAccelerationTest {

    static LpRegression problem(double p, long seed) {
        Random r = new Random(seed);
        int n = 40;
        int in = 5;
        int out = 3;
        double[] x = new double[n * in];
        double[] y = new double[n * out];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian();
        }
        return new LpRegression(x, y, n, in, out, p);
    }

    static int[] widths(int depth) {
        int[] w = new int[depth + 1];
        w[0] = 5;
        for (int j = 1; j < depth; j++) {
            w[j] = 4;
        }
        w[depth] = 3;
        return w;
    }

    static double[] endToEnd(Random r) {
        double[] we = new double[15];
        for (int i = 0; i < we.length; i++) {
            we[i] = 0.5 * r.nextGaussian();
        }
        return we;
    }

    @Test
    void backpropagationThroughTheProductMatchesFiniteDifferences() {
        DeepLinearNetwork net = new DeepLinearNetwork(problem(4, 1), widths(3));
        double[][] w = net.balancedFactors(endToEnd(new Random(2)), new Random(3));
        double[][] adjoint = new Adjoint<double[][]>().evaluate(net, w).gradient();
        double[][] fd = new FiniteDifferences<double[][]>(1e-6).evaluate(net, w).gradient();
        for (int j = 0; j < w.length; j++) {
            assertArrayEquals(fd[j], adjoint[j], 1e-7);
        }
    }

    @ParameterizedTest
    @CsvSource({"2", "3", "4"})
    void balancedFactorsMultiplyToTheMatrixAndAreBalanced(int depth) {
        DeepLinearNetwork net = new DeepLinearNetwork(problem(2, 1), widths(depth));
        double[] we = endToEnd(new Random(5));
        double[][] w = net.balancedFactors(we, new Random(6));
        assertArrayEquals(we, net.endToEnd(w), 1e-12);
        int[] h = widths(depth);
        for (int j = 1; j < depth; j++) {
            double[] above = Dense.innerGram(w[j], h[j + 1], h[j]);     // W_{j+1}^T W_{j+1}
            double[] below = Dense.outerGram(w[j - 1], h[j], h[j - 1]); // W_j W_j^T
            assertArrayEquals(below, above, 1e-12);
        }
    }

    @ParameterizedTest
    @CsvSource({"2, 2", "3, 2", "4, 2", "2, 4", "3, 4", "4, 4"})
    void factorDescentMovesTheProductAlongTheEndToEndMetricToSecondOrder(int depth, double p) {
        LpRegression problem = problem(p, 7);
        DeepLinearNetwork net = new DeepLinearNetwork(problem, widths(depth));
        double[] we = endToEnd(new Random(8));
        double[][] w = net.balancedFactors(we, new Random(9));
        EndToEndMetric metric = new EndToEndMetric(3, 5, depth);
        double[] predicted = metric.sharp(problem.gradient(we), we);
        double[] errors = new double[3];
        double[] etas = {4e-3, 2e-3, 1e-3};
        for (int k = 0; k < etas.length; k++) {
            // one step of the shared minimizer on the factors, plain gradient descent
            double[][] stepped = new Minimizer<>(new Adjoint<double[][]>(), Metric.identity(net.space()),
                    GradientDescent.fixed(etas[k]), StoppingRule.iterations(1)).minimize(net, w).control();
            double[] moved = net.endToEnd(stepped);
            double e = 0;
            for (int i = 0; i < we.length; i++) {
                double d = moved[i] - (we[i] - etas[k] * predicted[i]);
                e += d * d;
            }
            errors[k] = Math.sqrt(e);
        }
        double slope1 = Math.log(errors[0] / errors[1]) / Math.log(2);
        double slope2 = Math.log(errors[1] / errors[2]) / Math.log(2);
        // the first-order terms agree exactly for balanced factors; what remains is O(eta^2)
        assertEquals(2, slope1, 0.15, "log2 error ratio, depth " + depth + ", p " + p);
        assertEquals(2, slope2, 0.15, "log2 error ratio, depth " + depth + ", p " + p);
        // and at the smallest step the remainder is a small part of the move itself
        double relative = errors[2] / (etas[2] * Dense.frobenius(predicted));
        assertTrue(relative < 0.05, "remainder / first-order move = " + relative);
    }
}
