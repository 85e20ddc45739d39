package org.diffeolens.flow;

/**
 * The small vector-space view of a control type that every optimizer, metric and gradient
 * estimator works through, so one optimizer runs on momentum fields and on network weights alike.
 * Coordinates are the control's own coefficients; {@link #dot} is their Euclidean inner product
 * (a metric, if any, lives in {@link Metric}).
 */
public interface VectorSpace<C> {

    /** A new control of the same shape, all zeros. */
    C zerosLike(C x);

    /** A deep copy. */
    C copy(C x);

    /** dst := src (same shape). */
    void assign(C dst, C src);

    /** y := y + a x. */
    void axpy(double a, C x, C y);

    /** x := a x. */
    void scale(double a, C x);

    /** Euclidean inner product of the coefficients. */
    double dot(C x, C y);

    /** out_i := op(out_i, x_i) for every coefficient: the element-wise work of Adam and AdaGrad. */
    void combine(C out, C x, ElementOp op);

    /** Number of coefficients (for finite differences and diagnostics). */
    long dimension(C x);

    /** Coefficient i (finite differences, tests). */
    double get(C x, long i);

    /** Sets coefficient i (finite differences, tests). */
    void set(C x, long i, double value);

    /**
     * True when a and b hold exactly the same coefficients (so a cached forward pass of one serves
     * the other); false when unknown, which only costs a recomputation.
     */
    default boolean sameCoefficients(C a, C b) {
        return false;
    }

    default double norm(C x) {
        return Math.sqrt(dot(x, x));
    }

    /** An element-wise binary operation on coefficients. */
    @FunctionalInterface
    interface ElementOp {
        double apply(double out, double x);
    }
}
