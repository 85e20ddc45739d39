package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffeolens.flow.OptimizerState;
import org.diffeolens.nn.data.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class CheckpointTest {

    private static Checkpoint sample() {
        NetworkSpec spec = NetworkSpec.conv(new int[] {6, 6, 1}, 3, 4, 2, 2);
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = net.initialize(5, DataType.FLOAT);
        Parameters m = net.initialize(6, DataType.FLOAT);
        EpochRecord r = new EpochRecord(1, 0.5, 0.6, 0.7, 1.5, 2.5, 0.1, 1e-3);
        return new Checkpoint(spec, TrainingConfig.defaults(3), 1, w,
                new OptimizerState<>("adam", Map.of("t", 17.0), Map.of("firstMoment", m)), List.of(r));
    }

    @Test
    void aSavedCheckpointLoadsToTheSameState(@TempDir Path dir) throws IOException {
        Checkpoint c = sample();
        Path f = dir.resolve("c.ckpt");
        c.save(f);
        Checkpoint back = Checkpoint.load(f);
        assertEquals(c.spec(), back.spec());
        assertEquals(c.config(), back.config());
        assertEquals(c.history(), back.history());
        assertEquals(17.0, back.optimizer().scalar("t"));
        assertEquals(0, c.parameters().flat().sub(back.parameters().flat()).amaxNumber().doubleValue());
        assertEquals(0, c.optimizer().vector("firstMoment").flat()
                .sub(back.optimizer().vector("firstMoment").flat()).amaxNumber().doubleValue());
    }

    @Test
    void everyGradientSettingRoundTrips(@TempDir Path dir) throws IOException {
        // the trainer resumes only the configuration it was given: an adjoint run's settings carry a
        // beta and a nudging too (the CLI gives a Hopfield adjoint run beta 0.01), and must come back
        Checkpoint c = sample();
        for (GradientSettings g : new GradientSettings[] {new GradientSettings(GradientSettings.Estimator.ADJOINT,
                0.01, false), GradientSettings.equilibriumPropagation(0.002, false)}) {
            TrainingConfig config = c.config().withGradient(g);
            Path f = dir.resolve(g.estimator().cliName() + ".ckpt");
            new Checkpoint(c.spec(), config, c.epoch(), c.parameters(), c.optimizer(), c.history()).save(f);
            assertEquals(config, Checkpoint.load(f).config());
        }
    }

    @Test
    void damagedCheckpointsAreRefusedWithTheFileName(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.ckpt");
        sample().save(f);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = Files.write(dir.resolve("cut.ckpt"), Arrays.copyOf(bytes, bytes.length - 100));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Checkpoint.load(cut));
        assertTrue(e.getMessage().contains("cut.ckpt") && e.getMessage().contains("truncated"), e.getMessage());
        byte[] flipped = bytes.clone();
        flipped[bytes.length - 200] ^= 0x10;
        Path bad = Files.write(dir.resolve("bad.ckpt"), flipped);
        e = assertThrows(DataFormatException.class, () -> Checkpoint.load(bad));
        assertTrue(e.getMessage().contains("bad.ckpt") && e.getMessage().contains("checksum"), e.getMessage());
        Path other = Files.writeString(dir.resolve("other.ckpt"), "DIFFEOLENS? no");
        e = assertThrows(DataFormatException.class, () -> Checkpoint.load(other));
        assertTrue(e.getMessage().contains("not a diffeolens network checkpoint"), e.getMessage());
    }
}
