package org.diffeolens.flow;

/** Adam (Kingma and Ba 2015) with bias correction, as in PyTorch's torch.optim.Adam. */
public final class Adam<C> implements Optimizer<C> {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private C firstMoment;
    private C secondMoment;
    private int t;

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public Step<C> step(Objective<C> objective, Evaluation<C> at, C direction) {
        VectorSpace<C> space = objective.space();
        if (firstMoment == null) {
            firstMoment = space.zerosLike(direction);
            secondMoment = space.zerosLike(direction);
        }
        t++;
        final double b1 = beta1;
        final double b2 = beta2;
        space.combine(firstMoment, direction, (m, g) -> b1 * m + (1 - b1) * g);
        space.combine(secondMoment, direction, (v, g) -> b2 * v + (1 - b2) * g * g);
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        C update = space.copy(firstMoment);
        final double eps = epsilon;
        // update_i = m_i / c1 / (sqrt(v_i / c2) + eps)
        space.combine(update, secondMoment, (m, v) -> (m / c1) / (Math.sqrt(v / c2) + eps));
        C next = space.copy(at.control());
        space.axpy(-learningRate, update, next);
        return new Step<>(next, learningRate, 0);
    }

    @Override
    public void reset() {
        firstMoment = null;
        secondMoment = null;
        t = 0;
    }

    @Override
    public String name() {
        return "adam";
    }
}
