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
import org.diffeolens.io.AtomicFiles;
import org.diffeolens.io.Json;
import org.diffeolens.nn.linear.AccelerationExperiment;
import org.diffeolens.nn.linear.LpRegression;
import org.diffeolens.nn.linear.RegressionData;
import org.diffeolens.output.Panels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** diffeolens acceleration: does depth accelerate linear regression (Arora, Cohen, Hazan 2018)? */
@Command(name = "acceleration", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Depth 1 against depth 2 and 3 linear networks (through their factors and through the",
            "end-to-end metric that depth induces) and AdaGrad/Adam, on l2 and l4 linear regression of a",
            "scikit-learn table, each with its best learning rate. Writes acceleration.json and",
            "acceleration.png into DIR."})
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

    @Option(names = "--iterations", defaultValue = "2000", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (iterations < 1) {
            throw new BadInputException("--iterations must be >= 1, got " + iterations);
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
