package org.diffeolens.lens;

import org.diffeolens.flow.VectorSpace;

/**
 * The squared length of a change of control under a chosen metric: Euclidean on coefficients, the
 * V-norm of a velocity (kernel), the V-norm of the velocity a momentum generates, a path's time
 * integral, or a network's Fisher metric. The lens measures trajectories with it.
 */
@FunctionalInterface
public interface ControlNorm<C> {

    /** ||delta||^2 under the metric. */
    double squared(C delta);

    /**
     * ||delta||^2 under the metric at the control {@code at}: a Riemannian metric such as the
     * Fisher's varies with the point; a constant metric ignores it.
     */
    default double squared(C delta, C at) {
        return squared(delta);
    }

    /** The Euclidean norm of the coefficients. */
    static <C> ControlNorm<C> euclidean(VectorSpace<C> space) {
        return d -> space.dot(d, d);
    }
}
