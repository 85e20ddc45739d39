package org.diffeolens.lens;

/**
 * The effective dimension of a positive semi-definite matrix at scale z (MacKay 1992's effective
 * number of well-determined parameters; Maddox et al. 2020):
 * <pre>  N_eff(z) = sum_i lambda_i / (lambda_i + z)</pre>
 * Directions whose curvature lambda_i is well above z count fully, those well below it hardly.
 * From the m largest eigenvalues (Lanczos) the sum over them is a lower bound (Ritz values are at
 * most the eigenvalues they approximate, and the summand grows with lambda); the rest is bounded
 * with the trace, since lambda / (lambda + z) &lt;= lambda / z and &lt;= lambda_m / (lambda_m + z):
 * <pre>  upper = lower + min((trace - sum_{i&lt;=m} lambda_i) / z, (dimension - m) lambda_m / (lambda_m + z))</pre>
 * Between the bounds, a stochastic Lanczos quadrature of tr(A (A + z)^-1) ({@link StochasticTrace})
 * gives an estimate with a standard error (NaN when not computed).
 */
public record EffectiveDimension(double z, double lower, double upper, int eigenvalues, long dimension,
                                 double estimate, double standardError) {

    public EffectiveDimension {
        if (!(z > 0) || Double.isInfinite(z)) {
            throw new IllegalArgumentException("scale z must be finite and > 0, got " + z);
        }
    }

    /**
     * @param top       the m largest eigenvalues, descending (negative round-off is taken as 0)
     * @param trace     the trace of the matrix, or NaN when unknown (then only the count bound applies)
     * @param dimension the matrix's size
     */
    public static EffectiveDimension of(double[] top, double trace, long dimension, double z) {
        if (top.length == 0 || top.length > dimension) {
            throw new IllegalArgumentException("need 1 to " + dimension + " eigenvalues, got " + top.length);
        }
        double lower = 0;
        double sum = 0;
        for (double l : top) {
            double lambda = Math.max(0, l);
            lower += lambda / (lambda + z);
            sum += lambda;
        }
        double last = Math.max(0, top[top.length - 1]);
        double tail = (dimension - top.length) * (last / (last + z));
        if (Double.isFinite(trace)) {
            tail = Math.min(tail, Math.max(0, trace - sum) / z);
        }
        return new EffectiveDimension(z, lower, lower + tail, top.length, dimension, Double.NaN, Double.NaN);
    }

    /** lambda / (lambda + z), the summand (0 for lambda at or below 0). */
    public static double weight(double lambda, double z) {
        return lambda > 0 ? lambda / (lambda + z) : 0;
    }

    /** These bounds with a stochastic estimate of the sum. */
    public EffectiveDimension withEstimate(StochasticTrace.Estimate e) {
        return new EffectiveDimension(z, lower, upper, eigenvalues, dimension, e.mean(), e.standardError());
    }

    /** The estimate, kept within the bounds, or the lower bound when there is none. */
    public double value() {
        return Double.isFinite(estimate) ? Math.min(upper, Math.max(lower, estimate)) : lower;
    }
}
