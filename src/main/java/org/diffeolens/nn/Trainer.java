package org.diffeolens.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.GradientEstimator;
import org.diffeolens.flow.Iteration;
import org.diffeolens.flow.MinimizationResult;
import org.diffeolens.flow.Metric;
import org.diffeolens.flow.Minimizer;
import org.diffeolens.flow.MinimizerListener;
import org.diffeolens.flow.Optimizer;
import org.diffeolens.flow.StoppingRule;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Trains a {@link Classifier} (a residual network, a layered Hopfield network) through the
 * project's one optimization loop: a {@link Minimizer} with a {@link GradientEstimator} (the one the
 * configuration names: the {@link Adjoint} or equilibrium propagation, unless one is given), a
 * {@link Metric} (the configured one unless one is given) and an {@link Optimizer} of
 * {@code flow/}, whose k-th flow is the network on the k-th mini-batch of a seeded shuffle. The
 * trainer only schedules the batches and listens: at each epoch's end it scores the test set,
 * reports, and offers a {@link Checkpoint}. Float32 parameters.
 */
public final class Trainer {

    private final Classifier network;
    private final TrainingConfig config;
    private final Metric<Parameters> metric;
    private final GradientEstimator<Parameters> estimator;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private final List<MinimizerListener<Parameters>> minimizerListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** With the metric and the gradient estimator the configuration names (identity and adjoint by default). */
    public Trainer(Classifier network, TrainingConfig config) {
        this(network, config, config.metric().build(network));
    }

    /** With a given metric and the configured gradient estimator. */
    public Trainer(Classifier network, TrainingConfig config, Metric<Parameters> metric) {
        this(network, config, metric, network.estimator(config.gradient()));
    }

    public Trainer(Classifier network, TrainingConfig config, Metric<Parameters> metric,
                   GradientEstimator<Parameters> estimator) {
        this.network = network;
        this.config = config;
        this.metric = metric;
        this.estimator = estimator;
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Hooks straight into the Minimizer: every step's energy, step size, gradient norm and control. */
    public Trainer addMinimizerListener(MinimizerListener<Parameters> listener) {
        minimizerListeners.add(listener);
        return this;
    }

    /** Stops the run before its next step (from any thread); the result's reason is CANCELLED. */
    public void cancel() {
        cancelled.set(true);
    }

    public Classifier network() {
        return network;
    }

    public TrainingConfig config() {
        return config;
    }

    public GradientEstimator<Parameters> estimator() {
        return estimator;
    }

    /** Trains from seeded initial weights. */
    public TrainingResult fit(Dataset train, Dataset test) {
        return run(train, test, network.initialize(config.seed(), DataType.FLOAT), null, 0, List.of());
    }

    /** Continues a run from a checkpoint of the same network and configuration, to the same numbers. */
    public TrainingResult resume(Checkpoint checkpoint, Dataset train, Dataset test) {
        if (!checkpoint.spec().equals(network.architecture())) {
            throw new IllegalArgumentException("checkpoint network (" + checkpoint.spec() + ") is not this network ("
                    + network.architecture() + ")");
        }
        if (!checkpoint.config().equals(config)) {
            throw new IllegalArgumentException("checkpoint training configuration " + checkpoint.config()
                    + " differs from " + config);
        }
        return run(train, test, checkpoint.parameters().castTo(DataType.FLOAT), checkpoint, checkpoint.epoch(),
                checkpoint.history());
    }

    private TrainingResult run(Dataset train, Dataset test, Parameters initial, Checkpoint resumeFrom, int firstEpoch,
                               List<EpochRecord> earlier) {
        requireCompatible(train);
        requireCompatible(test);
        cancelled.set(false);
        int stepsPerEpoch = config.stepsPerEpoch(train.size());
        int steps = (config.epochs() - firstEpoch) * stepsPerEpoch;
        Optimizer<Parameters> optimizer = config.newOptimizer(stepsPerEpoch);
        if (resumeFrom != null) {
            optimizer.restore(resumeFrom.optimizer());
        }
        Workspace workspace = new Workspace(Parallel.of(config.threads()));
        Minimizer<Parameters> minimizer = new Minimizer<>(estimator, metric, optimizer,
                StoppingRule.iterations(steps).withCancel(cancelled::get));
        Batches batches = new Batches(train, config, firstEpoch * stepsPerEpoch);
        EpochTracker tracker = new EpochTracker(test, optimizer, workspace, stepsPerEpoch, firstEpoch, steps, earlier);
        minimizer.addListener(tracker);
        minimizerListeners.forEach(minimizer::addListener);
        for (TrainingListener l : listeners) {
            l.onStart(new TrainingListener.Plan(network.architecture(), config, firstEpoch, stepsPerEpoch,
                    network.layout().length()));
        }
        MinimizationResult<Parameters> r;
        // the threads are ours (Workspace's Parallel): ND4J's and OpenBLAS's own pools run one thread,
        // so no native thread rendezvous per call (see docs/nd4j-speed.md)
        try (NativeThreads ignored = NativeThreads.use(1)) {
            r = minimizer.minimize(k -> network.on(batches.batch(k), config.weightDecay(), workspace), initial);
        }
        TrainingResult result = new TrainingResult(r.control(), tracker.records, tracker.stepLosses(), r.reason(),
                (System.nanoTime() - tracker.runStart) / 1e9);
        for (TrainingListener l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    private void requireCompatible(Dataset d) {
        int[] s = network.inputShape();
        if (!java.util.Arrays.equals(d.sampleShape(), s) || d.classes() != network.classes()) {
            throw new IllegalArgumentException("data set " + d + " does not fit the network's input "
                    + java.util.Arrays.toString(s) + " and " + network.classes() + " classes");
        }
    }

    /** CPU time of this process (all threads) in nanoseconds, or -1 where the JVM does not tell. */
    static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : -1;
    }

    /** The k-th mini-batch of the run: global step offset + k; epoch e uses a permutation seeded by (seed, e). */
    private static final class Batches {
        private final Dataset train;
        private final TrainingConfig config;
        private final long offset;
        private final int stepsPerEpoch;
        private int cachedEpoch = -1;
        private int[] order;

        Batches(Dataset train, TrainingConfig config, long offset) {
            this.train = train;
            this.config = config;
            this.offset = offset;
            this.stepsPerEpoch = config.stepsPerEpoch(train.size());
        }

        /** The shuffle of an epoch depends on (seed, epoch) only, so a resumed run shuffles alike. */
        static SplittableRandom shuffleRandom(long seed, int epoch) {
            return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L)));
        }

