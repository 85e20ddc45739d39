package org.diffeolens.nn;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.ElementOps;
import org.diffeolens.flow.Metric;
import org.diffeolens.flow.KroneckerBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The natural gradient with the damped empirical Fisher of the current mini-batch, block diagonal
 * per layer: update = (F_layer + gamma I)^{-1} covector, F = 1/B sum_i g_i g_i^T over the batch's
 * per-sample gradients (paper 004, section 3.4: the Fisher as the metric of parameter space).
 * <ul>
 * <li>Dense layers (input layer, blocks, head of a dense net; the head of a conv net) by K-FAC
 * (Martens and Grosse 2015): the (W, b) block is A (x) G ({@link LayerStatistics}); with the
 * covector as V = [dW; db] ((in+1) x out) the update is (A + pi sqrt(gamma) I)^{-1} V
 * (G + sqrt(gamma)/pi I)^{-1}, Tikhonov damping split between the factors by the pi-correction
 * pi = sqrt((tr A / (in+1)) / (tr G / out)) (their section 6.3), two small inverses instead of one
 * of size (in+1) out. {@link Damping#EXACT} solves (A (x) G + gamma I) x = V instead, in the
 * factors' eigenbases (slower; for small layers and checks).</li>
 * <li>Convolutions, and dense layers wider than {@link #MAX_KRONECKER_INPUTS} inputs: the damped
 * diagonal of F, covector_i / (F_ii + gamma). K-FAC for convolutions (Grosse and Martens 2016)
 * rests on spatially homogeneous, uncorrelated derivatives, which the 8x8 and 14x14 'same'-padded
 * maps here do not have, and the channel normalization after the convolution leaves its
 * pre-activation gradients in a subspace that a Kronecker factor would misweigh; the diagonal
 * needs neither assumption.</li>
 * </ul>
 * Statistics are those of the batch being stepped on, at the current control (no running average,
 * so the metric holds no state and a resumed run repeats an uninterrupted one). Cost per step: one
 * more forward and adjoint sweep, the statistics, two inverses per dense layer.
 */
public final class FisherMetric implements Metric<Parameters> {

    /** How the damping enters the Kronecker-factored blocks. */
    public enum Damping {
        /** (A + pi sqrt(gamma) I) (x) (G + sqrt(gamma)/pi I), Martens and Grosse's factored Tikhonov damping. */
        FACTORED,
        /** A (x) G + gamma I exactly, by the eigen-decompositions of A and G. */
        EXACT
    }

    /** Widest dense input that gets a Kronecker factor (its inverse is (in+1)^3 / 3 flops per step). */
    public static final int MAX_KRONECKER_INPUTS = 1024;

    private final ResidualNetwork network;
    private final double damping;
    private final Damping mode;
    private ResidualEnergyForm observed;

    public FisherMetric(ResidualNetwork network, double damping, Damping mode) {
        if (!(damping > 0) || Double.isInfinite(damping)) {
            throw new IllegalArgumentException("Fisher damping must be finite and > 0, got " + damping);
        }
        this.network = network;
        this.damping = damping;
        this.mode = mode;
    }

    public FisherMetric(ResidualNetwork network, double damping) {
        this(network, damping, Damping.FACTORED);
    }

    @Override
    public void observe(ControlledFlow<Parameters, ?> flow) {
        observed = LayerStatistics.formOf(flow, network);
    }

    /** The layers (steps) that get Kronecker factors: dense, at most {@link #MAX_KRONECKER_INPUTS} inputs. */
    boolean[] kroneckerSteps(ResidualEnergyForm form) {
        boolean[] k = new boolean[form.lastStep() + 1];
        for (int j = 0; j < k.length; j++) {
            k[j] = form.layer(j) instanceof Dense d && d.inputs() <= MAX_KRONECKER_INPUTS;
        }
        return k;
    }

    @Override
    public Parameters sharp(Parameters covector, Parameters at) {
        ResidualEnergyForm form = LayerStatistics.require(observed);
        boolean[] kronecker = kroneckerSteps(form);
        boolean allKronecker = true;
        for (boolean k : kronecker) {
            allKronecker &= k;
        }
        LayerStatistics stats = LayerStatistics.of(form, at, !allKronecker, kronecker);
        Parameters update = covector.copy();
        if (!allKronecker) {
            ParameterSpace.INSTANCE.combine(update, stats.diagonal(), new ElementOps.DampedQuotient(damping));
        }
        for (int j = 0; j < kronecker.length; j++) {
            if (kronecker[j]) {
                Dense d = (Dense) form.layer(j);
                int in = d.inputs();
                int out = d.outputs();
                // V = [dW; db], (in + 1) x out, rows indexed like A
                double[] v = new double[(in + 1) * out];
                System.arraycopy(doubles(covector.get(d.weightIndex())), 0, v, 0,
                        in * out);
                System.arraycopy(doubles(covector.get(d.biasIndex())), 0, v,
                        in * out, out);
                KroneckerBlock f = stats.factors(j);
                double[] x = mode == Damping.FACTORED ? f.solveFactored(v, damping) : f.solveExact(v, damping);
                INDArray solved = Nd4j.createFromArray(x).castTo(at.dataType());
                update.get(d.weightIndex()).assign(solved.get(NDArrayIndex.interval(0, in * out)).reshape(in, out));
                update.get(d.biasIndex()).assign(solved.get(NDArrayIndex.interval(in * out, (in + 1) * out)));
            }
        }
        return update;
    }

    /** A tensor's coefficients in c order (a copy: views share their parent's buffer). */
    private static double[] doubles(INDArray t) {
        return t.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    @Override
    public String toString() {
        return "Fisher metric (K-FAC for dense layers, diagonal for convolutions; damping " + damping + ", "
                + mode.name().toLowerCase() + ")";
    }
}
