package org.diffeolens.flow;

import java.util.function.BooleanSupplier;

/**
 * When a minimization ends: after maxIterations steps, when the total energy changed by less than
 * relativeTolerance (relative to its current value) over the last {@code window} iterations, when
 * the gradient's dual norm fell below gradientTolerance times its initial value, or when
 * {@code cancelled} says so (Esc in the plugin, Ctrl-C in the CLI).
 */
public record StoppingRule(int maxIterations, double relativeTolerance, int window, BooleanSupplier cancelled,
                           double gradientTolerance) {

    public StoppingRule(int maxIterations, double relativeTolerance, int window, BooleanSupplier cancelled) {
        this(maxIterations, relativeTolerance, window, cancelled, 0);
    }

    public StoppingRule {
        if (maxIterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + maxIterations);
        }
        if (!(relativeTolerance >= 0)) {
            throw new IllegalArgumentException("relative tolerance must be >= 0, got " + relativeTolerance);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        if (cancelled == null) {
            cancelled = () -> false;
        }
        if (!(gradientTolerance >= 0)) {
            throw new IllegalArgumentException("gradient tolerance must be >= 0, got " + gradientTolerance);
        }
    }

    public static StoppingRule iterations(int maxIterations) {
        return new StoppingRule(maxIterations, 0, 1, null);
    }

    public StoppingRule withTolerance(double tolerance, int window) {
        return new StoppingRule(maxIterations, tolerance, window, cancelled, gradientTolerance);
    }

    public StoppingRule withCancel(BooleanSupplier cancel) {
        return new StoppingRule(maxIterations, relativeTolerance, window, cancel, gradientTolerance);
    }

    /** Stop once the gradient's dual norm is below this fraction of its value at the start. */
    public StoppingRule withGradientTolerance(double tolerance) {
        return new StoppingRule(maxIterations, relativeTolerance, window, cancelled, tolerance);
    }
}
