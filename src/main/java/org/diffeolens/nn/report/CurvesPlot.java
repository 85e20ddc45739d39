package org.diffeolens.nn.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.diffeolens.nn.AtomicFile;
import org.diffeolens.nn.EpochRecord;

/**
 * curves.png of a training run: the training and test loss per epoch (left) and the test
 * accuracy per epoch (right), drawn with Java2D on an off-screen image (no display needed); or
 * the same for several runs compared on one figure.
 */
public final class CurvesPlot {

    public static final int WIDTH = 1200;
    public static final int HEIGHT = 520;
    private static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    private static final Color TEST = new Color(0xff, 0x7f, 0x0e);
    private static final Color ACCURACY = new Color(0x2c, 0xa0, 0x2c);
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    private static final Color INK = new Color(0x33, 0x33, 0x33);

    private CurvesPlot() {
    }

    /** A named series of (epoch, value) points. */
    private record Series(String name, Color color, double[] x, double[] y, String unit) {
    }

    public static BufferedImage render(String title, List<EpochRecord> epochs) {
        return render(title, "Cross-entropy loss", epochs);
    }

    /** One run: its training and test loss (named lossTitle) and its test accuracy. */
    public static BufferedImage render(String title, String lossTitle, List<EpochRecord> epochs) {
        Curves c = new Curves(epochs);
        return draw(title, lossTitle,
                List.of(new Series("training (mean over the epoch's batches)", TRAIN, c.x, c.train, ""),
                        new Series("test (after the epoch)", TEST, c.x, c.test, "")),
                List.of(new Series("test accuracy", ACCURACY, c.x, c.accuracy, " %")));
    }

