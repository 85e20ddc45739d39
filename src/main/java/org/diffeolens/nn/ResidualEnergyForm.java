package org.diffeolens.nn;

import org.diffeolens.flow.EnergyForm;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.nn.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A residual network on one mini-batch in penalty form, so that
 * {@link org.diffeolens.flow.EquilibriumPropagation} estimates its parameter gradient. The state is
 * the chain y_0..y_M = (x_0, x_1, .., x_N, z) of the input layer's output, the flow's states and the
 * logits; each step j maps y_{j-1} to Phi_j(y_{j-1}) (y_{-1} = u the input):
 * <pre>
 *   Phi_0 = input layer(u),  Phi_{k+1}(x_k) = x_k + h f(x_k, W_k),  Phi_M(x_N) = head(x_N)
 *   F(theta, s) = w/2 sum_j ||y_j - Phi_j(y_{j-1})||^2,   w = 1/B     (zero at the forward pass)
 *   C(s) = 1/B sum_i CE(z_i, label_i),   E_reg = lambda/2 sum ||W||^2
 * </pre>
 * w = 1/B makes F a batch mean like C, so a nudge moves each sample's states by beta (p - onehot)
 * pulled back, whatever the batch size. Every Jacobian product is the layers' own pullback (the
 * adjoint sweep's {@link Layer#backward}); no layer math is written twice.
 * <p>Relaxation by sweeps, exact for a chain (see {@link #relax}).
 */
final class ResidualEnergyForm implements EnergyForm<Parameters, Parameters> {

    private final ResidualNetwork network;
    private final Batch batch;
    private final double weightDecay;
    private final Workspace workspace;
    private final ParameterLayout states;
    private final double weight;
    private final int last;
    private int lastSweeps;

    /** A sweep whose change is above this fraction of the previous one has stalled (a contraction shrinks it by O(beta)). */
    static final double STALL = 0.9;

    ResidualEnergyForm(ResidualNetwork network, Batch batch, double weightDecay, Workspace workspace) {
        this.network = network;
        this.batch = batch;
        this.weightDecay = weightDecay;
        this.workspace = workspace;
        this.weight = 1.0 / batch.size();
        this.last = network.depth() + 1;
        ParameterLayout.Builder b = new ParameterLayout.Builder();
        long[] shape = network.stateShape();
        long[] batched = new long[shape.length + 1];
        batched[0] = batch.size();
        System.arraycopy(shape, 0, batched, 1, shape.length);
        for (int k = 0; k <= network.depth(); k++) {
            b.add("x" + k, false, batched);
        }
        b.add("logits", false, batch.size(), network.spec().classes());
        this.states = b.build();
    }

    /** The layout of a state: x0..xN, logits. */
    ParameterLayout stateLayout() {
        return states;
    }

    /** Sweeps the last {@link #relax} took. */
    int lastSweeps() {
        return lastSweeps;
    }

    ResidualNetwork network() {
        return network;
    }

    Batch batch() {
        return batch;
    }

    Workspace workspace() {
        return workspace;
    }

    /** Index of the last step (the head): steps are 0 (input layer), 1..N (blocks), N + 1 (head). */
    int lastStep() {
        return last;
    }

    Layer layer(int j) {
        return j == 0 ? network.inputLayer() : j == last ? network.head() : network.block(j - 1);
    }

    /** Steps 1..N are Euler steps y_{j-1} + h f(y_{j-1}); the input layer and the head are plain maps. */
    private boolean euler(int j) {
        return j > 0 && j < last;
    }

    /** The scale of step j's parameter pullback: h for a block, 1 otherwise. */
    double scale(int j) {
        return euler(j) ? network.spec().step() : 1;
    }

    private INDArray input(Parameters s, int j, Parameters theta) {
        if (j > 0) {
            return s.get(j - 1);
        }
        INDArray u = batch.inputs();
        return u.dataType() == theta.dataType() ? u : u.castTo(theta.dataType());
    }

    /** out_j = Phi_j(in), keeping step j's tape (in the workspace) for a pullback. */
    private Layer.Tape step(Parameters theta, int j, INDArray in, INDArray out) {
        Layer l = layer(j);
        if (euler(j)) {
            return l.forwardStep(theta, in, network.spec().step(), out, workspace);
        }
        Layer.Tape t = l.forward(theta, in, workspace);
        out.assign(t.output().reshape('c', out.shape()));
        return t;
    }

    /** images_j = Phi_j(s_{j-1}) for every j, with the steps' tapes. */
    private Layer.Tape[] images(Parameters theta, Parameters s, Parameters images) {
        Layer.Tape[] tapes = new Layer.Tape[last + 1];
        for (int j = 0; j <= last; j++) {
            tapes[j] = step(theta, j, input(s, j, theta), images.get(j));
        }
        return tapes;
    }

    /** w (s - Phi(s)) = w r, the multiplier-like residuals, with the tapes of the images. */
    private Layer.Tape[] weightedResiduals(Parameters theta, Parameters s, Parameters out) {
        Layer.Tape[] tapes = images(theta, s, out);
        out.flat().rsubi(s.flat()).muli(weight);
        return tapes;
    }

    /** (dPhi_j/dy_{j-1})^T v through step j's tape (j >= 1); a scratch gradient takes the parameter part. */
    private INDArray pullState(Parameters theta, int j, Layer.Tape tape, INDArray v, Parameters scratch) {
        Layer l = layer(j);
        INDArray back = l.backward(theta, tape, v, scratch, 0, true, workspace);
        if (euler(j)) {
            return back.muli(network.spec().step()).addi(v);
        }
        return back;
    }

    // ---- the energy form ----

    @Override
    public VectorSpace<Parameters> stateSpace() {
        return ParameterSpace.INSTANCE;
    }

    @Override
    public Parameters freeState(Parameters theta) {
        Parameters s = Parameters.zeros(states, theta.dataType());
        forward(theta, s);
        return s;
    }

    /** The forward pass y_j = Phi_j(y_{j-1}) into s, keeping every step's tape. */
    private Layer.Tape[] forward(Parameters theta, Parameters s) {
        Layer.Tape[] tapes = new Layer.Tape[last + 1];
        for (int j = 0; j <= last; j++) {
            tapes[j] = step(theta, j, input(s, j, theta), s.get(j));
        }
        return tapes;
    }

    /**
     * The forward pass and the adjoint through it: lambda_j = dC/dy_j, the covector on each step's
     * output (what per-sample statistics of a layer need, with the step's tape).
     */
    record Sweep(Parameters states, Layer.Tape[] tapes, Parameters adjoint) {
    }

    Sweep adjointSweep(Parameters theta) {
        Parameters s = Parameters.zeros(states, theta.dataType());
        Layer.Tape[] tapes = forward(theta, s);
        Parameters lambda = Parameters.zeros(states, theta.dataType());
        adjoint(theta, tapes, s, lambda, Parameters.zeros(theta.layout(), theta.dataType()));
        return new Sweep(s, tapes, lambda);
    }

    @Override
    public double innerEnergy(Parameters theta, Parameters s) {
        Parameters r = Parameters.zeros(states, theta.dataType());
        weightedResiduals(theta, s, r);
        return 0.5 / weight * ParameterSpace.INSTANCE.dot(r, r);
    }

    /** dF/dy_j = w r_j - (dPhi_{j+1}/dy_j)^T w r_{j+1}. */
    @Override
    public Parameters innerEnergyStateGradient(Parameters theta, Parameters s) {
        Parameters wr = Parameters.zeros(states, theta.dataType());
        Layer.Tape[] tapes = weightedResiduals(theta, s, wr);
        Parameters g = wr.copy();
        Parameters scratch = Parameters.zeros(theta.layout(), theta.dataType());
        for (int j = 1; j <= last; j++) {
            INDArray v = pullState(theta, j, tapes[j], wr.get(j), scratch);
            g.get(j - 1).subi(v.reshape('c', g.get(j - 1).shape()));
        }
        return g;
    }

    /** dF/dtheta = -sum_j (dPhi_j/dtheta)^T w r_j. */
    @Override
    public Parameters innerEnergyControlGradient(Parameters theta, Parameters s) {
        Parameters wr = Parameters.zeros(states, theta.dataType());
        Layer.Tape[] tapes = weightedResiduals(theta, s, wr);
        Parameters grad = Parameters.zeros(theta.layout(), theta.dataType());
        for (int j = 0; j <= last; j++) {
            layer(j).backward(theta, tapes[j], wr.get(j), grad, -scale(j), false, workspace);
        }
        return grad;
    }

    /**
     * C reads the logits alone: the mean cross-entropy. The probabilities are scratch in a slot of
     * the class, not of this form: the trainer makes a form per mini-batch on one workspace.
     */
    @Override
    public double cost(Parameters theta, Parameters s) {
        INDArray z = s.get(last);
        INDArray p = workspace.get(ResidualEnergyForm.class, "probabilities", z.dataType(), z.shape());
        return Kernels.softmaxCrossEntropy(z, batch.labels(), p);
    }

    @Override
    public Parameters costGradient(Parameters theta, Parameters s) {
        Parameters g = Parameters.zeros(states, s.dataType());
        costGradient(s, g.get(last));
        return g;
    }

    /** dC/dz = (softmax(z) - onehot) / B into out. */
    private void costGradient(Parameters s, INDArray out) {
        INDArray z = s.get(last);
        INDArray p = workspace.get(ResidualEnergyForm.class, "probabilities", z.dataType(), z.shape());
        Kernels.softmaxCrossEntropy(z, batch.labels(), p);
        Kernels.crossEntropyPullback(p, batch.labels(), 1.0 / batch.size(), out);
    }

    @Override
    public double regularization(Parameters theta) {
        return network.regularization(theta, weightDecay);
    }

    @Override
    public Parameters regularizationGradient(Parameters theta) {
        Parameters g = Parameters.zeros(theta.layout(), theta.dataType());
        WeightDecay.addGradient(theta, weightDecay, g);
        return g;
    }

    /**
     * argmin_s F + b C by sweeps, exact for a chain. Stationarity of F + b C reads
     * w r_M = -b dC/dz and w r_j = (dPhi_{j+1}/dy_j)^T w r_{j+1}, that is w r_j = -b lambda_j with
     * lambda the adjoint of the chain at s (lambda_M = dC/dz, lambda_j = (dPhi_{j+1}/dy_j)^T lambda_{j+1}).
     * Each sweep takes lambda at the current states (backward), then y_j = Phi_j(y_{j-1}) - (b/w) lambda_j
     * (forward). The fixed point is the stationary point; lambda depends on s only through the
     * curvature, so each sweep shrinks the error by a factor O(b) and a few sweeps reach round-off.
     * Stops when the largest change of a sweep is below tolerance times the largest state value, or
     * when a sweep no longer shrinks the change (by {@link #STALL}): the map has reached round-off,
     * or, in a ReLU network, a unit whose pre-activation the nudge moves across zero makes it
     * alternate between the two sides of the kink, and more sweeps change nothing but that unit.
     */
    @Override
    public Parameters relax(Parameters theta, Parameters start, double b, int maxIterations, double tolerance) {
        Parameters s = start.copy();
        if (b == 0) {
            // the free equilibrium is the forward pass: one sweep without a nudge
            forward(theta, s);
            lastSweeps = 1;
            return s;
        }
        Parameters lambda = Parameters.zeros(states, theta.dataType());
        Parameters scratch = Parameters.zeros(theta.layout(), theta.dataType());
        Parameters previous = Parameters.zeros(states, theta.dataType());
        Layer.Tape[] tapes = images(theta, s, previous);
        double push = -b / weight;
        lastSweeps = 0;
        double lastChange = Double.POSITIVE_INFINITY;
        for (int it = 0; it < maxIterations; it++) {
            adjoint(theta, tapes, s, lambda, scratch);
            previous.flat().assign(s.flat());
            for (int j = 0; j <= last; j++) {
                INDArray y = s.get(j);
                tapes[j] = step(theta, j, input(s, j, theta), y);
                Nd4j.getBlasWrapper().level1().axpy(y.length(), push, lambda.get(j), y);
            }
            lastSweeps++;
            double[] change = maxChange(previous.flat(), s.flat());
            if (change[0] <= tolerance * Math.max(change[1], Double.MIN_NORMAL) || change[0] > STALL * lastChange) {
                break;
            }
            lastChange = change[0];
        }
        return s;
    }

    /**
     * {max |b - a|, max |b|} in one pass on the Java side (ND4J's own reductions cost milliseconds
     * each on a busy machine, more than a sweep of a small network).
     */
    private static double[] maxChange(INDArray a, INDArray b) {
        Flat fa = Flat.of(a);
        Flat fb = Flat.of(b);
        int n = fa.length();
        int chunk = 8192;
        double[] x = new double[Math.min(chunk, n)];
        double[] y = new double[x.length];
        float[] scratch = new float[x.length];
        double change = 0;
        double size = 0;
        for (int o = 0; o < n; o += chunk) {
            int m = Math.min(chunk, n - o);
            fa.read(o, x, m, scratch);
            fb.read(o, y, m, scratch);
            for (int i = 0; i < m; i++) {
                change = Math.max(change, Math.abs(y[i] - x[i]));
                size = Math.max(size, Math.abs(y[i]));
            }
        }
        return new double[] {change, size};
    }

    /** lambda_M = dC/dz(s), lambda_j = (dPhi_{j+1}/dy_j)^T lambda_{j+1}, through the tapes at s. */
    private void adjoint(Parameters theta, Layer.Tape[] tapes, Parameters s, Parameters lambda, Parameters scratch) {
        costGradient(s, lambda.get(last));
        for (int j = last; j >= 1; j--) {
            INDArray below = lambda.get(j - 1);
            if (euler(j)) {
                // in place: lambda_{j-1} = lambda_j + h (df/dx)^T lambda_j (the adjoint sweep's step)
                below.assign(lambda.get(j));
                layer(j).backwardStep(theta, tapes[j], below, scratch, network.spec().step(), workspace);
            } else {
                below.assign(pullState(theta, j, tapes[j], lambda.get(j), scratch).reshape('c', below.shape()));
            }
        }
    }
}
