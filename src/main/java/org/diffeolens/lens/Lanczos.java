package org.diffeolens.lens;

import java.util.ArrayList;
import java.util.List;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.linalg.TridiagonalEigen;

/**
 * The top of the spectrum of a symmetric operator by the Lanczos iteration with full
 * reorthogonalization (Golub and Van Loan, Matrix Computations, sec. 10.1 and 10.3.1): the Krylov
 * basis q_1..q_m is kept and every new vector is orthogonalized against all of it twice ("twice is
 * enough", Parlett), so no ghost copies of converged eigenvalues appear. The Ritz values of the
 * tridiagonal T_m = Q^T A Q interlace the spectrum from inside (the i-th largest Ritz value is at
 * most the i-th largest eigenvalue), and each has the computable residual bound
 * ||A y_i - theta_i y_i|| = beta_m |s_{m,i}|, which for a symmetric A bounds its distance to an
 * eigenvalue. Generic over the control's {@link VectorSpace}: network weights or plain arrays.
 */
public final class Lanczos {

    /** Relative size of beta below which the Krylov space is invariant (an exact eigenspace of A). */
    private static final double BREAKDOWN = 1e-12;

    private Lanczos() {
    }

    /**
     * The k largest Ritz values (descending), their residual bounds, all Ritz values of the last
     * tridiagonal (descending), the iterations taken, and whether the Krylov space became invariant.
     */
    public record Spectrum(double[] values, double[] residuals, double[] ritzValues, int iterations,
                           boolean invariant) {

        /** The largest residual bound relative to the largest |Ritz value|: the achieved accuracy. */
        public double relativeResidual() {
            double scale = 0;
            for (double v : ritzValues) {
                scale = Math.max(scale, Math.abs(v));
            }
            double worst = 0;
            for (double r : residuals) {
                worst = Math.max(worst, r);
            }
            return scale == 0 ? 0 : worst / scale;
        }
    }

    /**
     * Runs until the top k residual bounds are at most tolerance times the largest |Ritz value|,
     * the space becomes invariant, or maxIterations (capped at the dimension) steps are taken.
     *
     * @param start a nonzero vector (random, so that no eigendirection is missed by construction)
     */
    public static <C> Spectrum top(SymmetricOperator<C> a, VectorSpace<C> space, C start, int k, int maxIterations,
                                   double tolerance) {
        long dimension = space.dimension(start);
        if (k < 1 || maxIterations < k) {
            throw new IllegalArgumentException("need 1 <= k <= maxIterations, got k " + k + ", maxIterations "
                    + maxIterations);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
        }
        double norm = space.norm(start);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("the start vector must be finite and nonzero, its norm is " + norm);
        }
        int m = (int) Math.min(maxIterations, dimension);
        List<C> basis = new ArrayList<>();
        C q = space.copy(start);
        space.scale(1 / norm, q);
        basis.add(q);
        double[] alpha = new double[m];
        double[] beta = new double[m];
        double scale = 0;
        for (int j = 0; j < m; j++) {
            C w = a.apply(basis.get(j));
            alpha[j] = space.dot(basis.get(j), w);
            space.axpy(-alpha[j], basis.get(j), w);
            if (j > 0) {
                space.axpy(-beta[j - 1], basis.get(j - 1), w);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (C qi : basis) {
                    space.axpy(-space.dot(qi, w), qi, w);
                }
            }
            beta[j] = space.norm(w);
            scale = Math.max(scale, Math.abs(alpha[j]) + beta[j] + (j > 0 ? beta[j - 1] : 0));
            int steps = j + 1;
            boolean invariant = beta[j] <= BREAKDOWN * scale;
            if (invariant || steps == m || steps >= k && converged(alpha, beta, steps, k, tolerance)) {
                return spectrum(alpha, beta, steps, k, invariant);
            }
            space.scale(1 / beta[j], w);
            basis.add(w);
        }
        throw new IllegalStateException("unreachable: the loop returns at its last step");
    }

    private static boolean converged(double[] alpha, double[] beta, int steps, int k, double tolerance) {
        return spectrum(alpha, beta, steps, k, false).relativeResidual() <= tolerance;
    }

    private static Spectrum spectrum(double[] alpha, double[] beta, int steps, int k, boolean invariant) {
        double[] a = java.util.Arrays.copyOf(alpha, steps);
        double[] b = java.util.Arrays.copyOf(beta, Math.max(0, steps - 1));
        TridiagonalEigen t = TridiagonalEigen.of(a, b);
        int top = Math.min(k, steps);
        double[] values = java.util.Arrays.copyOf(t.values(), top);
        double[] residuals = new double[top];
        double last = invariant ? 0 : beta[steps - 1];
        for (int i = 0; i < top; i++) {
            residuals[i] = last * Math.abs(t.lastComponents()[i]);
        }
        return new Spectrum(values, residuals, t.values(), steps, invariant);
    }
}
