package org.diffeolens.flow;

/** Polyak's heavy ball: b := mu b + d, c' = c - lr b (PyTorch's SGD with momentum, dampening 0). */
public final class HeavyBall<C> implements Optimizer<C> {

    private final double learningRate;
    private final double momentum;
    private C velocity;

    public HeavyBall(double learningRate, double momentum) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        if (velocity == null) {
            velocity = space.copy(direction);
        } else {
            space.scale(momentum, velocity);
            space.axpy(1, direction, velocity);
        }
        C next = space.copy(at.control());
        space.axpy(-learningRate, velocity, next);
        return new Step<>(next, learningRate, 0);
    }

    @Override
    public void reset() {
        velocity = null;
    }

    @Override
    public String name() {
        return "momentum";
    }
}
