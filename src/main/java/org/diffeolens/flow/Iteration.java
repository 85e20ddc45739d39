package org.diffeolens.flow;

/**
 * One record of a minimization, as listeners see it: iteration 0 is the initial control.
 * {@code control} is the live control of the minimizer: copy it to keep it.
 */
public record Iteration<C>(int index, Energy energy, double stepSize, double gradientNorm, long elapsedNanos,
                           C control) {
}
