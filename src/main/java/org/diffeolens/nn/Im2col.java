package org.diffeolens.nn;

import java.nio.ByteBuffer;
import org.diffeolens.concurrent.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Unrolls channels-last images into the patch matrix of a convolution, so that the convolution is
 * one matrix product (done by ND4J): row (b, oy, ox) of cols holds the kernel x kernel x channels
 * window at (oy stride - padding, ox stride - padding), in (ky, kx, c) order, zeros outside the
 * image. Pure data movement, a sample at a time: one bulk read of the image, each run of
 * kernel x channels contiguous values one array copy, one bulk write of its rows; samples are
 * split across threads. The padding positions are the same for every sample and are never
 * written, so the zeros of the freshly allocated row buffer serve them all. Works on bytes, so
 * float32 and float64 alike.
 */
final class Im2col {

    private Im2col() {
    }

    /** x: [b, height, width, channels] contiguous; cols: [b * outHeight * outWidth, patch] contiguous. */
    static void unroll(INDArray x, ConvGeometry g, INDArray cols, Parallel parallel) {
        int batch = (int) x.size(0);
        int es = x.dataType().width();
        long xOff = x.offset() * es;
        long cOff = cols.offset() * es;
        if (x.length() != (long) batch * g.height() * g.width() * g.channels()
                || cols.length() != (long) batch * g.outHeight() * g.outWidth() * g.patch()) {
            throw new IllegalArgumentException("im2col: shapes do not match the geometry " + g);
        }
        if (cOff + cols.length() * es > Integer.MAX_VALUE || xOff + x.length() * es > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("im2col: batch too large for one pass (over 2 GiB)");
        }
        int c = g.channels() * es;
        int k = g.kernel();
        int imageBytes = g.height() * g.width() * c;
        int rowBytes = g.patch() * es;
        int sampleRows = g.outHeight() * g.outWidth();
        parallel.range(batch, (from, to) -> {
            ByteBuffer src = x.data().asNio();
            ByteBuffer dst = cols.data().asNio();
            byte[] image = new byte[imageBytes];
            byte[] out = new byte[sampleRows * rowBytes];
            for (int b = from; b < to; b++) {
                src.get((int) xOff + b * imageBytes, image, 0, imageBytes);
                for (int oy = 0; oy < g.outHeight(); oy++) {
                    for (int ox = 0; ox < g.outWidth(); ox++) {
                        int row = (oy * g.outWidth() + ox) * rowBytes;
                        int x0 = ox * g.stride() - g.padding();
                        // kernel columns kx in [lo, hi) fall inside the image
                        int lo = Math.max(0, -x0);
                        int hi = Math.min(k, g.width() - x0);
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * g.stride() - g.padding() + ky;
                            if (iy >= 0 && iy < g.height() && lo < hi) {
                                System.arraycopy(image, (iy * g.width() + x0 + lo) * c, out, row + (ky * k + lo) * c,
                                        (hi - lo) * c);
                            }
                        }
                    }
                }
                dst.put((int) cOff + b * sampleRows * rowBytes, out, 0, out.length);
            }
        });
    }
}
