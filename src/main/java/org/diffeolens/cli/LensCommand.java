package org.diffeolens.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.io.Json;
import org.diffeolens.lens.BlockSensitivity;
import org.diffeolens.lens.LensFigures;
import org.diffeolens.lens.LensOutput;
import org.diffeolens.lens.ModelSelection;
import org.diffeolens.lens.NetworkFisher;
import org.diffeolens.lens.PathSteps;
import org.diffeolens.lens.RegistrationLens;
import org.diffeolens.lens.RegistrationRun;
import org.diffeolens.lens.RunFolder;
import org.diffeolens.lens.Spectra;
import org.diffeolens.lens.StepSensitivity;
import org.diffeolens.lens.TrainingRun;
import org.diffeolens.lens.TrainingTrajectory;
import org.diffeolens.lens.TrajectoryCurve;
import org.diffeolens.nn.NativeThreads;
import org.diffeolens.nn.data.DataFormatException;
import org.diffeolens.nn.data.Dataset;
import org.diffeolens.nn.data.TrainTest;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.Lddmm;
import org.diffeolens.registration.VelocityPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** diffeolens lens: geometric diagnostics of a finished run, written beside it. Parses, calls the lens, reports. */
@Command(name = "lens", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Geometric diagnostics of a run folder of 'diffeolens register' or 'diffeolens train': writes",
            "lens.json and figures (PNG) into the folder.", "",
            "  trajectory   path length, path energy and distance from the start of the optimization: per level",
            "               under the V-metric (registration; for shooting from zero the distance is the geodesic",
            "               distance), per training step under the Euclidean (and, if recorded, Fisher) metric",
            "  sensitivity  reset one step and score again: an LDDMM time step's velocity to zero (matching",
            "               energy), a residual block to its initial weights or a fresh draw (test loss, accuracy)",
            "  fisher       (training) top of the Fisher spectrum by Lanczos, trace, Fisher-Rao norm, effective",
            "               dimension",
            "  hessian      (training) top of the Hessian spectrum of the training loss by Lanczos",
            "  bic          (training) BIC with the raw and the effective (Fisher) number of parameters; several",
            "               --run are compared, the comparison written to --out"})
