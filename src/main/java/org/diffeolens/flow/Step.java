package org.diffeolens.flow;

/**
 * What one optimizer step did: the new control, the step size taken (0 when a line search found
 * no decrease, which ends the minimization) and how many extra energy evaluations it spent.
 */
public record Step<C>(C control, double size, int evaluations) {
}
