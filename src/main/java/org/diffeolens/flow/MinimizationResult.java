package org.diffeolens.flow;

import java.util.List;

/** The minimizer's answer: the final control, its energy, the per-iteration energies and why it stopped. */
public record MinimizationResult<C>(C control, Energy energy, int iterations, StopReason reason,
                                    List<Energy> history, long elapsedNanos) {

    public enum StopReason {
        MAX_ITERATIONS, CONVERGED, NO_DESCENT, CANCELLED
    }
}
