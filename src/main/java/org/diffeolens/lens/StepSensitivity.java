package org.diffeolens.lens;

import java.util.function.ToDoubleFunction;

/**
 * "Are all layers created equal?" (Zhang, Bengio and Singer 2019), for any stepwise control: put
 * back one step at a time from a reference (its initial value, a re-randomized draw, or zero for a
 * velocity) and measure how much a score changes. For a residual network the score is the test loss
 * (or error); for an LDDMM path, the matching energy. One implementation serves both.
 */
public final class StepSensitivity {

    private StepSensitivity() {
    }

    /** score(withStep(trained, k, reference)) - score(trained) for every step k. */
    public static <C> double[] changes(Stepwise<C> steps, C trained, C reference, ToDoubleFunction<C> score) {
        double base = score.applyAsDouble(trained);
        int n = steps.steps(trained);
        double[] delta = new double[n];
        for (int k = 0; k < n; k++) {
            delta[k] = score.applyAsDouble(steps.withStep(trained, k, reference)) - base;
        }
        return delta;
    }
}
