package org.diffeolens.flow;

/** Progress bars, live views and the lens hang off a minimization through this. */
public interface MinimizerListener<C> {

    void onIteration(Iteration<C> iteration);

    default void onFinish(MinimizationResult<C> result) {
    }
}
