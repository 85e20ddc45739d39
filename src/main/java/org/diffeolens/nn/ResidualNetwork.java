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
        double lossScale = 1.0 / t.batch().size();
        Parameters grad = pullback(t, (part, from, ws) -> {
            INDArray dLogits = ws.get(this, "dlogits", w.dataType(), part.probabilities().shape());
            Kernels.crossEntropyPullback(part.probabilities(), part.batch().labels(), lossScale, dLogits);
            return dLogits;
        }, workspace);
        WeightDecay.addGradient(w, weightDecay, grad);
        return grad;
    }

    /**
     * The vector-Jacobian product J^T u = sum over the batch of (d logits_i / dW)^T u_i for a
     * covector u [b, classes] on the logits of a trajectory of {@link #forward}: the same adjoint
     * sweep as {@link #gradient}, started from u instead of the cross-entropy's pullback.
     */
    public Parameters vjp(Trajectory t, INDArray logitCovector, Workspace workspace) {
        if (logitCovector.rank() != 2 || logitCovector.size(0) != t.batch().size()
                || logitCovector.size(1) != spec.classes()) {
            throw new IllegalArgumentException("a covector of shape [" + t.batch().size() + ", " + spec.classes()
                    + "] is needed, got " + java.util.Arrays.toString(logitCovector.shape()));
        }
        INDArray u = logitCovector.dataType() == t.control().dataType() ? logitCovector
                : logitCovector.castTo(t.control().dataType());
        return pullback(t, (part, from, ws) -> u.get(NDArrayIndex.interval(from, from + part.batch().size()),
                NDArrayIndex.all()).dup('c'), workspace);
    }

    /**
     * The Jacobian-vector product J v = d logits / dW . v [b, classes] of a trajectory of
     * {@link #forward}, by forward-mode differentiation along the flow (exact, no step size):
     * dx_0 = stem tangent, dx_{k+1} = dx_k + h (df/dx dx_k + df/dW v), dlogits = head tangent.
     */
    public INDArray jvp(Trajectory t, Parameters v, Workspace workspace) {
        requireLayout(v);
        Parameters dv = v.dataType() == t.control().dataType() ? v : v.castTo(t.control().dataType());
        List<Trajectory> parts = t.parts();
        if (parts.isEmpty()) {
            return jvpPart(t, dv, workspace).dup('c');
        }
        Workspace[] sub = workspace.parts(parts.size());
        INDArray[] out = new INDArray[parts.size()];
        workspace.parallel().chunked(parts.size(), (i, from, to) -> out[i] = jvpPart(parts.get(i), dv, sub[i]).dup('c'));
        return Nd4j.concat(0, out);
    }

    private INDArray jvpPart(Trajectory t, Parameters v, Workspace workspace) {
        return tangentPart(t, v, workspace).head().output();
    }

    /** The tangent tapes of one part's sweep: stem, blocks, head (each block's input tangent in its own slot). */
    private record TangentSweep(Layer.TangentTape stem, List<Layer.TangentTape> fields, Layer.TangentTape head) {
    }

    private TangentSweep tangentPart(Trajectory t, Parameters v, Workspace workspace) {
        Parameters w = t.control();
        Layer.TangentTape s = stem.tangent(w, t.stemTape(), null, v, workspace);
        INDArray dx = workspace.get(this, "tangent0", s.output().dataType(), s.output().shape());
        dx.assign(s.output());
        List<Layer.TangentTape> f = new ArrayList<>(fields.size());
        for (int k = 0; k < fields.size(); k++) {
            Layer.TangentTape tk = fields.get(k).tangent(w, t.fieldTape(k), dx, v, workspace);
            INDArray next = workspace.get(this, "tangent" + (k + 1), dx.dataType(), dx.shape());
            Kernels.eulerStep(dx, spec.step(), tk.output(), next);
            f.add(tk);
            dx = next;
        }
        return new TangentSweep(s, f, head.tangent(w, t.headTape(), dx, v, workspace));
    }

    /**
     * The Hessian-vector product H v of the energy (mean cross-entropy + weight decay) of a
     * trajectory of {@link #forward}, by the second-order adjoint (forward over reverse): the
     * tangent sweep along v, then the adjoint sweep together with its own tangent, started from
     * the cross-entropy's pullback (p - e_y) / b and its tangent (diag p - p p^T) J v / b. Exact for
     * smooth activations; for ReLU the Hessian almost everywhere (the masks fixed between kinks).
     */
    public Parameters hessianVector(Trajectory t, Parameters v, double weightDecay, Workspace workspace) {
        requireLayout(v);
        Parameters w = t.control();
        Parameters dv = v.dataType() == w.dataType() ? v : v.castTo(w.dataType());
        Parameters out = Parameters.zeros(layout, w.dataType());
        double lossScale = 1.0 / t.batch().size();
        List<Trajectory> parts = t.parts();
        if (parts.isEmpty()) {
            hessianPart(t, dv, out, lossScale, workspace);
        } else {
            int n = parts.size();
            Workspace[] sub = workspace.parts(n);
            Parameters[] h = new Parameters[n];
            h[0] = out;
            for (int i = 1; i < n; i++) {
                h[i] = Parameters.zeros(layout, w.dataType());
            }
            workspace.parallel().chunked(n, (i, from, to) -> hessianPart(parts.get(i), dv, h[i], lossScale, sub[i]));
            for (int i = 1; i < n; i++) {
                Nd4j.getBlasWrapper().level1().axpy(out.flat().length(), 1.0, h[i].flat(), out.flat());
            }
        }
        WeightDecay.addGradient(dv, weightDecay, out); // the Hessian of lambda/2 |W|^2 is lambda on the decaying tensors
        return out;
    }

    private void hessianPart(Trajectory t, Parameters v, Parameters out, double lossScale, Workspace workspace) {
        Parameters w = t.control();
        TangentSweep sweep = tangentPart(t, v, workspace);
        INDArray p = t.probabilities();
        INDArray dLogits = workspace.get(this, "dlogits", w.dataType(), p.shape());
        INDArray dLogitsDot = workspace.get(this, "dlogitsDot", w.dataType(), p.shape());
        Kernels.crossEntropyPullback(p, t.batch().labels(), lossScale, dLogits);
        Kernels.softmaxHessianTimes(p, sweep.head().output(), lossScale, dLogitsDot);
        Layer.SecondOrder top = head.backwardTangent(w, t.headTape(), sweep.head(), dLogits, dLogitsDot, v, out, 1.0,
                true, workspace);
        INDArray adjoint = workspace.get(this, "p", top.dx().dataType(), top.dx().shape());
        INDArray adjointDot = workspace.get(this, "pDot", top.dx().dataType(), top.dx().shape());
        adjoint.assign(top.dx());
        adjointDot.assign(top.dxDot());
        for (int k = fields.size() - 1; k >= 0; k--) {
            // p_k = p_{k+1} + h (df/dx)^T p_{k+1}, and its tangent
            Layer.SecondOrder o = fields.get(k).backwardTangent(w, t.fieldTape(k), sweep.fields().get(k), adjoint,
                    adjointDot, v, out, spec.step(), true, workspace);
            Kernels.eulerStep(adjoint, spec.step(), o.dx(), adjoint);
            Kernels.eulerStep(adjointDot, spec.step(), o.dxDot(), adjointDot);
        }
        stem.backwardTangent(w, t.stemTape(), sweep.stem(), adjoint, adjointDot, v, out, 1.0, false, workspace);
    }

    /** A covector on a part's logits: the part, its first row in the whole batch, its workspace. */
    private interface LogitCovector {
        INDArray of(Trajectory part, int from, Workspace workspace);
    }

    /** The adjoint sweep of every part from its logit covector, summed in part order. */
    private Parameters pullback(Trajectory t, LogitCovector covector, Workspace workspace) {
        Parameters w = t.control();
        Parameters grad = Parameters.zeros(layout, w.dataType());
        List<Trajectory> parts = t.parts();
        if (parts.isEmpty()) {
            pullbackPart(t, covector.of(t, 0, workspace), grad, workspace);
            return grad;
        }
        // each thread pulls its part back into its own gradient; the sum is taken in part order
        int n = parts.size();
        Workspace[] sub = workspace.parts(n);
        int[] first = new int[n];
        for (int i = 1; i < n; i++) {
            first[i] = first[i - 1] + parts.get(i - 1).batch().size();
        }
        Parameters[] g = new Parameters[n];
        g[0] = grad;
        for (int i = 1; i < n; i++) {
            g[i] = Parameters.zeros(layout, w.dataType());
        }
        workspace.parallel().chunked(n, (i, from, to) -> pullbackPart(parts.get(i),
                covector.of(parts.get(i), first[i], sub[i]), g[i], sub[i]));
        for (int i = 1; i < n; i++) {
            Nd4j.getBlasWrapper().level1().axpy(grad.flat().length(), 1.0, g[i].flat(), grad.flat());
        }
        return grad;
    }

    /** The adjoint sweep of one part from a covector on its logits, added into grad. */
    private void pullbackPart(Trajectory t, INDArray dLogits, Parameters grad, Workspace workspace) {
        Parameters w = t.control();
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
