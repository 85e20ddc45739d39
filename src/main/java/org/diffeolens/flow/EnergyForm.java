package org.diffeolens.flow;

/**
 * A flow written in energy form (Scellier and Bengio 2017; paper 001, section III.F): its states s
 * (every intermediate state of the trajectory) minimize an inner energy F(theta, s) at the free
 * equilibrium, a cost C(s) measures the end state, and an explicit regularization E_reg(theta)
 * may act on the control. The objective is E(theta) = E_reg(theta) + C(theta, s*(theta)) with
 * s*(theta) = argmin_s F(theta, s). A discretized flow x_{k+1} = Phi_k(x_k, theta) takes this form
 * with the penalty F = sum_k 1/2 ||x_{k+1} - Phi_k(x_k, theta)||^2, whose minimum (F = 0) is the
 * forward pass; {@link EquilibriumPropagation} then estimates the gradient from equilibria alone.
 *
 * @param <C> the control
 * @param <S> the state (all intermediate states)
 */
public interface EnergyForm<C, S> {

    VectorSpace<S> stateSpace();

    /** The free equilibrium or a good start for it (the forward pass for a penalty form). */
    S freeState(C control);

    /** F(theta, s). */
    double innerEnergy(C control, S state);

    /** dF/ds at (theta, s). */
    S innerEnergyStateGradient(C control, S state);

    /** dF/dtheta at (theta, s), a covector on the control. */
    C innerEnergyControlGradient(C control, S state);

    /**
     * C(theta, s). Usually the cost reads the state alone; a running cost along the trajectory may
     * also read the control (the kinetic energy of a shooting path's later steps).
     */
    double cost(C control, S state);

    /** dC/ds at (theta, s). */
    S costGradient(C control, S state);

    /** dC/dtheta at a fixed state, or null when the cost does not read the control (the usual case). */
    default C costControlGradient(C control, S state) {
        return null;
    }

    /** The energy terms at the free equilibrium: E_reg(theta) as regularization, C as data, unless a form splits them otherwise. */
    default Energy energy(C control, S freeState) {
        return new Energy(regularization(control), cost(control, freeState));
    }

    /** E_reg(theta), the part of the energy that does not go through the state. */
    double regularization(C control);

    /** dE_reg/dtheta. */
    C regularizationGradient(C control);

    /**
     * argmin_s F(theta, s) + b C(s) from a warm start by a solver that fits this energy, or null to
     * let {@link EquilibriumPropagation} relax it by L-BFGS on the state. A penalty form of a chain
     * x_{k+1} = Phi_k(x_k) can solve it by sweeps: its stationarity says w r_{k} = -b lambda_{k+1},
     * with lambda the multipliers carried backward by the steps' transposed Jacobians.
     */
    default S relax(C control, S start, double b, int maxIterations, double tolerance) {
        return null;
    }
}
