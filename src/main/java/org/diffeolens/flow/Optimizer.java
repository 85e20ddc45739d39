package org.diffeolens.flow;

/**
 * One step from a control along an update direction (a vector, after the metric): descent goes
 * against it. Like PyTorch's optimizers, an instance keeps its own state (velocity, moments);
 * {@link #reset()} forgets it, e.g. between pyramid levels.
 */
public interface Optimizer<C> {

    Step<C> step(Objective<C> objective, Evaluation<C> at, C direction);

    void reset();

    /** Name as the CLI selects it. */
    String name();
}
