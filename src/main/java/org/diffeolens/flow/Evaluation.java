package org.diffeolens.flow;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The energy at a control and the gradient covector there, as a {@link GradientEstimator} returns
 * them. The gradient may be deferred ({@link #deferred}) until first read: the minimizer reads it
 * only when it takes another step, so the last evaluation of a run (the point where it stops)
 * costs a forward pass, not a forward and a backward one.
 */
public final class Evaluation<C> {

    private final C control;
    private final Energy energy;
    private Supplier<C> pending;
    private C gradient;

    public Evaluation(C control, Energy energy, C gradient) {
        this.control = control;
        this.energy = energy;
        this.gradient = Objects.requireNonNull(gradient, "gradient");
    }

    private Evaluation(C control, Energy energy, Supplier<C> pending) {
        this.control = control;
        this.energy = energy;
        this.pending = pending;
    }

    /**
     * An evaluation whose gradient is computed on first read, once. The supplier must stay valid
     * until then: the flow's trajectory it differentiates must not be overwritten meanwhile.
     */
    public static <C> Evaluation<C> deferred(C control, Energy energy, Supplier<C> gradient) {
        return new Evaluation<>(control, energy, Objects.requireNonNull(gradient, "gradient"));
    }

    public C control() {
        return control;
    }

    public Energy energy() {
        return energy;
    }

    /** The gradient covector at the control (computed now if it was deferred). */
    public C gradient() {
        if (gradient == null) {
            gradient = Objects.requireNonNull(pending.get(), "gradient");
            pending = null;
        }
        return gradient;
    }

    /** Whether the gradient has been computed. */
    public boolean hasGradient() {
        return gradient != null;
    }
}
