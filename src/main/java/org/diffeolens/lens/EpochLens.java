package org.diffeolens.lens;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.Json;
import org.diffeolens.nn.EpochRecord;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.TrainingConfig;
import org.diffeolens.nn.TrainingListener;
import org.diffeolens.nn.data.Dataset;
import org.diffeolens.nn.data.TrainTest;

/**
 * The lens riding along a training run: after every epoch it draws the path of the weights so far,
 * the block sensitivity (on a seeded subset of the test set) and the top of the Fisher spectrum
 * (on a seeded subset of the training set) into the run folder, and keeps the per-epoch numbers in
 * lens.json's "epochs" section. Subsets keep it to about the time of a few hundred training steps.
 */
public final class EpochLens implements TrainingListener {

    public static final int TEST_SAMPLES = 1000;
    /** 128 training samples, the top 8 eigenvalues in at most 16 Lanczos steps, no trace: seconds per epoch. */
    public static final Spectra.Settings FISHER = new Spectra.Settings(128, 8, 16, 1e-3, 128, 0, 0, false);

    private final Path dir;
    private final ResidualNetwork network;
    private final TrainTest data;
    private final Dataset test;
    private final TrainingTrajectory path;
    private final TrainingConfig config;
    private final Parallel parallel;
    private final String title;
    private final List<Object> epochs = new ArrayList<>();
    private final List<double[]> reinitialized = new ArrayList<>();
    private final List<double[]> fisher = new ArrayList<>();
    private int stepsPerEpoch;

    public EpochLens(Path dir, ResidualNetwork network, TrainTest data, TrainingTrajectory path, TrainingConfig config,
                     String title, Parallel parallel) {
        this.dir = dir;
        this.network = network;
        this.data = data;
        this.test = TrainingTrajectory.probe(data.test(), TEST_SAMPLES, 0);
        this.path = path;
        this.config = config;
        this.title = title;
        this.parallel = parallel;
    }

    @Override
    public void onStart(Plan plan) {
        stepsPerEpoch = plan.stepsPerEpoch();
        if (plan.firstEpoch() > 0) {
            restore(plan.firstEpoch());
        }
    }

    /**
     * A resumed run continues the lens of the epochs up to its checkpoint, which lens.json's "epochs"
     * section holds (a folder without it, or a damaged one, starts afresh).
     */
    private void restore(int lastEpoch) {
        Path file = dir.resolve("lens.json");
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            if (!(Json.parse(Files.readString(file)) instanceof Map<?, ?> all && all.get("epochs") instanceof Map<?, ?> s
                    && s.get("epochs") instanceof List<?> list)) {
                return;
            }
            for (Object o : list) {
                if (o instanceof Map<?, ?> e && e.get("epoch") instanceof Number n && n.intValue() <= lastEpoch
                        && e.get("fisherTop") instanceof List<?> top && !top.isEmpty()
                        && e.get("fisherRaoNormSquared") instanceof Number rao) {
                    double[] drop = TrajectoryCurve.numbers(e.get("reinitializedAccuracyChange"));
                    for (int k = 0; k < drop.length; k++) {
                        drop[k] *= 100;
                    }
                    epochs.add(e);
                    reinitialized.add(drop);
                    fisher.add(new double[] {n.intValue(), TrajectoryCurve.numbers(top)[0], rao.doubleValue()});
                }
            }
        } catch (IOException | IllegalArgumentException unreadable) {
            epochs.clear();
            reinitialized.clear();
            fisher.clear();
        }
    }

    @Override
    public void onEpochEnd(EpochRecord record, EpochState state) {
        BlockSensitivity.Report s = BlockSensitivity.of(network, state.parameters(), config.seed(), test, 256, parallel);
        Spectra.Report f = Spectra.fisher(network, state.parameters(), data.train(), NetworkFisher.Kind.TRUE,
                ModelSelection.scale(config.weightDecay(), data.train().size()), FISHER, parallel);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("epoch", record.epoch());
        e.put("testAccuracy", record.testAccuracy());
        e.put("reinitializedAccuracyChange", s.reinitialized().change(1));
        e.put("rerandomizedAccuracyChange", s.rerandomized().change(1));
        e.put("fisherTop", f.eigenvalues());
        e.put("fisherRaoNormSquared", f.fisherRaoNormSquared());
        epochs.add(e);
        double[] drop = s.reinitialized().change(1);
        for (int k = 0; k < drop.length; k++) {
            drop[k] *= 100;
        }
        reinitialized.add(drop);
        fisher.add(new double[] {record.epoch(), f.eigenvalues()[0], f.fisherRaoNormSquared()});
        String at = title + ", epoch " + record.epoch();
        Map<String, BufferedImage> figures = new LinkedHashMap<>();
        figures.put("lens-trajectory.png", LensFigures.trainingTrajectory("the path of the weights: " + at,
                path.curves(), stepsPerEpoch));
        figures.put("lens-sensitivity.png", LensFigures.blockSensitivity("block sensitivity (" + test.size()
                + " test samples): " + at, s));
        figures.put("lens-spectrum.png", LensFigures.spectrum("Fisher spectrum (" + f.samples() + " training samples): "
                + at, List.of(new LensFigures.SpectrumSeries(f.operator(), f.eigenvalues(), String.format(
                java.util.Locale.ROOT, "Fisher-Rao norm^2 %.4g; %d Lanczos steps", f.fisherRaoNormSquared(),
                f.iterations())))));
        double[] x = new double[fisher.size()];
        double[] top = new double[x.length];
        double[] rao = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = fisher.get(i)[0];
            top[i] = fisher.get(i)[1];
            rao[i] = fisher.get(i)[2];
        }
        figures.put("lens-epochs.png", LensFigures.epochs("the lens over the epochs: " + title, x,
                reinitialized.toArray(new double[0][]), top, rao));
        Json json = new Json().put("testSamples", test.size()).put("fisherSamples", f.samples()).put("epochs", epochs);
        try {
            LensOutput.write(dir, "epochs", json, figures);
        } catch (ImageIOException ex) {
            throw new UncheckedIOException(new IOException(ex.getMessage(), ex));
        }
    }
}
