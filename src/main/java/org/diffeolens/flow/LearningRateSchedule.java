package org.diffeolens.flow;

/**
 * A factor on an optimizer's base learning rate as a function of the number of steps it has
 * taken (0 for the first step), like PyTorch's LR schedulers: the rate of step t is
 * {@code learningRate * factor(t)}.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    double factor(long step);

    /** The base rate throughout. */
    static LearningRateSchedule constant() {
        return step -> 1;
    }

    /**
     * Cosine annealing from the base rate to {@code floor} times it over {@code totalSteps} steps,
     * then {@code floor} (PyTorch's CosineAnnealingLR with eta_min = floor * lr, one half period).
     */
    static LearningRateSchedule cosine(long totalSteps, double floor) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("cosine schedule needs totalSteps >= 1, got " + totalSteps);
        }
        if (!(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("cosine floor must be in [0, 1], got " + floor);
        }
        return step -> step >= totalSteps ? floor
                : floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
    }

    /** Multiplies the rate by {@code gamma} every {@code period} steps (PyTorch's StepLR). */
    static LearningRateSchedule stepDecay(long period, double gamma) {
        if (period < 1) {
            throw new IllegalArgumentException("step-decay period must be >= 1, got " + period);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("step-decay gamma must be in (0, 1], got " + gamma);
        }
        return step -> Math.pow(gamma, step / period);
    }

    /** Linear warm-up from 1/warmupSteps of the rate to the full rate, then this schedule (shifted). */
    default LearningRateSchedule afterWarmup(long warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        LearningRateSchedule then = this;
        return step -> step < warmupSteps ? (step + 1.0) / warmupSteps : then.factor(step - warmupSteps);
    }
}
