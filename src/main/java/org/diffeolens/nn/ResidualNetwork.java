package org.diffeolens.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A residual classifier as a discretized flow (see {@link NetworkSpec}): the forward pass integrates
 * x_{k+1} = x_k + h f(x_k, W_k); the gradient is the discrete adjoint sweep
 * <pre>
 *   p_N = dL/dx_N                                (pulled back through the head)
 *   dE/dW_k = h (df/dW)^T(x_k, W_k) p_{k+1}
 *   p_k = p_{k+1} + h (df/dx)^T(x_k, W_k) p_{k+1}
 * </pre>
 * then the input layer's pullback. The architecture is immutable and holds no data; a
 * {@link ResidualFlow} binds it to a mini-batch as a {@code ControlledFlow}.
 */
public final class ResidualNetwork implements Classifier {

    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final Layer stem;
    private final List<Layer> fields;
    private final Dense head;

    public ResidualNetwork(NetworkSpec spec) {
        this.spec = spec;
        ParameterLayout.Builder b = new ParameterLayout.Builder();
        int[] in = spec.inputShape();
        long[] inShape = {in[0], in[1], in[2]};
        List<Layer> f = new ArrayList<>();
        if (spec.kind() == NetworkSpec.Kind.CONV) {
            int k = spec.stemKernel();
            ConvGeometry g = new ConvGeometry(in[0], in[1], in[2], k, spec.stemStride(), (k - 1) / 2);
            this.stem = new Conv("stem", b, g, spec.width(), false, spec.activation());
            ConvGeometry same = new ConvGeometry(g.outHeight(), g.outWidth(), spec.width(), 3, 1, 1);
            for (int i = 0; i < spec.depth(); i++) {
                f.add(new Conv("block" + i, b, same, spec.width(), spec.normalized(), spec.activation()));
            }
        } else {
            this.stem = new Dense("stem", b, inShape, spec.width(), spec.activation());
            for (int i = 0; i < spec.depth(); i++) {
                f.add(new Dense("block" + i, b, new long[] {spec.width()}, spec.width(), spec.activation()));
            }
        }
        this.fields = List.copyOf(f);
        this.head = new Dense("head", b, stem.outputShape(), spec.classes(), null);
        this.layout = b.build();
    }

    public NetworkSpec spec() {
        return spec;
    }

    @Override
    public NetworkSpec architecture() {
        return spec;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }


    public int depth() {
        return fields.size();
    }

    /** The input layer u -> x_0. */
    Layer inputLayer() {
        return stem;
    }

    /** The vector field f(., W_k) of block k. */
    Layer block(int k) {
        return fields.get(k);
    }

    /** The classifier head x_N -> logits. */
    Dense head() {
        return head;
    }

    /** Per-sample shape of the states x_k. */
    public long[] stateShape() {
        return stem.outputShape();
    }

    /**
     * Seeded initial weights: N(0, gain / fan_in) for kernels and weight matrices (He for ReLU,
     * LeCun for tanh and the linear head), zero biases and shifts, unit gains.
     */
    @Override
    public Parameters initialize(long seed, DataType type) {
        double[] v = new double[(int) layout.length()];
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> all = new ArrayList<>();
        all.add(stem);
        all.addAll(fields);
        all.add(head);
        for (Layer l : all) {
            if (l instanceof Dense d) {
                fillNormal(v, layout.entry(d.weightIndex()), d.initGain(), random);
            } else if (l instanceof Conv c) {
                fillNormal(v, layout.entry(c.kernelIndex()), c.initGain(), random);
                if (c.isNormalized()) {
                    ParameterLayout.Entry e = layout.entry(c.gainIndex());
                    java.util.Arrays.fill(v, (int) e.offset(), (int) (e.offset() + e.length()), 1.0);
                }
            }
        }
        return new Parameters(layout, Nd4j.createFromArray(v).castTo(type));
    }

