package org.diffeolens.flow;

/** The energy at a control and the gradient covector there, as a {@link GradientEstimator} returns them. */
public record Evaluation<C>(C control, Energy energy, C gradient) {
}
