package org.diffeolens.flow;

/** The gradient by the flow's own backward sweep: forward, energy, adjoint. */
public final class Adjoint<C> implements GradientEstimator<C> {

    @Override
    public <T> Evaluation<C> evaluate(ControlledFlow<C, T> flow, C control) {
        T trajectory = flow.forward(control);
        return new Evaluation<>(control, flow.energy(trajectory), flow.gradient(trajectory));
    }

    @Override
    public String name() {
        return "adjoint";
    }
}
