package org.diffeolens.flow;

/**
 * A damped diagonal metric g_ii = d_i + damping, d a non-negative per-coefficient curvature
 * estimate at the current control: the update is covector_i / (d_i + damping). With d the diagonal
 * of the Hessian this is paper 004's co-gradient metric (section 3.6, eqs. 39-42: the Hessian as
 * the metric makes one unit step land on the minimum of a quadratic); the damping keeps it positive
 * definite where d vanishes and bounds the step where the estimate is poor.
 */
public final class DiagonalMetric<C> implements Metric<C> {

    /** A non-negative curvature estimate per coefficient, possibly from the current data. */
    public interface Curvature<C> {

        /** d(at), shaped like the control, every entry >= 0. */
        C diagonal(C at);

        /** The flow of the coming step (for an estimate from its data); see {@link Metric#observe}. */
        default void observe(ControlledFlow<C, ?> flow) {
        }
    }

    private final VectorSpace<C> space;
    private final Curvature<C> curvature;
    private final double damping;

    public DiagonalMetric(VectorSpace<C> space, Curvature<C> curvature, double damping) {
        if (!(damping > 0) || Double.isInfinite(damping)) {
            throw new IllegalArgumentException("damping must be finite and > 0, got " + damping);
        }
        this.space = space;
        this.curvature = curvature;
        this.damping = damping;
    }

    @Override
    public void observe(ControlledFlow<C, ?> flow) {
        curvature.observe(flow);
    }

    @Override
    public C sharp(C covector, C at) {
        C update = space.copy(covector);
        space.combine(update, curvature.diagonal(at), new ElementOps.DampedQuotient(damping));
        return update;
    }

    @Override
    public String toString() {
        return "diagonal metric (damping " + damping + ")";
    }
}
