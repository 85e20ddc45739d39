package org.diffeolens.flow;

/**
 * Turns a gradient covector into an update vector (raises the index, the musical isomorphism):
 * the kernel K = L^{-1} for registration, the identity, a layer metric, the end-to-end
 * preconditioner of a deep linear network, or a Fisher metric.
 */
public interface Metric<C> {

    /**
     * The update direction for a covector at a control. Must not modify its arguments.
     * A metric that needs the current control (end-to-end, Fisher) reads {@code at}.
     */
    C sharp(C covector, C at);

    /**
     * Shows the metric the flow whose gradient the next {@link #sharp} raises: a metric that depends
     * on the data (a Fisher metric reads the current mini-batch) takes what it needs from it. The
     * {@link Minimizer} calls this before every {@code sharp}; a metric of the control alone ignores it.
     */
    default void observe(ControlledFlow<C, ?> flow) {
    }

    /** Inner product of two covectors under the inverse metric, <a, sharp(b)>: squared gradient norm. */
    default double dualNorm2(VectorSpace<C> space, C covector, C at) {
        return space.dot(covector, sharp(covector, at));
    }

    /** The Euclidean metric on coefficients. */
    static <C> Metric<C> identity(VectorSpace<C> space) {
        return (covector, at) -> space.copy(covector);
    }
}
