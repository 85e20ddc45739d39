package org.diffeolens.nn;

/** Mean loss (the flow's data term: cross-entropy, or a Hopfield network's squared error) and accuracy on a data set. */
public record Score(double loss, double accuracy, int samples) {
}