    /**
     * Several runs of the same network (one per gradient estimator, say) on one figure: each run's
     * training and test loss on the left, its test accuracy on the right, a colour per run (dark
     * for training, light for test).
     */
    public static BufferedImage compare(String title, String lossTitle, Map<String, List<EpochRecord>> runs) {
        List<Series> losses = new ArrayList<>();
        List<Series> accuracies = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
            Color dark = RUNS[2 * (i % (RUNS.length / 2))];
            Color light = RUNS[2 * (i % (RUNS.length / 2)) + 1];
            Curves c = new Curves(run.getValue());
            losses.add(new Series(run.getKey() + ", training", dark, c.x, c.train, ""));
            losses.add(new Series(run.getKey() + ", test", light, c.x, c.test, ""));
            accuracies.add(new Series(run.getKey() + ", test accuracy", dark, c.x, c.accuracy, " %"));
            i++;
        }
        return draw(title, lossTitle, losses, accuracies);
    }

    /** Pairs of a dark (training, accuracy) and a light (test) colour, one pair per run. */
    private static final Color[] RUNS = {new Color(0x1f, 0x77, 0xb4), new Color(0x9e, 0xc9, 0xe8),
        new Color(0xd6, 0x27, 0x28), new Color(0xf5, 0xa3, 0xa3), new Color(0x2c, 0xa0, 0x2c),
        new Color(0x9f, 0xde, 0x9f)};

    /** The columns of a run's epoch records, accuracy in percent. */
    private static final class Curves {
        final double[] x;
        final double[] train;
        final double[] test;
        final double[] accuracy;

        Curves(List<EpochRecord> epochs) {
            int n = epochs.size();
            x = new double[n];
            train = new double[n];
            test = new double[n];
            accuracy = new double[n];
            for (int i = 0; i < n; i++) {
                EpochRecord r = epochs.get(i);
                x[i] = r.epoch();
                train[i] = r.trainLoss();
                test[i] = r.testLoss();
                accuracy[i] = 100 * r.testAccuracy();
            }
        }
    }

    private static BufferedImage draw(String title, String lossTitle, List<Series> losses, List<Series> accuracies) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, (WIDTH - fm.stringWidth(title)) / 2, 30);
            panel(g, 20, 50, WIDTH / 2 - 30, HEIGHT - 70, lossTitle, "loss", losses, false);
            panel(g, WIDTH / 2 + 10, 50, WIDTH / 2 - 30, HEIGHT - 70, "Test accuracy", "accuracy (%)", accuracies,
                    true);
        } finally {
            g.dispose();
        }
        return img;
    }

    public static void write(Path file, String title, List<EpochRecord> epochs) throws IOException {
        write(file, render(title, epochs));
    }

    /** Writes an image as PNG, atomically. */
    public static void write(Path file, BufferedImage image) throws IOException {
        AtomicFile.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }

    private static void panel(Graphics2D g, int left, int top, int width, int height, String title, String yLabel,
                              List<Series> series, boolean legendBottom) {
        int ml = 70;
        int mr = 15;
        int mt = 30;
        int mb = 50;
        int px = left + ml;
        int py = top + mt;
        int pw = width - ml - mr;
        int ph = height - mt - mb;
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                if (Double.isFinite(s.y()[i])) {
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (!Double.isFinite(xMin)) {
            xMin = 1;
            xMax = 1;
        }
        if (!Double.isFinite(yMin)) {
            yMin = 0;
            yMax = 1;
        }
        xMin -= 0.5;
        xMax += 0.5;
        double pad = Math.max(1e-3 * Math.max(1, Math.abs(yMax)), 0.08 * (yMax - yMin));
        yMin -= pad;
        yMax += pad;
        double[] yTicks = ticks(yMin, yMax, 6);
        yMin = Math.min(yMin, yTicks[0]);
        yMax = Math.max(yMax, yTicks[yTicks.length - 1]);
        final double x0 = xMin;
        final double x1 = xMax;
        final double y0 = yMin;
        final double y1 = yMax;
        java.util.function.DoubleUnaryOperator sx = v -> px + (v - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator sy = v -> py + ph - (v - y0) / (y1 - y0) * ph;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(INK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, px + (pw - fm.stringWidth(title)) / 2, top + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double t : yTicks) {
            if (t < y0 || t > y1) {
                continue;
            }
            double yy = sy.applyAsDouble(t);
            g.setColor(GRID);
            g.draw(new Line2D.Double(px, yy, px + pw, yy));
            g.setColor(INK);
            String label = format(t, yTicks);
            g.drawString(label, px - 8 - fm.stringWidth(label), (float) (yy + fm.getAscent() / 2.0 - 1));
        }
        int step = Math.max(1, (int) Math.ceil((x1 - x0) / 12));
        for (int e = (int) Math.ceil(x0); e <= x1; e += step) {
            if (e < 1) {
                continue;
            }
            double xx = sx.applyAsDouble(e);
            g.setColor(GRID);
            g.draw(new Line2D.Double(xx, py, xx, py + ph));
            g.setColor(INK);
            String label = Integer.toString(e);
            g.drawString(label, (float) (xx - fm.stringWidth(label) / 2.0), py + ph + 16);
        }
        g.setColor(INK);
        g.drawRect(px, py, pw, ph);
        String xl = "epoch";
        g.drawString(xl, px + (pw - fm.stringWidth(xl)) / 2, py + ph + 36);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(py + (ph + fm.stringWidth(yLabel)) / 2), left + 16);
        r.dispose();

        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D path = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    continue;
                }
                double xx = sx.applyAsDouble(s.x()[i]);
                double yy = sy.applyAsDouble(s.y()[i]);
                if (started) {
                    path.lineTo(xx, yy);
                } else {
                    path.moveTo(xx, yy);
                    started = true;
                }
            }
            g.draw(path);
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    Shape dot = new Ellipse2D.Double(sx.applyAsDouble(s.x()[i]) - 4, sy.applyAsDouble(s.y()[i]) - 4, 8, 8);
                    g.fill(dot);
                }
            }
        }
        // values of the last epoch, next to the last points
        legend(g, series, px, py, pw, ph, legendBottom, fm);
    }

    private static void legend(Graphics2D g, List<Series> series, int px, int py, int pw, int ph, boolean bottom,
                               FontMetrics fm) {
        int lineH = fm.getHeight() + 4;
        int w = 0;
        for (Series s : series) {
            w = Math.max(w, fm.stringWidth(label(s)));
        }
        int boxW = w + 40;
        int boxH = lineH * series.size() + 8;
        int bx = px + pw - boxW - 10;
        int by = bottom ? py + ph - boxH - 10 : py + 10;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(GRID.darker());
        g.setStroke(new BasicStroke(1f));
        g.drawRect(bx, by, boxW, boxH);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int yy = by + 4 + i * lineH + lineH / 2;
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2.2f));
            g.drawLine(bx + 8, yy, bx + 28, yy);
            g.fillOval(bx + 14, yy - 4, 8, 8);
            g.setColor(INK);
            g.drawString(label(s), bx + 34, yy + fm.getAscent() / 2 - 1);
        }
    }

    private static String label(Series s) {
        int n = s.y().length;
        return n == 0 ? s.name() : s.name() + ": " + String.format("%.4g", s.y()[n - 1]) + s.unit();
    }

    /** About {@code count} round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten). */
    static double[] ticks(double lo, double hi, int count) {
        double span = hi - lo;
        if (!(span > 0)) {
            return new double[] {lo};
        }
        double raw = span / count;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
        double start = Math.floor(lo / step) * step;
        int n = (int) Math.ceil((hi - start) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = start + i * step;
        }
        return t;
    }

    private static String format(double v, double[] ticks) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(v);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format("%." + decimals + "f", v);
    }
}
