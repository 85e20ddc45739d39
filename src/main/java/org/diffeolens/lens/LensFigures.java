package org.diffeolens.lens;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffeolens.output.Panels;

/**
 * The lens's figures, drawn with {@link Panels} (headless java.awt): the path of an optimization
 * (length, distance from the start, energy), the change of the scores when one step or block is
 * reset, the top of the Fisher and Hessian spectra, and the BIC of several models.
 */
public final class LensFigures {

    static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)};
    private static final int WIDTH = 1200;
    private static final int ROW = 320;

    private LensFigures() {
    }

    /** One row of the trajectory figure: curves measured in one metric (levels of a registration, or one metric). */
    public record Row(String metric, String unit, List<TrajectoryCurve> curves, double[] marks) {
    }

    /** Per row: path length, distance from the start and path energy against the iteration. */
    public static BufferedImage trajectory(String title, List<Row> rows) {
        BufferedImage img = new BufferedImage(WIDTH, 30 + ROW * rows.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        heading(g, title);
        int y = 30;
        for (Row r : rows) {
            List<Panels.Series> length = new ArrayList<>();
            List<Panels.Series> distance = new ArrayList<>();
            List<Panels.Series> energy = new ArrayList<>();
            for (int i = 0; i < r.curves().size(); i++) {
                TrajectoryCurve c = r.curves().get(i);
                Color color = COLORS[i % COLORS.length];
                length.add(new Panels.Series(c.name(), c.iterations(), c.pathLengths(), color));
                distance.add(new Panels.Series(c.name(), c.iterations(), c.distances(), color));
                energy.add(new Panels.Series(c.name(), c.iterations(), c.pathEnergies(), color));
            }
            int w = WIDTH / 3;
            Panels.linePlot(g, 0, y, w, ROW, r.metric() + ": path length", "iteration", r.unit(),
                    length.toArray(new Panels.Series[0]), r.marks(), false);
            Panels.linePlot(g, w, y, w, ROW, r.metric() + ": distance from the start", "iteration", r.unit(),
                    distance.toArray(new Panels.Series[0]), r.marks(), false);
            Panels.linePlot(g, 2 * w, y, w, ROW, r.metric() + ": path energy", "iteration",
                    r.unit() + "^2", energy.toArray(new Panels.Series[0]), r.marks(), false);
            y += ROW;
        }
        g.dispose();
        return img;
    }

    /** A training path: one row per metric (Euclidean, Fisher), dotted lines at the epochs' ends. */
    public static BufferedImage trainingTrajectory(String title, List<TrajectoryCurve> curves, int stepsPerEpoch) {
        List<Row> rows = new ArrayList<>();
        for (TrajectoryCurve c : curves) {
            double last = c.iterations().length == 0 ? 0 : c.iterations()[c.iterations().length - 1];
            List<Double> marks = new ArrayList<>();
            for (int e = stepsPerEpoch; stepsPerEpoch > 0 && e <= last; e += stepsPerEpoch) {
                marks.add((double) e);
            }
            boolean fisher = c.name().equals("fisher");
            rows.add(new Row(fisher ? "Fisher metric" : "Euclidean metric", fisher ? "sqrt(dW^T F dW)" : "|dW|",
                    List.of(c), marks.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return trajectory(title, rows);
    }

    /** ||v_t||_V^2 along the deformation path against t, with the squared length the registration reports. */
    public static BufferedImage kineticEnergy(String title, double[] kinetic, double geodesicSquared) {
        BufferedImage img = new BufferedImage(700, 380, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        heading(g, title);
        double[] t = new double[kinetic.length];
        double[] d = new double[kinetic.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = i / (double) t.length;
            d[i] = geodesicSquared;
        }
        Panels.linePlot(g, 0, 30, 700, 350, "||v_t||_V^2 per time step, and the reported d^2", "time t",
                "||v_t||_V^2", new Panels.Series[] {new Panels.Series("||v_t||^2", t, kinetic, COLORS[0]),
                    new Panels.Series("d^2", t, d, COLORS[3])}, null, false);
        g.dispose();
        return img;
    }

    /**
     * The lens over the epochs of a training run: per block, the accuracy change when it is
     * re-initialized (left); the top Fisher eigenvalue and the Fisher-Rao norm (right, log scale).
     *
     * @param reinitialized [epoch][block] accuracy change in points
     */
    public static BufferedImage epochs(String title, double[] epochs, double[][] reinitialized, double[] topFisher,
                                       double[] fisherRao) {
        BufferedImage img = new BufferedImage(WIDTH, 30 + ROW, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        heading(g, title);
        int blocks = reinitialized.length == 0 ? 0 : reinitialized[0].length;
        Panels.Series[] left = new Panels.Series[blocks];
        for (int k = 0; k < blocks; k++) {
            double[] y = new double[epochs.length];
            for (int e = 0; e < epochs.length; e++) {
                y[e] = reinitialized[e][k];
            }
            left[k] = new Panels.Series("block " + k, epochs, y, COLORS[k % COLORS.length]);
        }
        Panels.linePlot(g, 0, 30, WIDTH / 2, ROW, "accuracy change when a block is re-initialized", "epoch",
                "points", left, null, false);
        Panels.linePlot(g, WIDTH / 2, 30, WIDTH / 2, ROW, "Fisher: top eigenvalue and Fisher-Rao norm^2", "epoch",
                "value", new Panels.Series[] {new Panels.Series("top eigenvalue", epochs, topFisher, COLORS[0]),
                    new Panels.Series("Fisher-Rao norm^2", epochs, fisherRao, COLORS[1])}, null, true);
        g.dispose();
        return img;
    }

    /** The matching energy lost by resetting one time step of an LDDMM path. */
    public static BufferedImage registrationSensitivity(double[] change) {
        BufferedImage img = new BufferedImage(600, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        Panels.barPlot(g, 0, 0, 600, 360, "matching energy lost by resetting one time step", "time step",
                "increase of E_sim", change);
        g.dispose();
        return img;
    }

    /** Change of the test loss and accuracy when one block is re-initialized or re-randomized. */
    public static BufferedImage blockSensitivity(String title, BlockSensitivity.Report r) {
        BufferedImage img = new BufferedImage(WIDTH, 30 + ROW + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        heading(g, title);
        int n = r.reinitialized().reset().length;
        String[] blocks = new String[n];
        for (int k = 0; k < n; k++) {
            blocks[k] = "block " + k;
        }
        String[] names = {"re-initialized (weights at step 0)", "re-randomized (a fresh draw)"};
        Color[] colors = {COLORS[0], COLORS[1]};
        double[][] loss = {r.reinitialized().change(0), r.rerandomized().change(0)};
        double[][] accuracy = {percent(r.reinitialized().change(1)), percent(r.rerandomized().change(1))};
        Panels.groupedBarPlot(g, 0, 30, WIDTH / 2, ROW + 20, String.format(Locale.ROOT,
                "change of the test loss (trained: %.4f)", r.loss()), "block reset", "loss change", blocks, names, loss,
                colors);
        Panels.groupedBarPlot(g, WIDTH / 2, 30, WIDTH / 2, ROW + 20, String.format(Locale.ROOT,
                "change of the test accuracy (trained: %.2f %%)", 100 * r.accuracy()), "block reset",
                "accuracy change (points)", blocks, names, accuracy, colors);
        g.dispose();
        return img;
    }

    private static double[] percent(double[] a) {
        double[] p = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            p[i] = 100 * a[i];
        }
        return p;
    }

    /** A named top of a spectrum, with a line of notes under the plot. */
    public record SpectrumSeries(String name, double[] eigenvalues, String note) {
    }

    /** The largest eigenvalues against their rank, log scale (values at or below 0 are left out). */
    public static BufferedImage spectrum(String title, List<SpectrumSeries> series) {
        int notes = 18 * series.size();
        BufferedImage img = new BufferedImage(900, 30 + 420 + notes + 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        heading(g, title);
        Panels.Series[] s = new Panels.Series[series.size()];
        for (int i = 0; i < s.length; i++) {
            double[] e = series.get(i).eigenvalues();
            double[] x = new double[e.length];
            double[] y = new double[e.length];
            for (int k = 0; k < e.length; k++) {
                x[k] = k + 1;
                y[k] = e[k] > 0 ? e[k] : Double.NaN;
            }
            s[i] = new Panels.Series(series.get(i).name(), x, y, COLORS[i % COLORS.length]);
        }
        Panels.linePlot(g, 0, 30, 900, 420, "top of the spectrum (Lanczos)", "rank", "eigenvalue", s, null, true);
        g.setFont(Panels.LABEL);
        for (int i = 0; i < series.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.drawString(series.get(i).name() + ": " + series.get(i).note(), 12, 30 + 420 + 14 + 18 * i);
        }
        g.dispose();
        return img;
    }

    /**
     * Per model: the BIC with k = N_eff (the effective number, on its own scale), with k = the
     * parameters, and both counts.
     */
    public static BufferedImage bic(String title, List<ModelSelection.Entry> entries) {
        BufferedImage img = new BufferedImage(WIDTH, 30 + ROW + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        heading(g, title);
        int n = entries.size();
        String[] names = new String[n];
        double[][] effective = new double[1][n];
        double[][] raw = new double[1][n];
        double[][] k = new double[2][n];
        for (int i = 0; i < n; i++) {
            ModelSelection.Entry e = entries.get(i);
            names[i] = e.name();
            effective[0][i] = e.bicEffective();
            raw[0][i] = e.bic();
            k[0][i] = e.parameters();
            k[1][i] = e.effective().value();
        }
        int w = WIDTH / 3;
        Panels.groupedBarPlot(g, 0, 30, w, ROW + 20, "BIC, k = N_eff (Fisher)", "model", "2 N L + N_eff log N", names,
                new String[] {"k = N_eff"}, effective, new Color[] {COLORS[2]});
        Panels.groupedBarPlot(g, w, 30, w, ROW + 20, "BIC, k = parameters", "model", "2 N L + k log N", names,
                new String[] {"k = parameters"}, raw, new Color[] {COLORS[0]});
        Panels.groupedBarPlot(g, 2 * w, 30, w, ROW + 20, "parameters and N_eff(z)", "model", "count", names,
                new String[] {"parameters", "N_eff(z)"}, k, new Color[] {COLORS[0], COLORS[2]});
        g.dispose();
        return img;
    }

    private static void heading(Graphics2D g, String title) {
        g.setFont(Panels.TITLE);
        g.setColor(Color.BLACK);
        g.drawString(title, 10, 19);
    }
}
