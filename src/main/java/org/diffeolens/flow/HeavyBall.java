package org.diffeolens.flow;

import java.util.HashMap;
import java.util.Map;

/** Polyak's heavy ball: b := mu b + d, c' = c - lr b (PyTorch's SGD with momentum, dampening 0). */
public final class HeavyBall<C> implements Optimizer<C> {

    private final double learningRate;
    private final double momentum;
    private final LearningRateSchedule schedule;
    private C velocity;
    private long steps;

    public HeavyBall(double learningRate, double momentum) {
        this(learningRate, momentum, LearningRateSchedule.constant());
    }

    private HeavyBall(double learningRate, double momentum, LearningRateSchedule schedule) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("learning-rate schedule must not be null");
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.schedule = schedule;
    }

    /** The same optimizer with the rate of step t set to learningRate * schedule.factor(t). */
    public HeavyBall<C> withSchedule(LearningRateSchedule schedule) {
        return new HeavyBall<>(learningRate, momentum, schedule);
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        double rate = learningRate * schedule.factor(steps++);
        if (velocity == null) {
            velocity = space.copy(direction);
        } else {
            space.scale(momentum, velocity);
            space.axpy(1, direction, velocity);
        }
        C next = space.copy(at.control());
        space.axpy(-rate, velocity, next);
        return new Step<>(next, rate, 0);
    }

    @Override
    public void reset() {
        velocity = null;
        steps = 0;
    }

    @Override
    public OptimizerState<C> state(VectorSpace<C> space) {
        Map<String, C> vectors = new HashMap<>();
        if (velocity != null) {
            vectors.put("velocity", space.copy(velocity));
        }
        return new OptimizerState<>(name(), Map.of("steps", (double) steps), vectors);
    }

    @Override
    public void restore(OptimizerState<C> state) {
        state.requireFrom(name());
        steps = (long) state.scalar("steps");
        velocity = state.vector("velocity");
    }

    @Override
    public String name() {
        return "momentum";
    }
}
