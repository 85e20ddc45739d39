package org.diffeolens.lens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.flow.Iteration;
import org.diffeolens.flow.MinimizerListener;
import org.diffeolens.nn.ParameterSpace;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.Classifier;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.TrainingListener;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The path of a network's weights during training, recorded step by step by the Minimizer's
 * listener hook: path length, path energy (sum of squared step lengths, unit time per step) and
 * distance from the initial weights, under the Euclidean metric on the coefficients and optionally
 * under the Fisher metric of the predictive distribution (on a fixed probe of training samples, at
 * the current weights: about one forward and one tangent sweep of the probe per step). The trainer
 * writes it into the run's summary.json; the lens plots it.
 */
public final class TrainingTrajectory implements MinimizerListener<Parameters>, TrainingListener {

    /** The metrics a training path can be measured in. */
    public enum Metric {
        EUCLIDEAN, FISHER;

        public static Metric parse(String s) {
            for (Metric m : values()) {
                if (m.name().equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("trajectory metric must be euclidean or fisher, got '" + s + "'");
        }
    }

    /** Training samples of the Fisher metric's probe (a seeded draw). */
    public static final int PROBE_SAMPLES = 128;

    private final List<String> names = new ArrayList<>();
    private final List<TrajectoryRecorder<Parameters>> recorders = new ArrayList<>();
    private Plan plan;

    /** Euclidean always; with {@link Metric#FISHER} also the true Fisher metric on a probe of the training set. */
    public TrainingTrajectory(Classifier classifier, Dataset train, Metric metric, Parallel parallel) {
        names.add("euclidean");
        recorders.add(new TrajectoryRecorder<>(ParameterSpace.INSTANCE, ControlNorm.euclidean(ParameterSpace.INSTANCE)));
        if (metric == Metric.FISHER) {
            if (!(classifier instanceof ResidualNetwork network)) {
                throw new IllegalArgumentException("the fisher trajectory needs a residual network (conv or dense), not a "
                        + classifier.architecture().family() + " network");
            }
            Dataset probe = probe(train, PROBE_SAMPLES, 0);
            // the operator's base point is a placeholder: the recorder measures each step at the current weights
            NetworkFisher fisher = new NetworkFisher(network, network.initialize(0, DataType.DOUBLE), probe,
                    NetworkFisher.Kind.TRUE, PROBE_SAMPLES, parallel);
            names.add("fisher");
            recorders.add(new TrajectoryRecorder<>(ParameterSpace.INSTANCE, new FisherNorm(fisher)));
        }
    }

    /** n samples of a data set in a seeded random order (all of them when n >= its size). */
    public static Dataset probe(Dataset data, int n, long seed) {
        if (n >= data.size()) {
            return data;
        }
        int[] order = Dataset.permutation(data.size(), new SplittableRandom(seed));
        return data.select(java.util.Arrays.copyOf(order, n));
    }

    @Override
    public void onStart(Plan plan) {
        this.plan = plan;
    }

    @Override
    public void onIteration(Iteration<Parameters> iteration) {
        for (TrajectoryRecorder<Parameters> r : recorders) {
            r.onIteration(iteration);
        }
    }

    /** One curve per metric, x in training steps of this run. */
    public List<TrajectoryCurve> curves() {
        List<TrajectoryCurve> c = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            c.add(TrajectoryCurve.of(names.get(i), recorders.get(i)));
        }
        return c;
    }

    /** The "trajectory" section of summary.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metrics", List.copyOf(names));
        if (plan != null) {
            m.put("start", plan.firstEpoch() == 0 ? "initial weights" : String.format(Locale.ROOT,
                    "the checkpoint after epoch %d (resumed)", plan.firstEpoch()));
            m.put("firstEpoch", plan.firstEpoch());
            m.put("stepsPerEpoch", plan.stepsPerEpoch());
        }
        if (names.contains("fisher")) {
            m.put("fisherProbeSamples", PROBE_SAMPLES);
        }
        for (TrajectoryCurve c : curves()) {
            m.put(c.name(), c.toMap());
        }
        return m;
    }
}
