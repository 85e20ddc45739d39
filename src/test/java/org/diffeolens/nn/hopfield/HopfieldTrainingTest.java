package org.diffeolens.nn.hopfield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffeolens.Tolerances;
import org.diffeolens.flow.EquilibriumPropagation;
import org.diffeolens.flow.Metric;
import org.diffeolens.flow.MinimizationResult.StopReason;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.ParameterSpace;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.Trainer;
import org.diffeolens.nn.TrainingConfig;
import org.diffeolens.nn.TrainingListener;
import org.diffeolens.nn.TrainingResult;
import org.diffeolens.nn.data.TrainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layered Hopfield network trained on scikit-learn's 8x8 digits by equilibrium propagation alone,
 * through the shared Trainer (Minimizer, Adam of flow/): seeded, a few seconds.
 */
class HopfieldTrainingTest {

    private static TrainTest digits;

    static synchronized TrainTest digits() {
        if (digits == null) {
            try {
                digits = TrainTest.digits(Tolerances.testData("datasets").resolve("digits/digits.csv.gz"));
            } catch (IOException e) {
                throw new UncheckedIOException("training data missing: run test-data/fetch-datasets.sh", e);
            }
        }
        return digits;
    }

    /** 64-128-10, logistic rho; Adam 1e-3, batch 16, one thread. */
    static HopfieldSpec digitsNet() {
        return HopfieldSpec.of(new int[] {8, 8, 1}, 10, 128);
    }

    static TrainingConfig digitsConfig(int epochs) {
        return new TrainingConfig(epochs, 16, 42, TrainingConfig.OptimizerKind.ADAM, 1e-3, 0.9,
                TrainingConfig.Schedule.CONSTANT, 0, 1);
    }

    /** Symmetric nudging at beta = 0.5, relaxed with the network's own budget. */
    static EquilibriumPropagation<Parameters> ep(HopfieldSpec spec) {
        return new EquilibriumPropagation<>(0.5, true, spec.relaxationIterations(), spec.relaxationTolerance());
    }

    @Test
    void equilibriumPropagationAloneTrainsTheDigitsNetBeyond90PercentTestAccuracy() {
        TrainTest d = digits();
        HopfieldNetwork net = new HopfieldNetwork(digitsNet());
        Trainer trainer = new Trainer(net, digitsConfig(6), Metric.identity(ParameterSpace.INSTANCE), ep(net.spec()));
        TrainingResult r = trainer.fit(d.train(), d.test());
        assertEquals(6, r.epochs().size());
        assertEquals(StopReason.MAX_ITERATIONS, r.reason());
        assertTrue(r.last().testAccuracy() > 0.90, "test accuracy " + r.epochs());
        assertTrue(r.last().trainLoss() < r.epochs().get(0).trainLoss() / 3, "training cost fell: " + r.epochs());
        // every free relaxation (training and test) reached the tolerance within its budget
        assertEquals(0, net.log().unconverged(RelaxationLog.Phase.FREE), net.log().toString());
        // two nudged phases per evaluation: one at each of the 6 x 90 steps' controls and one at the end
        assertEquals(2L * (6 * digitsConfig(6).stepsPerEpoch(d.train().size()) + 1),
                net.log().count(RelaxationLog.Phase.NUDGED), net.log().toString());
    }

    @Test
    void aCheckpointOfAnEpRunResumesToTheSameParameters(@TempDir Path dir) throws IOException {
        TrainTest d = digits();
        var train = d.train().range(0, 320);
        HopfieldNetwork net = new HopfieldNetwork(digitsNet());
        TrainingResult straight = new Trainer(net, digitsConfig(2), Metric.identity(ParameterSpace.INSTANCE),
                ep(net.spec())).fit(train, d.test());
        Path file = dir.resolve("epoch1.ckpt");
        Trainer first = new Trainer(net, digitsConfig(2), Metric.identity(ParameterSpace.INSTANCE), ep(net.spec()));
        first.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(org.diffeolens.nn.EpochRecord record, EpochState state) {
                if (record.epoch() == 1) {
                    try {
                        state.checkpoint().save(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    first.cancel();
                }
            }
        });
        first.fit(train, d.test());
        Checkpoint c = Checkpoint.load(file, Map.of(HopfieldSpec.FAMILY, HopfieldSpec::fromSettings));
        assertEquals(net.spec(), c.spec());
        TrainingResult resumed = new Trainer(net, digitsConfig(2), Metric.identity(ParameterSpace.INSTANCE),
                ep(net.spec())).resume(c, train, d.test());
        assertEquals(0, straight.parameters().flat().sub(resumed.parameters().flat()).amaxNumber().doubleValue());
        assertEquals(List.copyOf(straight.epochs()).get(1).testAccuracy(), resumed.last().testAccuracy());
    }
}
