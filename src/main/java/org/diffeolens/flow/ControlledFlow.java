package org.diffeolens.flow;

/**
 * A state carried by a flow that a control drives, a loss at the end and a regularizing energy on
 * the control: geodesic shooting, LDDMM and SVF registration and a residual network are all this.
 *
 * @param <C> the control (initial momentum, velocity fields, layer weights)
 * @param <T> what the forward pass keeps for the backward pass (the trajectory)
 */
public interface ControlledFlow<C, T> {

    /** Integrates the state forward from the control, keeping what the adjoint needs. */
    T forward(C control);

    /** Both energy terms of a trajectory. */
    Energy energy(T trajectory);

    /**
     * The gradient covector dE/dc on the control's coefficients by the backward (adjoint) sweep:
     * exactly the derivative of {@link #energy} of {@link #forward} with respect to each
     * coefficient, so finite differences check it. A {@link Metric} turns it into a step.
     */
    C gradient(T trajectory);

    /** The vector-space view of the control. */
    VectorSpace<C> space();
}
