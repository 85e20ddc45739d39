package org.diffeolens.lens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.NetworkSpec;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.hopfield.HopfieldSpec;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.data.DataSets;
import org.diffeolens.nn.data.TrainTest;

/**
 * A training output folder read back for the lens: summary.json (the data set and the trajectory
 * the trainer recorded) and model.ckpt (the architecture, the training configuration with its
 * seed, which gives the initial weights again, and the trained weights).
 */
public final class TrainingRun {

    private final Path dir;
    private final Map<?, ?> summary;
    private final Checkpoint checkpoint;
    private final ResidualNetwork network;

    private final NetworkSpec spec;

    private TrainingRun(Path dir, Map<?, ?> summary, Checkpoint checkpoint, NetworkSpec spec) {
        this.dir = dir;
        this.summary = summary;
        this.checkpoint = checkpoint;
        this.spec = spec;
        this.network = new ResidualNetwork(spec);
    }

    /** Reads DIR/summary.json and DIR/model.ckpt (a DataFormatException names a damaged checkpoint). */
    public static TrainingRun open(Path dir) throws ImageIOException, IOException {
        if (RunFolder.of(dir) != RunFolder.TRAINING) {
            throw new ImageIOException(dir, "is a registration folder, not a training run");
        }
        Path model = dir.resolve("model.ckpt");
        if (!Files.isRegularFile(model)) {
            throw new ImageIOException(model, "not found: the run did not complete an epoch (train again, or "
                    + "continue it with --resume)");
        }
        Checkpoint checkpoint = Checkpoint.load(model, Map.of(NetworkSpec.FAMILY, NetworkSpec::fromSettings,
                HopfieldSpec.FAMILY, HopfieldSpec::fromSettings));
        if (!(checkpoint.spec() instanceof NetworkSpec spec)) {
            throw new ImageIOException(model, "holds a " + checkpoint.spec().family() + " network: the lens reads "
                    + "residual networks (conv or dense)");
        }
        return new TrainingRun(dir, RunFolder.summary(dir), checkpoint, spec);
    }

    public Path dir() {
        return dir;
    }

    public String dataset() {
        return String.valueOf(summary.get("dataset"));
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public ResidualNetwork network() {
        return network;
    }

    /** The trained weights (float32, as trained). */
    public Parameters parameters() {
        return checkpoint.parameters();
    }

    /** The run's data, from dataDir or the default places. */
    public TrainTest data(Path dataDir) throws IOException {
        return DataSets.load(dataset(), dataDir);
    }

    /** One-line description for figure titles. */
    public String title() {
        NetworkSpec s = spec;
        return s.kind().name().toLowerCase() + " residual net on " + dataset() + ": depth " + s.depth() + ", width "
                + s.width() + ", " + checkpoint.epoch() + " epochs, test accuracy "
                + String.format(java.util.Locale.ROOT, "%.2f %%", 100 * checkpoint.history().get(checkpoint.epoch() - 1)
                .testAccuracy());
    }

    /** The trajectory section summary.json carries (empty when the run predates it). */
    public List<TrajectoryCurve> trajectory() {
        List<TrajectoryCurve> curves = new ArrayList<>();
        if (summary.get("trajectory") instanceof Map<?, ?> t && t.get("metrics") instanceof List<?> metrics) {
            for (Object m : metrics) {
                if (t.get(String.valueOf(m)) instanceof Map<?, ?> c) {
                    curves.add(TrajectoryCurve.fromMap(String.valueOf(m), c));
                }
            }
        }
        return curves;
    }

    /** Steps per epoch of the recorded trajectory (0 when unknown). */
    public int stepsPerEpoch() {
        return summary.get("trajectory") instanceof Map<?, ?> t && t.get("stepsPerEpoch") instanceof Number n
                ? n.intValue() : 0;
    }
}
