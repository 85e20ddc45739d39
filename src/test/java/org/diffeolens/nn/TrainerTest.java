package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffeolens.Tolerances;
import org.diffeolens.flow.Adam;
import org.diffeolens.flow.GradientDescent;
import org.diffeolens.flow.HeavyBall;
import org.diffeolens.flow.Iteration;
import org.diffeolens.flow.MinimizationResult.StopReason;
import org.diffeolens.nn.TrainingConfig.OptimizerKind;
import org.diffeolens.nn.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    private static final int[] DIGIT = {8, 8, 1};

    /** The digits CI net: dense, 64 wide, 3 blocks, ReLU; Adam 3e-3 with cosine annealing, batch 32. */
    static NetworkSpec digitsNet() {
        return NetworkSpec.dense(DIGIT, 10, 64, 3, Activation.RELU);
    }

    static TrainingConfig digitsConfig(int epochs) {
        return new TrainingConfig(epochs, 32, 42, OptimizerKind.ADAM, 3e-3, 0.9, TrainingConfig.Schedule.COSINE, 0, 1);
    }

    @Test
    void digitsNetReachesOver95PercentTestAccuracy() {
        Dataset[] d = TrainingData.digits();
        TrainingResult r = new Trainer(new ResidualNetwork(digitsNet()), digitsConfig(12)).fit(d[0], d[1]);
        assertEquals(12, r.epochs().size());
        assertEquals(StopReason.MAX_ITERATIONS, r.reason());
        assertTrue(r.last().testAccuracy() > 0.95, "test accuracy " + r.last().testAccuracy());
        assertTrue(r.last().trainLoss() < r.epochs().get(0).trainLoss() / 4, "training loss fell: " + r.epochs());
    }

    @Test
    void convolutionalDigitsNetLearnsInTwoEpochs() {
        Dataset[] d = TrainingData.digits();
        NetworkSpec spec = NetworkSpec.conv(DIGIT, 10, 8, 2, 1);
        TrainingResult r = new Trainer(new ResidualNetwork(spec), digitsConfig(2)).fit(d[0], d[1]);
        assertTrue(r.last().testAccuracy() > 0.85, "test accuracy " + r.last().testAccuracy());
    }

    @Test
    void aCheckpointResumesTheRunToTheSameNumbers(@TempDir Path dir) throws Exception {
        Dataset[] d = TrainingData.digits();
        Dataset train = d[0].range(0, 640);
        for (OptimizerKind kind : OptimizerKind.values()) {
            TrainingConfig config = digitsConfig(3).withOptimizer(kind, kind == OptimizerKind.ADAM ? 3e-3 : 0.05);
            ResidualNetwork net = new ResidualNetwork(digitsNet());
            TrainingResult straight = new Trainer(net, config).fit(train, d[1]);

            Path file = dir.resolve(kind + ".ckpt");
            Trainer first = new Trainer(net, config);
            first.addListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochRecord record, EpochState state) {
                    if (record.epoch() == 1) {
                        try {
                            state.checkpoint().save(file);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        first.cancel();
                    }
                }
            });
            assertEquals(StopReason.CANCELLED, first.fit(train, d[1]).reason());
            Checkpoint saved = Checkpoint.load(file);
            assertEquals(1, saved.epoch());
            TrainingResult resumed = new Trainer(net, config).resume(saved, train, d[1]);

            // same arithmetic in the same order: bit for bit
            assertEquals(0, straight.parameters().flat().sub(resumed.parameters().flat()).amaxNumber().doubleValue(),
                    kind + ": parameters after resuming");
            assertEquals(3, resumed.epochs().size());
            for (int e = 0; e < 3; e++) {
                assertEquals(straight.epochs().get(e).trainLoss(), resumed.epochs().get(e).trainLoss(), 0, kind + " epoch " + e);
                assertEquals(straight.epochs().get(e).testAccuracy(), resumed.epochs().get(e).testAccuracy(), 0);
            }
        }
    }

    @Test
    void resumingWithAnotherConfigurationFails(@TempDir Path dir) throws Exception {
        Dataset[] d = TrainingData.digits();
        ResidualNetwork net = new ResidualNetwork(digitsNet());
        Path file = dir.resolve("c.ckpt");
        Trainer t = new Trainer(net, digitsConfig(1));
        t.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord record, EpochState state) {
                try {
                    state.checkpoint().save(file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        t.fit(d[0].range(0, 64), d[1]);
        Checkpoint c = Checkpoint.load(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(net, digitsConfig(1).withSeed(7)).resume(c, d[0].range(0, 64), d[1]));
        assertTrue(e.getMessage().contains("configuration"), e.getMessage());
    }

    @Test
    void oneAndTwoThreadsGiveTheSameTraining() {
        Dataset[] d = TrainingData.digits();
        Dataset train = d[0].range(0, 320);
        NetworkSpec spec = NetworkSpec.conv(DIGIT, 10, 6, 2, 1);
        TrainingResult one = new Trainer(new ResidualNetwork(spec), digitsConfig(1)).fit(train, d[1]);
        TrainingResult two = new Trainer(new ResidualNetwork(spec), digitsConfig(1).withThreads(2)).fit(train, d[1]);
        // the threads only reorder float sums (column sums, BLAS blocking): ten steps keep that at
        // a few float round-offs relative to the weights
        double scale = one.parameters().flat().amaxNumber().doubleValue();
        double diff = one.parameters().flat().sub(two.parameters().flat()).amaxNumber().doubleValue();
        assertTrue(diff <= 1e3 * Tolerances.FLOAT_EPS * scale, "max difference " + diff + " at scale " + scale);
    }

    @Test
    void aLibraryCallerTrainsANetAndReadsItsTrajectory() {
        Dataset[] d = TrainingData.digits();
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.conv(DIGIT, 10, 4, 3, 1));
        TrainingResult r = new Trainer(net, digitsConfig(1)).fit(d[0].range(0, 256), d[1]);
        org.diffeolens.nn.data.Batch batch = d[1].batch(0, 5, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        Workspace ws = new Workspace(org.diffeolens.concurrent.Parallel.serial());
        Trajectory t = net.forward(r.parameters(), batch, 0, ws);
        List<org.nd4j.linalg.api.ndarray.INDArray> x = t.detachedStates();
        assertEquals(4, x.size());
        assertEquals(List.of(5L, 8L, 8L, 4L), java.util.Arrays.stream(x.get(3).shape()).boxed().toList());
        // the energy form of the flow, F = sum_k 1/2 |x_{k+1} - x_k - h f(x_k, W_k)|^2, vanishes on the
        // forward trajectory up to float round-off of the states
        Workspace other = new Workspace(org.diffeolens.concurrent.Parallel.serial());
        double h = net.spec().step();
        for (int k = 0; k < 3; k++) {
            org.nd4j.linalg.api.ndarray.INDArray f = net.field(k, r.parameters(), x.get(k), other);
            org.nd4j.linalg.api.ndarray.INDArray residual = x.get(k + 1).sub(x.get(k)).sub(f.mul(h));
            double scale = x.get(k + 1).amaxNumber().doubleValue();
            assertTrue(residual.amaxNumber().doubleValue() <= 4 * Tolerances.FLOAT_EPS * scale, "step " + k);
        }
        assertEquals(1.0, t.probabilities().sum(1).getDouble(0), 1e-6);
    }

    @Test
    void theTrainerRunsThroughTheSharedMinimizerAndOptimizers() {
        Dataset[] d = TrainingData.digits();
        Dataset train = d[0].range(0, 96);
        List<Integer> seen = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        Trainer t = new Trainer(new ResidualNetwork(digitsNet()), digitsConfig(2));
        t.addMinimizerListener((Iteration<Parameters> it) -> {
            seen.add(it.index());
            rates.add(it.stepSize());
        });
        TrainingResult r = t.fit(train, d[1]);
        // 3 batches of 32 per epoch, 2 epochs: the Minimizer's iterations 0..6
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), seen);
        assertEquals(6, r.stepLosses().length);
        // cosine annealing over 6 steps: rate of step t = lr (1 + cos(pi t / 6)) / 2
        for (int k = 1; k <= 6; k++) {
            assertEquals(3e-3 * 0.5 * (1 + Math.cos(Math.PI * (k - 1) / 6)), rates.get(k), 1e-15);
        }
        assertInstanceOf(Adam.class, digitsConfig(1).newOptimizer(10));
        assertInstanceOf(HeavyBall.class, digitsConfig(1).withOptimizer(OptimizerKind.MOMENTUM, 0.1).newOptimizer(10));
        assertInstanceOf(GradientDescent.class, digitsConfig(1).withOptimizer(OptimizerKind.SGD, 0.1).newOptimizer(10));
    }
}
