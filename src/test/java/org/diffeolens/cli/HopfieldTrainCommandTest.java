package org.diffeolens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.diffeolens.cli.TrainCommandTest.train;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diffeolens.Tolerances;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.hopfield.HopfieldSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diffeolens train --net hopfield --gradient ep|adjoint}: outputs, comparison, bad input
 * (resuming an EP run to the same numbers: HopfieldTrainingTest).
 */
class HopfieldTrainCommandTest {

    private static String[] digits(Path dir, String... more) {
        List<String> a = new ArrayList<>(List.of("--dataset", "digits", "--data-dir",
                Tolerances.testData("datasets/digits").toString(), "--net", "hopfield", "--hidden", "32",
                "--batch-size", "16", "--lr", "1e-3", "--schedule", "constant", "--threads", "1", "--out",
                dir.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void equilibriumPropagationWritesModelSummaryAndCurves(@TempDir Path dir) throws Exception {
        TrainCommandTest.Run r = train(digits(dir, "--gradient", "ep", "--epochs", "1"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 1/1") && r.out().contains("gradient by ep"), r.out());
        for (String f : new String[] {"model.ckpt", "checkpoint-epoch1.ckpt", "summary.json", "curves.png"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        String json = Files.readString(dir.resolve("summary.json"));
        assertTrue(json.contains("\"kind\": \"hopfield\"") && json.contains("\"gradient\": \"ep\"")
                && json.contains("\"beta\": 0.01") && json.contains("\"relaxation\"") && json.contains("\"nudged\""),
                json);
        Checkpoint model = Checkpoint.load(dir.resolve("model.ckpt"),
                Map.of(HopfieldSpec.FAMILY, HopfieldSpec::fromSettings));
        assertEquals(1, model.epoch());
        assertTrue(model.spec() instanceof HopfieldSpec h && h.hidden()[0] == 32, model.spec().toString());
    }

    @Test
    void bothEstimatorsTrainTheSameNetworkIntoSubfoldersAndAComparison(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        TrainCommandTest.Run r = train(digits(dir, "--gradient", "adjoint,ep", "--epochs", "1", "--quiet"));
        double total = (System.nanoTime() - start) / 1e9;
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"adjoint/summary.json", "ep/summary.json", "ep/model.ckpt", "summary.json",
            "curves.png"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        String json = Files.readString(dir.resolve("summary.json"));
        assertTrue(json.contains("\"runs\"") && json.contains("\"adjoint\": {") && json.contains("\"ep\": {"), json);
        // the runs are disjoint parts of the command: their wall times add up to at most its own
        double runs = wallSeconds(dir.resolve("adjoint/summary.json")) + wallSeconds(dir.resolve("ep/summary.json"));
        assertTrue(runs <= total, "runs' wall seconds " + runs + " within the command's " + total);
    }

    private static double wallSeconds(Path summary) throws java.io.IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"wallSeconds\": ([0-9.eE+-]+)")
                .matcher(Files.readString(summary));
        assertTrue(m.find(), summary + " records wallSeconds");
        return Double.parseDouble(m.group(1));
    }

    @Test
    void badHopfieldInputExitsWith2NamingTheParameter(@TempDir Path dir) {
        TrainCommandTest.Run r = train(digits(dir, "--gradient", "backprop"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--gradient") && r.err().contains("backprop"), r.err());
        r = train(digits(dir, "--gradient", "ep", "--beta", "1.5"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--beta") && r.err().contains("1.5"), r.err());
        r = train(digits(dir, "--rho", "relu"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("rho") && r.err().contains("relu"), r.err());
        r = train(digits(dir, "--hidden", "0"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("hidden"), r.err());
        r = train(digits(dir, "--relaxation-tolerance", "0"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("relaxation tolerance"), r.err());
        r = train(digits(dir, "--gradient", "adjoint,ep", "--resume", dir.resolve("x.ckpt").toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--resume"), r.err());
    }

    @Test
    void optionsOfTheOtherNetworkFamilyExitWith2InsteadOfBeingIgnored(@TempDir Path dir) {
        // a residual net's architecture options with --net hopfield, and the Hopfield options with a residual net
        String[][] cases = {{"--depth", "5"}, {"--width", "8"}, {"--activation", "tanh"}, {"--no-norm"}};
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of(c));
            a.addAll(List.of("--epochs", "1", "--quiet"));
            TrainCommandTest.Run r = train(digits(dir.resolve(c[0].substring(2)), a.toArray(String[]::new)));
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[0]) && r.err().contains("--net hopfield"), r.err());
        }
        String[][] residual = {{"--hidden", "8"}, {"--rho", "hard-sigmoid"}, {"--relaxation-iterations", "5"}};
        for (String[] c : residual) {
            List<String> a = new ArrayList<>(List.of("--dataset", "digits", "--data-dir",
                    Tolerances.testData("datasets/digits").toString(), "--net", "dense", "--epochs", "1", "--quiet", "--out",
                    dir.resolve("dense").toString()));
            a.addAll(List.of(c));
            TrainCommandTest.Run r = train(a.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[0]) && r.err().contains("--net hopfield"), r.err());
        }
        assertFalse(Files.exists(dir.resolve("dense")), "nothing written");
    }

    @Test
    void aResidualOnlyOptionExitsWith2BeforeTheOutputFolderExists(@TempDir Path dir) {
        Path out = dir.resolve("run");
        TrainCommandTest.Run r = train(digits(out, "--lens"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--lens"), r.err());
        r = train(digits(out, "--trajectory", "fisher"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("fisher"), r.err());
        assertFalse(Files.exists(out), "nothing written for a refused run");
    }
}
