package org.diffeolens.nn;

import org.diffeolens.concurrent.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A convolution on channels-last images as im2col and one ND4J matrix product, optionally
 * followed by a batch-free channel normalization, then an activation:
 * <pre>
 *   z = im2col(x) K                        K [k k c_in, c_out], rows in (ky, kx, c_in) order
 *   n = (z - mean_c z) / sqrt(var_c z + eps)  per pixel, over channels (no batch statistics)
 *   y = sigma(gain * n + shift)            (without normalization: y = sigma(z + bias))
 * </pre>
 * The normalization is the channels-last LayerNorm of ConvNeXt: each sample's value at each
 * pixel depends on that pixel's channels only, so the flow of one sample never sees another.
 * With a 'same' geometry and c_in = c_out it is the vector field of a convolutional residual block;
 * its input pullback is then the convolution of the output covector with the flipped kernel.
 */
public final class Conv implements Layer {

    /** Added to the channel variance (as PyTorch's LayerNorm). */
    public static final double NORM_EPSILON = 1e-5;

    private final String name;
    private final ConvGeometry geometry;
    private final int outChannels;
    private final boolean normalized;
    private final Activation activation;
    private final int kernel;
    private final int gain;
    private final int shift;

    public Conv(String name, ParameterLayout.Builder layout, ConvGeometry geometry, int outChannels,
                boolean normalized, Activation activation) {
        if (outChannels < 1) {
            throw new IllegalArgumentException("conv layer " + name + ": output channels must be >= 1, got " + outChannels);
        }
        if (activation == null) {
            throw new IllegalArgumentException("conv layer " + name + ": activation must not be null");
        }
        this.name = name;
        this.geometry = geometry;
        this.outChannels = outChannels;
        this.normalized = normalized;
        this.activation = activation;
        this.kernel = layout.add(name + ".kernel", true, geometry.patch(), outChannels);
        if (normalized) {
            this.gain = layout.add(name + ".gain", false, outChannels);
            this.shift = layout.add(name + ".shift", false, outChannels);
        } else {
            this.gain = -1;
            this.shift = layout.add(name + ".bias", false, outChannels);
        }
    }

    /** The input (its patches are unrolled again in the backward pass rather than kept), n (or z), s, y. */
    record ConvTape(INDArray input, INDArray normalized, INDArray inverseStd, INDArray output) implements Tape {
    }

    /** Bytes of patch matrix unrolled at a time: a few samples' worth, so it stays in cache for its product. */
    private static final long CHUNK_BYTES = 2L << 20;

    public ConvGeometry geometry() {
        return geometry;
    }

    boolean isNormalized() {
        return normalized;
    }

    int kernelIndex() {
        return kernel;
    }

    int gainIndex() {
        return gain;
    }

    int shiftIndex() {
        return shift;
    }

    double initGain() {
        return activation.initGain();
    }

    Activation activation() {
        return activation;
    }

    int outChannels() {
        return outChannels;
    }

    @Override
    public long[] inputShape() {
        return new long[] {geometry.height(), geometry.width(), geometry.channels()};
    }

    @Override
    public long[] outputShape() {
        return new long[] {geometry.outHeight(), geometry.outWidth(), outChannels};
    }

    private long rows(long batch) {
        return batch * geometry.outHeight() * geometry.outWidth();
    }

    /** Samples per im2col chunk for this geometry and element size. */
    private int chunkSamples(long batch, int elementBytes) {
        long perSample = (long) geometry.outHeight() * geometry.outWidth() * geometry.patch() * elementBytes;
        return (int) Math.max(1, Math.min(batch, CHUNK_BYTES / perSample));
    }

