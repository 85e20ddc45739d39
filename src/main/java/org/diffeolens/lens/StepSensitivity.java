package org.diffeolens.lens;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * "Are all layers created equal?" (Zhang, Bengio and Singer 2019), for any stepwise control: put
 * back one step at a time from a reference (its initial value, a re-randomized draw, or zero for a
 * velocity) and measure how much the scores change. For a residual network the scores are the
 * test loss and accuracy; for an LDDMM path, the matching energy. One implementation serves both.
 */
public final class StepSensitivity {

    private StepSensitivity() {
    }

    /** The scores of the trained control, and per step k those with step k taken from the reference. */
    public record Result(double[] base, double[][] reset) {

        /** reset[k][score] - base[score] for every step k. */
        public double[] change(int score) {
            double[] d = new double[reset.length];
            for (int k = 0; k < d.length; k++) {
                d[k] = reset[k][score] - base[score];
            }
            return d;
        }
    }

    /** Scores of {@code trained} and of {@code withStep(trained, k, reference)} for every step k. */
    public static <C> Result of(Stepwise<C> steps, C trained, C reference, Function<C, double[]> scores) {
        double[] base = scores.apply(trained);
        int n = steps.steps(trained);
        double[][] reset = new double[n][];
        for (int k = 0; k < n; k++) {
            reset[k] = scores.apply(steps.withStep(trained, k, reference));
            if (reset[k].length != base.length) {
                throw new IllegalArgumentException("the score function returned " + reset[k].length + " scores for step "
                        + k + " and " + base.length + " for the trained control");
            }
        }
        return new Result(base, reset);
    }

    /** score(withStep(trained, k, reference)) - score(trained) for every step k. */
    public static <C> double[] changes(Stepwise<C> steps, C trained, C reference, ToDoubleFunction<C> score) {
        return of(steps, trained, reference, c -> new double[] {score.applyAsDouble(c)}).change(0);
    }
}
