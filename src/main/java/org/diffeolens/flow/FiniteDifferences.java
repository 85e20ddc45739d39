package org.diffeolens.flow;

/**
 * Central finite differences of the total energy, the independent oracle for adjoint gradients.
 * Coordinate-wise (cost: two forward passes per coefficient, so for small problems) or along a
 * given direction (two passes in all).
 */
public final class FiniteDifferences<C> implements GradientEstimator<C> {

    private final double step;

    public FiniteDifferences(double step) {
        if (!(step > 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("finite-difference step must be finite and > 0, got " + step);
        }
        this.step = step;
    }

    @Override
    public <T> Evaluation<C> evaluate(ControlledFlow<C, T> flow, C control) {
        VectorSpace<C> space = flow.space();
        C probe = space.copy(control);
        C gradient = space.zerosLike(control);
        long n = space.dimension(control);
        for (long i = 0; i < n; i++) {
            double x = space.get(control, i);
            space.set(probe, i, x + step);
            double plus = flow.energy(flow.forward(probe)).total();
            space.set(probe, i, x - step);
            double minus = flow.energy(flow.forward(probe)).total();
            space.set(probe, i, x);
            space.set(gradient, i, (plus - minus) / (2 * step));
        }
        return new Evaluation<>(control, flow.energy(flow.forward(control)), gradient);
    }

    /** (E(c + h d) - E(c - h d)) / 2h: the derivative of the energy along direction d. */
    public <T> double directional(ControlledFlow<C, T> flow, C control, C direction) {
        VectorSpace<C> space = flow.space();
        C probe = space.copy(control);
        space.axpy(step, direction, probe);
        double plus = flow.energy(flow.forward(probe)).total();
        space.assign(probe, control);
        space.axpy(-step, direction, probe);
        double minus = flow.energy(flow.forward(probe)).total();
        return (plus - minus) / (2 * step);
    }

    @Override
    public String name() {
        return "fd";
    }
}
