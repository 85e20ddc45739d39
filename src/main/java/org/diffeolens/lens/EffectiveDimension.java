package org.diffeolens.lens;

/**
 * The effective dimension of a positive semi-definite matrix at scale z (MacKay 1992's effective
 * number of well-determined parameters; Maddox et al. 2020):
 * <pre>  N_eff(z) = sum_i lambda_i / (lambda_i + z)</pre>
 * Directions whose curvature lambda_i is well above z count fully, those well below it hardly.
 * From m Ritz values theta_i (Lanczos) the sum over them is a lower bound: by interlacing theta_i
 * &lt;= lambda_i, and the summand f(lambda) = lambda / (lambda + z) grows with lambda. For the upper
 * bound, f is concave with slope at most 1/z, so the head's shortfall sum_i f(lambda_i) - f(theta_i)
 * is at most sum_i (lambda_i - theta_i) / z, and the tail's sum_i&gt;m f(lambda_i) at most
 * sum_i&gt;m lambda_i / z; both together are the trace not yet accounted for:
 * <pre>  upper = min(lower + (trace - sum_{i&lt;=m} theta_i) / z, rank)</pre>
 * with rank an upper bound on the matrix's rank (each eigenvalue contributes less than 1): its
 * dimension, or what its structure gives (a Fisher on S samples of C classes: S (C - 1)). No
 * Ritz value stands in for an unconverged eigenvalue, so the bounds hold at any Lanczos step.
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
     * @param top       the m largest Ritz values, descending (negative round-off is taken as 0)
     * @param trace     the trace of the matrix, or NaN when unknown (then only the rank bounds it)
     * @param dimension the matrix's size
     * @param rank      an upper bound on the matrix's rank (at most the dimension)
     */
    public static EffectiveDimension of(double[] top, double trace, long dimension, long rank, double z) {
        if (top.length == 0 || top.length > dimension) {
            throw new IllegalArgumentException("need 1 to " + dimension + " eigenvalues, got " + top.length);
        }
        if (rank < 1) {
            throw new IllegalArgumentException("rank bound must be >= 1, got " + rank);
        }
        double lower = 0;
        double sum = 0;
        for (double l : top) {
            double lambda = Math.max(0, l);
            lower += lambda / (lambda + z);
            sum += lambda;
        }
        double upper = Math.min(rank, dimension);
        if (Double.isFinite(trace)) {
            upper = Math.min(upper, lower + Math.max(0, trace - sum) / z);
        }
        return new EffectiveDimension(z, lower, Math.max(lower, upper), top.length, dimension, Double.NaN, Double.NaN);
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
