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
import javax.imageio.ImageIO;
import org.diffeolens.Tolerances;
import org.diffeolens.nn.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run train(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrainCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] digits(Path dir, String... more) {
        List<String> a = new ArrayList<>(List.of("--dataset", "digits", "--data-dir",
                Tolerances.testData("datasets/digits").toString(), "--net", "dense", "--width", "32", "--depth", "2",
                "--batch-size", "32", "--lr", "3e-3", "--threads", "1", "--out", dir.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void trainWritesModelCheckpointsSummaryAndCurves(@TempDir Path dir) throws Exception {
        Run r = train(digits(dir, "--epochs", "2"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        for (String f : new String[] {"model.ckpt", "checkpoint-epoch1.ckpt", "checkpoint-epoch2.ckpt", "summary.json",
            "curves.png"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        String json = Files.readString(dir.resolve("summary.json"));
        assertTrue(json.contains("\"dataset\": \"digits\""), json);
        assertTrue(json.contains("\"epoch\": 2") && json.contains("\"testAccuracy\"") && json.contains("\"seconds\""),
                json);
        BufferedImage png = ImageIO.read(dir.resolve("curves.png").toFile());
        assertEquals(1200, png.getWidth());
        Checkpoint model = Checkpoint.load(dir.resolve("model.ckpt"));
        assertEquals(2, model.epoch());
        assertTrue(model.history().get(1).testAccuracy() > 0.8, "accuracy " + model.history().get(1).testAccuracy());
    }

    @Test
    void resumingFromAnEpochCheckpointEndsAtTheSameModel(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole");
        assertEquals(0, train(digits(whole, "--epochs", "2", "--quiet")).code());
        Path rest = dir.resolve("rest");
        Run r = train(digits(rest, "--epochs", "2", "--quiet", "--resume",
                whole.resolve("checkpoint-epoch1.ckpt").toString()));
        assertEquals(0, r.code(), r.err());
        Checkpoint a = Checkpoint.load(whole.resolve("model.ckpt"));
        Checkpoint b = Checkpoint.load(rest.resolve("model.ckpt"));
        assertEquals(0, a.parameters().flat().sub(b.parameters().flat()).amaxNumber().doubleValue());
    }

    @Test
    void badInputExitsWith2AndNamesTheParameterOrFile(@TempDir Path dir) throws Exception {
        Run r = train("--dataset", "cifar", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dataset") && r.err().contains("cifar"), r.err());

        r = train(digits(dir, "--epochs", "0"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("epochs"), r.err());

        r = train(digits(dir, "--optimizer", "lbfgs"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("optimizer") && r.err().contains("lbfgs"), r.err());

        r = train(digits(dir, "--lr", "-1"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("learning rate"), r.err());

        r = train("--dataset", "digits", "--data-dir", dir.resolve("nowhere").toString(), "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nowhere"), r.err());

        Path damaged = dir.resolve("damaged");
        Files.createDirectories(damaged);
        Files.write(damaged.resolve("digits.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        r = train("--dataset", "digits", "--data-dir", damaged.toString(), "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("digits.csv.gz"), r.err());

        Path garbage = Files.writeString(dir.resolve("garbage.ckpt"), "not a checkpoint");
        r = train(digits(dir, "--resume", garbage.toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("garbage.ckpt") && r.err().contains("checkpoint"), r.err());

        r = train("--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dataset"), r.err());

        r = train(digits(dir, "--trajectory", "wasserstein"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("trajectory") && r.err().contains("wasserstein"), r.err());
    }
}
