package org.diffeolens.flow;

/**
 * A flow that remembers its last two forward passes: a line search evaluates the energy at the
 * point it accepts, and the minimizer then asks for the gradient there; with this wrapper the
 * second forward pass is skipped when the control's coefficients are unchanged. Two, because the
 * first step's extension may try one point beyond the one it accepts. A remembered trajectory
 * must stay readable after a later forward pass (the registration flows recycle their storage
 * and re-shoot a trajectory whose storage was taken).
 */
public final class CachingFlow<C, T> implements ControlledFlow<C, T> {

    private final ControlledFlow<C, T> flow;
    @SuppressWarnings("unchecked")
    private final C[] controls = (C[]) new Object[2];
    @SuppressWarnings("unchecked")
    private final T[] trajectories = (T[]) new Object[2];
    /** The entry the next miss overwrites (the older one). */
    private int older;
    private int hits;

    public CachingFlow(ControlledFlow<C, T> flow) {
        this.flow = flow;
    }

    @Override
    public T forward(C control) {
        VectorSpace<C> space = flow.space();
        for (int k = 0; k < 2; k++) {
            int i = (older + 1 + k) % 2; // newest first
            if (controls[i] != null && space.sameCoefficients(controls[i], control)) {
                hits++;
                older = 1 - i; // the entry just read is kept longer
                return trajectories[i];
            }
        }
        T t = flow.forward(control);
        int i = older;
        if (controls[i] != null && space.dimension(controls[i]) == space.dimension(control)) {
            space.assign(controls[i], control); // a 3D control is tens of MB: keep its arrays
        } else {
            controls[i] = space.copy(control);
        }
        trajectories[i] = t;
        older = 1 - i;
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