    private static void fillNormal(double[] v, ParameterLayout.Entry e, double gain, SplittableRandom random) {
        double std = Math.sqrt(gain / e.shape()[0]);
        for (long i = e.offset(); i < e.offset() + e.length(); i++) {
            v[(int) i] = std * random.nextGaussian();
        }
    }

    /**
     * The forward pass on a batch, keeping what the adjoint needs, with weight decay lambda. With
     * a multi-threaded workspace the batch is split into one part per thread, each run through
     * the whole network by its thread (the layers have no batch statistics, so the parts are
     * independent until the loss averages them): two joins per step instead of one per layer.
     */
    public Trajectory forward(Parameters w, Batch batch, double weightDecay, Workspace workspace) {
        requireLayout(w);
        double regularization = regularization(w, weightDecay);
        int n = workspace.parallel().chunks(batch.size());
        if (n == 1) {
            return forwardPart(w, batch, regularization, workspace);
        }
        Workspace[] sub = workspace.parts(n);
        Batch[] pieces = new Batch[n];
        for (int i = 0; i < n; i++) {
            int from = (int) ((long) i * batch.size() / n);
            int to = (int) ((long) (i + 1) * batch.size() / n);
            pieces[i] = new Batch(batch.inputs().get(NDArrayIndex.interval(from, to), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all()), java.util.Arrays.copyOfRange(batch.labels(), from, to));
        }
        Trajectory[] parts = new Trajectory[n];
        workspace.parallel().chunked(n, (i, from, to) -> parts[i] = forwardPart(w, pieces[i], 0, sub[i]));
        return Trajectory.combined(w, batch, List.of(parts), regularization);
    }

    private Trajectory forwardPart(Parameters w, Batch batch, double regularization, Workspace workspace) {
        INDArray x = batch.inputs().dataType() == w.dataType() ? batch.inputs() : batch.inputs().castTo(w.dataType());
        Layer.Tape stemTape = stem.forward(w, x, workspace);
        List<INDArray> states = new ArrayList<>(fields.size() + 1);
        List<Layer.Tape> tapes = new ArrayList<>(fields.size());
        INDArray state = stemTape.output();
        states.add(state);
        for (int k = 0; k < fields.size(); k++) {
            INDArray next = workspace.get(this, "x" + (k + 1), state.dataType(), state.shape());
            tapes.add(fields.get(k).forwardStep(w, state, spec.step(), next, workspace));
            states.add(next);
            state = next;
        }
        Layer.Tape headTape = head.forward(w, state, workspace);
        INDArray logits = headTape.output();
        INDArray probabilities = workspace.get(this, "probabilities", logits.dataType(), logits.shape());
        double loss = Kernels.softmaxCrossEntropy(logits, batch.labels(), probabilities);
        return new Trajectory(w, batch, stemTape, tapes, states, headTape, probabilities, loss, regularization);
    }

    /** lambda/2 sum ||W||^2 over the tensors that decay (kernels and weight matrices). */
    public double regularization(Parameters w, double weightDecay) {
        return WeightDecay.energy(w, weightDecay);
    }

    /** dE/dW by the discrete adjoint sweep over a trajectory of {@link #forward} (in the same workspace). */
    public Parameters gradient(Trajectory t, double weightDecay, Workspace workspace) {
        Parameters w = t.control();
        Parameters grad = Parameters.zeros(layout, w.dataType());
        double lossScale = 1.0 / t.batch().size();
        List<Trajectory> parts = t.parts();
        if (parts.isEmpty()) {
            gradientPart(t, grad, lossScale, workspace);
        } else {
            // each thread pulls its part back into its own gradient; the sum is taken in part order
            int n = parts.size();
            Workspace[] sub = workspace.parts(n);
            Parameters[] g = new Parameters[n];
            g[0] = grad;
            for (int i = 1; i < n; i++) {
                g[i] = Parameters.zeros(layout, w.dataType());
            }
            workspace.parallel().chunked(n, (i, from, to) -> gradientPart(parts.get(i), g[i], lossScale, sub[i]));
            for (int i = 1; i < n; i++) {
                Nd4j.getBlasWrapper().level1().axpy(grad.flat().length(), 1.0, g[i].flat(), grad.flat());
            }
        }
        WeightDecay.addGradient(w, weightDecay, grad);
        return grad;
    }

