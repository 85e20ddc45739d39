package org.diffeolens.flow;

/** The energy of a control, for optimizers that probe trial points (line search). */
public interface Objective<C> {

    /** Total energy at a control (a forward pass, no gradient). */
    double energy(C control);

    VectorSpace<C> space();

    static <C, T> Objective<C> of(ControlledFlow<C, T> flow) {
        return new Objective<>() {
            @Override
            public double energy(C control) {
                return flow.energy(flow.forward(control)).total();
            }

            @Override
            public VectorSpace<C> space() {
                return flow.space();
            }
        };
    }
}
