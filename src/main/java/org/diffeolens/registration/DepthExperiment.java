package org.diffeolens.registration;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.CachingFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.GradientDescent;
import org.diffeolens.flow.Iteration;
import org.diffeolens.flow.LBfgs;
import org.diffeolens.flow.MinimizationResult;
import org.diffeolens.flow.Minimizer;
import org.diffeolens.flow.MinimizerListener;
import org.diffeolens.flow.Optimizer;
import org.diffeolens.flow.StoppingRule;

/**
 * Does depth accelerate SVF registration? One pyramid level of a pair, registered as a single SVF
 * (N = 1) and as the same map over-parameterized by N stationary factors ({@link ExponentialProduct}),
 * each factor descended on its own, from the balanced start v_i = 0, all through the one
 * {@link Minimizer} under the path's kernel metric (the V-metric weighted by dt = 1/N, which makes
 * the first step of every depth the SVF's step): plain gradient descent with fixed steps (the best
 * of a grid for each depth, as Arora et al. compare depths) and the registration's L-BFGS.
 */
public final class DepthExperiment {

    /** Fixed steps tried, in multiples of the reference step that moves points by half a voxel at first. */
    public static final double[] STEP_MULTIPLES = {0.5, 1, 2, 4};

    /**
     * The energy terms and the CPU time of the minimizing thread after every iteration (index 0:
     * the start); stop is the minimizer's reason, or "diverged".
     */
    public record Curve(int depth, String optimizer, double stepSize, double[] total, double[] data,
                        double[] regularization, double[] cpuSeconds, String stop, VelocityPath control) {

        public double finalEnergy() {
            return total[total.length - 1];
        }
    }

    /**
     * Fixed-step descent for every depth at every step of the grid (fixedSteps, depth after depth),
     * per depth the run at the SVF's best step (svfStep) and at its own best step (bestFixedStep),
     * and L-BFGS. Also, per depth, the first-order gain {@link #firstOrderGain} at two balanced
     * points: equal factors whose product is the SVF after one reference step, and after its best
     * fixed-step run.
     */
    public record Result(int[] depths, double regularizationWeight, double referenceStep, List<Curve> fixedSteps,
                         List<Curve> svfStep, List<Curve> bestFixedStep, List<Curve> lbfgs,
                         double[] gainAfterFirstStep, double[] gainAtSvfResult) {
    }

    private DepthExperiment() {
    }

    /**
     * Every depth with every fixed step and with L-BFGS. The energy's kinetic term is scaled by
     * regularizationWeight (1: the registration energy; 0: the data term alone). Run the context on
     * one thread for CPU times that compare.
     */
    public static Result run(FlowContext ctx, int[] depths, int iterations, double regularizationWeight) {
        checkDepths(depths);
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        double reference = referenceStep(ctx);
        List<Curve> all = new ArrayList<>();
        List<Curve> best = new ArrayList<>();
        List<Curve> lbfgs = new ArrayList<>();
        for (int n : depths) {
            Curve winner = null;
            for (double multiple : STEP_MULTIPLES) {
                Curve c = descend(ctx, n, regularizationWeight, GradientDescent.fixed(multiple * reference),
                        iterations);
                all.add(c);
                if (c.total().length == iterations + 1 && Double.isFinite(c.finalEnergy())
                        && (winner == null || c.finalEnergy() < winner.finalEnergy())) {
                    winner = c;
                }
            }
            if (winner == null) {
                throw new ArithmeticException("depth " + n + ": every fixed step of the grid diverged");
            }
            best.add(winner);
            lbfgs.add(descend(ctx, n, regularizationWeight, lbfgs(ctx, n), iterations));
        }
        List<Curve> svfStep = new ArrayList<>();
        for (Curve c : all) {
            if (c.stepSize() == best.get(0).stepSize()) {
                svfStep.add(c);
            }
        }
        double[][] gains = gains(ctx, depths, reference, best.get(0).control().step(0), regularizationWeight);
        return new Result(depths.clone(), regularizationWeight, reference, all, svfStep, best, lbfgs, gains[0],
                gains[1]);
    }

    /** The first-order gain of every depth after one reference step of the SVF from 0, and at the SVF's result. */
    private static double[][] gains(FlowContext ctx, int[] depths, double reference, VectorField svf,
                                    double regularizationWeight) {
        VectorField zero = VectorField.zeros(ctx.grid());
        VectorField c = new Adjoint<VectorField>().evaluate(new StationaryVelocity(ctx), zero).gradient();
        VectorField firstStep = KernelMetric.forVelocity(ctx.kernel()).sharp(c, zero);
        new VectorFieldSpace(ctx.parallel).scale(-reference, firstStep);
        double[][] gains = new double[2][depths.length];
        for (int k = 0; k < depths.length; k++) {
            gains[0][k] = firstOrderGain(ctx, firstStep, depths[k], regularizationWeight);
            gains[1][k] = firstOrderGain(ctx, svf, depths[k], regularizationWeight);
        }
        return gains;
    }

