package org.diffeolens.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TridiagonalEigenTest {

    /** QL and Jacobi are both backward stable: eigenvalues agree to a few ulps of the norm. */
    private static final double AGREEMENT = 1e-13;

    @Test
    void valuesAndLastEigenvectorRowMatchTheDenseJacobiDecomposition() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {1, 2, 7, 31}) {
            double[] a = new double[n];
            double[] b = new double[Math.max(0, n - 1)];
            double[] dense = new double[n * n];
            for (int i = 0; i < n; i++) {
                a[i] = r.nextGaussian() * 3;
                dense[i * n + i] = a[i];
            }
            for (int i = 0; i + 1 < n; i++) {
                b[i] = r.nextGaussian();
                dense[i * n + i + 1] = b[i];
                dense[(i + 1) * n + i] = b[i];
            }
            TridiagonalEigen t = TridiagonalEigen.of(a, b);
            SymmetricEigen s = SymmetricEigen.of(dense, n);
            double norm = Dense.frobenius(dense);
            for (int k = 0; k < n; k++) {
                int ascending = n - 1 - k;
                assertEquals(s.values()[ascending], t.values()[k], AGREEMENT * norm, "n " + n + " value " + k);
                // eigenvectors are defined up to sign (the spectrum of a random matrix is simple)
                double last = s.vectors()[(n - 1) * n + ascending];
                assertEquals(Math.abs(last), Math.abs(t.lastComponents()[k]), 1e-10, "n " + n + " last component " + k);
                double first = s.vectors()[ascending];
                assertEquals(Math.abs(first), Math.abs(t.firstComponents()[k]), 1e-10, "n " + n + " first component " + k);
            }
        }
    }

    @Test
    void aDiagonalMatrixIsItsOwnSpectrum() {
        TridiagonalEigen t = TridiagonalEigen.of(new double[] {2, -1, 5}, new double[] {0, 0});
        assertEquals(5, t.values()[0], 0);
        assertEquals(2, t.values()[1], 0);
        assertEquals(-1, t.values()[2], 0);
        // the eigenvector of 5 is e_2, the only one reaching the last row
        assertEquals(1, Math.abs(t.lastComponents()[0]), 0);
        assertEquals(0, t.lastComponents()[1], 0);
        assertEquals(0, t.lastComponents()[2], 0);
    }
}
