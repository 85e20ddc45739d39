package org.diffeolens.nn.hopfield;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.EnergyForm;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.nn.Flat;
import org.diffeolens.nn.ParameterLayout;
import org.diffeolens.nn.ParameterSpace;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.WeightDecay;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layered Hopfield network on one mini-batch, in both of the shared interface's shapes.
 * <p>
 * As an {@link EnergyForm} (for {@code EquilibriumPropagation}), with s = (h_1..h_L, y) the free
 * layers of every sample (a {@link Parameters} of the state layout "s1".."s{L+1}", so
 * {@link ParameterSpace} is the state's vector space), x = s_0 clamped and t the one-hot target:
 * <pre>
 *   F(theta, s) = 1/B sum_samples [ sum_k sum_i G(s_k,i) - sum_{k=0..L} s_k W_k s_{k+1} - sum_{k=1..L+1} b_k . s_k ]
 *   C(s)        = 1/B sum_samples 1/2 ||y - t||^2
 *   dF/dW_k = -1/B s_k^T s_{k+1},   dF/db_k = -1/B sum_rows s_k
 * </pre>
 * with G the unit energy of {@link Rho}. Relaxation is block Gauss-Seidel: odd layers, then even
 * ones (no layer is coupled to itself or its parity), each set to its exact minimizer given its
 * neighbours, s_k = rho(u_k) with u_k = s_{k-1} W_{k-1} + s_{k+1} W_k^T + b_k, the output nudged
 * to y = rho(u - b (y - t)). F + b C never rises; a relaxation stops when no unit moved by more
 * than the tolerance in a sweep.
 * <p>
 * As a {@link ControlledFlow} (for the {@code Adjoint} estimator): the forward pass is the free
 * relaxation, the energy E_reg + C(s*), and the gradient the adjoint of the equilibrium (implicit
 * differentiation, Almeida-Pineda recurrent backprop): with H = diag(G''(s)) - A the Hessian of one
 * sample's energy (A the couplings), D = diag(rho'(u)) = diag(1/G''(s)) and dC/ds = (y - t) / B,
 * <pre>
 *   H nu = dC/ds   solved by the same Gauss-Seidel sweeps: nu_k = D_k (dC/ds_k + nu_{k-1} W_{k-1} + nu_{k+1} W_k^T)
 *   dC/dW_k = s_k^T nu_{k+1} + nu_k^T s_{k+1}   (nu_0 = 0),   dC/db_k = sum_rows nu_k
 * </pre>
 * which is the exact derivative of C(s*(theta)) that EP's nudged difference quotient estimates
 * (d s_beta / d beta = -B nu at beta = 0). H is positive definite at a strict minimum, so the sweeps
 * converge (Gauss-Seidel on a symmetric positive definite system). For the hard sigmoid a unit on
 * a face of the box has rho' = 0: pinned, it carries no adjoint.
 */
public final class HopfieldFlow implements ControlledFlow<Parameters, Equilibrium>, EnergyForm<Parameters, Parameters> {

    private final HopfieldNetwork network;
    private final HopfieldSpec spec;
    private final Batch batch;
    private final int size;
    private final int top;
    private final double weightDecay;
    private final Workspace workspace;
    private final ParameterLayout stateLayout;
    private INDArray inputs;
    private INDArray targets;
    private INDArray drive;
    private INDArray driveW0;
    private INDArray driveB1;