    private static INDArray samples(INDArray x, long from, long to) {
        return x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private static INDArray rows(INDArray m, long from, long to) {
        return Gemm.rows(m, from, to);
    }

    /** One patch-matrix buffer per thread (fetched before the threads start: the workspace is single-threaded). */
    private INDArray[] patchBuffers(Workspace workspace, int threads, DataType type, long rows) {
        INDArray[] cols = new INDArray[threads];
        for (int t = 0; t < threads; t++) {
            cols[t] = workspace.get(this, "cols" + t, type, rows, geometry.patch());
        }
        return cols;
    }

    @Override
    public Tape forward(Parameters w, INDArray x, Workspace workspace) {
        return forward(w, x, 0, null, workspace);
    }

    /** For a normalized 'same' field, the Euler step is fused into the normalization pass. */
    @Override
    public Tape forwardStep(Parameters w, INDArray x, double h, INDArray next, Workspace workspace) {
        if (!normalized) {
            return Layer.super.forwardStep(w, x, h, next, workspace);
        }
        return forward(w, x, h, next, workspace);
    }

    /** next null: y = f(x) into the workspace; otherwise next = x + h f(x) and the tape has no output. */
    private Tape forward(Parameters w, INDArray x, double h, INDArray next, Workspace workspace) {
        long b = x.size(0);
        long r = rows(b);
        var type = x.dataType();
        INDArray z = workspace.get(this, "z", type, r, outChannels);
        convolve(x, w.get(kernel), z, 0.0, workspace);
        if (next != null) {
            INDArray inverseStd = workspace.get(this, "s", type, r);
            Kernels.normForward(z, w.get(gain), w.get(shift), inverseStd, x, h, next, activation, NORM_EPSILON,
                    workspace.parallel());
            return new ConvTape(x, z, inverseStd, null);
        }
        INDArray y = workspace.get(this, "y", type, b, geometry.outHeight(), geometry.outWidth(), outChannels);
        INDArray inverseStd = null;
        if (normalized) {
            inverseStd = workspace.get(this, "s", type, r);
            Kernels.normForward(z, w.get(gain), w.get(shift), inverseStd, y, activation, NORM_EPSILON,
                    workspace.parallel());
        } else {
            Kernels.biasActivation(z, w.get(shift), y, activation, workspace.parallel());
        }
        return new ConvTape(x, z, inverseStd, y);
    }

    /**
     * z = beta z + im2col(x) k, a chunk of samples at a time (the patch matrix is 9x the image);
     * chunks of samples split across threads, each chunk unrolled and multiplied by its thread.
     */
    private void convolve(INDArray x, INDArray k, INDArray z, double beta, Workspace workspace) {
        long b = x.size(0);
        var type = x.dataType();
        int chunk = chunkSamples(b, type.width());
        int chunks = (int) ((b + chunk - 1) / chunk);
        long perSample = (long) geometry.outHeight() * geometry.outWidth();
        Parallel parallel = workspace.parallel();
        INDArray[] cols = patchBuffers(workspace, parallel.chunks(chunks), type, chunk * perSample);
        parallel.chunked(chunks, (t, first, last) -> {
            for (int i = first; i < last; i++) {
                long from = (long) i * chunk;
                long to = Math.min(b, from + chunk);
                INDArray c = to - from == chunk ? cols[t] : rows(cols[t], 0, (to - from) * perSample);
                Im2col.unroll(samples(x, from, to), geometry, c, Parallel.serial());
                Nd4j.gemm(c, k, rows(z, from * perSample, to * perSample), false, false, 1.0, beta);
            }
        });
    }

    /** The input tangent (null when held fixed), nDot and the rate sDot / s (normalized only), the output tangent. */
    record ConvTangent(INDArray input, INDArray nDot, INDArray rate, INDArray output) implements TangentTape {
    }

    /**
     * dz = conv(x; dK) + conv(dx; K); with the normalization dn = s (dz - mean dz - n mean(n dz))
     * (the derivative of n = (z - mean z) s), du = dgain n + gain dn + dshift; without it
     * du = dz + dbias; then dy = sigma'(u) du.
     */
    @Override
    public TangentTape tangent(Parameters w, Tape tape, INDArray dx, Parameters dtheta, Workspace workspace) {
        ConvTape t = (ConvTape) tape;
        long b = t.input().size(0);
        long r = rows(b);
        var type = t.input().dataType();
        INDArray dz = workspace.get(this, "tangent", type, r, outChannels);
        convolve(t.input(), dtheta.get(kernel), dz, 0.0, workspace);
        if (dx != null) {
            convolve(dx, w.get(kernel), dz, 1.0, workspace);
        }
        INDArray nDot = null;
        INDArray rate = null;
        if (normalized) {
            nDot = workspace.get(this, "tangent.n", type, r, outChannels);
            rate = workspace.get(this, "tangent.rate", type, r);
            Kernels.normTangent(t.normalized(), t.inverseStd(), dz, w.get(gain), w.get(shift), dtheta.get(gain),
                    dtheta.get(shift), nDot, rate, activation, workspace.parallel());
        } else {
            Kernels.activationTangent(t.output(), dz, dtheta.get(shift), activation, workspace.parallel());
        }
        return new ConvTangent(dx, nDot, rate, dz.reshape('c', b, geometry.outHeight(), geometry.outWidth(),
                outChannels));
    }

    /**
     * The pullback to dz and its tangent (Kernels.normBackwardTangent, or the activation's), then
     * gradDot_K += im2col(x)^T dzDot + im2col(xDot)^T dz and, for the input,
     * dx = conv(dz, flip K), dxDot = conv(dzDot, flip K) + conv(dz, flip dK).
     */
    @Override
    public SecondOrder backwardTangent(Parameters w, Tape tape, TangentTape tangent, INDArray dy, INDArray dyDot,
                                       Parameters dtheta, Parameters gradDot, double scale, boolean needInput,
                                       Workspace workspace) {
        ConvTape t = (ConvTape) tape;
        ConvTangent d = (ConvTangent) tangent;
        long b = dy.size(0);
        long r = rows(b);
        var type = dy.dataType();
        var par = workspace.parallel();
        INDArray dz = workspace.get(this, "so.dz", type, r, outChannels);
        INDArray dzDot = workspace.get(this, "so.dzDot", type, r, outChannels);
        INDArray yDot = d.output().reshape('c', r, outChannels);
        if (normalized) {
            double[][] sums = Kernels.normBackwardTangent(t.normalized(), t.inverseStd(), d.rate(), d.nDot(), yDot,
                    dy.reshape('c', r, outChannels), dyDot.reshape('c', r, outChannels), w.get(gain), w.get(shift),
                    dtheta.get(gain), dz, dzDot, activation, par);
            Kernels.addScaled(gradDot.get(gain), scale, sums[0]);
            Kernels.addScaled(gradDot.get(shift), scale, sums[1]);
        } else {
            double[] sums = Kernels.activationBackwardTangent(t.output().reshape('c', r, outChannels), yDot,
                    dy.reshape('c', r, outChannels), dyDot.reshape('c', r, outChannels), dz, dzDot, activation,
                    outChannels, par);
            Kernels.addScaled(gradDot.get(shift), scale, sums);
        }
        addKernelGradient(t.input(), dzDot, gradDot.get(kernel), scale, workspace);
        if (d.input() != null) {
            addKernelGradient(d.input(), dz, gradDot.get(kernel), scale, workspace);
        }
        if (!needInput) {
            return new SecondOrder(null, null);
        }
        if (!geometry.isSame() || geometry.channels() != outChannels) {
            throw new IllegalStateException("conv layer " + name + ": the input pullback needs a 'same' convolution "
                    + "with equal channels (a residual field), not " + geometry);
        }
        INDArray flipped = workspace.get(this, "so.kflip", type, geometry.patch(), outChannels);
        INDArray flippedDot = workspace.get(this, "so.kflipDot", type, geometry.patch(), outChannels);
        Kernels.flipKernel(w.get(kernel), geometry.kernel(), outChannels, flipped);
        Kernels.flipKernel(dtheta.get(kernel), geometry.kernel(), outChannels, flippedDot);
        long[] shape = {b, geometry.height(), geometry.width(), outChannels};
        INDArray dx = workspace.get(this, "so.dx", type, shape);
        INDArray dxDot = workspace.get(this, "so.dxDot", type, shape);
        convolve(dz.reshape('c', shape), flipped, dx.reshape('c', r, outChannels), 0.0, workspace);
        convolve(dzDot.reshape('c', shape), flipped, dxDot.reshape('c', r, outChannels), 0.0, workspace);
        convolve(dz.reshape('c', shape), flippedDot, dxDot.reshape('c', r, outChannels), 1.0, workspace);
        return new SecondOrder(dx, dxDot);
    }

    /** g += scale im2col(x)^T d, each thread's chunks into its own partial, added in thread order. */
    private void addKernelGradient(INDArray x, INDArray d, INDArray g, double scale, Workspace workspace) {
        long b = x.size(0);
        var type = x.dataType();
        int chunk = chunkSamples(b, type.width());
        int chunks = (int) ((b + chunk - 1) / chunk);
        long perSample = (long) geometry.outHeight() * geometry.outWidth();
        Parallel parallel = workspace.parallel();
        int threads = parallel.chunks(chunks);
        INDArray[] cols = patchBuffers(workspace, threads, type, chunk * perSample);
        INDArray[] partial = new INDArray[threads];
        for (int i = 0; i < threads; i++) {
            partial[i] = workspace.get(this, "dK" + i, type, geometry.patch(), outChannels);
        }
        parallel.chunked(chunks, (th, first, last) -> {
            for (int i = first; i < last; i++) {
                long from = (long) i * chunk;
                long to = Math.min(b, from + chunk);
                INDArray c = to - from == chunk ? cols[th] : rows(cols[th], 0, (to - from) * perSample);
                Im2col.unroll(samples(x, from, to), geometry, c, Parallel.serial());
                Nd4j.gemm(c, rows(d, from * perSample, to * perSample), partial[th], true, false, 1.0,
                        i == first ? 0.0 : 1.0);
            }
        });
        for (INDArray p : partial) {
            Nd4j.getBlasWrapper().level1().axpy(g.length(), scale, p, g);
        }
    }

    @Override
    public INDArray backward(Parameters w, Tape tape, INDArray dy, Parameters grad, double scale, boolean needInput,
                             Workspace workspace) {
        return backward(w, tape, dy, grad, scale, needInput, 0, workspace);
    }

    /** For a normalized 'same' field, p += h (df/dx)^T p goes straight into p by the last matrix product. */
    @Override
    public void backwardStep(Parameters w, Tape tape, INDArray p, Parameters grad, double h, Workspace workspace) {
        if (!normalized) {
            Layer.super.backwardStep(w, tape, p, grad, h, workspace);
            return;
        }
        backward(w, tape, p, grad, h, true, h, workspace);
    }

    /**
     * accumulate 0: returns dx = (dy/dx)^T dy in the workspace; accumulate h != 0: adds
     * h (dy/dx)^T dy into dy itself (dy is read in full before it is written) and returns it.
     */
    private INDArray backward(Parameters w, Tape tape, INDArray dy, Parameters grad, double scale, boolean needInput,
                              double accumulate, Workspace workspace) {
        ConvTape t = (ConvTape) tape;
        long b = dy.size(0);
        long r = rows(b);
        var type = dy.dataType();
        INDArray dz = workspace.get(this, "dz", type, r, outChannels);
        if (normalized) {
            double[][] sums = Kernels.normBackward(t.normalized(), t.inverseStd(), dy, w.get(gain), w.get(shift), dz,
                    activation, workspace.parallel());
            Kernels.addScaled(grad.get(gain), scale, sums[0]);
            Kernels.addScaled(grad.get(shift), scale, sums[1]);
        } else {
            double[] sums = Kernels.activationBackward(t.output(), dy, dz, activation, outChannels, workspace.parallel());
            Kernels.addScaled(grad.get(shift), scale, sums);
        }
        if (needInput && (!geometry.isSame() || geometry.channels() != outChannels)) {
            throw new UnsupportedOperationException("conv layer " + name + ": the input pullback is implemented for "
                    + "'same' convolutions with equal channels (residual fields), not " + geometry);
        }
        ConvGeometry g = geometry;
        INDArray flipped = null;
        INDArray dx = null;
        INDArray dz4 = null;
        if (needInput) {
            // dx = conv(dz, flipped kernel), the transpose of the convolution
            flipped = workspace.get(this, "kflip", type, g.patch(), outChannels);
            Kernels.flipKernel(w.get(kernel), g.kernel(), outChannels, flipped);
            dx = accumulate != 0 ? dy : workspace.get(this, "dx", type, b, g.height(), g.width(), outChannels);
            dz4 = dz.reshape('c', b, g.height(), g.width(), outChannels);
        }
        int chunk = chunkSamples(b, type.width());
        int chunks = (int) ((b + chunk - 1) / chunk);
        long perSample = (long) g.outHeight() * g.outWidth();
        Parallel parallel = workspace.parallel();
        int threads = parallel.chunks(chunks);
        INDArray[] cols = patchBuffers(workspace, threads, type, chunk * perSample);
        // each thread sums im2col(x)^T dz over its chunks into its own partial kernel gradient
        INDArray[] partial = new INDArray[threads];
        for (int i = 0; i < threads; i++) {
            partial[i] = workspace.get(this, "dK" + i, type, g.patch(), outChannels);
        }
        INDArray fl = flipped;
        INDArray dxRows = needInput ? dx.reshape('c', r, outChannels) : null;
        INDArray dz4f = dz4;
        INDArray input = t.input();
        parallel.chunked(chunks, (th, first, last) -> {
            for (int i = first; i < last; i++) {
                long from = (long) i * chunk;
                long to = Math.min(b, from + chunk);
                INDArray c = to - from == chunk ? cols[th] : rows(cols[th], 0, (to - from) * perSample);
                Im2col.unroll(samples(input, from, to), g, c, Parallel.serial());
                Nd4j.gemm(c, rows(dz, from * perSample, to * perSample), partial[th], true, false, 1.0, i == first ? 0.0 : 1.0);
                if (needInput) {
                    Im2col.unroll(samples(dz4f, from, to), g, c, Parallel.serial());
                    Nd4j.gemm(c, fl, rows(dxRows, from * perSample, to * perSample), false, false,
                            accumulate != 0 ? accumulate : 1.0, accumulate != 0 ? 1.0 : 0.0);
                }
            }
        });
        INDArray gk = grad.get(kernel);
        for (INDArray p : partial) {
            Nd4j.getBlasWrapper().level1().axpy(gk.length(), scale, p, gk);
        }
        return dx;
    }

    @Override
    public String describe() {
        return "conv" + geometry.kernel() + "x" + geometry.kernel()
                + (geometry.stride() > 1 ? "/" + geometry.stride() : "") + " " + geometry.channels() + "->"
                + outChannels + (normalized ? ", channel norm" : "") + ", " + activation.name().toLowerCase();
    }

    @Override
    public String toString() {
        return name + ": " + describe();
    }
}