    /** The adjoint sweep of one part, its loss scaled by lossScale (1 / the whole batch's size). */
    private void gradientPart(Trajectory t, Parameters grad, double lossScale, Workspace workspace) {
        Parameters w = t.control();
        INDArray dLogits = workspace.get(this, "dlogits", w.dataType(), t.probabilities().shape());
        Kernels.crossEntropyPullback(t.probabilities(), t.batch().labels(), lossScale, dLogits);
        INDArray p = head.backward(w, t.headTape(), dLogits, grad, 1.0, true, workspace);
        INDArray adjoint = workspace.get(this, "p", p.dataType(), p.shape());
        adjoint.assign(p);
        for (int k = fields.size() - 1; k >= 0; k--) {
            // grad W_k += h (df/dW)^T p_{k+1}; p_k = p_{k+1} + h (df/dx)^T p_{k+1}
            fields.get(k).backwardStep(w, t.fieldTape(k), adjoint, grad, spec.step(), workspace);
        }
        stem.backward(w, t.stemTape(), adjoint, grad, 1.0, false, workspace);
    }

    /**
     * f(x, W_k), the vector field of block k on states x [b, state shape...], for estimators that
     * work with the energy form of the flow. The value lives in the block's buffers of the
     * workspace: use a workspace other than a trajectory's to keep that trajectory intact.
     */
    public INDArray field(int k, Parameters w, INDArray x, Workspace workspace) {
        requireLayout(w);
        return fields.get(k).forward(w, x, workspace).output();
    }

    /** The flow of this network on one mini-batch, with weight decay lambda. */
    @Override
    public ResidualFlow on(Batch batch, double weightDecay, Workspace workspace) {
        return new ResidualFlow(this, batch, weightDecay, workspace);
    }

    /** Mean cross-entropy and accuracy on a data set, in batches (forward passes only). */
    @Override
    public Score score(Parameters w, Dataset data, int batchSize, Workspace workspace) {
        return Score.of(data, batchSize, w.dataType(), b -> {
            Trajectory t = forward(w, b, 0, workspace);
            return new Score.Prediction(t.loss(), Kernels.argmaxRows(t.probabilities()));
        });
    }

    /** Predicted classes (argmax of the logits). */
    public int[] predict(Parameters w, INDArray inputs, Workspace workspace) {
        requireLayout(w);
        INDArray x = inputs.dataType() == w.dataType() ? inputs : inputs.castTo(w.dataType());
        INDArray state = stem.forward(w, x, workspace).output();
        for (int k = 0; k < fields.size(); k++) {
            INDArray next = workspace.get(this, "x" + (k + 1), state.dataType(), state.shape());
            fields.get(k).forwardStep(w, state, spec.step(), next, workspace);
            state = next;
        }
        return Kernels.argmaxRows(head.forward(w, state, workspace).output());
    }

    private void requireLayout(Parameters w) {
        if (!w.layout().equals(layout)) {
            throw new IllegalArgumentException("parameters of layout " + w.layout() + " do not fit " + spec);
        }
    }

    /** One line per layer. */
    @Override
    public String describe() {
        StringBuilder s = new StringBuilder(spec.toString()).append('\n');
        s.append("  input layer: ").append(stem.describe()).append('\n');
        for (int k = 0; k < fields.size(); k++) {
            s.append("  block ").append(k).append(": x + ").append(spec.step()).append(" * ")
                    .append(fields.get(k).describe()).append('\n');
        }
        s.append("  head: ").append(head.describe()).append(", softmax cross-entropy\n");
        s.append("  ").append(layout.length()).append(" parameters");
        return s.toString();
    }
}
