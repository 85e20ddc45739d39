package org.diffeolens.output;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.diffeolens.io.Json;
import org.diffeolens.registration.DepthExperiment;
import org.diffeolens.registration.DepthExperiment.Curve;

/**
 * The depth experiment of SVF registration ({@link DepthExperiment}) as JSON and as a figure: per
 * energy (with and without the kinetic term), the excess over the lowest energy any run reached,
 * against iterations and against CPU seconds, for fixed-step descent and for L-BFGS.
 */
public final class DepthReport {

    /** Added to every excess, as a share of the whole decrease, so the lowest curve stays on a log axis. */
    public static final double EXCESS_FLOOR = 1e-4;
    /** The share of its own decrease a run must have made to count as arrived (iterationsTo99Percent). */
    public static final double ARRIVAL = 0.01;

    private static final Color[] COLORS = {Color.BLACK, new Color(31, 119, 180), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(255, 127, 14), new Color(140, 86, 75)};

    private DepthReport() {
    }

    /** The lowest energy any run of the result reached. */
    public static double lowestEnergy(DepthExperiment.Result r) {
        double best = Double.POSITIVE_INFINITY;
        for (List<Curve> list : List.of(r.fixedSteps(), r.lbfgs())) {
            for (Curve c : list) {
                for (double e : c.total()) {
                    if (Double.isFinite(e)) {
                        best = Math.min(best, e);
                    }
                }
            }
        }
        return best;
    }

    /** The lowest energy the runs of one depth reached (its own minimum, as far as these runs tell). */
    public static double lowestEnergy(DepthExperiment.Result r, int depth) {
        double best = Double.POSITIVE_INFINITY;
        for (List<Curve> list : List.of(r.fixedSteps(), r.lbfgs())) {
            for (Curve c : list) {
                if (c.depth() != depth) {
                    continue;
                }
                for (double e : c.total()) {
                    if (Double.isFinite(e)) {
                        best = Math.min(best, e);
                    }
                }
            }
        }
        return best;
    }

    /** The first iteration whose energy is within `share` of the whole decrease E(0) - target, or -1. */
    public static int iterationsTo(double[] energy, double target, double share) {
        double allowed = share * (energy[0] - target);
        for (int k = 0; k < energy.length; k++) {
            if (energy[k] - target <= allowed) {
                return k;
            }
        }
        return -1;
    }

    public static Json json(DepthExperiment.Result r) {
        double lowest = lowestEnergy(r);
        List<Json> grid = new ArrayList<>();
        for (Curve c : r.fixedSteps()) {
            grid.add(summary(r, c));
        }
        return new Json().put("regularizationWeight", r.regularizationWeight())
                .put("referenceStep", r.referenceStep())
                .put("lowestEnergy", lowest)
                .put("depths", r.depths())
                .put("firstOrderGainAfterFirstStep", r.gainAfterFirstStep())
                .put("firstOrderGainAtSvfResult", r.gainAtSvfResult())
                .put("fixedStepGrid", grid)
                .put("svfStep", curves(r, r.svfStep()))
                .put("bestFixedStep", curves(r, r.bestFixedStep()))
                .put("lbfgs", curves(r, r.lbfgs()));
    }

    /**
     * The curves of a list whose first is depth 1, each with the lowest energy it reached within
     * depth 1's CPU time, and the iteration and CPU time at which it first reached depth 1's final
     * energy (-1 and NaN if never).
     */
    private static List<Json> curves(DepthExperiment.Result r, List<Curve> list) {
        Curve svf = list.get(0);
        double budget = svf.cpuSeconds()[svf.cpuSeconds().length - 1];
        List<Json> out = new ArrayList<>();
        for (Curve c : list) {
            double within = Double.NaN;
            for (int k = 0; k < c.total().length && c.cpuSeconds()[k] <= budget; k++) {
                within = k == 0 ? c.total()[0] : Math.min(within, c.total()[k]);
            }
            int reach = -1;
            for (int k = 0; k < c.total().length && reach < 0; k++) {
                reach = c.total()[k] <= svf.finalEnergy() ? k : -1;
            }
            out.add(summary(r, c).put("lowestEnergyWithinDepthOneCpuSeconds", within)
                    .put("iterationsToDepthOneFinalEnergy", reach)
                    .put("cpuSecondsToDepthOneFinalEnergy", reach < 0 ? Double.NaN : c.cpuSeconds()[reach])
                    .put("energy", c.total()).put("data", c.data())
                    .put("regularization", c.regularization()).put("cpuSeconds", c.cpuSeconds()));
        }
        return out;
    }

    private static Json summary(DepthExperiment.Result r, Curve c) {
        int last = c.total().length - 1;
        double own = lowestEnergy(r, c.depth());
        return new Json().put("depth", c.depth()).put("optimizer", c.optimizer()).put("stepSize", c.stepSize())
                .put("iterations", last).put("stop", c.stop())
                .put("finalEnergy", c.total()[last]).put("finalData", c.data()[last])
                .put("finalRegularization", c.regularization()[last])
                .put("finalCpuSeconds", c.cpuSeconds()[last])
                .put("cpuSecondsPerIteration", last > 0 ? c.cpuSeconds()[last] / last : Double.NaN)
                .put("iterationsTo99PercentOfOwnDecrease", Double.isFinite(c.total()[last])
                        ? iterationsTo(c.total(), own, ARRIVAL) : -1);
    }

    /**
     * One row of five panels per result: fixed-step descent at the SVF's best step against
     * iterations and CPU seconds, at each depth's own best step, and L-BFGS against both.
     */
    public static BufferedImage render(List<DepthExperiment.Result> results, List<String> titles) {
        int w = 360;
        int h = 340;
        BufferedImage img = new BufferedImage(5 * w, h * results.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        for (int row = 0; row < results.size(); row++) {
            DepthExperiment.Result r = results.get(row);
            double lowest = lowestEnergy(r);
            String t = titles.get(row);
            int y = row * h;
            panel(g, 0, y, w, h, t + ", SVF's step", "iteration", r.svfStep(), lowest, false);
            panel(g, w, y, w, h, t + ", SVF's step", "CPU s", r.svfStep(), lowest, true);
            panel(g, 2 * w, y, w, h, t + ", own best step", "iteration", r.bestFixedStep(), lowest, false);
            panel(g, 3 * w, y, w, h, t + ", L-BFGS", "iteration", r.lbfgs(), lowest, false);
            panel(g, 4 * w, y, w, h, t + ", L-BFGS", "CPU s", r.lbfgs(), lowest, true);
        }
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, int x, int y, int w, int h, String title, String xLabel,
                              List<Curve> curves, double lowest, boolean seconds) {
        List<Panels.Series> series = new ArrayList<>();
        for (int k = 0; k < curves.size(); k++) {
            Curve c = curves.get(k);
            double floor = EXCESS_FLOOR * (c.total()[0] - lowest);
            double[] excess = new double[c.total().length];
            double[] at = new double[excess.length];
            for (int i = 0; i < excess.length; i++) {
                excess[i] = c.total()[i] - lowest + floor;
                at[i] = seconds ? c.cpuSeconds()[i] : i;
            }
            series.add(new Panels.Series("N = " + c.depth(), at, excess, COLORS[k % COLORS.length]));
        }
        Panels.linePlot(g, x, y, w, h, title, xLabel, "E - lowest", series.toArray(new Panels.Series[0]), null,
                true);
    }
}