        Batch batch(int k) {
            long step = offset + k;
            int epoch = (int) (step / stepsPerEpoch);
            int i = (int) (step % stepsPerEpoch);
            if (epoch != cachedEpoch) {
                order = Dataset.permutation(train.size(), shuffleRandom(config.seed(), epoch));
                cachedEpoch = epoch;
            }
            int from = i * config.batchSize();
            return train.batch(order, from, Math.min(train.size(), from + config.batchSize()), DataType.FLOAT);
        }
    }

    /** Turns the Minimizer's iterations into steps and epochs for the training listeners. */
    private final class EpochTracker implements MinimizerListener<Parameters> {
        final Dataset test;
        final Optimizer<Parameters> optimizer;
        final Workspace workspace;
        final int stepsPerEpoch;
        final int firstEpoch;
        final int steps;
        final List<EpochRecord> records;
        final double[] losses;
        final long runStart = System.nanoTime();
        long epochStart;
        long epochCpuStart;
        double epochLoss;
        double lastRate;
        int lastIndex;

        EpochTracker(Dataset test, Optimizer<Parameters> optimizer, Workspace workspace, int stepsPerEpoch,
                     int firstEpoch, int steps, List<EpochRecord> earlier) {
            this.test = test;
            this.optimizer = optimizer;
            this.workspace = workspace;
            this.stepsPerEpoch = stepsPerEpoch;
            this.firstEpoch = firstEpoch;
            this.steps = steps;
            this.records = new ArrayList<>(earlier);
            this.losses = new double[steps];
        }

        double[] stepLosses() {
            return java.util.Arrays.copyOf(losses, Math.min(steps, lastIndex));
        }

        @Override
        public void onIteration(Iteration<Parameters> it) {
            int k = it.index();
            lastIndex = k;
            if (k > 0) {
                lastRate = it.stepSize();
                int step = (k - 1) % stepsPerEpoch + 1;
                int epoch = firstEpoch + (k - 1) / stepsPerEpoch + 1;
                for (TrainingListener l : listeners) {
                    l.onStep(epoch, step, losses[k - 1], lastRate);
                }
                if (k % stepsPerEpoch == 0) {
                    endEpoch(epoch, it.control());
                }
            } else {
                epochStart = System.nanoTime();
                epochCpuStart = processCpuNanos();
            }
            if (k < steps) {
                // the energy of iteration k is the loss of batch k at the control the k-th step starts from
                losses[k] = it.energy().data();
                epochLoss += losses[k];
            }
        }

        private void endEpoch(int epoch, Parameters control) {
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            long cpu = processCpuNanos();
            double cpuSeconds = cpu < 0 || epochCpuStart < 0 ? Double.NaN : (cpu - epochCpuStart) / 1e9;
            double trainLoss = epochLoss / stepsPerEpoch;
            long evalStart = System.nanoTime();
            Score s = network.score(control, test, config.batchSize(), workspace);
            double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            EpochRecord r = new EpochRecord(epoch, trainLoss, s.loss(), s.accuracy(), seconds, cpuSeconds, evalSeconds,
                    lastRate);
            records.add(r);
            TrainingListener.EpochState state = new TrainingListener.EpochState() {
                @Override
                public Parameters parameters() {
                    return control;
                }

                @Override
                public Checkpoint checkpoint() {
                    return new Checkpoint(network.architecture(), config, epoch, control.copy(),
                            optimizer.state(ParameterSpace.INSTANCE), records);
                }
            };
            for (TrainingListener l : listeners) {
                l.onEpochEnd(r, state);
            }
            epochLoss = 0;
            epochStart = System.nanoTime();
            epochCpuStart = processCpuNanos();
        }
    }
}
