package org.diffeolens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffeolens.Tolerances;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.GradientSettings;
import org.diffeolens.nn.MetricSettings;
import org.diffeolens.nn.NetworkSpec;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diffeolens train --gradient ep} and {@code --metric}: recorded, checkpointed, and bad values exit 2. */
class TrainCommandGradientAndMetricTest {

    private static TrainCommandTest.Run train(String... args) {
        return TrainCommandTest.train(args);
    }

    private static String[] digits(Path dir, String... more) {
        List<String> a = new ArrayList<>(List.of("--dataset", "digits", "--data-dir",
                Tolerances.testData("datasets/digits").toString(), "--net", "dense", "--width", "16", "--depth", "2",
                "--batch-size", "64", "--epochs", "1", "--quiet", "--threads", "1", "--out", dir.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void equilibriumPropagationWithAFisherMetricIsRecordedInSummaryAndCheckpoint(@TempDir Path dir) throws Exception {
        TrainCommandTest.Run r = train(digits(dir, "--gradient", "ep", "--beta", "0.002", "--one-sided", "--metric", "fisher",
                "--optimizer", "sgd", "--lr", "0.1", "--damping", "0.05", "--freeze", "stem", "--stiffness", "3=2"));
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(dir.resolve("summary.json"));
        for (String s : new String[] {"\"gradient\": \"ep\"", "\"beta\": 0.002", "\"nudging\": \"one-sided\"",
            "\"metric\": \"fisher\"", "\"damping\": 0.05", "\"frozenLayers\": [0]", "\"3\": 2.0"}) {
            assertTrue(json.contains(s), s + " in " + json);
        }
        Checkpoint model = Checkpoint.load(dir.resolve("model.ckpt"));
        assertEquals(GradientSettings.equilibriumPropagation(0.002, false), model.config().gradient());
        MetricSettings m = model.config().metric();
        assertEquals(MetricSettings.Kind.FISHER, m.kind());
        assertEquals(Double.POSITIVE_INFINITY, m.stiffness().get(0));
        assertEquals(2.0, m.stiffness().get(3));
        // the frozen input layer is the seeded initialization, bit for bit
        Parameters initial = new ResidualNetwork((NetworkSpec) model.spec()).initialize(42, DataType.FLOAT);
        for (String t : new String[] {"stem.weight", "stem.bias"}) {
            assertArrayEquals(initial.get(t).dup().data().asFloat(), model.parameters().get(t).dup().data().asFloat(), t);
        }
    }

    @Test
    void theAdjointAndTheIdentityAreTheDefaults(@TempDir Path dir) throws Exception {
        assertEquals(0, train(digits(dir)).code());
        String json = Files.readString(dir.resolve("summary.json"));
        assertTrue(json.contains("\"gradient\": \"adjoint\"") && json.contains("\"metric\": \"identity\""), json);
        assertFalse(json.contains("\"beta\""), json);
    }

    @Test
    void badEstimatorMetricOrLayerExitsWith2AndNamesIt(@TempDir Path dir) {
        String[][] cases = {
            {"--gradient", "backprop"}, {"gradient", "backprop"},
            {"--gradient", "ep", "--beta", "0"}, {"beta", "0"},
            {"--beta", "0.01"}, {"--beta", "--gradient ep"},
            {"--metric", "newton"}, {"metric", "newton"},
            {"--metric", "fisher", "--damping", "-1"}, {"damping", "-1"},
            {"--metric", "layer", "--damping", "0.5"}, {"--damping", "--metric cogradient or fisher"},
            {"--damping", "0.5"}, {"--damping", "not identity"},
            {"--metric", "layer", "--freeze", "9"}, {"layer index 9", "out of range"},
            {"--metric", "layer", "--freeze", "tail"}, {"no layer 'tail'", "stem"},
            {"--freeze", "0"}, {"--metric layer", "identity"},
            {"--metric", "layer", "--stiffness", "1=soft"}, {"--stiffness", "soft"},
            {"--metric", "layer", "--stiffness", "1"}, {"layer=value", "'1'"},
            {"--metric", "layer", "--stiffness", "1=0"}, {"stiffness", "> 0"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            TrainCommandTest.Run r = train(digits(dir.resolve("run" + i), cases[i]));
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            for (String s : cases[i + 1]) {
                assertTrue(r.err().contains(s), String.join(" ", cases[i]) + ": '" + s + "' in " + r.err());
            }
            assertFalse(Files.exists(dir.resolve("run" + i).resolve("summary.json")), "nothing written");
        }
    }
}