    /** Depths 1 = N_0 < N_1 < ... , powers of two: the SVF first, that the others are compared with. */
    public static void checkDepths(int[] depths) {
        if (depths == null || depths.length == 0 || depths[0] != 1) {
            throw new IllegalArgumentException("depths must start with 1, the SVF the others are compared with, got "
                    + Arrays.toString(depths));
        }
        for (int k = 0; k < depths.length; k++) {
            ExponentialProduct.treeDepth(depths[k]);
            if (k > 0 && depths[k] <= depths[k - 1]) {
                throw new IllegalArgumentException("depths must increase, got " + Arrays.toString(depths));
            }
        }
    }

    /**
     * The step eta_0 after which the first SVF update from v = 0 moves points by half a voxel:
     * the registration's first trial step, and the scale of the fixed steps.
     */
    public static double referenceStep(FlowContext ctx) {
        VectorField zero = VectorField.zeros(ctx.grid());
        VectorField c = new Adjoint<VectorField>().evaluate(new StationaryVelocity(ctx), zero).gradient();
        double move = KernelMetric.forVelocity(ctx.kernel()).sharp(c, zero).maxNorm();
        if (!(move > 0)) {
            throw new IllegalArgumentException("the source already matches the target: nothing to register");
        }
        return Registration.FIRST_STEP_VOXELS * Registration.minSpacing(ctx.grid()) / move;
    }

    /** The registration's L-BFGS for a path of n factors: its memory rule and first-step rule. */
    public static LBfgs<VelocityPath> lbfgs(FlowContext ctx, int n) {
        double h = Registration.minSpacing(ctx.grid());
        return new LBfgs<VelocityPath>(Registration.lbfgsMemory((long) ctx.voxels * ctx.dim * n), 1)
                .firstStepFrom(dir -> Registration.FIRST_STEP_VOXELS * h / Math.max(1e-300, Registration.maxNorm(dir)));
    }

    /** Depth-n descent from v_i = 0 for a number of iterations, no other stopping rule. */
    public static Curve descend(FlowContext ctx, int n, double regularizationWeight,
                                Optimizer<VelocityPath> optimizer, int iterations) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long cpuStart = cpu.getCurrentThreadCpuTime();
        List<Double> seconds = new ArrayList<>();
        Minimizer<VelocityPath> minimizer = new Minimizer<>(new Adjoint<>(), KernelMetric.forPath(ctx.kernel()),
                optimizer, StoppingRule.iterations(iterations));
        minimizer.addListener(new MinimizerListener<VelocityPath>() {
            @Override
            public void onIteration(Iteration<VelocityPath> it) {
                seconds.add((cpu.getCurrentThreadCpuTime() - cpuStart) * 1e-9);
            }
        });
        VelocityPath start = VelocityPath.zeros(ctx.grid(), n);
        String name = optimizer.name();
        double step = optimizer instanceof GradientDescent<VelocityPath> gd ? gd.currentStep() : Double.NaN;
        List<Energy> history;
        String stop;
        VelocityPath control;
        try {
            MinimizationResult<VelocityPath> r = minimizer.minimize(
                    new CachingFlow<>(new ExponentialProduct(ctx, regularizationWeight)), start);
            history = r.history();
            control = r.control();
            stop = r.reason().toString().toLowerCase(java.util.Locale.ROOT);
        } catch (ArithmeticException diverged) {
            return new Curve(n, name, step, new double[] {Double.NaN}, new double[] {Double.NaN},
                    new double[] {Double.NaN}, new double[] {Double.NaN}, "diverged", null);
        }
        double[] total = new double[history.size()];
        double[] data = new double[history.size()];
        double[] reg = new double[history.size()];
        for (int k = 0; k < total.length; k++) {
            total[k] = history.get(k).total();
            data[k] = history.get(k).data();
            reg[k] = history.get(k).regularization();
        }
        double[] time = seconds.stream().mapToDouble(Double::doubleValue).toArray();
        return new Curve(n, name, step, total, data, reg, Arrays.copyOf(time, total.length), stop, control);
    }

    /**
     * rho = N sum_i |c_i|^2 / |sum_i c_i|^2 at N equal factors v_i = v: how much faster depth-N
     * descent lowers the energy than the SVF's, to first order in the step, from the balanced point
     * whose product is exp(v) (1 at v = 0; the excess is sum_{i<j} |c_i - c_j|^2 / |sum_i c_i|^2).
     */
    public static double firstOrderGain(FlowContext ctx, VectorField v, int n, double regularizationWeight) {
        ExponentialProduct flow = new ExponentialProduct(ctx, regularizationWeight);
        VelocityPath at = ExponentialProduct.equalFactors(v, n);
        VelocityPath c = new Adjoint<VelocityPath>().evaluate(flow, at).gradient();
        double depth = flow.space().dot(c, KernelMetric.forPath(ctx.kernel()).sharp(c, at));
        VectorFieldSpace space = new VectorFieldSpace(ctx.parallel);
        VectorField sum = VectorField.zeros(ctx.grid());
        for (int i = 0; i < n; i++) {
            space.axpy(1, c.step(i), sum);
        }
        return depth / space.dot(sum, KernelMetric.forVelocity(ctx.kernel()).sharp(sum, v));
    }
}
