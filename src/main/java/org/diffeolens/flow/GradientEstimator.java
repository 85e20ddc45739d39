package org.diffeolens.flow;

/**
 * How the gradient covector of a flow's energy is obtained: by the adjoint sweep, by equilibrium
 * propagation, or by finite differences (tests). Any flow can use any estimator it supports.
 */
public interface GradientEstimator<C> {

    <T> Evaluation<C> evaluate(ControlledFlow<C, T> flow, C control);

    /** Name as the CLI and the API select it (`adjoint`, `ep`, `fd`). */
    String name();
}
