package org.diffeolens.flow;

import static org.diffeolens.linalg.GaussianElimination.kronecker;
import static org.diffeolens.linalg.GaussianElimination.plusIdentity;
import static org.diffeolens.linalg.GaussianElimination.relativeDistance;
import static org.diffeolens.linalg.GaussianElimination.solve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffeolens.linalg.Cholesky;
import org.junit.jupiter.api.Test;

/**
 * The K-FAC block solves against a dense solve of the Kronecker-product system written out in full:
 * factored damping ((A + pi sqrt(g) I) (x) (G + sqrt(g)/pi I)) and exact damping (A (x) G + g I).
 * Odd sizes; rank-deficient factors (fewer samples than rows), as a mini-batch gives them. Both are
 * backward-stable solves of systems with condition number below 1e6 here: relative error < 1e-9.
 */
class KroneckerBlockTest {

    /** X X^T / k for a random n x k X: positive semi-definite, of rank min(n, k). */
    static double[] gram(int n, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < k; l++) {
                    s[i * n + j] += x[i * k + l] * x[j * k + l] / k;
                }
            }
        }
        return s;
    }

    static double[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    @Test
    void factoredDampingSolvesTheDampedKroneckerProductDensely() {
        int n = 5;
        int m = 3;
        double gamma = 1e-2;
        KroneckerBlock block = new KroneckerBlock(gram(n, 2, 1), n, gram(m, 2, 2), m);
        double pi = block.piCorrection();
        double[] dense = kronecker(plusIdentity(block.a(), n, pi * Math.sqrt(gamma)), n,
                plusIdentity(block.g(), m, Math.sqrt(gamma) / pi), m);
        double[] v = random(n * m, 3);
        assertTrue(relativeDistance(block.solveFactored(v, gamma), solve(dense, n * m, v)) < 1e-9);
    }

    @Test
    void exactDampingSolvesKroneckerProductPlusDampingDensely() {
        int n = 4;
        int m = 6;
        double gamma = 1e-3;
        KroneckerBlock block = new KroneckerBlock(gram(n, 3, 4), n, gram(m, 2, 5), m);
        double[] dense = plusIdentity(kronecker(block.a(), n, block.g(), m), n * m, gamma);
        double[] v = random(n * m, 6);
        assertTrue(relativeDistance(block.solveExact(v, gamma), solve(dense, n * m, v)) < 1e-9);
    }

    @Test
    void piCorrectionBalancesTheFactorsAverageEigenvalues() {
        // pi^2 = (tr A / n) / (tr G / m): scaling A by 4 doubles pi
        KroneckerBlock b = new KroneckerBlock(gram(3, 5, 7), 3, gram(2, 5, 8), 2);
        double[] a4 = b.a().clone();
        for (int i = 0; i < a4.length; i++) {
            a4[i] *= 4;
        }
        assertEquals(2 * b.piCorrection(), new KroneckerBlock(a4, 3, b.g(), 2).piCorrection(), 1e-14);
        assertEquals(1, new KroneckerBlock(new double[4], 2, b.g(), 2).piCorrection());
    }

    @Test
    void choleskyRejectsAnIndefiniteMatrixNamingThePivot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cholesky.of(new double[] {1, 2, 2, 1}, 2));
        assertTrue(e.getMessage().contains("pivot 1"), e.getMessage());
    }
}
