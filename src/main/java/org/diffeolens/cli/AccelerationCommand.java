package org.diffeolens.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.AtomicFiles;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.Json;
import org.diffeolens.nn.linear.AccelerationExperiment;
import org.diffeolens.nn.linear.LpRegression;
import org.diffeolens.nn.linear.RegressionData;
import org.diffeolens.output.DepthReport;
import org.diffeolens.output.Panels;
import org.diffeolens.registration.DepthExperiment;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** diffeolens acceleration: does depth accelerate linear regression, or SVF registration (Arora, Cohen, Hazan 2018)? */
@Command(name = "acceleration", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Depth 1 against depth 2 and 3 linear networks (through their factors and through the",
            "end-to-end metric that depth induces) and AdaGrad/Adam, on l2 and l4 linear regression of a",
            "scikit-learn table, each with its best learning rate. Writes acceleration.json and",
            "acceleration.png into DIR.",
            "With --registration FIXED MOVING: an SVF against the same map as a product of N stationary",
            "factors, on one pyramid level after the affine stage, by fixed-step descent and L-BFGS, with",
            "and without the kinetic energy; writes acceleration-registration.json and .png into DIR."})
final class AccelerationCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", defaultValue = "diabetes", paramLabel = "NAME",
            description = "diabetes or wine (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "folder of scikit-learn's data tables (default: test-data/datasets/sklearn, "
                    + "else /usr/lib/python3/dist-packages/sklearn/datasets/data)")
    Path dataDir;

    @Option(names = "--iterations", paramLabel = "N",
            description = "(default: " + REGRESSION_ITERATIONS + ", with --registration " + REGISTRATION_ITERATIONS + ")")
    Integer iterations;

    @Option(names = "--registration", arity = "2", paramLabel = "IMAGE",
            description = "FIXED MOVING: the registration experiment on this pair instead of the regression")
    List<Path> registration;

    @Option(names = "--shrink", defaultValue = "2", paramLabel = "F",
            description = "pyramid shrink factor of the level registered (default: ${DEFAULT-VALUE})")
    int shrink;

    @Option(names = "--depths", split = ",", defaultValue = "1,2,4,8", paramLabel = "N,..",
            description = "numbers of factors, powers of two from 1 up (default: ${DEFAULT-VALUE})")
    int[] depths;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    static final int REGRESSION_ITERATIONS = 2000;
    static final int REGISTRATION_ITERATIONS = 200;

    @Override
    public Integer call() throws Exception {
        int iterations = this.iterations != null ? this.iterations
                : registration != null ? REGISTRATION_ITERATIONS : REGRESSION_ITERATIONS;
        if (iterations < 1) {
            throw new BadInputException("--iterations must be >= 1, got " + iterations);
        }
        if (registration != null) {
            return registration(iterations);
        }
        Path folder = dataDir != null ? dataDir : defaultDataDir();
        Json json = new Json().put("dataset", dataset).put("iterations", iterations).put("seed", seed)
                .put("learningRates", AccelerationExperiment.LEARNING_RATES)
                .put("initScale", AccelerationExperiment.INIT_SCALE);
        BufferedImage img = new BufferedImage(1000, 420, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        var o = spec.commandLine().getOut();
        int col = 0;
        for (double p : new double[] {2, 4}) {
            LpRegression problem = switch (dataset.toLowerCase(Locale.ROOT)) {
                case "diabetes" -> RegressionData.diabetes(folder, p);
                case "wine" -> RegressionData.wine(folder, p);
                default -> throw new BadInputException("--dataset must be diabetes or wine, got '" + dataset + "'");
            };
            List<AccelerationExperiment.Run> runs = AccelerationExperiment.run(problem, iterations, seed);
            double best = Double.POSITIVE_INFINITY;
            for (var r : runs) {
                for (double v : r.loss()) {
                    if (Double.isFinite(v)) {
                        best = Math.min(best, v);
                    }
                }
            }
            List<Json> rows = new ArrayList<>();
            List<Panels.Series> series = new ArrayList<>();
            Color[] colors = {Color.BLACK, new Color(31, 119, 180), new Color(174, 199, 232), new Color(214, 39, 40),
                new Color(255, 152, 150), new Color(44, 160, 44), new Color(148, 103, 189)};
            double[] x = new double[iterations + 1];
            for (int k = 0; k <= iterations; k++) {
                x[k] = k;
            }
            int c = 0;
            for (var r : runs) {
                int reach = AccelerationExperiment.iterationsTo(r.loss(), best, 0.01);
                double[] excess = new double[r.loss().length];
                for (int k = 0; k < excess.length; k++) {
                    excess[k] = r.loss()[k] - best + 1e-12 * Math.abs(best);
                }
                rows.add(new Json().put("name", r.name()).put("depth", r.depth()).put("method", r.method())
                        .put("learningRate", r.learningRate()).put("finalLoss", r.finalLoss())
                        .put("iterationsToWithin1PercentOfBest", reach)
                        .put("lossEvery10", every(r.loss(), 10)));
                series.add(new Panels.Series(r.name(), x, excess, colors[c++ % colors.length]));
                o.printf(Locale.ROOT, "l%d %-28s lr %-6s final %.6g, within 1%% of best at %s%n", (int) p, r.name(),
                        Text.num(r.learningRate()), r.finalLoss(), reach < 0 ? "never" : "iteration " + reach);
            }
            json.put("l" + (int) p, new Json().put("bestLoss", best).put("runs", rows));
            Panels.linePlot(g, col * 500, 0, 500, 420, "l" + (int) p + " loss - best (" + dataset + ")", "iteration",
                    "excess loss", series.toArray(new Panels.Series[0]), null, true);
            col++;
        }
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        AtomicFiles.writeString(out.resolve("acceleration.json"), json.toPrettyString() + "\n", List.of());
        AtomicFiles.write(out.resolve("acceleration.png"), s -> s.write(png.toByteArray()), List.of());
        o.println("wrote " + out.resolve("acceleration.json") + " and acceleration.png");
        return Main.EXIT_OK;
    }

    /** The depth experiment of SVF registration on one level of a pair (on one thread: CPU times compare). */
    private int registration(int iterations) throws Exception {
        if (shrink < 1) {
            throw new BadInputException("--shrink must be >= 1, got " + shrink);
        }
        DepthExperiment.checkDepths(depths);
        Path fixedFile = registration.get(0);
        Path movingFile = registration.get(1);
        ScalarField fixed = ImageFiles.readScalar(fixedFile);
        ScalarField moving = ImageFiles.readScalar(movingFile);
        if (fixed.grid().dim() != moving.grid().dim() || !fixed.isFinite() || !moving.isFinite()) {
            throw new BadInputException(fixedFile + " and " + movingFile
                    + " must be images of the same dimension with finite intensities");
        }
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withThreads(1);
        Registration.Prealigned pre = Registration.prealign(fixed, moving, p);
        FlowContext ctx = Registration.levelContext(pre.target(), pre.source(), shrink, p, Parallel.serial());
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "level grid %s after the affine stage%n", java.util.Arrays.toString(ctx.grid().size()));
        List<DepthExperiment.Result> results = new ArrayList<>();
        for (double weight : new double[] {1, 0}) {
            DepthExperiment.Result r = DepthExperiment.run(ctx, depths, iterations, weight);
            results.add(r);
            for (int k = 0; k < depths.length; k++) {
                var gd = r.bestFixedStep().get(k);
                var lb = r.lbfgs().get(k);
                o.printf(Locale.ROOT, "weight %.0f, N = %d: fixed step %s -> E %.6g, L-BFGS -> E %.6g; "
                        + "CPU %.3f and %.3f s/iteration%n", weight, depths[k], Text.num(gd.stepSize()),
                        gd.finalEnergy(), lb.finalEnergy(), perIteration(gd), perIteration(lb));
            }
        }
        Json json = new Json().put("fixed", fixedFile.toString()).put("moving", movingFile.toString())
                .put("shrink", shrink).put("grid", ctx.grid().size()).put("iterations", iterations)
                .put("parameters", Json.of(p.asMap()))
                .put("stepMultiples", DepthExperiment.STEP_MULTIPLES)
                .put("registrationEnergy", DepthReport.json(results.get(0)))
                .put("dataTermOnly", DepthReport.json(results.get(1)));
        BufferedImage img = DepthReport.render(results, List.of("E_reg + E_sim", "E_sim alone"));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Path jsonFile = out.resolve("acceleration-registration.json");
        Path pngFile = out.resolve("acceleration-registration.png");
        java.util.Map<Path, AtomicFiles.Content> files = new java.util.LinkedHashMap<>();
        files.put(jsonFile, s -> s.write((json.toPrettyString() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        files.put(pngFile, s -> s.write(png.toByteArray()));
        AtomicFiles.writeAll(files, registration);
        o.println("wrote " + jsonFile + " and " + pngFile.getFileName());
        return Main.EXIT_OK;
    }

    private static double perIteration(DepthExperiment.Curve c) {
        int last = c.cpuSeconds().length - 1;
        return last > 0 ? c.cpuSeconds()[last] / last : Double.NaN;
    }

    private static double[] every(double[] v, int step) {
        double[] s = new double[(v.length + step - 1) / step];
        for (int i = 0; i < s.length; i++) {
            s[i] = v[i * step];
        }
        return s;
    }

    static Path defaultDataDir() {
        Path local = Path.of("test-data", "datasets", "sklearn");
        return local.toFile().isDirectory() ? local : Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");
    }
}
