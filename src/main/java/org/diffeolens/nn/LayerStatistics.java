package org.diffeolens.nn;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.flow.KroneckerBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Per-sample curvature statistics of one mini-batch at one control, read off the network's own
 * forward tapes and adjoint covectors ({@link ResidualEnergyForm#adjointSweep}): the gradient of
 * sample i's loss through step j is g_i = B s_j (dPhi_j/dtheta)^T lambda_j[i] (lambda carries the
 * batch mean's 1/B; s_j = h for a block, 1 otherwise). From them:
 * <ul>
 * <li>the diagonal of the empirical Fisher F = 1/B sum_i g_i g_i^T, for every tensor;</li>
 * <li>K-FAC factors of a dense layer y = sigma(x W + b) (Martens and Grosse 2015):
 * A = 1/B sum_i a_i a_i^T with a = (x, 1), G = 1/B sum_i d_i d_i^T with d_i = B s_j du_i the
 * per-sample pre-activation gradient, so that the (W, b) block of F, whose per-sample gradient is
 * a_i d_i^T, is approximated by A (x) G, and equals it for a single sample.</li>
 * </ul>
 * The pre-activation gradients and the per-sample sums of a convolution's gain, shift or bias come
 * from the layers' own fused kernels ({@link Kernels}) run on one sample's rows; its kernel's
 * per-sample gradient is im2col(x_i)^T dz_i, as the layer's backward pass forms it for the batch.
 */
final class LayerStatistics {

    private final Parameters diagonal;
    private final KroneckerBlock[] factors;

    private LayerStatistics(Parameters diagonal, KroneckerBlock[] factors) {
        this.diagonal = diagonal;
        this.factors = factors;
    }

    /** diag F, shaped like the parameters (null unless asked for). */
    Parameters diagonal() {
        return diagonal;
    }

    /**
     * The K-FAC factors of step j, A [(in + 1)^2] (bias last) and G [out^2], acting on [dW; db]
     * (null where the step is no dense layer or was not asked for).
     */
    KroneckerBlock factors(int step) {
        return factors[step];
    }

    /** The penalty form (network, batch, workspace) of a flow a data-dependent metric observes. */
    static ResidualEnergyForm formOf(org.diffeolens.flow.ControlledFlow<Parameters, ?> flow, ResidualNetwork network) {
        if (!(flow instanceof ResidualFlow f) || f.network() != network) {
            throw new IllegalArgumentException("a Fisher metric of " + network.spec()
                    + " needs that network's mini-batch flow, got " + flow);
        }
        return f.energyForm();
    }

    /** Fails when no flow was observed before the first step. */
    static ResidualEnergyForm require(ResidualEnergyForm form) {
        if (form == null) {
            throw new IllegalStateException("the Fisher metric has seen no mini-batch: the Minimizer shows it each "
                    + "step's flow (Metric.observe) before raising the gradient");
        }
        return form;
    }

    /**
     * @param diagonal  compute diag F for every tensor
     * @param kronecker which steps should get K-FAC factors (dense layers only); null for none
     */
    static LayerStatistics of(ResidualEnergyForm form, Parameters at, boolean diagonal, boolean[] kronecker) {
        ResidualEnergyForm.Sweep sweep = form.adjointSweep(at);
        int steps = form.lastStep() + 1;
        Parameters diag = diagonal ? Parameters.zeros(at.layout(), at.dataType()) : null;
        KroneckerBlock[] factors = new KroneckerBlock[steps];
        int b = form.batch().size();
        for (int j = 0; j < steps; j++) {
            // g_i = c (dPhi_j/dtheta)^T lambda_j[i]
            double c = b * form.scale(j);
            Layer layer = form.layer(j);
            if (layer instanceof Dense d) {
                INDArray du = preActivationGradient(d, (Dense.DenseTape) sweep.tapes()[j], sweep.adjoint().get(j), form);
                INDArray x = ((Dense.DenseTape) sweep.tapes()[j]).input();
                if (diag != null) {
                    denseDiagonal(d, x, du, c, b, diag);
                }
                if (kronecker != null && kronecker[j]) {
                    factors[j] = kronecker(x, du, c, b);
                }
            } else if (diag != null) {
                convDiagonal((Conv) layer, (Conv.ConvTape) sweep.tapes()[j], sweep.adjoint().get(j), c, b, at, diag,
                        form.workspace());
            }
        }
        return new LayerStatistics(diag, factors);
    }

    /** du = dL/dy * sigma'(.) [B, out]: the pre-activation covector (of the batch-mean loss). */
    private static INDArray preActivationGradient(Dense d, Dense.DenseTape tape, INDArray lambda,
                                                  ResidualEnergyForm form) {
        INDArray y = tape.output();
        INDArray du = form.workspace().get(LayerStatistics.class, "du" + d.outputs(), y.dataType(), y.shape());
        Kernels.activationBackward(y, lambda.reshape('c', y.shape()), du, d.activation(), d.outputs(),
                form.workspace().parallel());
        return du;
    }

    /** diag F of W: 1/B sum_i (x_i^2)^T (d_i^2) = c^2/B (x o x)^T (du o du); of b: c^2/B sum_i du_i^2. */
    private static void denseDiagonal(Dense d, INDArray x, INDArray du, double c, int b, Parameters diag) {
        INDArray du2 = du.mul(du);
        Nd4j.gemm(x.mul(x), du2, diag.get(d.weightIndex()), true, false, c * c / b, 0.0);
        Nd4j.gemm(Nd4j.ones(du2.dataType(), 1, b), du2, diag.get(d.biasIndex()).reshape(1, d.outputs()), false, false,
                c * c / b, 0.0);
    }

    private static KroneckerBlock kronecker(INDArray x, INDArray du, double c, int b) {
        INDArray xd = x.castTo(DataType.DOUBLE);
        int in = (int) xd.size(1);
        double[] xx = Nd4j.gemm(xd, xd, true, false).data().asDouble();
        double[] sum = Nd4j.gemm(Nd4j.ones(DataType.DOUBLE, 1, b), xd, false, false).data().asDouble();
        int n = in + 1;
        double[] a = new double[n * n];
        for (int r = 0; r < in; r++) {
            for (int q = 0; q < in; q++) {
                a[r * n + q] = xx[r * in + q] / b;
            }
            a[r * n + in] = sum[r] / b;
            a[in * n + r] = sum[r] / b;
        }
        a[in * n + in] = 1;
        INDArray dd = du.castTo(DataType.DOUBLE);
        double[] g = Nd4j.gemm(dd, dd, true, false).muli(c * c / b).data().asDouble();
        return new KroneckerBlock(a, n, g, (int) du.size(1));
    }

    /**
     * diag F of a convolution, sample by sample (samples split across threads): dz_i and the
     * per-sample gain and shift (or bias) gradients from the layer's fused pullback on the sample's
     * rows, the kernel's per-sample gradient im2col(x_i)^T dz_i; each squared, summed, times c^2 / B.
     */
    private static void convDiagonal(Conv conv, Conv.ConvTape tape, INDArray lambda, double c, int b, Parameters at,
                                     Parameters diag, Workspace workspace) {
        ConvGeometry g = conv.geometry();
        int out = conv.outChannels();
        long perSample = (long) g.outHeight() * g.outWidth();
        DataType type = lambda.dataType();
        INDArray dy = lambda.reshape('c', b * perSample, out);
        INDArray dz = workspace.get(LayerStatistics.class, "dz" + conv.kernelIndex(), type, b * perSample, out);
        INDArray y = tape.output() == null ? null : tape.output().reshape('c', b * perSample, out);
        Parallel parallel = workspace.parallel();
        int threads = parallel.chunks(b);
        INDArray[] cols = new INDArray[threads];
        INDArray[] kernelSum = new INDArray[threads];
        INDArray[] kernelSample = new INDArray[threads];
        double[][] gainSum = new double[threads][out];
        double[][] shiftSum = new double[threads][out];
        for (int t = 0; t < threads; t++) {
            cols[t] = workspace.get(LayerStatistics.class, "cols" + t, type, perSample, g.patch());
            kernelSum[t] = workspace.get(LayerStatistics.class, "kernelSum" + t, type, g.patch(), out);
            kernelSample[t] = workspace.get(LayerStatistics.class, "kernelSample" + t, type, g.patch(), out);
        }
        INDArray input = tape.input();
        parallel.chunked(b, (t, from, to) -> {
            kernelSum[t].assign(0);
            for (int i = from; i < to; i++) {
                long r0 = i * perSample;
                long r1 = r0 + perSample;
                INDArray dzi = Gemm.rows(dz, r0, r1);
                double[] shift;
                if (conv.isNormalized()) {
                    double[][] sums = Kernels.normBackward(Gemm.rows(tape.normalized(), r0, r1),
                            tape.inverseStd().get(NDArrayIndex.interval(r0, r1)), Gemm.rows(dy, r0, r1),
                            at.get(conv.gainIndex()), at.get(conv.shiftIndex()), dzi, conv.activation(),
                            Parallel.serial());
                    addSquares(gainSum[t], sums[0]);
                    shift = sums[1];
                } else {
                    shift = Kernels.activationBackward(Gemm.rows(y, r0, r1), Gemm.rows(dy, r0, r1), dzi,
                            conv.activation(), out, Parallel.serial());
                }
                addSquares(shiftSum[t], shift);
                Im2col.unroll(input.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.all()), g, cols[t], Parallel.serial());
                Nd4j.gemm(cols[t], dzi, kernelSample[t], true, false, 1.0, 0.0);
                kernelSum[t].addi(kernelSample[t].muli(kernelSample[t]));
            }
        });
        double f = c * c / b;
        INDArray k = diag.get(conv.kernelIndex());
        for (int t = 0; t < threads; t++) {
            k.addi(kernelSum[t]);
            if (t > 0) {
                // in thread order, so a thread count always gives the same sums
                addTo(gainSum[0], gainSum[t]);
                addTo(shiftSum[0], shiftSum[t]);
            }
        }
        k.muli(f);
        Kernels.addScaled(diag.get(conv.shiftIndex()), f, shiftSum[0]);
        if (conv.isNormalized()) {
            Kernels.addScaled(diag.get(conv.gainIndex()), f, gainSum[0]);
        }
    }

    private static void addTo(double[] sum, double[] v) {
        for (int i = 0; i < v.length; i++) {
            sum[i] += v[i];
        }
    }

    private static void addSquares(double[] sum, double[] v) {
        for (int i = 0; i < v.length; i++) {
            sum[i] += v[i] * v[i];
        }
    }
}
