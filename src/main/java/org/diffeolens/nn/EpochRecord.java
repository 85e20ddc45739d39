package org.diffeolens.nn;

/**
 * One epoch of a training run: the mean of its mini-batch losses (cross-entropy at the control
 * each batch was evaluated at), the test loss and accuracy after it, its training time (wall
 * clock, and CPU time of the whole process, which a busy machine inflates less), the test
 * evaluation's time, and the learning rate of its last step.
 */
public record EpochRecord(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
                          double cpuSeconds, double evalSeconds, double learningRate) {
}
