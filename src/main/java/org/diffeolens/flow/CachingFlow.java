package org.diffeolens.flow;

/**
 * A flow that remembers its last forward pass: a line search evaluates the energy at the point it
 * accepts, and the minimizer then asks for the gradient there; with this wrapper the second
 * forward pass is skipped when the control's coefficients are unchanged.
 */
public final class CachingFlow<C, T> implements ControlledFlow<C, T> {

    private final ControlledFlow<C, T> flow;
    private C lastControl;
    private T lastTrajectory;
    private int hits;

    public CachingFlow(ControlledFlow<C, T> flow) {
        this.flow = flow;
    }

    @Override
    public T forward(C control) {
        VectorSpace<C> space = flow.space();
        if (lastControl != null && space.sameCoefficients(lastControl, control)) {
            hits++;
            return lastTrajectory;
        }
        T t = flow.forward(control);
        if (lastControl != null && space.dimension(lastControl) == space.dimension(control)) {
            space.assign(lastControl, control); // a 3D control is tens of MB: keep its arrays
        } else {
            lastControl = space.copy(control);
        }
        lastTrajectory = t;
        return t;
    }

    @Override
    public Energy energy(T trajectory) {
        return flow.energy(trajectory);
    }

    @Override
    public C gradient(T trajectory) {
        return flow.gradient(trajectory);
    }

    @Override
    public VectorSpace<C> space() {
        return flow.space();
    }

    /** The wrapped flow. */
    public ControlledFlow<C, T> flow() {
        return flow;
    }

    /** How many forward passes the cache saved. */
    public int hits() {
        return hits;
    }
}