final class LensCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR",
            description = "a run's output folder (repeat with --what bic to compare models)")
    List<Path> runs;

    @Option(names = "--what", defaultValue = "trajectory", paramLabel = "KIND",
            description = "trajectory, sensitivity, fisher, hessian or bic (default: ${DEFAULT-VALUE})")
    String what;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "folder of a training run's data set "
            + "(default: test-data/datasets/<dataset>, then the Debian package's folder)")
    Path dataDir;

    @Option(names = "--samples", defaultValue = "512", paramLabel = "N",
            description = "training samples (a seeded draw) the Fisher and Hessian average over (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--top", defaultValue = "20", paramLabel = "K",
            description = "eigenvalues to find (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--lanczos-steps", defaultValue = "60", paramLabel = "M",
            description = "at most this many Lanczos steps (operator products) (default: ${DEFAULT-VALUE})")
    int lanczosSteps;

    @Option(names = "--tolerance", defaultValue = "1e-3", paramLabel = "TOL",
            description = "stop once the top K residual bounds are within TOL of the largest eigenvalue "
                    + "(default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--fisher", defaultValue = "true", paramLabel = "KIND",
            description = "true (expectation over the model's labels) or empirical (the data's labels) "
                    + "(default: ${DEFAULT-VALUE})")
    String fisherKind;

    @Option(names = "--probes", paramLabel = "P", description = "random probes of the stochastic Lanczos estimate of the "
            + "effective dimension, each --lanczos-steps products (default: 10 for bic, 0 (none) otherwise)")
    Integer probes;

    @Option(names = "--test-samples", paramLabel = "N",
            description = "test samples scored by the block sensitivity (default: the whole test set)")
    Integer testSamples;

    @Option(names = "--out", paramLabel = "DIR", description = "where --what bic writes the comparison of several runs")
    Path out;

    @Override
    public Integer call() throws Exception {
        String kind = what.toLowerCase(Locale.ROOT);
        if (!List.of("trajectory", "sensitivity", "fisher", "hessian", "bic").contains(kind)) {
            throw new BadInputException("--what must be trajectory, sensitivity, fisher, hessian or bic, got '"
                    + what + "'");
        }
        if (testSamples != null && testSamples < 1) {
            throw new BadInputException("--test-samples must be >= 1, got " + testSamples);
        }
        if (runs.size() > 1 && !kind.equals("bic")) {
            throw new BadInputException("several --run are compared by --what bic only; --what " + kind
                    + " takes one run");
        }
        if (runs.size() > 1 && out == null) {
            throw new BadInputException("--what bic with several --run needs --out DIR for the comparison");
        }
        // our threads split the batches; ND4J's own pools run one thread each (no native rendezvous per op)
        try (NativeThreads ignored = NativeThreads.use(1)) {
            return kind.equals("bic") ? bic(kind) : one(kind, runs.get(0));
        }
    }

    private int one(String kind, Path run) throws Exception {
        if (RunFolder.of(run) == RunFolder.REGISTRATION) {
            RegistrationRun r = RegistrationRun.open(run);
            return switch (kind) {
                case "trajectory" -> registrationTrajectory(run, r);
                case "sensitivity" -> registrationSensitivity(run, r);
                default -> throw new BadInputException("--what " + kind + " applies to training runs; " + run
                        + " is a registration (use trajectory or sensitivity)");
            };
        }
        TrainingRun t = openTraining(run);
        return switch (kind) {
            case "trajectory" -> trainingTrajectory(t);
            case "sensitivity" -> trainingSensitivity(t);
            default -> spectrum(t, kind);
        };
    }

    private Parallel parallel() {
        return threads == null ? Parallel.allCores() : Parallel.of(threads);
    }

    private PrintWriter stdout() {
        return spec.commandLine().getOut();
    }

    /** A training run and its data problems as bad input (exit 2), naming the file. */
    private static TrainingRun openTraining(Path run) throws Exception {
        try {
            return TrainingRun.open(run);
        } catch (DataFormatException | NoSuchFileException e) {
            throw new BadInputException(message(e));
        }
    }

    private TrainTest data(TrainingRun t) throws BadInputException, IOException {
        try {
            return t.data(dataDir);
        } catch (DataFormatException | NoSuchFileException e) {
            throw new BadInputException(message(e));
        }
    }

    private static String message(IOException e) {
        return e instanceof NoSuchFileException n ? n.getFile() + ": " + (n.getReason() != null ? n.getReason()
                : "no such file") : e.getMessage();
    }

    private Spectra.Settings settings() {
        int p = probes != null ? probes : what.equalsIgnoreCase("bic") ? 10 : 0;
        return new Spectra.Settings(samples, top, lanczosSteps, tolerance, 128, 0, p, true);
    }

    private void write(Path dir, Json json, Map<String, BufferedImage> figures) throws Exception {
        LensOutput.write(dir, what.toLowerCase(Locale.ROOT), json, figures);
        stdout().println("wrote " + dir.resolve("lens.json") + " and " + String.join(", ", figures.keySet()));
    }

    // ------------------------------------------------------------------ registration runs

    @SuppressWarnings("unchecked")
    private int registrationTrajectory(Path run, RegistrationRun r) throws Exception {
        if (!(r.summary().get("trajectory") instanceof Map<?, ?> m)) {
            throw new BadInputException(run.resolve("summary.json") + ": has no trajectory section (written by "
                    + "'diffeolens register' since the lens exists); register again to record it");
        }
        List<Map<String, Object>> levels = m.get("levels") instanceof List<?> l ? (List<Map<String, Object>>) l
                : List.of();
        if (levels.isEmpty()) {
            throw new BadInputException(run.resolve("summary.json") + ": its trajectory records no iterations of the "
                    + "diffeomorphic stage (registered with --iterations 0, or cancelled before it): nothing to draw");
        }
        List<TrajectoryCurve> curves = new ArrayList<>();
        for (Map<String, Object> level : levels) {
            curves.add(TrajectoryCurve.fromMap("level " + ((Number) level.get("level")).intValue(), level));
        }
        BufferedImage img = LensFigures.trajectory(r.method() + " registration: the optimization's path in control "
                + "space, per pyramid level", List.of(new LensFigures.Row("V-metric", "V-length (mm)", curves, null)));
        double geodesic = r.summary().get("geodesicDistance") instanceof Number n ? n.doubleValue() : Double.NaN;
        Json out = new Json().put("run", run.toAbsolutePath().toString()).put("what", "trajectory")
                .put("method", r.method()).put("trajectory", Json.of(m)).put("geodesicDistance", geodesic);
        Map<String, BufferedImage> figures = new LinkedHashMap<>();
        figures.put("lens-trajectory.png", img);
        Map<String, Object> finest = levels.get(levels.size() - 1);
        if (finest.get("kineticEnergy") instanceof List<?> list) {
            // the deformation path's own energy int ||v_t||_V^2 dt: for a geodesic d^2 (EPDiff conserves ||v_t||_V);
            // for LDDMM's optimized path at least its squared length, which the reported distance is
            double[] kinetic = list.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
            double energy = RegistrationLens.pathEnergy(kinetic);
            double reported = r.method().equals("shooting") ? geodesic : ((Number) r.summary().get("pathLength"))
                    .doubleValue();
            figures.put("lens-kinetic.png", LensFigures.kineticEnergy(r.method() + " registration: the deformation "
                    + "path's kinetic energy at the finest level", kinetic, reported * reported));
            stdout().printf(Locale.ROOT, "deformation path energy int ||v_t||_V^2 dt = %.6g; reported %s^2 = %.6g%n",
                    energy, r.method().equals("shooting") ? "geodesic distance" : "path length", reported * reported);
        }
        write(run, out, figures);
        TrajectoryCurve last = curves.get(curves.size() - 1);
        stdout().printf(Locale.ROOT, "%s: finest level path length %.4g, path energy %.4g, distance from its start "
                + "%.4g; reported geodesic distance %s%n", r.method(), last.pathLength(), last.pathEnergy(),
                last.distanceFromStart(), Text.num(geodesic));
        return Main.EXIT_OK;
    }

    private int registrationSensitivity(Path run, RegistrationRun r) throws Exception {
        if (!r.method().equals("lddmm")) {
            throw new BadInputException(run + ": sensitivity resets the time steps of an LDDMM path; this run used "
                    + r.method() + " (register with --method lddmm)");
        }
        FlowContext ctx = r.context(parallel());
        VelocityPath path = r.pathOn(ctx);
        Lddmm flow = new Lddmm(ctx);
        StepSensitivity.Result s = StepSensitivity.of(new PathSteps(), path, VelocityPath.zeros(ctx.grid(),
                path.timeSteps()), v -> new double[] {flow.forward(v).energy().data()});
        double base = s.base()[0];
        double[] change = s.change(0);
        Json json = new Json().put("run", run.toAbsolutePath().toString()).put("what", "sensitivity")
                .put("method", r.method()).put("matchingEnergy", base).put("resetToZero", change);
        write(run, json, Map.of("lens-sensitivity.png", LensFigures.registrationSensitivity(change)));
        for (int k = 0; k < change.length; k++) {
            stdout().printf(Locale.ROOT, "time step %d: E_sim %+.4g (%.1f%%)%n", k, change[k], 100 * change[k] / base);
        }
        return Main.EXIT_OK;
    }

    // ------------------------------------------------------------------ training runs

    private int trainingTrajectory(TrainingRun t) throws Exception {
        List<TrajectoryCurve> curves = t.trajectory();
        if (curves.isEmpty()) {
            throw new BadInputException(t.dir().resolve("summary.json") + ": has no trajectory section (written by "
                    + "'diffeolens train' since the lens exists); train again to record it");
        }
        Json json = new Json().put("run", t.dir().toAbsolutePath().toString()).put("what", "trajectory");
        for (TrajectoryCurve c : curves) {
            json.put(c.name(), new Json().put("pathLength", c.pathLength()).put("pathEnergy", c.pathEnergy())
                    .put("distanceFromStart", c.distanceFromStart()).put("steps", (long) c.iterations()[
                            c.iterations().length - 1]));
            stdout().printf(Locale.ROOT, "%s metric: path length %.4g, path energy %.4g, distance from the initial "
                    + "weights %.4g (path/chord %.2f)%n", c.name(), c.pathLength(), c.pathEnergy(), c.distanceFromStart(),
                    c.pathLength() / c.distanceFromStart());
        }
        write(t.dir(), json, Map.of("lens-trajectory.png", LensFigures.trainingTrajectory("the path of the weights: "
                + t.title(), curves, t.stepsPerEpoch())));
        return Main.EXIT_OK;
    }

    private int trainingSensitivity(TrainingRun t) throws Exception {
        TrainTest data = data(t);
        Dataset test = testSamples == null ? data.test() : TrainingTrajectory.probe(data.test(), testSamples, 0);
        BlockSensitivity.Report r = BlockSensitivity.of(t.network(), t.parameters(), t.checkpoint().config().seed(),
                test, 256, parallel());
        Json json = new Json().put("run", t.dir().toAbsolutePath().toString()).put("what", "sensitivity")
                .put("testSamples", r.testSamples()).put("testLoss", r.loss()).put("testAccuracy", r.accuracy())
                .put("reinitialized", probe(r.reinitialized())).put("rerandomized", probe(r.rerandomized()));
        write(t.dir(), json, Map.of("lens-sensitivity.png", LensFigures.blockSensitivity("block sensitivity: "
                + t.title(), r)));
        stdout().printf(Locale.ROOT, "trained: test loss %.4f, accuracy %.2f %% (%d samples)%n", r.loss(),
                100 * r.accuracy(), r.testSamples());
        for (int k = 0; k < r.reinitialized().reset().length; k++) {
            stdout().printf(Locale.ROOT, "block %d: re-initialized %.2f %% (loss %+.4f), re-randomized %.2f %% "
                    + "(loss %+.4f)%n", k, 100 * r.reinitialized().reset()[k][1], r.reinitialized().change(0)[k],
                    100 * r.rerandomized().reset()[k][1], r.rerandomized().change(0)[k]);
        }
        return Main.EXIT_OK;
    }

    private static Json probe(StepSensitivity.Result r) {
        int n = r.reset().length;
        double[] loss = new double[n];
        double[] accuracy = new double[n];
        for (int k = 0; k < n; k++) {
            loss[k] = r.reset()[k][0];
            accuracy[k] = r.reset()[k][1];
        }
        return new Json().put("testLoss", loss).put("testAccuracy", accuracy).put("lossChange", r.change(0))
                .put("accuracyChange", r.change(1));
    }

    private int spectrum(TrainingRun t, String kind) throws Exception {
        TrainTest data = data(t);
        double weightDecay = t.checkpoint().config().weightDecay();
        Spectra.Report report;
        if (kind.equals("fisher")) {
            NetworkFisher.Kind k = NetworkFisher.Kind.parse(fisherKind);
            report = Spectra.fisher(t.network(), t.parameters(), data.train(), k,
                    ModelSelection.scale(weightDecay, data.train().size()), settings(), parallel());
            stdout().printf(Locale.ROOT, "%s on %d samples: trace %.4g, Fisher-Rao norm^2 %.4g, effective dimension "
                    + "%s at z = %.3g (of %d parameters)%n", report.operator(), report.samples(), report.trace(),
                    report.fisherRaoNormSquared(), effective(report.effective()), report.effective().z(),
                    report.parameters());
        } else {
            report = Spectra.hessian(t.network(), t.parameters(), data.train(), weightDecay, settings(), parallel());
        }
        stdout().printf(Locale.ROOT, "%s: top eigenvalues %s (%d Lanczos steps, largest residual bound %.2g of the "
                + "top)%n", report.operator(), Text.join(report.eigenvalues(), ", "), report.iterations(),
                relativeResidual(report));
        Json json = report.toJson().put("run", t.dir().toAbsolutePath().toString()).put("what", kind);
        List<LensFigures.SpectrumSeries> series = new ArrayList<>(spectraOnFile(t.dir(), kind));
        series.add(0, new LensFigures.SpectrumSeries(report.operator(), report.eigenvalues(), note(report)));
        write(t.dir(), json, Map.of("lens-spectrum.png", LensFigures.spectrum("Fisher and Hessian spectra: "
                + t.title(), series)));
        return Main.EXIT_OK;
    }

    private static double relativeResidual(Spectra.Report r) {
        double worst = 0;
        for (double x : r.residuals()) {
            worst = Math.max(worst, x);
        }
        return worst / Math.abs(r.eigenvalues()[0]);
    }

    private static String note(Spectra.Report r) {
        String s = String.format(Locale.ROOT, "%d samples, %d Lanczos steps", r.samples(), r.iterations());
        if (r.effective() != null) {
            s += String.format(Locale.ROOT, "; trace %.4g, Fisher-Rao norm^2 %.4g, N_eff(z=%.2g) %s of %d",
                    r.trace(), r.fisherRaoNormSquared(), r.effective().z(), effective(r.effective()), r.parameters());
        }
        return s;
    }

    /** "12.3 +- 0.4 (bounds 10.0..51.2)" or "10.0..51.2" without an estimate. */
    static String effective(org.diffeolens.lens.EffectiveDimension d) {
        String bounds = String.format(Locale.ROOT, "%.1f..%.1f", d.lower(), d.upper());
        return Double.isFinite(d.estimate()) ? String.format(Locale.ROOT, "%.1f +- %.1f (bounds %s)", d.estimate(),
                d.standardError(), bounds) : bounds;
    }

    /** The other spectrum (fisher or hessian) an earlier lens run left in lens.json, to draw both together. */
    private static List<LensFigures.SpectrumSeries> spectraOnFile(Path dir, String except) throws IOException {
        List<LensFigures.SpectrumSeries> list = new ArrayList<>();
        Path file = dir.resolve("lens.json");
        Object parsed;
        try {
            parsed = Files.isRegularFile(file) ? Json.parse(Files.readString(file)) : null;
        } catch (IllegalArgumentException damaged) {
            return list; // LensOutput.write names the file and what to do about it
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            return list;
        }
        for (String kind : new String[] {"fisher", "hessian"}) {
            if (!kind.equals(except) && m.get(kind) instanceof Map<?, ?> s && s.get("eigenvalues") instanceof List<?> e) {
                double[] v = e.stream().mapToDouble(x -> x instanceof Number n ? n.doubleValue() : Double.NaN).toArray();
                String note = String.format(Locale.ROOT, "from lens.json, %d samples", ((Number) s.get("samples"))
                        .intValue());
                if (s.get("trace") instanceof Number trace && s.get("fisherRaoNormSquared") instanceof Number rao) {
                    note += String.format(Locale.ROOT, "; trace %.4g, Fisher-Rao norm^2 %.4g", trace.doubleValue(),
                            rao.doubleValue());
                }
                list.add(new LensFigures.SpectrumSeries(String.valueOf(s.get("operator")), v, note));
            }
        }
        return list;
    }

    private static String folderName(Path run) {
        Path name = run.toAbsolutePath().normalize().getFileName();
        return name == null ? run.toAbsolutePath().normalize().toString() : name.toString();
    }

    private int bic(String kind) throws Exception {
        List<ModelSelection.Entry> entries = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (Path run : runs) {
            names.merge(folderName(run), 1, Integer::sum);
        }
        for (Path run : runs) {
            if (RunFolder.of(run) != RunFolder.TRAINING) {
                throw new BadInputException("--what bic applies to training runs; " + run + " is a registration");
            }
            TrainingRun t = openTraining(run);
            // a folder name that several runs share (runs/a/model, runs/b/model) would leave the best unnamed
            String name = names.get(folderName(run)) > 1 ? run.toAbsolutePath().normalize().toString() : folderName(run);
            ModelSelection.Entry e = ModelSelection.of(name, t.network(), t.parameters(), data(t),
                    t.checkpoint().config().weightDecay(), settings(), parallel());
            entries.add(e);
            stdout().printf(Locale.ROOT, "%s: %d parameters, N_eff %s (z = %.3g), train loss %.4f, test "
                    + "accuracy %.2f %%; BIC %.1f with k = parameters, %.1f with k = N_eff%n", name, e.parameters(),
                    effective(e.effective()), e.z(), e.trainLoss(), 100 * e.testAccuracy(), e.bic(), e.bicEffective());
            if (runs.size() == 1) {
                write(run, e.toJson().put("run", run.toAbsolutePath().toString()).put("what", kind),
                        Map.of("lens-bic.png", LensFigures.bic("model selection: " + t.title(), List.of(e))));
            }
        }
        if (runs.size() > 1) {
            List<Object> rows = new ArrayList<>();
            for (ModelSelection.Entry e : entries) {
                rows.add(e.toJson());
            }
            int best = 0;
            int bestEffective = 0;
            for (int i = 1; i < entries.size(); i++) {
                best = entries.get(i).bic() < entries.get(best).bic() ? i : best;
                bestEffective = entries.get(i).bicEffective() < entries.get(bestEffective).bicEffective() ? i
                        : bestEffective;
            }
            Json json = new Json().put("what", kind).put("models", rows).put("bestByBic", entries.get(best).name())
                    .put("bestByBicEffective", entries.get(bestEffective).name());
            Files.createDirectories(out);
            write(out, json, Map.of("lens-bic.png", LensFigures.bic("model selection by BIC over " + entries.size()
                    + " runs", entries)));
            stdout().printf("lowest BIC: %s (k = parameters), %s (k = N_eff)%n", entries.get(best).name(),
                    entries.get(bestEffective).name());
        }
        return Main.EXIT_OK;
    }
}
