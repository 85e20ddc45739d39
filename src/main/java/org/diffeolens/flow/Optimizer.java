package org.diffeolens.flow;

/**
 * One step from a control along an update direction (a vector, after the metric): descent goes
 * against it. Like PyTorch's optimizers, an instance keeps its own state (velocity, moments);
 * {@link #reset()} forgets it, e.g. between pyramid levels; {@link #state} and {@link #restore}
 * carry it through a checkpoint.
 */
public interface Optimizer<C> {

    Step<C> step(Objective<C> objective, Evaluation<C> at, C direction);

    void reset();

    /** Name as the CLI selects it. */
    String name();

    /** A copy of the internal state (vectors copied through {@code space}), for checkpoints. */
    default OptimizerState<C> state(VectorSpace<C> space) {
        return new OptimizerState<>(name(), java.util.Map.of(), java.util.Map.of());
    }

    /**
     * Continues from a state that {@link #state} of an optimizer with the same name and
     * hyperparameters returned: the next step is the one the saved optimizer would have taken.
     * The vectors are taken over, not copied.
     */
    default void restore(OptimizerState<C> state) {
        state.requireFrom(name());
    }
}
