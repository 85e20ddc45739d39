package org.diffeolens.lens;

/**
 * A control made of time steps (the velocities of an LDDMM path) or layers (the blocks of a
 * residual network): the lens resets or replaces one step at a time to see which ones matter.
 */
public interface Stepwise<C> {

    int steps(C control);

    /** A copy of {@code control} whose step k is taken from {@code source}. */
    C withStep(C control, int k, C source);
}
