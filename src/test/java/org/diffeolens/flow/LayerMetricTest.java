package org.diffeolens.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Paper 004's layer metric on a plain vector cut into three blocks, alone and over a diagonal metric. */
class LayerMetricTest {

    /** Coefficients [0, 2), [2, 5), [5, 6). */
    static final BlockStructure<double[]> BLOCKS = new BlockStructure<>() {
        final int[] start = {0, 2, 5, 6};

        @Override
        public int blockCount() {
            return 3;
        }

        @Override
        public String blockName(int block) {
            return "b" + block;
        }

        @Override
        public void scaleBlock(double[] x, int block, double factor) {
            for (int i = start[block]; i < start[block + 1]; i++) {
                x[i] = factor == 0 ? 0 : factor * x[i];
            }
        }
    };

    @Test
    void stiffnessDividesEachLayersUpdateAndInfinityFreezesIt() {
        LayerMetric<double[]> m = new LayerMetric<>(BLOCKS, new double[] {2, Double.POSITIVE_INFINITY, 0.5},
                Metric.identity(DoubleArraySpace.INSTANCE));
        double[] g = {1, -2, 3, Double.NaN, 5, 6};
        double[] u = m.sharp(g, new double[6]);
        assertArrayEquals(new double[] {0.5, -1, 0, 0, 0, 12}, u, 0);
        assertTrue(m.frozen(1));
        // the covector is not modified
        assertTrue(Double.isNaN(g[3]));
    }

    @Test
    void coGradientMetricDividesByDampedCurvatureThenByStiffness() {
        double[] d = {0, 1, 2, 3, 4, 5};
        DiagonalMetric<double[]> diag = new DiagonalMetric<>(DoubleArraySpace.INSTANCE, at -> d.clone(), 0.5);
        LayerMetric<double[]> m = new LayerMetric<>(BLOCKS, new double[] {1, 1, 4}, diag);
        double[] u = m.sharp(new double[] {1, 1, 1, 1, 1, 1}, new double[6]);
        assertArrayEquals(new double[] {2, 1 / 1.5, 1 / 2.5, 1 / 3.5, 1 / 4.5, 1 / 5.5 / 4}, u, 1e-15);
        // <a, sharp(b)> = <b, sharp(a)> and <a, sharp(a)> > 0
        double[] a = {0.3, -1, 2, 0.1, -0.7, 1.1};
        double[] b = {1, 0.2, -0.4, 3, 0.9, -2};
        double ab = DoubleArraySpace.INSTANCE.dot(a, m.sharp(b, a));
        double ba = DoubleArraySpace.INSTANCE.dot(b, m.sharp(a, a));
        // a six-term sum of O(1) products: a few units of round-off, not of the (cancelled) result
        assertEquals(ab, ba, 1e-14);
        assertTrue(m.dualNorm2(DoubleArraySpace.INSTANCE, a, a) > 0);
    }

    @Test
    void badStiffnessIsRejectedNamingTheLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerMetric<>(BLOCKS,
                new double[] {1, 0, 1}, Metric.identity(DoubleArraySpace.INSTANCE)));
        assertTrue(e.getMessage().contains("b1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerMetric<>(BLOCKS, new double[] {1, 1},
                Metric.identity(DoubleArraySpace.INSTANCE)));
        assertThrows(IllegalArgumentException.class,
                () -> new DiagonalMetric<>(DoubleArraySpace.INSTANCE, at -> at, 0));
    }
}