    HopfieldFlow(HopfieldNetwork network, Batch batch, double weightDecay, Workspace workspace) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        this.network = network;
        this.spec = network.spec();
        this.batch = batch;
        this.size = batch.size();
        this.top = spec.freeLayers();
        this.weightDecay = weightDecay;
        this.workspace = workspace;
        ParameterLayout.Builder b = new ParameterLayout.Builder();
        for (int k = 1; k <= top; k++) {
            b.add("s" + k, false, size, spec.units(k));
        }
        this.stateLayout = b.build();
    }

    public Batch batch() {
        return batch;
    }

    /** Layer k = 1..L+1 of a state. */
    public static INDArray layer(Parameters state, int k) {
        return state.get(k - 1);
    }

    private static INDArray weight(Parameters w, int k) {
        return w.get(2 * k);
    }

    private static INDArray bias(Parameters w, int k) {
        return w.get(2 * k - 1);
    }

    /** The clamped inputs x [B, n_0] in the control's type. */
    private INDArray inputs(DataType type) {
        if (inputs == null || inputs.dataType() != type) {
            INDArray x = batch.inputs().reshape('c', size, spec.units(0));
            inputs = x.dataType() == type ? x : x.castTo(type);
        }
        return inputs;
    }

    /** One-hot targets t [B, classes]. */
    private INDArray targets(DataType type) {
        if (targets == null || targets.dataType() != type) {
            targets = Nd4j.zeros(type, size, spec.classes());
            Flat t = Flat.of(targets);
            int[] labels = batch.labels();
            for (int i = 0; i < size; i++) {
                t.set(i * spec.classes() + labels[i], 1);
            }
        }
        return targets;
    }

    /**
     * x W_0 + b_1, the clamped input's constant pull on the first layer: the one large product of a
     * relaxation, kept while W_0 and b_1 hold exactly the same coefficients.
     */
    private INDArray drive(Parameters w) {
        INDArray w0 = weight(w, 0);
        INDArray b1 = bias(w, 1);
        if (drive != null && sameCoefficients(driveW0, w0) && sameCoefficients(driveB1, b1)) {
            return drive;
        }
        drive = Nd4j.create(w.dataType(), size, spec.units(1));
        Nd4j.gemm(inputs(w.dataType()), w0, drive, false, false, 1.0, 0.0);
        addRows(drive, b1);
        driveW0 = w0.dup();
        driveB1 = b1.dup();
        return drive;
    }

    /** m [rows, n] += v [n] on every row (one pass; ND4J's broadcast costs milliseconds on small arrays). */
    private static void addRows(INDArray m, INDArray v) {
        Flat mf = Flat.of(m);
        Flat vf = Flat.of(v);
        int n = vf.length();
        for (int r = 0; r < mf.length(); r += n) {
            for (int j = 0; j < n; j++) {
                mf.set(r + j, mf.get(r + j) + vf.get(j));
            }
        }
    }

    /** out [n] = scale * sum over the rows of m [rows, n]. */
    private static void sumRows(INDArray m, double scale, INDArray out) {
        Flat mf = Flat.of(m);
        Flat of = Flat.of(out);
        int n = of.length();
        double[] sum = new double[n];
        for (int r = 0; r < mf.length(); r += n) {
            for (int j = 0; j < n; j++) {
                sum[j] += mf.get(r + j);
            }
        }
        for (int j = 0; j < n; j++) {
            of.set(j, scale * sum[j]);
        }
    }

    private static boolean sameCoefficients(INDArray kept, INDArray now) {
        if (kept.dataType() != now.dataType() || kept.length() != now.length()) {
            return false;
        }
        Flat a = Flat.of(kept);
        Flat b = Flat.of(now);
        int n = a.length();
        for (int i = 0; i < n; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private INDArray scratch(String slot, int k, DataType type) {
        return workspace.get(network, slot + k, type, size, spec.units(k));
    }

    /** out = s_{k-1} W_{k-1} + b_k (x W_0 + b_1 for k = 1): the pull from below. */
    private void bottomUp(Parameters w, Parameters s, int k, INDArray out) {
        if (k == 1) {
            out.assign(drive(w));
        } else {
            Nd4j.gemm(layer(s, k - 1), weight(w, k - 1), out, false, false, 1.0, 0.0);
            addRows(out, bias(w, k));
        }
    }

    /** u_k = s_{k-1} W_{k-1} + s_{k+1} W_k^T + b_k, the net input of layer k. */
    void netInput(Parameters w, Parameters s, int k, INDArray out) {
        bottomUp(w, s, k, out);
        if (k < top) {
            Nd4j.gemm(layer(s, k + 1), weight(w, k), out, false, true, 1.0, 1.0);
        }
    }

    /** out = (A v)_k = v_{k-1} W_{k-1} + v_{k+1} W_k^T (v_0 = 0): the couplings without input or bias. */
    private void coupling(Parameters w, Parameters v, int k, INDArray out) {
        boolean below = k > 1;
        if (below) {
            Nd4j.gemm(layer(v, k - 1), weight(w, k - 1), out, false, false, 1.0, 0.0);
        }
        if (k < top) {
            Nd4j.gemm(layer(v, k + 1), weight(w, k), out, false, true, 1.0, below ? 1.0 : 0.0);
        }
    }

    /** A relaxation's outcome: sweeps taken and the largest move of a unit in the last one. */
    public record Sweeps(int sweeps, double change, boolean converged) {
    }

    /** Relaxes s in place to argmin F + b C by block Gauss-Seidel sweeps (see the class comment). */
    Sweeps relaxInPlace(Parameters w, Parameters s, double b, int maxSweeps, double tolerance) {
        if (!(b > -1) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("nudging must be finite and > -1 (the output's energy stays convex), got "
                    + b);
        }
        DataType type = w.dataType();
        Flat t = Flat.of(targets(type));
        Rho rho = spec.rho();
        double change = Double.POSITIVE_INFINITY;
        int sweep = 0;
        while (sweep < maxSweeps && !(change <= tolerance)) {
            sweep++;
            change = 0;
            for (int first = 1; first >= 0; first--) {
                for (int k = 2 - first; k <= top; k += 2) {
                    INDArray u = scratch("u", k, type);
                    netInput(w, s, k, u);
                    Flat uf = Flat.of(u);
                    Flat sf = Flat.of(layer(s, k));
                    int n = sf.length();
                    boolean output = k == top;
                    for (int i = 0; i < n; i++) {
                        double v = output ? rho.nudged(uf.get(i), b, t.get(i)) : rho.apply(uf.get(i));
                        change = Math.max(change, Math.abs(v - sf.get(i)));
                        sf.set(i, v);
                    }
                }
            }
        }
        return new Sweeps(sweep, change, change <= tolerance);
    }

    /** The feed-forward pass s_k = rho(s_{k-1} W_{k-1} + b_k), ignoring the pull from above: a start. */
    @Override
    public Parameters freeState(Parameters w) {
        Parameters s = Parameters.zeros(stateLayout, w.dataType());
        for (int k = 1; k <= top; k++) {
            INDArray u = scratch("u", k, w.dataType());
            bottomUp(w, s, k, u);
            Flat uf = Flat.of(u);
            Flat sf = Flat.of(layer(s, k));
            for (int i = 0; i < sf.length(); i++) {
                sf.set(i, spec.rho().apply(uf.get(i)));
            }
        }
        return s;
    }

    @Override
    public Parameters relax(Parameters w, Parameters start, double b, int maxIterations, double tolerance) {
        requireLayout(w);
        Parameters s = start.copy();
        Sweeps r = relaxInPlace(w, s, b, maxIterations, tolerance);
        network.log().record(b == 0 ? RelaxationLog.Phase.FREE : RelaxationLog.Phase.NUDGED, r);
        return s;
    }

    /** The free relaxation from the feed-forward pass, with the spec's budget. */
    @Override
    public Equilibrium forward(Parameters w) {
        requireLayout(w);
        Parameters s = freeState(w);
        Sweeps r = relaxInPlace(w, s, 0, spec.relaxationIterations(), spec.relaxationTolerance());
        network.log().record(RelaxationLog.Phase.FREE, r);
        return new Equilibrium(w, s, r);
    }

    @Override
    public Energy energy(Equilibrium e) {
        return new Energy(regularization(e.control()), cost(e.state()));
    }

    /** dE/dtheta by the adjoint of the equilibrium (implicit differentiation), plus lambda W. */
    @Override
    public Parameters gradient(Equilibrium e) {
        Parameters w = e.control();
        Parameters s = e.state();
        Parameters nu = adjointState(w, s, spec.relaxationIterations(), spec.relaxationTolerance());
        Parameters g = Parameters.zeros(w.layout(), w.dataType());
        for (int k = 0; k < top; k++) {
            INDArray lower = k == 0 ? inputs(w.dataType()) : layer(s, k);
            Nd4j.gemm(lower, layer(nu, k + 1), weight(g, k), true, false, 1.0, 0.0);
            if (k > 0) {
                Nd4j.gemm(layer(nu, k), layer(s, k + 1), weight(g, k), true, false, 1.0, 1.0);
            }
            sumRows(layer(nu, k + 1), 1.0, bias(g, k + 1));
        }
        WeightDecay.addGradient(w, weightDecay, g);
        return g;
    }

    /**
     * nu = H^{-1} dC/ds at an equilibrium s, by Gauss-Seidel sweeps stopped when no component moved
     * by more than the tolerance times the largest |nu|.
     */
    public Parameters adjointState(Parameters w, Parameters s, int maxSweeps, double tolerance) {
        DataType type = w.dataType();
        Parameters nu = Parameters.zeros(stateLayout, type);
        Parameters c = costGradient(s);
        for (int k = 1; k <= top; k++) {
            Flat sf = Flat.of(layer(s, k));
            Flat d = Flat.of(scratch("slope", k, type));
            for (int i = 0; i < sf.length(); i++) {
                d.set(i, spec.rho().slope(sf.get(i)));
            }
        }
        double change = Double.POSITIVE_INFINITY;
        double scale = 0;
        int sweep = 0;
        while (sweep < maxSweeps && !(change <= tolerance * scale)) {
            sweep++;
            change = 0;
            scale = 0;
            for (int first = 1; first >= 0; first--) {
                for (int k = 2 - first; k <= top; k += 2) {
                    INDArray u = scratch("u", k, type);
                    coupling(w, nu, k, u);
                    Flat uf = Flat.of(u);
                    Flat d = Flat.of(scratch("slope", k, type));
                    Flat cf = Flat.of(layer(c, k));
                    Flat nf = Flat.of(layer(nu, k));
                    for (int i = 0; i < nf.length(); i++) {
                        double v = d.get(i) * (cf.get(i) + uf.get(i));
                        change = Math.max(change, Math.abs(v - nf.get(i)));
                        scale = Math.max(scale, Math.abs(v));
                        nf.set(i, v);
                    }
                }
            }
        }
        // the adjoint's move is logged relative to its size, as its tolerance is
        double relative = scale == 0 ? 0 : change / scale;
        network.log().record(RelaxationLog.Phase.ADJOINT, new Sweeps(sweep, relative, change <= tolerance * scale));
        return nu;
    }

    @Override
    public VectorSpace<Parameters> stateSpace() {
        return ParameterSpace.INSTANCE;
    }

    @Override
    public double innerEnergy(Parameters w, Parameters s) {
        double total = 0;
        for (int k = 1; k <= top; k++) {
            INDArray u = scratch("u", k, w.dataType());
            bottomUp(w, s, k, u);
            Flat uf = Flat.of(u);
            Flat sf = Flat.of(layer(s, k));
            for (int i = 0; i < sf.length(); i++) {
                double v = sf.get(i);
                total += spec.rho().primitive(v) - v * uf.get(i);
            }
        }
        return total / size;
    }

    /** dF/ds (on the faces of the hard sigmoid's box the least-norm subgradient, see {@link Rho#stationarity}). */
    @Override
    public Parameters innerEnergyStateGradient(Parameters w, Parameters s) {
        Parameters g = Parameters.zeros(stateLayout, w.dataType());
        for (int k = 1; k <= top; k++) {
            INDArray u = scratch("u", k, w.dataType());
            netInput(w, s, k, u);
            Flat uf = Flat.of(u);
            Flat sf = Flat.of(layer(s, k));
            Flat gf = Flat.of(layer(g, k));
            for (int i = 0; i < sf.length(); i++) {
                gf.set(i, spec.rho().stationarity(sf.get(i), uf.get(i)) / size);
            }
        }
        return g;
    }

    @Override
    public Parameters innerEnergyControlGradient(Parameters w, Parameters s) {
        Parameters g = Parameters.zeros(w.layout(), w.dataType());
        double a = -1.0 / size;
        for (int k = 0; k < top; k++) {
            INDArray lower = k == 0 ? inputs(w.dataType()) : layer(s, k);
            Nd4j.gemm(lower, layer(s, k + 1), weight(g, k), true, false, a, 0.0);
            sumRows(layer(s, k + 1), a, bias(g, k + 1));
        }
        return g;
    }

    @Override
    public double cost(Parameters s) {
        Flat y = Flat.of(layer(s, top));
        Flat t = Flat.of(targets(s.dataType()));
        double sum = 0;
        for (int i = 0; i < y.length(); i++) {
            double d = y.get(i) - t.get(i);
            sum += d * d;
        }
        return 0.5 * sum / size;
    }

    @Override
    public Parameters costGradient(Parameters s) {
        Parameters g = Parameters.zeros(stateLayout, s.dataType());
        Flat y = Flat.of(layer(s, top));
        Flat t = Flat.of(targets(s.dataType()));
        Flat d = Flat.of(layer(g, top));
        for (int i = 0; i < y.length(); i++) {
            d.set(i, (y.get(i) - t.get(i)) / size);
        }
        return g;
    }

    @Override
    public double regularization(Parameters w) {
        return WeightDecay.energy(w, weightDecay);
    }

    @Override
    public Parameters regularizationGradient(Parameters w) {
        Parameters g = Parameters.zeros(w.layout(), w.dataType());
        WeightDecay.addGradient(w, weightDecay, g);
        return g;
    }

    @Override
    public VectorSpace<Parameters> space() {
        return ParameterSpace.INSTANCE;
    }

    private void requireLayout(Parameters w) {
        if (!w.layout().equals(network.layout())) {
            throw new IllegalArgumentException("parameters of layout " + w.layout() + " do not fit " + spec);
        }
    }
}
