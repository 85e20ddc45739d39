package org.diffeolens.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.diffeolens.flow.MinimizationResult.StopReason;

/**
 * The one optimization loop of the project: forward, energy, gradient (by an estimator), metric,
 * step; with listeners and a stopping rule. Registration methods and the network trainer both run
 * through it; nothing else re-implements the loop.
 */
public final class Minimizer<C> {

    private final GradientEstimator<C> estimator;
    private final Metric<C> metric;
    private final Optimizer<C> optimizer;
    private final StoppingRule stoppingRule;
    private final List<MinimizerListener<C>> listeners = new CopyOnWriteArrayList<>();

    public Minimizer(GradientEstimator<C> estimator, Metric<C> metric, Optimizer<C> optimizer,
                     StoppingRule stoppingRule) {
        this.estimator = estimator;
        this.metric = metric;
        this.optimizer = optimizer;
        this.stoppingRule = stoppingRule;
    }

    public Minimizer<C> addListener(MinimizerListener<C> listener) {
        listeners.add(listener);
        return this;
    }

    public Optimizer<C> optimizer() {
        return optimizer;
    }

    /** Minimizes one fixed flow's energy from the initial control (which is not modified). */
    public <T> MinimizationResult<C> minimize(ControlledFlow<C, T> flow, C initial) {
        return minimize(k -> flow, initial);
    }

    /**
     * Minimizes with a flow per iteration: stochastic objectives (a mini-batch per step) give the
     * k-th batch's flow; a fixed objective returns the same flow every time.
     */
    public <T> MinimizationResult<C> minimize(IntFunction<? extends ControlledFlow<C, T>> flowAt, C initial) {
        long start = System.nanoTime();
        ControlledFlow<C, T> flow = flowAt.apply(0);
        VectorSpace<C> space = flow.space();
        C control = space.copy(initial);
        Evaluation<C> at = estimator.evaluate(flow, control);
        List<Energy> history = new ArrayList<>();
        history.add(at.energy());
        notifyIteration(new Iteration<>(0, at.energy(), 0, Double.NaN, System.nanoTime() - start, control));
        StopReason reason = StopReason.MAX_ITERATIONS;
        double initialGradientNorm = Double.NaN;
        int k = 0;
        while (k < stoppingRule.maxIterations()) {
            if (stoppingRule.cancelled().getAsBoolean()) {
                reason = StopReason.CANCELLED;
                break;
            }
            // the deferred backward pass runs here, before the metric observes the flow (which may
            // run passes of its own): a run that stops never pays for its last gradient
            at.gradient();
            metric.observe(flow);
            C direction = metric.sharp(at.gradient(), control);
            double gradientNorm = Math.sqrt(Math.max(0, space.dot(at.gradient(), direction)));
            if (k == 0) {
                initialGradientNorm = gradientNorm;
            }
            if (gradientNorm <= stoppingRule.gradientTolerance() * initialGradientNorm) {
                reason = StopReason.CONVERGED;
                break;
            }
            Step<C> step = optimizer.step(Objective.of(flow), at, direction);
            if (step.size() == 0) {
                reason = StopReason.NO_DESCENT;
                break;
            }
            k++;
            control = step.control();
            flow = flowAt.apply(k);
            at = estimator.evaluate(flow, control);
            history.add(at.energy());
            notifyIteration(new Iteration<>(k, at.energy(), step.size(), gradientNorm,
                    System.nanoTime() - start, control));
            if (!Double.isFinite(at.energy().total())) {
                throw new ArithmeticException("energy became " + at.energy().total() + " at iteration " + k
                        + " (step size " + step.size() + "): the step is too large for this problem");
            }
            if (converged(history)) {
                reason = StopReason.CONVERGED;
                break;
            }
        }
        MinimizationResult<C> result = new MinimizationResult<>(control, at.energy(), k, reason, history,
                System.nanoTime() - start);
        for (MinimizerListener<C> l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    private boolean converged(List<Energy> history) {
        int w = stoppingRule.window();
        double tol = stoppingRule.relativeTolerance();
        if (tol <= 0 || history.size() <= w) {
            return false;
        }
        double now = history.get(history.size() - 1).total();
        double then = history.get(history.size() - 1 - w).total();
        return Math.abs(then - now) <= tol * Math.abs(now);
    }

    private void notifyIteration(Iteration<C> it) {
        for (MinimizerListener<C> l : listeners) {
            l.onIteration(it);
        }
    }
}
