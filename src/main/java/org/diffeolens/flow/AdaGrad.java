package org.diffeolens.flow;

import java.util.HashMap;
import java.util.Map;

/** AdaGrad (Duchi et al. 2011): per-coefficient steps lr / (sqrt(sum of squared gradients) + eps). */
public final class AdaGrad<C> implements Optimizer<C> {

    private final double learningRate;
    private final double epsilon;
    private final LearningRateSchedule schedule;
    private C accumulated;
    private long steps;

    public AdaGrad(double learningRate, double epsilon) {
        this(learningRate, epsilon, LearningRateSchedule.constant());
    }

    private AdaGrad(double learningRate, double epsilon, LearningRateSchedule schedule) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("learning-rate schedule must not be null");
        }
        this.learningRate = learningRate;
        this.epsilon = epsilon;
        this.schedule = schedule;
    }

    /** The same optimizer with the rate of step t set to learningRate * schedule.factor(t). */
    public AdaGrad<C> withSchedule(LearningRateSchedule schedule) {
        return new AdaGrad<>(learningRate, epsilon, schedule);
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        if (accumulated == null) {
            accumulated = space.zerosLike(direction);
        }
        double rate = learningRate * schedule.factor(steps++);
        space.combine(accumulated, direction, new ElementOps.BlendSquare(1, 1));
        C update = space.copy(direction);
        space.combine(update, accumulated, new ElementOps.RatioSqrt(1, 1, epsilon));
        C next = space.copy(at.control());
        space.axpy(-rate, update, next);
        return new Step<>(next, rate, 0);
    }

    @Override
    public void reset() {
        accumulated = null;
        steps = 0;
    }

    @Override
    public OptimizerState<C> state(VectorSpace<C> space) {
        Map<String, C> vectors = new HashMap<>();
        if (accumulated != null) {
            vectors.put("accumulated", space.copy(accumulated));
        }
        return new OptimizerState<>(name(), Map.of("steps", (double) steps), vectors);
    }

    @Override
    public void restore(OptimizerState<C> state) {
        state.requireFrom(name());
        steps = (long) state.scalar("steps");
        accumulated = state.vector("accumulated");
    }

    @Override
    public String name() {
        return "adagrad";
    }
}
