package org.diffeolens.flow;

/**
 * The gradient by the flow's own backward sweep: forward, energy, adjoint. {@link #deferred()}
 * runs the backward sweep only when the gradient is first read, for callers that read it before
 * anything else runs the flow (the registration's minimizer); the default runs it at once, since
 * a flow may reuse its buffers in the next forward pass (the network trainer's listeners
 * evaluate the test set between steps).
 */
public final class Adjoint<C> implements GradientEstimator<C> {

    private final boolean defer;

    public Adjoint() {
        this(false);
    }

    private Adjoint(boolean defer) {
        this.defer = defer;
    }

    /** The adjoint whose backward sweep waits for the first read of the gradient. */
    public static <C> Adjoint<C> deferred() {
        return new Adjoint<>(true);
    }

    @Override
    public <T> Evaluation<C> evaluate(ControlledFlow<C, T> flow, C control) {
        T trajectory = flow.forward(control);
        Energy energy = flow.energy(trajectory);
        return defer ? Evaluation.deferred(control, energy, () -> flow.gradient(trajectory))
                : new Evaluation<>(control, energy, flow.gradient(trajectory));
    }

    @Override
    public String name() {
        return "adjoint";
    }
}
