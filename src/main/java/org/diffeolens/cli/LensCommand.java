package org.diffeolens.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.io.AtomicFiles;
import org.diffeolens.io.Json;
import org.diffeolens.lens.PathSteps;
import org.diffeolens.lens.RegistrationRun;
import org.diffeolens.lens.StepSensitivity;
import org.diffeolens.output.Panels;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.Lddmm;
import org.diffeolens.registration.VelocityPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** diffeolens lens: geometric diagnostics of a finished run, written beside it. */
@Command(name = "lens", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Geometric diagnostics of a run folder (of 'diffeolens register'): writes lens.json and a",
            "plot into the folder.", "",
            "  trajectory   path length, path energy and distance from the start of the optimization per",
            "               level, under the method's V-metric (for shooting from zero, the distance is the",
            "               geodesic distance)",
            "  sensitivity  for an LDDMM path: the matching energy lost when one time step's velocity is",
            "               reset to zero, step by step"})
final class LensCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "a run's output folder")
    Path run;

    @Option(names = "--what", defaultValue = "trajectory", paramLabel = "KIND",
            description = "trajectory or sensitivity (default: ${DEFAULT-VALUE})")
    String what;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        RegistrationRun r = RegistrationRun.open(run);
        return switch (what.toLowerCase(Locale.ROOT)) {
            case "trajectory" -> trajectory(r);
            case "sensitivity" -> sensitivity(r);
            default -> throw new BadInputException("--what must be trajectory or sensitivity for a registration "
                    + "folder, got '" + what + "'");
        };
    }

    @SuppressWarnings("unchecked")
    private int trajectory(RegistrationRun r) throws Exception {
        Object t = r.summary().get("trajectory");
        if (!(t instanceof Map<?, ?> m)) {
            throw new BadInputException(run.resolve("summary.json") + ": has no trajectory section (written by "
                    + "'diffeolens register' since the lens exists); register again to record it");
        }
        List<Map<String, Object>> levels = (List<Map<String, Object>>) m.get("levels");
        BufferedImage img = new BufferedImage(900, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        List<Panels.Series> length = new ArrayList<>();
        List<Panels.Series> distance = new ArrayList<>();
        Color[] colors = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189)};
        for (Map<String, Object> level : levels) {
            double[] pl = numbers((List<Object>) level.get("pathLengths"));
            double[] d = numbers((List<Object>) level.get("distances"));
            double[] x = new double[pl.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            String name = "level " + ((Number) level.get("level")).intValue();
            Color c = colors[length.size() % colors.length];
            length.add(new Panels.Series(name, x, pl, c));
            distance.add(new Panels.Series(name, x, d, c));
        }
        Panels.linePlot(g, 0, 0, 450, 360, "path length in control space", "iteration", "V-length (mm)",
                length.toArray(new Panels.Series[0]), null, false);
        Panels.linePlot(g, 450, 0, 450, 360, "distance from the level's start", "iteration", "V-distance (mm)",
                distance.toArray(new Panels.Series[0]), null, false);
        g.dispose();
        Json out = new Json().put("run", run.toAbsolutePath().toString()).put("what", "trajectory")
                .put("method", r.method()).put("trajectory", Json.of(m))
                .put("geodesicDistance", ((Number) r.summary().get("geodesicDistance")).doubleValue());
        write(out, img, "lens-trajectory.png");
        Map<String, Object> last = levels.get(levels.size() - 1);
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: finest level path length %.4g, distance from its start "
                + "%.4g; reported geodesic distance %s%n", r.method(), ((Number) last.get("pathLength")).doubleValue(),
                ((Number) last.get("distanceFromStart")).doubleValue(), Text.num(((Number) r.summary()
                        .get("geodesicDistance")).doubleValue()));
        return Main.EXIT_OK;
    }

    private int sensitivity(RegistrationRun r) throws Exception {
        if (!r.method().equals("lddmm")) {
            throw new BadInputException(run + ": sensitivity resets the time steps of an LDDMM path; this run used "
                    + r.method() + " (register with --method lddmm)");
        }
        FlowContext ctx = r.context(threads == null ? Parallel.allCores() : Parallel.of(threads));
        VelocityPath path = r.path();
        Lddmm flow = new Lddmm(ctx);
        double base = flow.forward(path).energy().data();
        double[] change = StepSensitivity.changes(new PathSteps(), path, VelocityPath.zeros(ctx.grid(),
                path.timeSteps()), v -> flow.forward(v).energy().data());
        BufferedImage img = new BufferedImage(600, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        Panels.barPlot(g, 0, 0, 600, 360, "matching energy lost by resetting one time step", "time step",
                "increase of E_sim", change);
        g.dispose();
        Json out = new Json().put("run", run.toAbsolutePath().toString()).put("what", "sensitivity")
                .put("method", r.method()).put("matchingEnergy", base).put("resetToZero", change);
        write(out, img, "lens-sensitivity.png");
        var o = spec.commandLine().getOut();
        for (int k = 0; k < change.length; k++) {
            o.printf(Locale.ROOT, "time step %d: E_sim %+.4g (%.1f%%)%n", k, change[k], 100 * change[k] / base);
        }
        return Main.EXIT_OK;
    }

    /** lens.json keeps one section per diagnostic, so several --what runs accumulate in it. */
    private void write(Json json, BufferedImage img, String png) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        Path file = run.resolve("lens.json");
        Json all = new Json();
        if (java.nio.file.Files.isRegularFile(file)
                && Json.parse(java.nio.file.Files.readString(file)) instanceof Map<?, ?> previous) {
            all = Json.of(previous);
        }
        all.put(what.toLowerCase(Locale.ROOT), json);
        AtomicFiles.writeString(file, all.toPrettyString() + "\n", List.of());
        AtomicFiles.write(run.resolve(png), s -> s.write(b.toByteArray()), List.of());
        spec.commandLine().getOut().println("wrote " + run.resolve("lens.json") + " and " + png);
    }

    private static double[] numbers(List<Object> list) {
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) list.get(i)).doubleValue();
        }
        return d;
    }
}
