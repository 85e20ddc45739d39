package org.diffeolens.nn.hopfield;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.EnergyForm;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.nn.ParameterLayout;
import org.diffeolens.nn.ParameterSpace;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.WeightDecay;
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
    private final ParameterLayout stateLayout;
    private final Layers layers;

    HopfieldFlow(HopfieldNetwork network, Batch batch, double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        this.network = network;
        this.spec = network.spec();
        this.batch = batch;
        this.size = batch.size();
        this.top = spec.freeLayers();
        this.weightDecay = weightDecay;
        ParameterLayout.Builder b = new ParameterLayout.Builder();
        for (int k = 1; k <= top; k++) {
            b.add("s" + k, false, size, spec.units(k));
        }
        this.stateLayout = b.build();
        this.layers = new Layers(spec, batch);
    }

    public Batch batch() {
        return batch;
    }

    /** Layer k = 1..L+1 of a state. */
    public static INDArray layer(Parameters state, int k) {
        return Layers.layer(state, k);
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
        Rho rho = spec.rho();
        double[] t = layers.targets();
        double[] u = layers.buffer(w.dataType(), 0);
        double[] v = layers.buffer(w.dataType(), 1);
        double change = Double.POSITIVE_INFINITY;
        int sweep = 0;
        while (sweep < maxSweeps && !(change <= tolerance)) {
            sweep++;
            change = 0;
            for (int first = 1; first >= 0; first--) {
                for (int k = 2 - first; k <= top; k += 2) {
                    INDArray sk = layer(s, k);
                    layers.netInput(w, s, k, u);
                    layers.load(sk, v);
                    int n = size * spec.units(k);
                    boolean output = k == top;
                    for (int i = 0; i < n; i++) {
                        double next = output ? rho.nudged(u[i], b, t[i]) : rho.apply(u[i]);
                        change = Math.max(change, Math.abs(next - v[i]));
                        v[i] = next;
                    }
                    layers.store(v, sk);
                }
            }
        }
        return new Sweeps(sweep, change, change <= tolerance);
    }

    /** The feed-forward pass s_k = rho(s_{k-1} W_{k-1} + b_k), ignoring the pull from above: a start. */
    @Override
    public Parameters freeState(Parameters w) {
        Parameters s = Parameters.zeros(stateLayout, w.dataType());
        double[] u = layers.buffer(w.dataType(), 0);
        for (int k = 1; k <= top; k++) {
            layers.bottomUp(w, s, k, u);
            int n = size * spec.units(k);
            for (int i = 0; i < n; i++) {
                u[i] = spec.rho().apply(u[i]);
            }
            layers.store(u, layer(s, k));
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
            INDArray lower = k == 0 ? layers.inputs(w.dataType()) : layer(s, k);
            Nd4j.gemm(lower, layer(nu, k + 1), Layers.weight(g, k), true, false, 1.0, 0.0);
            if (k > 0) {
                Nd4j.gemm(layer(nu, k), layer(s, k + 1), Layers.weight(g, k), true, false, 1.0, 1.0);
            }
            layers.sumRows(layer(nu, k + 1), 1.0, Layers.bias(g, k + 1));
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
        double[][] slope = new double[top + 1][];
        for (int k = 1; k <= top; k++) {
            slope[k] = layers.load(layer(s, k), new double[size * spec.units(k)]);
            for (int i = 0; i < slope[k].length; i++) {
                slope[k][i] = spec.rho().slope(slope[k][i]);
            }
        }
        double[] cost = outputResidual(s);
        double[] u = layers.buffer(type, 0);
        double[] v = layers.buffer(type, 1);
        double change = Double.POSITIVE_INFINITY;
        double scale = 0;
        int sweep = 0;
        while (sweep < maxSweeps && !(change <= tolerance * scale)) {
            sweep++;
            change = 0;
            scale = 0;
            for (int first = 1; first >= 0; first--) {
                for (int k = 2 - first; k <= top; k += 2) {
                    INDArray nk = layer(nu, k);
                    layers.coupling(w, nu, k, u);
                    layers.load(nk, v);
                    double[] d = slope[k];
                    boolean output = k == top;
                    for (int i = 0; i < d.length; i++) {
                        double next = d[i] * (output ? cost[i] + u[i] : u[i]);
                        change = Math.max(change, Math.abs(next - v[i]));
                        scale = Math.max(scale, Math.abs(next));
                        v[i] = next;
                    }
                    layers.store(v, nk);
                }
            }
        }
        // the adjoint's move is logged relative to its size, as its tolerance is
        double relative = scale == 0 ? 0 : change / scale;
        network.log().record(RelaxationLog.Phase.ADJOINT, new Sweeps(sweep, relative, change <= tolerance * scale));
        return nu;
    }

    /** dC/dy = (y - t) / B, [B, classes]. */
    private double[] outputResidual(Parameters s) {
        double[] t = layers.targets();
        double[] r = layers.load(layer(s, top), new double[t.length]);
        for (int i = 0; i < r.length; i++) {
            r[i] = (r[i] - t[i]) / size;
        }
        return r;
    }

    @Override
    public VectorSpace<Parameters> stateSpace() {
        return ParameterSpace.INSTANCE;
    }

    @Override
    public double innerEnergy(Parameters w, Parameters s) {
        double total = 0;
        double[] u = layers.buffer(w.dataType(), 0);
        double[] v = layers.buffer(w.dataType(), 1);
        for (int k = 1; k <= top; k++) {
            layers.bottomUp(w, s, k, u);
            layers.load(layer(s, k), v);
            for (int i = 0; i < size * spec.units(k); i++) {
                total += spec.rho().primitive(v[i]) - v[i] * u[i];
            }
        }
        return total / size;
    }

    /** dF/ds (on the faces of the hard sigmoid's box the least-norm subgradient, see {@link Rho#stationarity}). */
    @Override
    public Parameters innerEnergyStateGradient(Parameters w, Parameters s) {
        Parameters g = Parameters.zeros(stateLayout, w.dataType());
        double[] u = layers.buffer(w.dataType(), 0);
        double[] v = layers.buffer(w.dataType(), 1);
        for (int k = 1; k <= top; k++) {
            layers.netInput(w, s, k, u);
            layers.load(layer(s, k), v);
            for (int i = 0; i < size * spec.units(k); i++) {
                v[i] = spec.rho().stationarity(v[i], u[i]) / size;
            }
            layers.store(v, layer(g, k));
        }
        return g;
    }

    @Override
    public Parameters innerEnergyControlGradient(Parameters w, Parameters s) {
        Parameters g = Parameters.zeros(w.layout(), w.dataType());
        double a = -1.0 / size;
        for (int k = 0; k < top; k++) {
            INDArray lower = k == 0 ? layers.inputs(w.dataType()) : layer(s, k);
            Nd4j.gemm(lower, layer(s, k + 1), Layers.weight(g, k), true, false, a, 0.0);
            layers.sumRows(layer(s, k + 1), a, Layers.bias(g, k + 1));
        }
        return g;
    }

    /** C(s) = 1/(2B) sum ||y - t||^2. */
    public double cost(Parameters s) {
        double[] r = outputResidual(s);
        double sum = 0;
        for (double d : r) {
            sum += d * d;
        }
        // r = (y - t) / B: 1/(2B) sum (y - t)^2 = B/2 sum r^2
        return 0.5 * size * sum;
    }

    /** dC/ds: (y - t) / B on the output layer, zero elsewhere. */
    public Parameters costGradient(Parameters s) {
        Parameters g = Parameters.zeros(stateLayout, s.dataType());
        layers.store(outputResidual(s), layer(g, top));
        return g;
    }

    // The cost reads the state alone. EnergyForm asks for C(s) and dC/ds here; where it asks for
    // C(theta, s) and dC/ds(theta, s) (a running cost may read the control) these answer, so the
    // class fits either form of the interface (neither pair carries @Override for that reason).

    /** C(theta, s) = C(s). */
    public double cost(Parameters control, Parameters s) {
        return cost(s);
    }

    /** dC/ds at (theta, s) = dC/ds(s). */
    public Parameters costGradient(Parameters control, Parameters s) {
        return costGradient(s);
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
