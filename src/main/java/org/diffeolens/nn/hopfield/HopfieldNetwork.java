package org.diffeolens.nn.hopfield;

import java.util.SplittableRandom;
import org.diffeolens.flow.GradientEstimator;
import org.diffeolens.nn.Classifier;
import org.diffeolens.nn.GradientSettings;
import org.diffeolens.nn.ParameterLayout;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.Score;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scellier and Bengio's layered Hopfield-style network (Equilibrium Propagation, 2017) as a
 * {@link Classifier}: the architecture of a {@link HopfieldSpec}, its parameter layout, seeded
 * initial weights, and its flow on a mini-batch ({@link HopfieldFlow}), which the trainer steps
 * with either gradient estimator, equilibrium propagation or the adjoint of the equilibrium. The
 * prediction is the argmax of the output layer at the free equilibrium. Keeps a
 * {@link RelaxationLog} of every relaxation its flows run.
 */
public final class HopfieldNetwork implements Classifier {

    private final HopfieldSpec spec;
    private final ParameterLayout layout;
    private final RelaxationLog log = new RelaxationLog();

    public HopfieldNetwork(HopfieldSpec spec) {
        this.spec = spec;
        this.layout = spec.layout();
    }

    public HopfieldSpec spec() {
        return spec;
    }

    @Override
    public HopfieldSpec architecture() {
        return spec;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    public RelaxationLog log() {
        return log;
    }

    /**
     * Couplings W_k ~ U(-a, a) with a = sqrt(3 / n_k) / 2, zero biases: from inputs of unit second
     * moment (standardized pixels) the net inputs spread with standard deviation 1/2, the width of
     * rho's active range around its centre 1/2. (Scellier and Bengio's Glorot-uniform bound
     * sqrt(6 / (n_k + n_{k+1})) spreads them with deviation 1.2 on standardized 784-pixel inputs
     * and saturates most first-layer units: on 10,000 Fashion-MNIST images, 784-256-10, it gave 63 %
     * test accuracy after one epoch and 80 % after three, against 82 % and 85 % with this bound.)
     */
    @Override
    public Parameters initialize(long seed, DataType type) {
        double[] v = new double[(int) layout.length()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 0; k < spec.freeLayers(); k++) {
            ParameterLayout.Entry e = layout.entry(layout.indexOf("W" + k));
            double a = 0.5 * Math.sqrt(3.0 / spec.units(k));
            for (long i = e.offset(); i < e.offset() + e.length(); i++) {
                v[(int) i] = a * (2 * random.nextDouble() - 1);
            }
        }
        return new Parameters(layout, Nd4j.createFromArray(v).castTo(type));
    }

    /** The flow on one mini-batch; it keeps its own buffers, so the workspace is not used. */
    @Override
    public HopfieldFlow on(Batch batch, double weightDecay, Workspace workspace) {
        return new HopfieldFlow(this, batch, weightDecay);
    }

    /** Mean cost 1/2 ||y - t||^2 and accuracy of argmax y at the free equilibria. */
    @Override
    public Score score(Parameters w, Dataset data, int batchSize, Workspace workspace) {
        return Score.of(data, batchSize, w.dataType(), b -> {
            HopfieldFlow flow = on(b, 0, workspace);
            Equilibrium e = flow.forward(w);
            return new Score.Prediction(flow.cost(e.state()), e.outputs().argMax(1).toIntVector());
        });
    }

    /** Nudging strength of equilibrium propagation when none is given (the cost is 1/2 ||y - t||^2, not per sample). */
    public static final double DEFAULT_BETA = 0.01;

    /**
     * The estimator the settings name; equilibrium propagation relaxes with this network's own sweep
     * budget and tolerance, and nudged both ways needs beta &lt; 1: at -beta the output's energy
     * G(y) - beta/2 ||y - t||^2 must stay convex.
     */
    @Override
    public GradientEstimator<Parameters> estimator(GradientSettings settings) {
        if (settings.estimator() == GradientSettings.Estimator.EP && settings.symmetric() && settings.beta() >= 1) {
            throw new IllegalArgumentException("beta must be < 1 when nudging both ways (the output's energy at -beta "
                    + "must stay convex), got " + settings.beta());
        }
        return settings.newEstimator(spec.relaxationIterations(), spec.relaxationTolerance());
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder(spec.toString()).append('\n');
        s.append("  input x: ").append(spec.units(0)).append(" units, clamped\n");
        for (int k = 1; k <= spec.freeLayers(); k++) {
            s.append("  ").append(k < spec.freeLayers() ? "hidden h" + k : "output y").append(": ")
                    .append(spec.units(k)).append(" units, rho ").append(spec.rho().cliName())
                    .append(", coupled to layer ").append(k - 1).append(" by W").append(k - 1).append('\n');
        }
        s.append("  energy F = sum G(s) - sum s_k W_k s_{k+1} - sum b.s, cost 1/2 ||y - t||^2\n");
        s.append("  ").append(layout.length()).append(" parameters");
        return s.toString();
    }
}
