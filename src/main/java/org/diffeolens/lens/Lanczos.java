package org.diffeolens.lens;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Predicate;
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
        if (k < 1 || maxIterations < k) {
            throw new IllegalArgumentException("need 1 <= k <= maxIterations, got k " + k + ", maxIterations "
                    + maxIterations);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
        }
        Tridiagonal t = iterate(a, space, start, maxIterations,
                r -> r.steps() >= k && spectrum(r, k).relativeResidual() <= tolerance);
        return spectrum(t, k);
    }

    /**
     * v^T f(A) v by Gauss quadrature on the Lanczos tridiagonal started at v (Golub and Meurant
     * 1994; stochastic Lanczos quadrature when v is a random probe, Ubaru, Chen and Saad 2017):
     * ||v||^2 sum_i s_{1,i}^2 f(theta_i), exact for polynomials f of degree below 2 steps, and
     * exact outright once the Krylov space is invariant.
     */
    public static <C> double quadrature(SymmetricOperator<C> a, VectorSpace<C> space, C v, int steps,
                                        DoubleUnaryOperator f) {
        if (steps < 1) {
            throw new IllegalArgumentException("need at least one Lanczos step, got " + steps);
        }
        Tridiagonal t = iterate(a, space, v, steps, r -> false);
        TridiagonalEigen e = t.eigen();
        double s = 0;
        for (int i = 0; i < e.values().length; i++) {
            s += e.firstComponents()[i] * e.firstComponents()[i] * f.applyAsDouble(e.values()[i]);
        }
        return space.dot(v, v) * s;
    }

    /** The Lanczos coefficients after some steps: alpha_0..alpha_{m-1}, beta_0..beta_{m-1} (beta_{m-1} the residual). */
    private record Tridiagonal(double[] alpha, double[] beta, int steps, boolean invariant) {

        TridiagonalEigen eigen() {
            return TridiagonalEigen.of(java.util.Arrays.copyOf(alpha, steps),
                    java.util.Arrays.copyOf(beta, Math.max(0, steps - 1)));
        }
    }

    /** The iteration itself: at most maxSteps (and the dimension) steps, or until done says so. */
    private static <C> Tridiagonal iterate(SymmetricOperator<C> a, VectorSpace<C> space, C start, int maxSteps,
                                           Predicate<Tridiagonal> done) {
        double norm = space.norm(start);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("the start vector must be finite and nonzero, its norm is " + norm);
        }
        int m = (int) Math.min(maxSteps, space.dimension(start));
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
            boolean invariant = beta[j] <= BREAKDOWN * scale;
            Tridiagonal t = new Tridiagonal(alpha, beta, j + 1, invariant);
            if (invariant || j + 1 == m || done.test(t)) {
                return t;
            }
            space.scale(1 / beta[j], w);
            basis.add(w);
        }
        throw new IllegalStateException("unreachable: the loop returns at its last step");
    }

    private static Spectrum spectrum(Tridiagonal r, int k) {
        TridiagonalEigen t = r.eigen();
        int top = Math.min(k, r.steps());
        double[] values = java.util.Arrays.copyOf(t.values(), top);
        double[] residuals = new double[top];
        double last = r.invariant() ? 0 : r.beta()[r.steps() - 1];
        for (int i = 0; i < top; i++) {
            residuals[i] = last * Math.abs(t.lastComponents()[i]);
        }
        return new Spectrum(values, residuals, t.values(), r.steps(), r.invariant());
    }
}
