package org.diffeolens.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import org.diffeolens.Fields;
import org.diffeolens.concurrent.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each adjoint against central finite differences of the forward operation it transposes, in
 * double precision. Linear interpolation is piecewise smooth, so a difference step of 1e-6 mm
 * crosses a cell face for a fraction ~1e-6 of the voxels: the quotient agrees to ~1e-6 relative.
 */
class TransportTest {

    private static final double STEP = 1e-6;
    private static final double TOLERANCE = 1e-5;

    static Grid grid(int dim) {
        return dim == 2 ? Grid.of(new int[] {19, 14}, new double[] {1.0, 1.3})
                : Grid.of(new int[] {9, 8, 7}, new double[] {1.0, 1.2, 0.9});
    }

    /** A smooth displacement of up to ~2 voxels that also leaves the grid near the border. */
    static VectorField smoothDisplacement(Grid g, double amplitude, double phase) {
        Fields.Function3 a = (x, y, z) -> amplitude * Math.sin(0.31 * x + 0.17 * y + phase + 0.23 * z);
        Fields.Function3 b = (x, y, z) -> amplitude * Math.cos(0.21 * x - 0.27 * y + 2 * phase + 0.11 * z);
        Fields.Function3 c = (x, y, z) -> amplitude * Math.sin(0.13 * x + 0.29 * z - phase);
        return g.dim() == 2 ? Fields.vector(g, a, b) : Fields.vector(g, a, b, c);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void pullBackAdjointIsItsDerivative(int dim) {
        Grid g = grid(dim);
        Transport t = new Transport(g, Parallel.of(2));
        ScalarField f = Fields.of(g, (x, y, z) -> Math.sin(0.4 * x) * Math.cos(0.3 * y) + 0.1 * z * z);
        VectorField p = smoothDisplacement(g, 1.7, 0.3);
        VectorField dp = Fields.randomVector(g, 79);
        ScalarField w = Fields.random(g, 5);
        double[][] pBar = new double[dim][g.voxelCount()];
        double[] fBar = new double[g.voxelCount()];
        t.pullBackAdjoint(f.data(), p.components(), w.data(), pBar, fBar);
        Function<VectorField, Double> energy = q -> {
            double[] out = new double[g.voxelCount()];
            t.pullBack(f.data(), q.components(), out);
            return dotRaw(out, w.data());
        };
        assertEquals(directional(energy, p, dp), dotRaw(pBar, dp.components()), TOLERANCE * norm(pBar, dp));
        // linear in f: <pullBack(f), w> = <f, fBar> exactly
        double[] out = new double[g.voxelCount()];
        t.pullBack(f.data(), p.components(), out);
        assertEquals(dotRaw(out, w.data()), dotRaw(f.data(), fBar), 1e-12 * g.voxelCount());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void advectMapAdjointIsItsDerivative(int dim) {
        Grid g = grid(dim);
        Transport t = new Transport(g, Parallel.of(2));
        VectorField p = smoothDisplacement(g, 1.2, 0.7);
        VectorField v = smoothDisplacement(g, 2.0, 0.2);
        VectorField dp = Fields.randomVector(g, 78);
        VectorField dv = Fields.randomVector(g, 77);
        VectorField w = Fields.randomVector(g, 9);
        double dt = 0.3;
        double[][] pBar = new double[dim][g.voxelCount()];
        double[][] vBar = new double[dim][g.voxelCount()];
        t.advectMapAdjoint(p.components(), v.components(), dt, w.components(), pBar, vBar);
        Function<VectorField, Double> byP = q -> {
            double[][] out = new double[dim][g.voxelCount()];
            t.advectMap(q.components(), v.components(), dt, out);
            return dotRaw(out, w.components());
        };
        Function<VectorField, Double> byV = q -> {
            double[][] out = new double[dim][g.voxelCount()];
            t.advectMap(p.components(), q.components(), dt, out);
            return dotRaw(out, w.components());
        };
        assertEquals(directional(byP, p, dp), dotRaw(pBar, dp.components()), TOLERANCE * norm(pBar, dp));
        assertEquals(directional(byV, v, dv), dotRaw(vBar, dv.components()), TOLERANCE * norm(vBar, dv));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void composeAdjointIsItsDerivativeForSquaring(int dim) {
        Grid g = grid(dim);
        Transport t = new Transport(g, Parallel.of(2));
        VectorField p = smoothDisplacement(g, 1.5, 0.4);
        VectorField dp = smoothDisplacement(g, 1.0, 1.3);
        VectorField w = Fields.randomVector(g, 13);
        double[][] bar = new double[dim][g.voxelCount()];
        t.composeAdjoint(p.components(), p.components(), w.components(), bar, bar);
        Function<VectorField, Double> square = q -> {
            double[][] out = new double[dim][g.voxelCount()];
            t.compose(q.components(), q.components(), out);
            return dotRaw(out, w.components());
        };
        assertEquals(directional(square, p, dp), dotRaw(bar, dp.components()), TOLERANCE * norm(bar, dp));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void jacobianDeterminantAdjointIn3DIsTheSumOfTransposedDerivativesOfTheCofactorFields(int threads) {
        // the 3D sweep keeps three planes of cofactor products per thread; its numbers are those of
        // the nine grid-sized fields, each collected by a transposed derivative, to the last bit
        for (int[] size : new int[][] {{9, 7, 8}, {6, 5, 2}, {5, 4, 1}, {4, 1, 6}}) {
            Grid g = Grid.of(size, new double[] {0.9, 1.3, 0.7});
            Differential diff = new Differential(g, Parallel.of(threads));
            double[][] u = smoothDisplacement(g, 0.8, 0.1).components();
            double[] w = Fields.random(g, 17).data();
            double[][] start = Fields.randomVector(g, 19).components();
            double[][] uBar = new double[3][];
            for (int c = 0; c < 3; c++) {
                uBar[c] = start[c].clone();
            }
            Differential.JacobianScratch scratch = diff.newJacobianScratch();
            diff.jacobianDeterminantAdjoint(u, w, uBar, scratch);
            int n = g.voxelCount();
            double[][][] du = new double[3][3][n];
            for (int c = 0; c < 3; c++) {
                for (int a = 0; a < 3; a++) {
                    diff.derivative(u[c], du[c][a], a);
                }
            }
            double[][][] q = new double[3][3][n];
            for (int i = 0; i < n; i++) {
                double a00 = 1 + du[0][0][i], a01 = du[0][1][i], a02 = du[0][2][i];
                double a10 = du[1][0][i], a11 = 1 + du[1][1][i], a12 = du[1][2][i];
                double a20 = du[2][0][i], a21 = du[2][1][i], a22 = 1 + du[2][2][i];
                q[0][0][i] = w[i] * (a11 * a22 - a12 * a21);
                q[0][1][i] = -w[i] * (a10 * a22 - a12 * a20);
                q[0][2][i] = w[i] * (a10 * a21 - a11 * a20);
                q[1][0][i] = -w[i] * (a01 * a22 - a02 * a21);
                q[1][1][i] = w[i] * (a00 * a22 - a02 * a20);
                q[1][2][i] = -w[i] * (a00 * a21 - a01 * a20);
                q[2][0][i] = w[i] * (a01 * a12 - a02 * a11);
                q[2][1][i] = -w[i] * (a00 * a12 - a02 * a10);
                q[2][2][i] = w[i] * (a00 * a11 - a01 * a10);
            }
            for (int c = 0; c < 3; c++) {
                double[] expected = start[c].clone();
                for (int a = 0; a < 3; a++) {
                    diff.addTransposedDerivative(q[c][a], expected, a, 1);
                }
                assertArrayEquals(expected, uBar[c], 0, java.util.Arrays.toString(size) + " component " + c);
            }
            // the scratch is reused: a second call adds the same terms again
            diff.jacobianDeterminantAdjoint(u, w, uBar, scratch);
            for (int c = 0; c < 3; c++) {
                double[] twice = start[c].clone();
                for (int a = 0; a < 3; a++) {
                    diff.addTransposedDerivative(q[c][a], twice, a, 1);
                }
                for (int a = 0; a < 3; a++) {
                    diff.addTransposedDerivative(q[c][a], twice, a, 1);
                }
                assertArrayEquals(twice, uBar[c], 0);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void jacobianDeterminantAdjointIsItsDerivative(int dim) {
        Grid g = grid(dim);
        Differential diff = new Differential(g, Parallel.of(2));
        VectorField u = smoothDisplacement(g, 0.8, 0.1);
        VectorField du = smoothDisplacement(g, 1.0, 0.9);
        ScalarField w = Fields.random(g, 17);
        double[][] uBar = new double[dim][g.voxelCount()];
        diff.jacobianDeterminantAdjoint(u.components(), w.data(), uBar, diff.newJacobianScratch());
        Function<VectorField, Double> det = q -> {
            double[] out = new double[g.voxelCount()];
            diff.jacobianDeterminant(q.components(), out);
            return dotRaw(out, w.data());
        };
        assertEquals(directional(det, u, du), dotRaw(uBar, du.components()), TOLERANCE * norm(uBar, du));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void oneAndTwoThreadsAgreeToRoundOff(int dim) {
        Grid g = grid(dim);
        VectorField p = smoothDisplacement(g, 1.5, 0.4);
        VectorField w = Fields.randomVector(g, 13);
        double[][] one = new double[dim][g.voxelCount()];
        double[][] two = new double[dim][g.voxelCount()];
        double[][] vb1 = new double[dim][g.voxelCount()];
        double[][] vb2 = new double[dim][g.voxelCount()];
        new Transport(g, Parallel.serial()).advectMapAdjoint(p.components(), p.components(), 0.5, w.components(), one, vb1);
        new Transport(g, Parallel.of(2)).advectMapAdjoint(p.components(), p.components(), 0.5, w.components(), two, vb2);
        for (int c = 0; c < dim; c++) {
            // scattered sums are added in another order: equal to a few ulps
            assertEquals(0, Fields.maxAbsDiff(one[c], two[c]), 1e-12);
            assertEquals(0, Fields.maxAbsDiff(vb1[c], vb2[c]), 0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void multiFieldPullBackEqualsOneFieldAtATime(int dim) {
        Grid g = grid(dim);
        Transport t = new Transport(g, Parallel.of(2));
        double[][] p = smoothDisplacement(g, 1.7, 0.3).components();
        double[] f1 = Fields.random(g, 1).data();
        double[] f2 = Fields.random(g, 2).data();
        double[] a1 = new double[g.voxelCount()];
        double[] a2 = new double[g.voxelCount()];
        t.pullBack(f1, p, a1);
        t.pullBack(f2, p, a2);
        double[][] both = new double[2][g.voxelCount()];
        t.pullBack(new double[][] {f1, f2}, p, both);
        // the same interpolation, bit for bit
        assertArrayEquals(a1, both[0]);
        assertArrayEquals(a2, both[1]);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void multiFieldPullBackAdjointIsItsDerivativeAndTransposesEachField(int dim) {
        Grid g = grid(dim);
        Transport t = new Transport(g, Parallel.of(2));
        double[][] f = {Fields.of(g, (x, y, z) -> Math.sin(0.4 * x) * Math.cos(0.3 * y) + 0.1 * z * z).data(),
            Fields.random(g, 3).data()};
        VectorField p = smoothDisplacement(g, 1.7, 0.3);
        VectorField dp = Fields.randomVector(g, 79);
        double[][] w = {Fields.random(g, 5).data(), Fields.random(g, 6).data()};
        // zeros in one field only: that voxel still counts for the other
        for (int i = 0; i < g.voxelCount(); i += 3) {
            w[0][i] = 0;
        }
        double[][] pBar = new double[dim][g.voxelCount()];
        double[] fBar0 = new double[g.voxelCount()];
        t.pullBackAdjoint(f, p.components(), w, pBar, new double[][] {fBar0, null});
        Function<VectorField, Double> energy = q -> {
            double[][] out = new double[2][g.voxelCount()];
            t.pullBack(f, q.components(), out);
            return dotRaw(out[0], w[0]) + dotRaw(out[1], w[1]);
        };
        assertEquals(directional(energy, p, dp), dotRaw(pBar, dp.components()), TOLERANCE * norm(pBar, dp));
        double[][] out = new double[2][g.voxelCount()];
        t.pullBack(f, p.components(), out);
        assertEquals(dotRaw(out[0], w[0]), dotRaw(f[0], fBar0), 1e-12 * g.voxelCount());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void splatBuffersAreCleanAfterEveryCallAndAfterAFailedOne(int dim) {
        Grid g = grid(dim);
        Transport t = new Transport(g, Parallel.of(2));
        double[] f = Fields.random(g, 1).data();
        double[][] p = smoothDisplacement(g, 1.7, 0.3).components();
        double[] w = Fields.random(g, 5).data();
        double[] first = new double[g.voxelCount()];
        t.pullBackAdjoint(f, p, w, null, first);
        // a bar array of the wrong length fails midway, after some splats
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> t.pullBackAdjoint(f, p, w, null, new double[g.voxelCount() / 2]));
        for (int k = 0; k < 2; k++) {
            double[] again = new double[g.voxelCount()];
            t.pullBackAdjoint(f, p, w, null, again);
            assertArrayEquals(first, again);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void adjointsWithOneAndTwoThreadsAgreeToRoundOff(int dim) {
        Grid g = grid(dim);
        double[][] p = smoothDisplacement(g, 1.5, 0.4).components();
        double[][] q = smoothDisplacement(g, 2.5, 1.1).components();
        double[][] w = Fields.randomVector(g, 13).components();
        double[] f = Fields.random(g, 4).data();
        double[][][] bars = new double[2][][];
        for (int threads = 1; threads <= 2; threads++) {
            Transport t = new Transport(g, Parallel.of(threads));
            double[][] pBar = new double[dim][g.voxelCount()];
            double[][] qBar = new double[dim][g.voxelCount()];
            double[] fBar = new double[g.voxelCount()];
            t.pullBackAdjoint(f, q, w[0], pBar, fBar);
            t.composeAdjoint(p, q, w, pBar, qBar);
            double[][] all = new double[2 * dim + 1][];
            System.arraycopy(pBar, 0, all, 0, dim);
            System.arraycopy(qBar, 0, all, dim, dim);
            all[2 * dim] = fBar;
            bars[threads - 1] = all;
        }
        for (int c = 0; c < bars[0].length; c++) {
            assertEquals(0, Fields.maxAbsDiff(bars[0][c], bars[1][c]), 1e-12);
        }
    }

    static double directional(Function<VectorField, Double> e, VectorField at, VectorField dir) {
        VectorField plus = at.copy();
        VectorField minus = at.copy();
        for (int c = 0; c < at.dim(); c++) {
            for (int i = 0; i < at.component(c).length; i++) {
                plus.component(c)[i] += STEP * dir.component(c)[i];
                minus.component(c)[i] -= STEP * dir.component(c)[i];
            }
        }
        return (e.apply(plus) - e.apply(minus)) / (2 * STEP);
    }

    static double dotRaw(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double dotRaw(double[][] a, double[][] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            s += dotRaw(a[c], b[c]);
        }
        return s;
    }

    /** Scale of the inner product: |bar| |dir|, so the tolerance is relative to the terms summed. */
    static double norm(double[][] bar, VectorField dir) {
        return Math.sqrt(dotRaw(bar, bar) * dotRaw(dir.components(), dir.components()));
    }
}
