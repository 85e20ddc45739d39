package org.diffeolens.flow;

/** AdaGrad (Duchi et al. 2011): per-coefficient steps lr / (sqrt(sum of squared gradients) + eps). */
public final class AdaGrad<C> implements Optimizer<C> {

    private final double learningRate;
    private final double epsilon;
    private C accumulated;

    public AdaGrad(double learningRate, double epsilon) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        this.learningRate = learningRate;
        this.epsilon = epsilon;
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        if (accumulated == null) {
            accumulated = space.zerosLike(direction);
        }
        space.combine(accumulated, direction, (s, g) -> s + g * g);
        C update = space.copy(direction);
        final double eps = epsilon;
        space.combine(update, accumulated, (g, s) -> g / (Math.sqrt(s) + eps));
        C next = space.copy(at.control());
        space.axpy(-learningRate, update, next);
        return new Step<>(next, learningRate, 0);
    }

    @Override
    public void reset() {
        accumulated = null;
    }

    @Override
    public String name() {
        return "adagrad";
    }
}
