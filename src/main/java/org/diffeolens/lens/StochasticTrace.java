package org.diffeolens.lens;

import java.util.function.DoubleUnaryOperator;
import java.util.function.IntFunction;
import org.diffeolens.flow.VectorSpace;

/**
 * tr f(A) for a matrix-free symmetric A by stochastic Lanczos quadrature (Ubaru, Chen and Saad
 * 2017): Hutchinson's estimator E_v[v^T f(A) v] = tr f(A) over Rademacher probes v (entries +-1),
 * each v^T f(A) v by Gauss quadrature on the Lanczos tridiagonal started at v
 * ({@link Lanczos#quadrature}). The mean over the probes comes with its standard error (the
 * sample standard deviation over sqrt(probes)); the quadrature error falls off geometrically with
 * the steps for smooth f.
 */
public final class StochasticTrace {

    private StochasticTrace() {
    }

    /** The mean of the probes' quadratures, its standard error, and the probes and steps it took. */
    public record Estimate(double mean, double standardError, int probes, int steps) {
    }

    /**
     * @param probe probe i (i = 0..probes-1): a vector with entries +-1, drawn independently per i
     */
    public static <C> Estimate of(SymmetricOperator<C> a, VectorSpace<C> space, IntFunction<C> probe, int probes,
                                  int steps, DoubleUnaryOperator f) {
        if (probes < 2) {
            throw new IllegalArgumentException("a standard error needs at least 2 probes, got " + probes);
        }
        double[] q = new double[probes];
        double mean = 0;
        for (int i = 0; i < probes; i++) {
            q[i] = Lanczos.quadrature(a, space, probe.apply(i), steps, f);
            mean += q[i] / probes;
        }
        double var = 0;
        for (double x : q) {
            var += (x - mean) * (x - mean) / (probes - 1);
        }
        return new Estimate(mean, Math.sqrt(var / probes), probes, steps);
    }
}
