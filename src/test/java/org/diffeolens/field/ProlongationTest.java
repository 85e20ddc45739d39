package org.diffeolens.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.Stream;
import org.diffeolens.concurrent.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProlongationTest {

    /** Fine and coarse sizes: exact halves, ratios that are not 2, an axis kept, 2D and 3D. */
    static Stream<int[][]> shapes() {
        return Stream.of(
                new int[][] {{16, 12}, {8, 6}},
                new int[][] {{27, 20}, {15, 10}},
                new int[][] {{30, 9}, {16, 9}},
                new int[][] {{12, 10, 8}, {6, 5, 4}},
                new int[][] {{15, 14, 9}, {8, 7, 5}});
    }

    private static int product(int[] s) {
        int p = 1;
        for (int v : s) {
            p *= v;
        }
        return p;
    }

    private static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void severalComponentsAtOnceGiveTheNumbersOfOneCallEach(int[][] shape) {
        // the multi-component passes share the fine field's reads and writes, not their arithmetic
        int[] fine = shape[0];
        int[] coarse = shape[1];
        double[] x = random(product(fine), 11);
        double[][] w = {random(product(fine), 12), null, random(product(fine), 13)};
        double[][] c = {random(product(coarse), 14), random(product(coarse), 15), random(product(coarse), 16)};
        for (boolean add : new boolean[] {false, true}) {
            Prolongation one = new Prolongation(fine, coarse, Parallel.of(2));
            Prolongation all = new Prolongation(fine, coarse, Parallel.of(2));
            double[][] separate = new double[3][product(coarse)];
            for (int k = 0; k < 3; k++) {
                one.restrict(x, w[k], separate[k]);
            }
            double[][] together = new double[3][product(coarse)];
            all.restrict(x, w, together);
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(separate[k], together[k], 0);
            }
            double[] start = random(product(fine), 17);
            double[] outOne = start.clone();
            for (int k = 0; k < 3; k++) {
                one.prolong(c[k], w[k], outOne, add || k > 0);
            }
            double[] outAll = start.clone();
            all.prolong(c, w, outAll, add);
            assertArrayEquals(outOne, outAll, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void restrictionIsTheTransposeOfProlongationWithAndWithoutWeights(int[][] shape) {
        int[] fine = shape[0];
        int[] coarse = shape[1];
        Prolongation p = new Prolongation(fine, coarse, Parallel.of(2));
        double[] c = random(product(coarse), 1);
        double[] f = random(product(fine), 2);
        double[] w = random(product(fine), 3);
        double[] pc = new double[f.length];
        double[] ptf = new double[c.length];
        p.prolong(c, pc);
        p.restrict(f, ptf);
        // <P c, f> = <c, P^T f>: one set of weights read both ways, so equal to round-off
        double lhs = dot(pc, f);
        assertEquals(lhs, dot(c, ptf), 1e-12 * Math.sqrt(dot(pc, pc) * dot(f, f)));
        // weighted: <w P c, f> = <c, P^T (w f)>
        p.prolong(c, w, pc, false);
        p.restrict(f, w, ptf);
        assertEquals(dot(pc, f), dot(c, ptf), 1e-12 * Math.sqrt(dot(pc, pc) * dot(f, f)));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void prolongationKeepsConstantsAndWeightedAddingIsWhatItSays(int[][] shape) {
        int[] fine = shape[0];
        int[] coarse = shape[1];
        Prolongation p = new Prolongation(fine, coarse, Parallel.serial());
        double[] ones = new double[product(coarse)];
        java.util.Arrays.fill(ones, 2.5);
        double[] out = new double[product(fine)];
        p.prolong(ones, out);
        for (double v : out) {
            assertEquals(2.5, v, 1e-15); // the two weights sum to 1
        }
        double[] c = random(ones.length, 4);
        double[] w = random(out.length, 5);
        double[] base = random(out.length, 6);
        double[] plain = new double[out.length];
        p.prolong(c, plain);
        double[] added = base.clone();
        p.prolong(c, w, added, true);
        for (int i = 0; i < out.length; i++) {
            assertEquals(base[i] + w[i] * plain[i], added[i], 1e-14);
        }
    }

    @Test
    void onAnExactHalfTheCoarseNodesAreCopiedAndTheMidpointsAveraged() {
        int[] fine = {8, 6};
        int[] coarse = {4, 3};
        Prolongation p = new Prolongation(fine, coarse, Parallel.serial());
        double[] c = random(12, 7);
        double[] f = new double[48];
        p.prolong(c, f);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                // periodic neighbours on the coarse grid
                int x0 = x / 2;
                int x1 = (x0 + (x % 2)) % 4;
                int y0 = y / 2;
                int y1 = (y0 + (y % 2)) % 3;
                double expected = 0.25 * (c[x0 + 4 * y0] + c[x1 + 4 * y0] + c[x0 + 4 * y1] + c[x1 + 4 * y1]);
                assertEquals(expected, f[x + 8 * y], 1e-15, "at " + x + ", " + y);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void oneAndTwoThreadsGiveTheSameFields(int[][] shape) {
        Prolongation one = new Prolongation(shape[0], shape[1], Parallel.serial());
        Prolongation two = new Prolongation(shape[0], shape[1], Parallel.of(2));
        double[] f = random(product(shape[0]), 8);
        double[] a = new double[product(shape[1])];
        double[] b = new double[a.length];
        one.restrict(f, a);
        two.restrict(f, b);
        assertArrayEquals(a, b);
        double[] fa = new double[f.length];
        double[] fb = new double[f.length];
        one.prolong(a, fa);
        two.prolong(a, fb);
        assertArrayEquals(fa, fb);
    }

    @Test
    void refusesACoarseGridLargerThanTheFineOne() {
        assertThrows(IllegalArgumentException.class,
                () -> new Prolongation(new int[] {8, 8}, new int[] {9, 4}, Parallel.serial()));
        assertThrows(IllegalArgumentException.class,
                () -> new Prolongation(new int[] {8, 8}, new int[] {4, 4, 4}, Parallel.serial()));
    }
}
