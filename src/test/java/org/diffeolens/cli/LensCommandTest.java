package org.diffeolens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.diffeolens.Tolerances;
import org.diffeolens.io.Json;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.NetworkSpec;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * 'diffeolens lens' on tiny training runs of the 8x8 digits (dense residual nets, one or two epochs)
 * and on folders that are no run at all.
 */
class LensCommandTest {

    @TempDir
    static Path runs;

    /** Trained once for the class: depth 2 with the Fisher trajectory and the per-epoch lens, and depth 1. */
    static Path deep;
    static Path shallow;

    private record Run(int code, String out, String err) {
    }

    private static Run lens(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> a = new ArrayList<>(List.of("lens", "--threads", "2"));
        a.addAll(List.of(args));
        int code = Main.execute(a.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static void train(Path dir, int depth, String... more) {
        List<String> a = new ArrayList<>(List.of("--dataset", "digits", "--data-dir",
                Tolerances.testData("datasets/digits").toString(), "--net", "dense", "--width", "8", "--depth",
                String.valueOf(depth), "--batch-size", "64", "--lr", "5e-3", "--epochs", "2", "--threads", "2",
                "--quiet", "--out", dir.toString()));
        a.addAll(List.of(more));
        StringWriter err = new StringWriter();
        int code = TrainCommand.run(a.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
    }

    @BeforeAll
    static void trainTwoSmallNets() {
        deep = runs.resolve("depth2");
        shallow = runs.resolve("depth1");
        train(deep, 2, "--trajectory", "fisher", "--lens");
        train(shallow, 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lensJson(Path dir) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readString(dir.resolve("lens.json")));
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainingTrajectoryEndsAtTheDistanceBetweenTheInitialAndTheTrainedWeights() throws Exception {
        Run r = lens("--run", deep.toString(), "--what", "trajectory");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("euclidean metric: path length") && r.out().contains("fisher metric"), r.out());
        BufferedImage png = ImageIO.read(deep.resolve("lens-trajectory.png").toFile());
        assertEquals(1200, png.getWidth());
        Map<String, Object> t = (Map<String, Object>) lensJson(deep).get("trajectory");
        double distance = number(((Map<String, Object>) t.get("euclidean")).get("distanceFromStart"));
        double length = number(((Map<String, Object>) t.get("euclidean")).get("pathLength"));
        // oracle: |theta_T - theta_0| from the checkpoint and the seed's initial weights, in float32
        Checkpoint model = Checkpoint.load(deep.resolve("model.ckpt"));
        ResidualNetwork net = new ResidualNetwork((NetworkSpec) model.spec());
        Parameters init = net.initialize(model.config().seed(), DataType.FLOAT);
        double expected = model.parameters().flat().sub(init.flat()).norm2Number().doubleValue();
        assertEquals(expected, distance, 10 * Tolerances.FLOAT_ROUNDOFF * expected);
        assertTrue(length >= distance * (1 - 1e-6), "a path is no shorter than its chord: " + length + " < " + distance);
        double fisherLength = number(((Map<String, Object>) t.get("fisher")).get("pathLength"));
        assertTrue(fisherLength > 0 && Double.isFinite(fisherLength));
    }

    @Test
    @SuppressWarnings("unchecked")
    void blockSensitivityScoresTheTrainedNetLikeTheTrainerAndEveryBlockReset() throws Exception {
        Run r = lens("--run", deep.toString(), "--what", "sensitivity");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> s = (Map<String, Object>) lensJson(deep).get("sensitivity");
        Map<String, Object> summary = (Map<String, Object>) Json.parse(Files.readString(deep.resolve("summary.json")));
        // the same test set scored by the same forward passes (in other batches: float sums reordered)
        assertEquals(number(summary.get("finalTestLoss")), number(s.get("testLoss")), 1e-4);
        assertEquals(number(summary.get("finalTestAccuracy")), number(s.get("testAccuracy")), 0);
        for (String probe : new String[] {"reinitialized", "rerandomized"}) {
            List<Object> change = (List<Object>) ((Map<String, Object>) s.get(probe)).get("accuracyChange");
            assertEquals(2, change.size(), probe);
        }
        assertTrue(Files.isRegularFile(deep.resolve("lens-sensitivity.png")));
        assertTrue(r.out().contains("block 1: re-initialized"), r.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void fisherAndHessianSpectraLandInLensJsonAndOneFigure() throws Exception {
        Run f = lens("--run", deep.toString(), "--what", "fisher", "--samples", "64", "--top", "3", "--lanczos-steps",
                "12");
        assertEquals(0, f.code(), f.err());
        Run h = lens("--run", deep.toString(), "--what", "hessian", "--samples", "64", "--top", "3", "--lanczos-steps",
                "12");
        assertEquals(0, h.code(), h.err());
        Map<String, Object> all = lensJson(deep);
        Map<String, Object> fisher = (Map<String, Object>) all.get("fisher");
        List<Object> top = (List<Object>) fisher.get("eigenvalues");
        assertEquals(3, top.size());
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            sum += number(top.get(i));
            assertTrue(i == 0 || number(top.get(i)) <= number(top.get(i - 1)), "descending");
        }
        // a positive semi-definite matrix's trace is at least the sum of any of its eigenvalues
        assertTrue(number(fisher.get("trace")) >= sum * (1 - 1e-9), fisher.toString());
        assertTrue(all.get("hessian") instanceof Map<?, ?>);
        assertTrue(all.get("sensitivity") == null || all.get("sensitivity") instanceof Map<?, ?>);
        assertTrue(h.out().contains("Hessian: top eigenvalues"), h.out());
        assertTrue(Files.isRegularFile(deep.resolve("lens-spectrum.png")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void bicComparesRunsAndWritesTheComparison() throws Exception {
        Path out = runs.resolve("bic");
        Run r = lens("--what", "bic", "--run", deep.toString(), "--run", shallow.toString(), "--out", out.toString(),
                "--samples", "64", "--top", "3", "--lanczos-steps", "12", "--probes", "2");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> bic = (Map<String, Object>) lensJson(out).get("bic");
        List<Object> models = (List<Object>) bic.get("models");
        assertEquals(2, models.size());
        for (Object o : models) {
            Map<String, Object> m = (Map<String, Object>) o;
            double n = number(m.get("trainSamples"));
            double k = number(m.get("parameters"));
            // BIC = 2 N L + k log N, with k the parameters and with N_eff
            assertEquals(2 * n * number(m.get("trainLoss")) + k * Math.log(n), number(m.get("bic")), 1e-9 * k * n);
            double keff = number(m.get("effectiveParameters"));
            assertTrue(keff <= k && keff >= number(m.get("effectiveParametersLower")), m.toString());
        }
        assertTrue(Files.isRegularFile(out.resolve("lens-bic.png")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void bicNamesRunsInFoldersOfTheSameNameApart(@TempDir Path dir) throws Exception {
        List<Path> copies = new ArrayList<>();
        for (Path from : new Path[] {deep, shallow}) {
            Path to = dir.resolve(from.getFileName().toString()).resolve("run");
            Files.createDirectories(to);
            for (String f : new String[] {"summary.json", "model.ckpt"}) {
                Files.copy(from.resolve(f), to.resolve(f));
            }
            copies.add(to);
        }
        Path out = dir.resolve("bic");
        Run r = lens("--what", "bic", "--run", copies.get(0).toString(), "--run", copies.get(1).toString(), "--out",
                out.toString(), "--samples", "64", "--top", "3", "--lanczos-steps", "12", "--probes", "2");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> bic = (Map<String, Object>) lensJson(out).get("bic");
        List<Object> models = (List<Object>) bic.get("models");
        String first = (String) ((Map<String, Object>) models.get(0)).get("name");
        String second = (String) ((Map<String, Object>) models.get(1)).get("name");
        assertTrue(!first.equals(second), "both runs are named " + first);
        // the best by BIC (k = parameters) names the one run that has it
        int best = number(((Map<String, Object>) models.get(0)).get("bic"))
                < number(((Map<String, Object>) models.get(1)).get("bic")) ? 0 : 1;
        assertEquals(best == 0 ? first : second, bic.get("bestByBic"));
    }

    @Test
    void theEpochLensWroteItsFiguresDuringTraining() throws Exception {
        for (String f : new String[] {"lens-trajectory.png", "lens-sensitivity.png", "lens-spectrum.png"}) {
            assertTrue(Files.isRegularFile(deep.resolve(f)), f);
        }
        Object epochs = ((Map<?, ?>) lensJson(deep).get("epochs")).get("epochs");
        assertEquals(2, ((List<?>) epochs).size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aResumedRunKeepsTheEpochLensOfTheEpochsBeforeItsCheckpoint(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("resumed");
        Files.createDirectories(copy);
        for (String f : new String[] {"summary.json", "lens.json", "checkpoint-epoch1.ckpt"}) {
            Files.copy(deep.resolve(f), copy.resolve(f));
        }
        List<Object> before = (List<Object>) ((Map<String, Object>) lensJson(deep).get("epochs")).get("epochs");
        train(copy, 2, "--trajectory", "fisher", "--lens", "--resume", copy.resolve("checkpoint-epoch1.ckpt").toString());
        List<Object> after = (List<Object>) ((Map<String, Object>) lensJson(copy).get("epochs")).get("epochs");
        assertEquals(2, after.size(), "epoch 1 from before the checkpoint, epoch 2 after it: " + after);
        assertEquals(before.get(0), after.get(0), "epoch 1 as the first run measured it");
        assertEquals(2, number(((Map<String, Object>) after.get(1)).get("epoch")));
    }

    @Test
    void aFolderThatIsNeitherKindOfRunExitsWith2AndSaysWhatARunFolderHolds(@TempDir Path dir) throws Exception {
        Run empty = lens("--run", dir.toString());
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("summary.json: not found"), empty.err());

        Files.writeString(dir.resolve("summary.json"), "{\"tool\": \"something else\"}");
        Run neither = lens("--run", dir.toString(), "--what", "fisher");
        assertEquals(2, neither.code());
        assertTrue(neither.err().contains("neither a registration folder") && neither.err().contains("training folder"),
                neither.err());

        Files.writeString(dir.resolve("summary.json"), "not json");
        Run garbage = lens("--run", dir.toString());
        assertEquals(2, garbage.code());
        assertTrue(garbage.err().contains("summary.json: is not valid JSON"), garbage.err());

        Files.writeString(dir.resolve("summary.json"), "{\"tool\": \"diffeolens register\", \"parameters\": {}}");
        Run registration = lens("--run", dir.toString(), "--what", "hessian");
        assertEquals(2, registration.code());
        assertTrue(registration.err().contains("applies to training runs"), registration.err());
    }

    @Test
    void aRegistrationWithoutIterationsHasNoTrajectoryAndExitsWith2(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("reg");
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"register", "--fixed", Tolerances.testData("RatLungSlice1.mha").toString(),
            "--moving", Tolerances.testData("RatLungSlice2.mha").toString(), "--out", run.toString(), "--method",
            "lddmm", "--iterations", "0", "--levels", "1", "--affine", "none", "--threads", "2", "--quiet"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        Run r = lens("--run", run.toString(), "--what", "trajectory");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no iterations"), r.err());
        assertTrue(!Files.exists(run.resolve("lens.json")), "nothing written");
    }

    @Test
    void badTrainingFoldersAndOptionsExitWith2NamingTheCause(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("run");
        Files.createDirectories(copy);
        Files.copy(shallow.resolve("summary.json"), copy.resolve("summary.json"));
        Run noModel = lens("--run", copy.toString(), "--what", "sensitivity");
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("model.ckpt: not found"), noModel.err());

        Files.writeString(copy.resolve("model.ckpt"), "damaged");
        Run damaged = lens("--run", copy.toString(), "--what", "sensitivity");
        assertEquals(2, damaged.code());
        assertTrue(damaged.err().contains("model.ckpt") && damaged.err().contains("checkpoint"), damaged.err());

        Run what = lens("--run", shallow.toString(), "--what", "curvature");
        assertEquals(2, what.code());
        assertTrue(what.err().contains("--what") && what.err().contains("curvature"), what.err());

        Run two = lens("--run", shallow.toString(), "--run", deep.toString(), "--what", "fisher");
        assertEquals(2, two.code());
        assertTrue(two.err().contains("bic"), two.err());

        for (String n : new String[] {"0", "-5"}) {
            // no test sample to score: a loss and an accuracy of 0/0
            Run none = lens("--run", shallow.toString(), "--what", "sensitivity", "--test-samples", n);
            assertEquals(2, none.code(), none.err());
            assertTrue(none.err().contains("--test-samples") && none.err().contains(n), none.err());
        }

        Path model = dir.resolve("damaged-lens");
        Files.createDirectories(model);
        Files.copy(shallow.resolve("summary.json"), model.resolve("summary.json"));
        Files.copy(shallow.resolve("model.ckpt"), model.resolve("model.ckpt"));
        Files.writeString(model.resolve("lens.json"), "garbage");
        Run damagedLens = lens("--run", model.toString(), "--what", "fisher", "--samples", "16", "--top", "2",
                "--lanczos-steps", "4");
        assertEquals(2, damagedLens.code(), damagedLens.err());
        assertTrue(damagedLens.err().contains("lens.json: is not valid JSON"), damagedLens.err());
        assertEquals("garbage", Files.readString(model.resolve("lens.json")), "left as it was");

        Run noData = lens("--run", shallow.toString(), "--what", "sensitivity", "--data-dir",
                dir.resolve("nowhere").toString());
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("nowhere"), noData.err());
    }
}
