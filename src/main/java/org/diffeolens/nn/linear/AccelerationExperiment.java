package org.diffeolens.nn.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.diffeolens.flow.AdaGrad;
import org.diffeolens.flow.Adam;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.EndToEndMetric;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.GradientDescent;
import org.diffeolens.flow.Metric;
import org.diffeolens.flow.MinimizationResult;
import org.diffeolens.flow.Minimizer;
import org.diffeolens.flow.Optimizer;
import org.diffeolens.flow.StoppingRule;

/**
 * Does depth accelerate? Arora et al.'s experiment on an l_p regression: depth-1 gradient descent,
 * depth 2 and 3 through their factors and through the EndToEndMetric, and AdaGrad and Adam at depth
 * 1, each with its best learning rate from a grid, from the same near-zero balanced start, all
 * through the one Minimizer.
 */
public final class AccelerationExperiment {

    /** Learning rates tried for every configuration. */
    public static final double[] LEARNING_RATES = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1, 3};
    /** Scale of the near-zero start, as in the paper's experiments. */
    public static final double INIT_SCALE = 1e-2;

    /** One configuration's best run. */
    public record Run(String name, int depth, String method, double learningRate, double[] loss) {
        public double finalLoss() {
            return loss[loss.length - 1];
        }
    }

    private AccelerationExperiment() {
    }

    public static List<Run> run(LpRegression problem, int iterations, long seed) {
        int out = problem.outputs();
        int in = problem.inputs();
        Random r = new Random(seed);
        double[] start = new double[out * in];
        for (int i = 0; i < start.length; i++) {
            start[i] = INIT_SCALE * r.nextGaussian();
        }
        List<Run> runs = new ArrayList<>();
        EndToEndRegression e2e = new EndToEndRegression(problem);
        runs.add(best("depth 1, gd", 1, "gd", lr -> descend(e2e, Metric.identity(e2e.space()),
                GradientDescent.fixed(lr), start, iterations)));
        for (int depth = 2; depth <= 3; depth++) {
            int n = depth;
            int[] widths = new int[depth + 1];
            widths[0] = in;
            for (int j = 1; j < depth; j++) {
                widths[j] = in;
            }
            widths[depth] = out;
            DeepLinearNetwork net = new DeepLinearNetwork(problem, widths);
            double[][] factors = net.balancedFactors(start, new Random(seed + depth));
            runs.add(best("depth " + n + ", factors", n, "factors", lr -> descend(net, Metric.identity(net.space()),
                    GradientDescent.fixed(lr), factors, iterations)));
            EndToEndMetric metric = new EndToEndMetric(out, in, n);
            runs.add(best("depth " + n + ", end-to-end metric", n, "end-to-end",
                    lr -> descend(e2e, metric, GradientDescent.fixed(lr), start, iterations)));
        }
        runs.add(best("depth 1, adagrad", 1, "adagrad", lr -> descend(e2e, Metric.identity(e2e.space()),
                new AdaGrad<>(lr, 1e-10), start, iterations)));
        runs.add(best("depth 1, adam", 1, "adam", lr -> descend(e2e, Metric.identity(e2e.space()),
                new Adam<>(lr), start, iterations)));
        return runs;
    }

    private interface Trial {
        double[] lossCurve(double learningRate);
    }

    /** The learning rate of the grid with the lowest final loss (diverged runs excluded). */
    private static Run best(String name, int depth, String method, Trial trial) {
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestRate = Double.NaN;
        double[] bestCurve = null;
        for (double lr : LEARNING_RATES) {
            double[] curve = trial.lossCurve(lr);
            double last = curve[curve.length - 1];
            if (Double.isFinite(last) && last < bestLoss) {
                bestLoss = last;
                bestRate = lr;
                bestCurve = curve;
            }
        }
        if (bestCurve == null) {
            throw new ArithmeticException(name + ": every learning rate of the grid diverged");
        }
        return new Run(name, depth, method, bestRate, bestCurve);
    }

    /** The loss at every iteration (index 0 is the start), NaN after a divergence. */
    private static <C, T> double[] descend(ControlledFlow<C, T> flow, Metric<C> metric, Optimizer<C> optimizer,
                                           C start, int iterations) {
        double[] curve = new double[iterations + 1];
        java.util.Arrays.fill(curve, Double.NaN);
        try {
            MinimizationResult<C> r = new Minimizer<>(new Adjoint<C>(), metric, optimizer,
                    StoppingRule.iterations(iterations)).minimize(flow, start);
            List<Energy> h = r.history();
            for (int k = 0; k < h.size(); k++) {
                curve[k] = h.get(k).total();
            }
        } catch (ArithmeticException diverged) {
            // the minimizer stops on a non-finite energy: this learning rate is too large
        }
        return curve;
    }

    /** The first iteration at which a curve comes within (1 + tol) of the given target loss, or -1. */
    public static int iterationsTo(double[] curve, double target, double tol) {
        for (int k = 0; k < curve.length; k++) {
            if (curve[k] <= target * (1 + tol)) {
                return k;
            }
        }
        return -1;
    }
}
