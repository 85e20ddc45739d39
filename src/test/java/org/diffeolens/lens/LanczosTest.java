package org.diffeolens.lens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffeolens.flow.DoubleArraySpace;
import org.diffeolens.linalg.Dense;
import org.diffeolens.linalg.SymmetricEigen;
import org.junit.jupiter.api.Test;

/** Lanczos on explicit symmetric matrices against their dense Jacobi eigen-decomposition. */
class LanczosTest {

    /** The bar for the top of a spectrum. */
    static final double RELATIVE = 1e-6;

    /** A = Q diag(lambda) Q^T with a random orthogonal Q (the eigenvectors of a random symmetric matrix). */
    static double[] withSpectrum(double[] lambda, long seed) {
        int n = lambda.length;
        SplittableRandom r = new SplittableRandom(seed);
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                g[i * n + j] = r.nextGaussian();
                g[j * n + i] = g[i * n + j];
            }
        }
        double[] q = SymmetricEigen.of(g, n).vectors();
        double[] a = new double[n * n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += q[i * n + k] * lambda[k] * q[j * n + k];
                }
            }
        }
        return a;
    }

    static SymmetricOperator<double[]> operator(double[] a, int n) {
        return v -> Dense.multiply(a, v, n, n, 1);
    }

    static double[] ones(int n) {
        double[] s = new double[n];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    @Test
    void topEigenvaluesOfAnIndefiniteMatrixMatchTheDenseDecomposition() {
        int n = 80;
        SplittableRandom r = new SplittableRandom(1);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            // a geometric top (a Fisher- or Hessian-like decay) over a bulk with negative values
            lambda[i] = i < 8 ? 50 * Math.pow(0.6, i) : r.nextGaussian() * 0.3;
        }
        double[] a = withSpectrum(lambda, 2);
        double[] dense = SymmetricEigen.of(a, n).values();
        Lanczos.Spectrum s = Lanczos.top(operator(a, n), DoubleArraySpace.INSTANCE, ones(n), 6, n, 1e-10);
        assertTrue(s.iterations() < n, "converged before exhausting the space: " + s.iterations());
        for (int i = 0; i < 6; i++) {
            double expected = dense[n - 1 - i];
            assertEquals(expected, s.values()[i], RELATIVE * Math.abs(expected), "eigenvalue " + i);
            // the residual bound holds: the Ritz value is within it of an eigenvalue
            assertTrue(Math.abs(s.values()[i] - expected) <= s.residuals()[i] + 1e-12 * dense[n - 1], "bound " + i);
        }
    }

    @Test
    void aFullRunReproducesTheWholeSpectrumAndRitzValuesInterlace() {
        int n = 40;
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = Math.exp(-0.3 * i) * (i % 3 == 0 ? 1 : 2);
        }
        double[] a = withSpectrum(lambda, 5);
        double[] dense = SymmetricEigen.of(a, n).values();
        Lanczos.Spectrum full = Lanczos.top(operator(a, n), DoubleArraySpace.INSTANCE, ones(n), n, n, 0);
        for (int i = 0; i < n; i++) {
            assertEquals(dense[n - 1 - i], full.ritzValues()[i], 1e-10 * dense[n - 1], "eigenvalue " + i);
        }
        // after a few steps the i-th largest Ritz value is at most the i-th largest eigenvalue
        Lanczos.Spectrum early = Lanczos.top(operator(a, n), DoubleArraySpace.INSTANCE, ones(n), 5, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(early.values()[i] <= dense[n - 1 - i] * (1 + 1e-12), "interlacing at " + i);
        }
    }

    @Test
    void aStartInAnInvariantSubspaceStopsWithItsExactEigenvalues() {
        // diag(3, 2, 1, 1, ...) from e_0 + e_1: the Krylov space is span(e_0, e_1)
        int n = 10;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = i == 0 ? 3 : i == 1 ? 2 : 1;
        }
        double[] start = new double[n];
        start[0] = 1;
        start[1] = 1;
        Lanczos.Spectrum s = Lanczos.top(operator(a, n), DoubleArraySpace.INSTANCE, start, 2, n, 0);
        assertTrue(s.invariant());
        assertEquals(2, s.iterations());
        assertEquals(3, s.values()[0], 1e-14);
        assertEquals(2, s.values()[1], 1e-14);
    }

    @Test
    void effectiveDimensionBoundsBracketTheExactSum() {
        int n = 30;
        double[] lambda = new double[n];
        double trace = 0;
        double exact = 0;
        double z = 0.05;
        for (int i = 0; i < n; i++) {
            lambda[i] = 4 * Math.pow(0.7, i);
            trace += lambda[i];
            exact += lambda[i] / (lambda[i] + z);
        }
        double[] a = withSpectrum(lambda, 9);
        Lanczos.Spectrum s = Lanczos.top(operator(a, n), DoubleArraySpace.INSTANCE, ones(n), 8, n, 1e-12);
        EffectiveDimension d = EffectiveDimension.of(s.values(), trace, n, n, z);
        assertTrue(d.lower() <= exact && exact <= d.upper(), d + " vs " + exact);
        EffectiveDimension all = EffectiveDimension.of(lambda, trace, n, n, z);
        assertEquals(exact, all.lower(), 1e-12 * exact);
        assertEquals(all.lower(), all.upper(), 1e-12 * exact);
    }

    @Test
    void lanczosQuadratureIsExactOnceTheKrylovSpaceIsWhole() {
        // with n steps the Gauss rule has a node at every eigenvalue: v^T f(A) v exactly, for any f
        int n = 25;
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = 3 * Math.pow(0.75, i);
        }
        double[] a = withSpectrum(lambda, 4);
        SymmetricEigen e = SymmetricEigen.of(a, n);
        double z = 0.02;
        double[] v = new double[n];
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            v[i] = r.nextBoolean() ? 1 : -1;
        }
        double exact = 0;
        for (int k = 0; k < n; k++) {
            double proj = 0;
            for (int i = 0; i < n; i++) {
                proj += e.vectors()[i * n + k] * v[i];
            }
            exact += proj * proj * EffectiveDimension.weight(e.values()[k], z);
        }
        double q = Lanczos.quadrature(operator(a, n), DoubleArraySpace.INSTANCE, v, n, l -> EffectiveDimension.weight(l, z));
        assertEquals(exact, q, 1e-10 * exact);
    }

    @Test
    void stochasticTraceOfTheEffectiveDimensionIsWithinItsStandardErrors() {
        // Hutchinson's estimator is unbiased; with 200 probes its mean lies within 4 standard errors of
        // the exact tr(A (A + z)^-1) (a 6e-5 chance of failing for a Gaussian mean; the seed is fixed)
        int n = 60;
        double z = 0.05;
        double[] lambda = new double[n];
        double exact = 0;
        for (int i = 0; i < n; i++) {
            lambda[i] = 5 * Math.pow(0.85, i);
            exact += lambda[i] / (lambda[i] + z);
        }
        double[] a = withSpectrum(lambda, 12);
        StochasticTrace.Estimate est = StochasticTrace.of(operator(a, n), DoubleArraySpace.INSTANCE, i -> {
            SplittableRandom r = new SplittableRandom(100 + i);
            double[] v = new double[n];
            for (int k = 0; k < n; k++) {
                v[k] = r.nextBoolean() ? 1 : -1;
            }
            return v;
        }, 200, 30, l -> EffectiveDimension.weight(l, z));
        assertTrue(Math.abs(est.mean() - exact) <= 4 * est.standardError(), est + " vs " + exact);
        assertTrue(est.standardError() < 0.05 * exact, "200 probes pin it to a few per cent: " + est);
    }

    /**
     * The bounds hold at every Lanczos step, converged or not: on diag(10, 9, .., 1) at z = 1 two
     * steps from random starts leave the Ritz values far below the top eigenvalues, where a bound
     * that counted the unexplored directions at the last Ritz value's weight fell below the exact sum.
     */
    @Test
    void effectiveDimensionBoundsHoldBeforeLanczosConverges() {
        int n = 10;
        double[] lambda = new double[n];
        double trace = 0;
        double exact = 0;
        for (int i = 0; i < n; i++) {
            lambda[i] = n - i;
            trace += lambda[i];
            exact += lambda[i] / (lambda[i] + 1);
        }
        double[] a = withSpectrum(lambda, 3);
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            double[] start = new double[n];
            for (int i = 0; i < n; i++) {
                start[i] = random.nextDouble() - 0.5;
            }
            Lanczos.Spectrum s = Lanczos.top(operator(a, n), DoubleArraySpace.INSTANCE, start, 2, 2, 1e-12);
            EffectiveDimension d = EffectiveDimension.of(s.values(), trace, n, n, 1);
            assertTrue(d.lower() <= exact * (1 + 1e-12) && exact <= d.upper() * (1 + 1e-12), d + " vs " + exact);
        }
    }

    /** A matrix of rank r has at most r directions to count: the bound the trace leaves open is capped there. */
    @Test
    void effectiveDimensionIsAtMostTheRank() {
        int n = 12;
        double[] lambda = new double[n];
        double trace = 0;
        for (int i = 0; i < 3; i++) {
            lambda[i] = 5 - i;
            trace += lambda[i];
        }
        double[] a = withSpectrum(lambda, 5);
        Lanczos.Spectrum s = Lanczos.top(operator(a, n), DoubleArraySpace.INSTANCE, ones(n), 1, 1, 1e-12);
        EffectiveDimension d = EffectiveDimension.of(s.values(), trace, n, 3, 1e-6);
        assertEquals(3, d.upper(), 0, "the trace term is huge at tiny z: the rank bounds it");
        assertTrue(d.lower() <= 3);
    }
}
