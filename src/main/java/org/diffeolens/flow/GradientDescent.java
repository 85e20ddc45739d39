package org.diffeolens.flow;

import java.util.Map;

/**
 * Gradient descent c' = c - t d, with Armijo backtracking when asked: t is halved until
 * E(c - t d) <= E(c) - c1 t <g, d>, and after an accepted step the next trial starts at 2t,
 * so the step adapts to the problem's scale without a hand-tuned learning rate.
 * With a fixed rate, a {@link LearningRateSchedule} may vary it per step.
 */
public final class GradientDescent<C> implements Optimizer<C> {

    private static final double ARMIJO_C1 = 1e-4;
    private static final int MAX_HALVINGS = 30;

    private final double initialStep;
    private final boolean lineSearch;
    private final LearningRateSchedule schedule;
    private double stepSize;
    private long steps;

    private GradientDescent(double initialStep, boolean lineSearch, LearningRateSchedule schedule) {
        if (!(initialStep > 0) || Double.isInfinite(initialStep)) {
            throw new IllegalArgumentException("step size must be finite and > 0, got " + initialStep);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("learning-rate schedule must not be null");
        }
        this.initialStep = initialStep;
        this.lineSearch = lineSearch;
        this.schedule = schedule;
        this.stepSize = initialStep;
    }

    /** Fixed step size (learning rate). */
    public static <C> GradientDescent<C> fixed(double learningRate) {
        return new GradientDescent<>(learningRate, false, LearningRateSchedule.constant());
    }

    /** A fixed base rate whose step t is learningRate * schedule.factor(t) (SGD with a schedule). */
    public static <C> GradientDescent<C> scheduled(double learningRate, LearningRateSchedule schedule) {
        return new GradientDescent<>(learningRate, false, schedule);
    }

    /** Armijo backtracking starting from the given step size. */
    public static <C> GradientDescent<C> armijo(double initialStep) {
        return new GradientDescent<>(initialStep, true, LearningRateSchedule.constant());
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        C trial = space.copy(at.control());
        if (!lineSearch) {
            double rate = stepSize * schedule.factor(steps++);
            space.axpy(-rate, direction, trial);
            return new Step<>(trial, rate, 0);
        }
        double e0 = at.energy().total();
        double slope = space.dot(at.gradient(), direction);
        if (!(slope > 0)) {
            return new Step<>(at.control(), 0, 0); // not a descent direction: nothing to gain
        }
        double t = stepSize;
        for (int k = 0; k < MAX_HALVINGS; k++) {
            space.assign(trial, at.control());
            space.axpy(-t, direction, trial);
            double e = objective.energy(trial);
            if (e <= e0 - ARMIJO_C1 * t * slope) {
                stepSize = 2 * t;
                return new Step<>(trial, t, k + 1);
            }
            t *= 0.5;
        }
        stepSize = t;
        return new Step<>(at.control(), 0, MAX_HALVINGS);
    }

    @Override
    public void reset() {
        stepSize = initialStep;
        steps = 0;
    }

    /** The step the next line search will try first. */
    public double currentStep() {
        return stepSize;
    }

    @Override
    public OptimizerState<C> state(VectorSpace<C> space) {
        return new OptimizerState<>(name(), Map.of("stepSize", stepSize, "steps", (double) steps), Map.of());
    }

    @Override
    public void restore(OptimizerState<C> state) {
        state.requireFrom(name());
        stepSize = state.scalar("stepSize");
        steps = (long) state.scalar("steps");
    }

    @Override
    public String name() {
        return lineSearch ? "gd-armijo" : "sgd";
    }
}
