package org.diffeolens.registration;

/**
 * The covectors of a flow's reverse sweep, kept from one gradient to the next (in 3D each is tens
 * of MB): the similarity's covector on the warped image, and two map covectors that the sweep
 * alternates, dE/dp_{k+1} read while dE/dp_k accumulates into the other. Made on first use.
 */
final class ReverseSweep {

    private final FlowContext ctx;
    private double[] similarityBar;
    private double[][] first;
    private double[][] second;

    ReverseSweep(FlowContext ctx) {
        this.ctx = ctx;
    }

    /** dE_sim/dp at the final map p of a pass that warped the source to warped, into the first covector. */
    double[][] start(double[][] p, double[] warped) {
        if (first == null) {
            similarityBar = new double[ctx.voxels];
            first = ctx.zeros();
            second = ctx.zeros();
        }
        ctx.terminalAdjoint(p, warped, similarityBar, first);
        return first;
    }

    /** The other covector, for the sweep's first step back (call {@link #start} first). */
    double[][] spare() {
        return second;
    }
}
