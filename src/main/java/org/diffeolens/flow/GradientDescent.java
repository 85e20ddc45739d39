package org.diffeolens.flow;

/**
 * Gradient descent c' = c - t d, with Armijo backtracking when asked: t is halved until
 * E(c - t d) <= E(c) - c1 t <g, d>, and after an accepted step the next trial starts at 2t,
 * so the step adapts to the problem's scale without a hand-tuned learning rate.
 */
public final class GradientDescent<C> implements Optimizer<C> {

    private static final double ARMIJO_C1 = 1e-4;
    private static final int MAX_HALVINGS = 30;

    private final double initialStep;
    private final boolean lineSearch;
    private double stepSize;

    private GradientDescent(double initialStep, boolean lineSearch) {
        if (!(initialStep > 0) || Double.isInfinite(initialStep)) {
            throw new IllegalArgumentException("step size must be finite and > 0, got " + initialStep);
        }
        this.initialStep = initialStep;
        this.lineSearch = lineSearch;
        this.stepSize = initialStep;
    }

    /** Fixed step size (learning rate). */
    public static <C> GradientDescent<C> fixed(double learningRate) {
        return new GradientDescent<>(learningRate, false);
    }

    /** Armijo backtracking starting from the given step size. */
    public static <C> GradientDescent<C> armijo(double initialStep) {
        return new GradientDescent<>(initialStep, true);
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        C trial = space.copy(at.control());
        if (!lineSearch) {
            space.axpy(-stepSize, direction, trial);
            return new Step<>(trial, stepSize, 0);
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
    }

    /** The step the next line search will try first. */
    public double currentStep() {
        return stepSize;
    }

    @Override
    public String name() {
        return lineSearch ? "gd-armijo" : "sgd";
    }
}
