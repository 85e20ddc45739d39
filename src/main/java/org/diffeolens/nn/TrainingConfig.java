package org.diffeolens.nn;

import org.diffeolens.flow.Adam;
import org.diffeolens.flow.GradientDescent;
import org.diffeolens.flow.HeavyBall;
import org.diffeolens.flow.LearningRateSchedule;
import org.diffeolens.flow.Optimizer;

/**
 * How to train: epochs of shuffled mini-batches (seeded), one of the optimizers of {@code flow/}
 * with a learning-rate schedule over the whole run, weight decay lambda (the regularizing energy
 * lambda/2 ||W||^2), and the number of threads: the trainer splits matrix products and element-wise
 * passes across that many Java threads, each calling ND4J single-threaded. The gradient estimator
 * (adjoint or equilibrium propagation) and the metric that raises the gradient are chosen here too.
 */
public record TrainingConfig(int epochs, int batchSize, long seed, OptimizerKind optimizer, double learningRate,
                             double momentum, Schedule schedule, double weightDecay, int threads,
                             GradientSettings gradient, MetricSettings metric) {

    /** The optimizers of flow/ the trainer offers, by their CLI names. */
    public enum OptimizerKind {
        SGD("sgd"), MOMENTUM("momentum"), ADAM("adam");

        private final String cliName;

        OptimizerKind(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static OptimizerKind parse(String s) {
            for (OptimizerKind k : values()) {
                if (k.cliName.equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("optimizer must be sgd, momentum or adam, got '" + s + "'");
        }
    }

    /** Learning-rate schedules over the run: constant, cosine annealing to 0, or halving every epoch. */
    public enum Schedule {
        CONSTANT, COSINE, STEP;

        public static Schedule parse(String s) {
            for (Schedule k : values()) {
                if (k.name().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("schedule must be constant, cosine or step, got '" + s + "'");
        }

        LearningRateSchedule of(long totalSteps, long stepsPerEpoch) {
            return switch (this) {
                case CONSTANT -> LearningRateSchedule.constant();
                case COSINE -> LearningRateSchedule.cosine(Math.max(1, totalSteps), 0);
                case STEP -> LearningRateSchedule.stepDecay(Math.max(1, stepsPerEpoch), 0.5);
            };
        }
    }

    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("optimizer and schedule must be given");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate (lr) must be finite and > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (gradient == null || metric == null) {
            throw new IllegalArgumentException("gradient and metric settings must be given");
        }
    }

    /** The adjoint gradient and the identity metric. */
    public TrainingConfig(int epochs, int batchSize, long seed, OptimizerKind optimizer, double learningRate,
                          double momentum, Schedule schedule, double weightDecay, int threads) {
        this(epochs, batchSize, seed, optimizer, learningRate, momentum, schedule, weightDecay, threads,
                GradientSettings.adjoint(), MetricSettings.identity());
    }

    /** Adam at 2e-3 with cosine annealing, batch 128, no weight decay, 2 threads: the Fashion-MNIST reference. */
    public static TrainingConfig defaults(int epochs) {
        return new TrainingConfig(epochs, 128, 42, OptimizerKind.ADAM, 2e-3, 0.9, Schedule.COSINE, 0, 2);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(e, batchSize, seed, optimizer, learningRate, momentum, schedule, weightDecay,
                threads, gradient, metric);
    }

    public TrainingConfig withBatchSize(int b) {
        return new TrainingConfig(epochs, b, seed, optimizer, learningRate, momentum, schedule, weightDecay,
                threads, gradient, metric);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(epochs, batchSize, s, optimizer, learningRate, momentum, schedule, weightDecay,
                threads, gradient, metric);
    }

    public TrainingConfig withOptimizer(OptimizerKind o, double lr) {
        return new TrainingConfig(epochs, batchSize, seed, o, lr, momentum, schedule, weightDecay, threads,
                gradient, metric);
    }

    public TrainingConfig withSchedule(Schedule s) {
        return new TrainingConfig(epochs, batchSize, seed, optimizer, learningRate, momentum, s, weightDecay,
                threads, gradient, metric);
    }

    public TrainingConfig withWeightDecay(double w) {
        return new TrainingConfig(epochs, batchSize, seed, optimizer, learningRate, momentum, schedule, w,
                threads, gradient, metric);
    }

    public TrainingConfig withThreads(int t) {
        return new TrainingConfig(epochs, batchSize, seed, optimizer, learningRate, momentum, schedule,
                weightDecay, t, gradient, metric);
    }

    public TrainingConfig withGradient(GradientSettings g) {
        return new TrainingConfig(epochs, batchSize, seed, optimizer, learningRate, momentum, schedule, weightDecay,
                threads, g, metric);
    }

    public TrainingConfig withMetric(MetricSettings m) {
        return new TrainingConfig(epochs, batchSize, seed, optimizer, learningRate, momentum, schedule, weightDecay,
                threads, gradient, m);
    }

    /** Mini-batches per epoch for n training samples (the last one may be smaller). */
    public int stepsPerEpoch(int n) {
        return (n + batchSize - 1) / batchSize;
    }

    /** A fresh optimizer of flow/ for a run of the given length. */
    public Optimizer<Parameters> newOptimizer(int stepsPerEpoch) {
        LearningRateSchedule s = schedule.of((long) epochs * stepsPerEpoch, stepsPerEpoch);
        return switch (optimizer) {
            case SGD -> GradientDescent.scheduled(learningRate, s);
            case MOMENTUM -> new HeavyBall<Parameters>(learningRate, momentum).withSchedule(s);
            case ADAM -> new Adam<Parameters>(learningRate).withSchedule(s);
        };
    }
}
