package org.diffeolens.nn;

/**
 * What a training run tells its observers: the progress bar, the CLI's reports, the lens. All
 * calls come from the training thread, between steps.
 */
public interface TrainingListener {

    /** The run's plan: epochs firstEpoch+1..config.epochs() of stepsPerEpoch steps each. */
    record Plan(Architecture network, TrainingConfig config, int firstEpoch, int stepsPerEpoch, long parameters) {
    }

    /** The state at an epoch's end, for listeners that keep it (a checkpoint copies it). */
    interface EpochState {
        Parameters parameters();

        Checkpoint checkpoint();
    }

    default void onStart(Plan plan) {
    }

    /** After step {@code step} (1..stepsPerEpoch) of epoch {@code epoch} (1-based); loss of the batch it used. */
    default void onStep(int epoch, int step, double batchLoss, double learningRate) {
    }

    default void onEpochEnd(EpochRecord record, EpochState state) {
    }

    default void onFinish(TrainingResult result) {
    }
}
