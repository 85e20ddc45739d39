package org.diffeolens.field;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.diffeolens.Fields;
import org.diffeolens.Tolerances;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stencil's combined methods against its one-axis, one-field ones, at points in and outside the grid. */
class LinearStencilTest {

    static Grid grid(int dim) {
        return dim == 2 ? Grid.of(new int[] {7, 5}, new double[] {1, 1}) : Grid.of(new int[] {6, 5, 4}, new double[] {1, 1, 1});
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void gradientIsTheThreeDerivativesAndGradientOfSumIsLinear(int dim) {
        Grid g = grid(dim);
        Lattice l = new Lattice(g);
        LinearStencil st = new LinearStencil(l);
        double[][] f = {Fields.random(g, 1).data(), Fields.random(g, 2).data(), Fields.random(g, 3).data()};
        double[] w = {0.7, -1.3, 2.1};
        Random r = new Random(dim);
        double[] gradient = new double[3];
        double[] ofSum = new double[3];
        for (int k = 0; k < 500; k++) {
            // about a fifth of the points lie outside the grid, where a derivative across the border is 0
            st.locate(r.nextDouble() * (l.nx + 1) - 1, r.nextDouble() * (l.ny + 1) - 1,
                    r.nextDouble() * (l.nz + 1) - 1);
            double[] expected = new double[3];
            for (int c = 0; c < 3; c++) {
                st.gradient(f[c], gradient);
                assertEquals(st.derivativeX(f[c]), gradient[0], 0);
                assertEquals(st.derivativeY(f[c]), gradient[1], 0);
                assertEquals(st.derivativeZ(f[c]), gradient[2], 0);
                for (int a = 0; a < 3; a++) {
                    expected[a] += w[c] * gradient[a];
                }
            }
            st.gradientOfSum(f, w, 3, ofSum);
            for (int a = 0; a < 3; a++) {
                assertEquals(expected[a], ofSum[a], 100 * Tolerances.DOUBLE_EPS);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void splatIsTheTransposeOfValue(int dim) {
        Grid g = grid(dim);
        Lattice l = new Lattice(g);
        LinearStencil st = new LinearStencil(l);
        double[] f = Fields.random(g, 4).data();
        Random r = new Random(7);
        for (int k = 0; k < 200; k++) {
            st.locate(r.nextDouble() * (l.nx + 1) - 1, r.nextDouble() * (l.ny + 1) - 1,
                    r.nextDouble() * (l.nz + 1) - 1);
            double[] acc = new double[l.voxels];
            double w = r.nextDouble() - 0.5;
            st.splat(acc, w);
            // <value(f), w> = <f, splat(w)>, and the weights sum to one
            double dot = 0;
            double mass = 0;
            for (int i = 0; i < acc.length; i++) {
                dot += f[i] * acc[i];
                mass += acc[i];
            }
            assertEquals(st.value(f) * w, dot, 10 * Tolerances.DOUBLE_EPS);
            assertEquals(w, mass, 10 * Tolerances.DOUBLE_EPS);
        }
    }
}
