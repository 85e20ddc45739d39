package org.diffeolens.nn;

/** Mean cross-entropy and accuracy of a network on a data set. */
public record Score(double loss, double accuracy, int samples) {
}
