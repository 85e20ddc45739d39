package org.diffeolens.flow;

import java.util.HashMap;
import java.util.Map;

/** Adam (Kingma and Ba 2015) with bias correction, as in PyTorch's torch.optim.Adam. */
public final class Adam<C> implements Optimizer<C> {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final LearningRateSchedule schedule;
    private C firstMoment;
    private C secondMoment;
    private int t;

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this(learningRate, beta1, beta2, epsilon, LearningRateSchedule.constant());
    }

    private Adam(double learningRate, double beta1, double beta2, double epsilon, LearningRateSchedule schedule) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("learning-rate schedule must not be null");
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.schedule = schedule;
    }

    /** The same optimizer with the rate of step t set to learningRate * schedule.factor(t). */
    public Adam<C> withSchedule(LearningRateSchedule schedule) {
        return new Adam<>(learningRate, beta1, beta2, epsilon, schedule);
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        if (firstMoment == null) {
            firstMoment = space.zerosLike(direction);
            secondMoment = space.zerosLike(direction);
        }
        double rate = learningRate * schedule.factor(t);
        t++;
        space.combine(firstMoment, direction, new ElementOps.Blend(beta1, 1 - beta1));
        space.combine(secondMoment, direction, new ElementOps.BlendSquare(beta2, 1 - beta2));
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        C update = space.copy(firstMoment);
        // update_i = m_i / c1 / (sqrt(v_i / c2) + eps)
        space.combine(update, secondMoment, new ElementOps.RatioSqrt(c1, c2, epsilon));
        C next = space.copy(at.control());
        space.axpy(-rate, update, next);
        return new Step<>(next, rate, 0);
    }

    @Override
    public void reset() {
        firstMoment = null;
        secondMoment = null;
        t = 0;
    }

    @Override
    public OptimizerState<C> state(VectorSpace<C> space) {
        Map<String, C> vectors = new HashMap<>();
        if (firstMoment != null) {
            vectors.put("firstMoment", space.copy(firstMoment));
            vectors.put("secondMoment", space.copy(secondMoment));
        }
        return new OptimizerState<>(name(), Map.of("t", (double) t), vectors);
    }

    @Override
    public void restore(OptimizerState<C> state) {
        state.requireFrom(name());
        t = (int) state.scalar("t");
        firstMoment = state.vector("firstMoment");
        secondMoment = state.vector("secondMoment");
    }

    @Override
    public String name() {
        return "adam";
    }
}
