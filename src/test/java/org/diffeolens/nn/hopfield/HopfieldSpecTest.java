package org.diffeolens.nn.hopfield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffeolens.flow.OptimizerState;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.EpochRecord;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.TrainingConfig;
import org.diffeolens.nn.data.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The architecture record: validated at the door, its layout, and its round trip through a checkpoint. */
class HopfieldSpecTest {

    private static final HopfieldSpec SPEC = new HopfieldSpec(new int[] {8, 8, 1}, new int[] {20, 12}, 10, Rho.SIGMOID,
            50, 1e-5);

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HopfieldSpec(new int[] {8, 8, 1}, new int[] {0}, 10, Rho.SIGMOID, 50, 1e-5));
        assertTrue(e.getMessage().contains("hidden") && e.getMessage().contains("[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SPEC.withRelaxation(0, 1e-5));
        assertTrue(e.getMessage().contains("relaxation iterations") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SPEC.withRelaxation(10, -1));
        assertTrue(e.getMessage().contains("tolerance") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Rho.parse("relu"));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
    }

    @Test
    void theLayoutHoldsACouplingAndABiasPerFreeLayer() {
        var layout = SPEC.layout();
        assertEquals(List.of("W0", "b1", "W1", "b2", "W2", "b3"),
                layout.entries().stream().map(e -> e.name()).toList());
        assertEquals(64 * 20 + 20 + 20 * 12 + 12 + 12 * 10 + 10, layout.length());
        assertTrue(layout.entry(0).decays() && !layout.entry(1).decays());
    }

    @Test
    void aCheckpointKeepsTheArchitectureAndOnlyItsFamilysReaderTakesIt(@TempDir Path dir) throws IOException {
        Parameters w = new HopfieldNetwork(SPEC).initialize(3, DataType.FLOAT);
        Checkpoint c = new Checkpoint(SPEC, TrainingConfig.defaults(2), 1, w,
                new OptimizerState<>("adam", Map.of("t", 4.0), Map.of("firstMoment", w.copy())),
                List.of(new EpochRecord(1, 0.4, 0.3, 0.8, 1, 1, 0.1, 1e-3)));
        Path f = dir.resolve("h.ckpt");
        c.save(f);
        Checkpoint back = Checkpoint.load(f, Map.of(HopfieldSpec.FAMILY, HopfieldSpec::fromSettings));
        assertEquals(SPEC, back.spec());
        assertEquals(0, w.flat().sub(back.parameters().flat()).amaxNumber().doubleValue());
        DataFormatException e = assertThrows(DataFormatException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().contains("hopfield") && e.getMessage().contains("h.ckpt"), e.getMessage());
    }
}
