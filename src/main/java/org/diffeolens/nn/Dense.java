package org.diffeolens.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer y = sigma(x W + b) on flattened samples: x [b, in], W [in, out], b [out];
 * sigma is an {@link Activation} or none (the classifier head). With in = out it is the vector
 * field f(x, W_k) of a dense residual block.
 */
public final class Dense implements Layer {

    private final String name;
    private final long[] inputShape;
    private final int in;
    private final int out;
    private final Activation activation;
    private final int weight;
    private final int bias;

    /** Registers name.weight (decays) and name.bias in the layout; activation may be null (linear). */
    public Dense(String name, ParameterLayout.Builder layout, long[] inputShape, int out, Activation activation) {
        long n = Layer.length(inputShape);
        if (n > Integer.MAX_VALUE || out < 1) {
            throw new IllegalArgumentException("dense layer " + name + ": bad size " + n + " -> " + out);
        }
        this.name = name;
        this.inputShape = inputShape.clone();
        this.in = (int) n;
        this.out = out;
        this.activation = activation;
        this.weight = layout.add(name + ".weight", true, in, out);
        this.bias = layout.add(name + ".bias", false, out);
    }

    record DenseTape(INDArray input, INDArray output) implements Tape {
    }

    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public long[] outputShape() {
        return new long[] {out};
    }

    int weightIndex() {
        return weight;
    }

    int biasIndex() {
        return bias;
    }

    /** The activation, null for a linear layer. */
    Activation activation() {
        return activation;
    }

    /** Input features (flattened). */
    int inputs() {
        return in;
    }

    int outputs() {
        return out;
    }

    /** Variance gain for initialization: that of the activation, 1 for a linear layer. */
    double initGain() {
        return activation == null ? 1 : activation.initGain();
    }

    @Override
    public Tape forward(Parameters w, INDArray x, Workspace workspace) {
        long b = x.size(0);
        INDArray x2 = x.reshape('c', b, in);
        INDArray y = workspace.get(this, "y", x.dataType(), b, out);
        Gemm.times(x2, w.get(weight), y, workspace.parallel(), false);
        Kernels.biasActivation(y, w.get(bias), y, activation, workspace.parallel());
        return new DenseTape(x2, y);
    }

    @Override
    public INDArray backward(Parameters w, Tape tape, INDArray dy, Parameters grad, double scale, boolean needInput,
                             Workspace workspace) {
        DenseTape t = (DenseTape) tape;
        long b = t.input().size(0);
        INDArray du = workspace.get(this, "du", dy.dataType(), b, out);
        double[] sums = Kernels.activationBackward(t.output(), dy, du, activation, out, workspace.parallel());
        Kernels.addScaled(grad.get(bias), scale, sums);
        Gemm.addTransposeTimes(t.input(), du, grad.get(weight), scale, workspace.parallel(), workspace, this);
        if (!needInput) {
            return null;
        }
        INDArray dx = workspace.get(this, "dx", dy.dataType(), b, in);
        Gemm.times(du, w.get(weight), dx, workspace.parallel(), true);
        long[] shape = new long[inputShape.length + 1];
        shape[0] = b;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        return dx.reshape('c', shape);
    }

    /** The input tangent (null when held fixed) and the output tangent. */
    record DenseTangent(INDArray input, INDArray output) implements TangentTape {
    }

    /** du = x dW + dx W + db, dy = sigma'(u) du (sigma' read off the taped output). */
    @Override
    public TangentTape tangent(Parameters w, Tape tape, INDArray dx, Parameters dtheta, Workspace workspace) {
        DenseTape t = (DenseTape) tape;
        long b = t.input().size(0);
        INDArray du = workspace.get(this, "tangent", t.input().dataType(), b, out);
        Gemm.times(t.input(), dtheta.get(weight), du, workspace.parallel(), false);
        INDArray dx2 = dx == null ? null : dx.reshape('c', b, in);
        if (dx2 != null) {
            Nd4j.gemm(dx2, w.get(weight), du, false, false, 1.0, 1.0);
        }
        Kernels.activationTangent(t.output(), du, dtheta.get(bias), activation, workspace.parallel());
        return new DenseTangent(dx2, du);
    }

    /**
     * du = sigma' p, duDot = sigma' pDot + (d sigma'/de) p; gradDot_W += x^T duDot + xDot^T du,
     * gradDot_b += sum duDot; dx = du W^T, dxDot = duDot W^T + du dW^T.
     */
    @Override
    public SecondOrder backwardTangent(Parameters w, Tape tape, TangentTape tangent, INDArray dy, INDArray dyDot,
                                       Parameters dtheta, Parameters gradDot, double scale, boolean needInput,
                                       Workspace workspace) {
        DenseTape t = (DenseTape) tape;
        DenseTangent d = (DenseTangent) tangent;
        long b = t.input().size(0);
        var type = dy.dataType();
        var par = workspace.parallel();
        INDArray du = workspace.get(this, "so.du", type, b, out);
        INDArray duDot = workspace.get(this, "so.duDot", type, b, out);
        double[] sums = Kernels.activationBackwardTangent(t.output(), d.output(), dy.reshape('c', b, out),
                dyDot.reshape('c', b, out), du, duDot, activation, out, par);
        Kernels.addScaled(gradDot.get(bias), scale, sums);
        Gemm.addTransposeTimes(t.input(), duDot, gradDot.get(weight), scale, par, workspace, this);
        if (d.input() != null) {
            Gemm.addTransposeTimes(d.input(), du, gradDot.get(weight), scale, par, workspace, this);
        }
        if (!needInput) {
            return new SecondOrder(null, null);
        }
        INDArray dx = workspace.get(this, "so.dx", type, b, in);
        INDArray dxDot = workspace.get(this, "so.dxDot", type, b, in);
        Gemm.times(du, w.get(weight), dx, par, true);
        Gemm.times(duDot, w.get(weight), dxDot, par, true);
        Nd4j.gemm(du, dtheta.get(weight), dxDot, false, true, 1.0, 1.0);
        long[] shape = new long[inputShape.length + 1];
        shape[0] = b;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        return new SecondOrder(dx.reshape('c', shape), dxDot.reshape('c', shape));
    }

    @Override
    public String describe() {
        return "dense " + in + "->" + out + (activation == null ? "" : ", " + activation.name().toLowerCase());
    }

    @Override
    public String toString() {
        return name + ": " + describe();
    }
}
