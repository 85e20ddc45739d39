package org.diffeolens.nn;

import java.util.List;
import org.diffeolens.flow.MinimizationResult.StopReason;

/**
 * The outcome of a training run: the trained parameters, one record per epoch (resumed runs
 * include the epochs before the checkpoint), the loss of every mini-batch step of this run, and
 * why it stopped.
 */
public record TrainingResult(Parameters parameters, List<EpochRecord> epochs, double[] stepLosses,
                             StopReason reason, double seconds) {

    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    public EpochRecord last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch completed");
        }
        return epochs.get(epochs.size() - 1);
    }
}
