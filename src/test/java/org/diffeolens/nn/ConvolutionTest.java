package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.diffeolens.concurrent.Parallel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The im2col convolution against the definition, summed directly (an independent oracle). */
class ConvolutionTest {

    @Test
    void im2colTimesKernelIsTheZeroPaddedConvolution() {
        // odd sizes, stride 2, padding 1, 3 channels in, 2 out
        ConvGeometry g = new ConvGeometry(7, 5, 3, 3, 2, 1);
        int b = 2;
        int out = 2;
        SplittableRandom r = new SplittableRandom(3);
        double[] xs = new double[b * 7 * 5 * 3];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextGaussian();
        }
        double[] ks = new double[g.patch() * out];
        for (int i = 0; i < ks.length; i++) {
            ks[i] = r.nextGaussian();
        }
        INDArray x = Nd4j.create(xs, new long[] {b, 7, 5, 3}, 'c');
        INDArray kernel = Nd4j.create(ks, new long[] {g.patch(), out}, 'c');
        for (int threads : new int[] {1, 2}) {
            INDArray cols = Nd4j.create(DataType.DOUBLE, (long) b * g.outHeight() * g.outWidth(), g.patch());
            Im2col.unroll(x, g, cols, Parallel.of(threads));
            INDArray y = cols.mmul(kernel);
            for (int n = 0; n < b; n++) {
                for (int oy = 0; oy < g.outHeight(); oy++) {
                    for (int ox = 0; ox < g.outWidth(); ox++) {
                        for (int co = 0; co < out; co++) {
                            double s = 0;
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int iy = 2 * oy - 1 + ky;
                                    int ix = 2 * ox - 1 + kx;
                                    if (iy < 0 || iy >= 7 || ix < 0 || ix >= 5) {
                                        continue;
                                    }
                                    for (int ci = 0; ci < 3; ci++) {
                                        s += x.getDouble(n, iy, ix, ci) * kernel.getDouble((ky * 3 + kx) * 3 + ci, co);
                                    }
                                }
                            }
                            long row = (n * g.outHeight() + oy) * (long) g.outWidth() + ox;
                            assertEquals(s, y.getDouble(row, co), 1e-12, "threads " + threads);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theFlippedKernelGivesTheTransposedConvolution() {
        // <conv(x, K), y> = <x, conv(y, flip(K))> for a 'same' convolution: the adjoint identity
        ConvGeometry g = new ConvGeometry(5, 4, 2, 3, 1, 1);
        SplittableRandom r = new SplittableRandom(9);
        INDArray x = Nd4j.create(r.doubles(2 * 5 * 4 * 2).map(v -> v - 0.5).toArray(), new long[] {2, 5, 4, 2}, 'c');
        INDArray y = Nd4j.create(r.doubles(2 * 5 * 4 * 2).map(v -> v - 0.5).toArray(), new long[] {2, 5, 4, 2}, 'c');
        INDArray k = Nd4j.create(r.doubles(g.patch() * 2).map(v -> v - 0.5).toArray(), new long[] {g.patch(), 2}, 'c');
        INDArray flipped = Nd4j.create(DataType.DOUBLE, g.patch(), 2);
        Kernels.flipKernel(k, 3, 2, flipped);
        INDArray cx = Nd4j.create(DataType.DOUBLE, 40, g.patch());
        Im2col.unroll(x, g, cx, Parallel.serial());
        INDArray cy = Nd4j.create(DataType.DOUBLE, 40, g.patch());
        Im2col.unroll(y, g, cy, Parallel.serial());
        double left = cx.mmul(k).reshape(2, 5, 4, 2).mul(y).sumNumber().doubleValue();
        double right = x.mul(cy.mmul(flipped).reshape(2, 5, 4, 2)).sumNumber().doubleValue();
        assertEquals(left, right, 1e-12);
    }
}
