package org.diffeolens.nn;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.DiagonalMetric;

/**
 * The diagonal curvature of paper 004's co-gradient metric for a residual network: the diagonal of
 * the empirical Fisher of the current mini-batch, 1/B sum_i g_i^2 over per-sample gradients
 * ({@link LayerStatistics}). Why not the Hessian's own diagonal: for softmax cross-entropy the
 * Hessian is the Gauss-Newton (Fisher) part plus a term that vanishes at a fit and has either sign;
 * the paper's section 3.6 shows the sign is what sends a co-gradient step uphill to saddles, and a
 * Hutchinson estimate E[z o Hz] would need Hessian-vector products (two more gradients per probe,
 * by finite differences here) and still be indefinite. The Fisher diagonal is non-negative, costs
 * one statistics sweep, and is the Hessian's diagonal where the model fits.
 */
public final class FisherDiagonal implements DiagonalMetric.Curvature<Parameters> {

    private final ResidualNetwork network;
    private ResidualEnergyForm observed;

    public FisherDiagonal(ResidualNetwork network) {
        this.network = network;
    }

    @Override
    public void observe(ControlledFlow<Parameters, ?> flow) {
        observed = LayerStatistics.formOf(flow, network);
    }

    @Override
    public Parameters diagonal(Parameters at) {
        return LayerStatistics.of(LayerStatistics.require(observed), at, true, null).diagonal();
    }
}
