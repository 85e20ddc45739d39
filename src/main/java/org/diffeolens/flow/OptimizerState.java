package org.diffeolens.flow;

import java.util.Map;

/**
 * What an optimizer remembers between steps (moments, velocity, step count, adapted step size),
 * so a run can be checkpointed and resumed to the same numbers. Vectors are the optimizer's own
 * copies, in the control's type; scalars are counters and step sizes.
 *
 * @param optimizer the {@link Optimizer#name()} that wrote it (restoring into another fails)
 */
public record OptimizerState<C>(String optimizer, Map<String, Double> scalars, Map<String, C> vectors) {

    public OptimizerState {
        scalars = Map.copyOf(scalars);
        vectors = Map.copyOf(vectors);
    }

    public double scalar(String key) {
        Double v = scalars.get(key);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state of '" + optimizer + "' has no scalar '" + key + "'");
        }
        return v;
    }

    /** The vector under key, or null when the optimizer had not allocated it yet. */
    public C vector(String key) {
        return vectors.get(key);
    }

    void requireFrom(String name) {
        if (!optimizer.equals(name)) {
            throw new IllegalArgumentException("cannot restore the state of optimizer '" + optimizer
                    + "' into '" + name + "'");
        }
    }
}
