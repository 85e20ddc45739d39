package org.diffeolens.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.ScalarField;

/**
 * Drawing helpers for figures people look at: a slice of a field as a grey or diverging-colour
 * image with its physical aspect ratio, a colour bar, and line plots with axes. Headless java.awt.
 */
public final class Panels {

    public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    public static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Panels() {
    }

    /** A colour map from [0, 1] to RGB. */
    @FunctionalInterface
    public interface ColorMap {
        int rgb(double t);
    }

    public static final ColorMap GREY = t -> {
        int g = (int) Math.round(255 * clamp01(t));
        return (g << 16) | (g << 8) | g;
    };

    /** Blue (0) - white (0.5) - red (1), for signed quantities and Jacobians around 1. */
    public static final ColorMap DIVERGING = t -> {
        t = clamp01(t);
        double r;
        double g;
        double b;
        if (t < 0.5) {
            double s = t / 0.5;
            r = 0.23 + s * (1 - 0.23);
            g = 0.30 + s * (1 - 0.30);
            b = 0.75 + s * (1 - 0.75);
        } else {
            double s = (t - 0.5) / 0.5;
            r = 1 - s * (1 - 0.71);
            g = 1 - s * (1 - 0.02);
            b = 1 - s * (1 - 0.15);
        }
        return ((int) (255 * r) << 16) | ((int) (255 * g) << 8) | (int) (255 * b);
    };

    static double clamp01(double t) {
        return t < 0 ? 0 : t > 1 ? 1 : Double.isNaN(t) ? 0.5 : t;
    }

    /** The values of the middle z-slice (a 2D field is its own slice), row-major x fastest. */
    public static double[] middleSlice(ScalarField f) {
        Lattice l = new Lattice(f.grid());
        int z = l.nz / 2;
        double[] s = new double[l.nx * l.ny];
        System.arraycopy(f.data(), z * l.nx * l.ny, s, 0, s.length);
        return s;
    }

    /**
     * Renders a slice scaled to fit a box of the given size, keeping the physical aspect ratio
     * (pixel spacing hx x hy); values map linearly from [lo, hi] through the colour map. The image
     * is drawn with y pointing down, as ImageJ shows it.
     */
    public static BufferedImage render(double[] slice, int nx, int ny, double hx, double hy, double lo, double hi,
                                       ColorMap map, int box) {
        double w = nx * hx;
        double h = ny * hy;
        double scale = box / Math.max(w, h);
        int pw = Math.max(1, (int) Math.round(w * scale));
        int ph = Math.max(1, (int) Math.round(h * scale));
        BufferedImage img = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
        double range = hi > lo ? hi - lo : 1;
        for (int py = 0; py < ph; py++) {
            int y = Math.min(ny - 1, (int) ((py + 0.5) / ph * ny));
            for (int px = 0; px < pw; px++) {
                int x = Math.min(nx - 1, (int) ((px + 0.5) / pw * nx));
                img.setRGB(px, py, map.rgb((slice[x + nx * y] - lo) / range));
            }
        }
        return img;
    }

    /** A vertical colour bar with three tick labels. */
    public static void colorBar(Graphics2D g, int x, int y, int w, int h, ColorMap map, String[] labels) {
        for (int k = 0; k < h; k++) {
            g.setColor(new Color(map.rgb(1 - k / (double) (h - 1))));
            g.drawLine(x, y + k, x + w, y + k);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x, y, w, h);
        g.setFont(LABEL);
        for (int i = 0; i < labels.length; i++) {
            int ty = y + (int) Math.round(i * (h - 1) / (double) (labels.length - 1));
            g.drawString(labels[labels.length - 1 - i], x + w + 4, ty + 4);
        }
    }

    /** A new white canvas with antialiased text. */
    public static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** One curve of a line plot. */
    public record Series(String name, double[] x, double[] y, Color color) {
    }

    /**
     * A line plot with axes, ticks, labels and a legend in the box (x, y, w, h). Vertical dotted
     * lines mark the given x positions (pyramid levels, epochs).
     */
    public static void linePlot(Graphics2D g, int x, int y, int w, int h, String title, String xLabel, String yLabel,
                                Series[] series, double[] marks, boolean logY) {
        int left = x + 58;
        int right = x + w - 10;
        int top = y + 22;
        int bottom = y + h - 36;
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.y().length; i++) {
                double v = logY ? Math.log10(Math.max(s.y()[i], 1e-300)) : s.y()[i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                xmin = Math.min(xmin, s.x()[i]);
                xmax = Math.max(xmax, s.x()[i]);
                ymin = Math.min(ymin, v);
                ymax = Math.max(ymax, v);
            }
        }
        if (!(xmax > xmin)) {
            xmax = xmin + 1;
        }
        if (!(ymax > ymin)) {
            ymax = ymin + 1;
            ymin -= 1;
        }
        double pad = 0.05 * (ymax - ymin);
        ymin -= pad;
        ymax += pad;
        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        g.drawString(title, x + 8, y + 15);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        g.setFont(LABEL);
        for (int t = 0; t <= 4; t++) {
            double v = ymin + t * (ymax - ymin) / 4;
            int py = bottom - (int) Math.round(t * (bottom - top) / 4.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, py, right - 1, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(tick(logY ? Math.pow(10, v) : v), x + 2, py + 4);
            double xv = xmin + t * (xmax - xmin) / 4;
            int px = left + (int) Math.round(t * (right - left) / 4.0);
            g.drawString(tick(xv), px - 10, bottom + 14);
        }
        g.drawString(xLabel, (left + right) / 2 - 20, bottom + 30);
        g.drawString(yLabel + (logY ? " (log)" : ""), left + 4, top + 12);
        if (marks != null) {
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {3, 3}, 0));
            g.setColor(Color.GRAY);
            for (double m : marks) {
                int px = left + (int) Math.round((m - xmin) / (xmax - xmin) * (right - left));
                g.drawLine(px, top, px, bottom);
            }
        }
        g.setStroke(new BasicStroke(2f));
        int legendY = top + 14;
        for (Series s : series) {
            g.setColor(s.color());
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < s.y().length; i++) {
                double v = logY ? Math.log10(Math.max(s.y()[i], 1e-300)) : s.y()[i];
                if (!Double.isFinite(v)) {
                    prevX = -1;
                    continue;
                }
                int px = left + (int) Math.round((s.x()[i] - xmin) / (xmax - xmin) * (right - left));
                int py = bottom - (int) Math.round((v - ymin) / (ymax - ymin) * (bottom - top));
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                } else if (s.y().length == 1) {
                    g.fillOval(px - 2, py - 2, 5, 5);
                }
                prevX = px;
                prevY = py;
            }
            if (series.length > 1) {
                g.drawLine(right - 110, legendY - 4, right - 90, legendY - 4);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), right - 85, legendY);
                legendY += 15;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** A compact tick label. */
    public static String tick(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-2)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A bar chart of one value per index (steps, layers), zero line included, in the box (x, y, w, h). */
    public static void barPlot(Graphics2D g, int x, int y, int w, int h, String title, String xLabel, String yLabel,
                               double[] values) {
        String[] categories = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            categories[i] = String.valueOf(i);
        }
        groupedBarPlot(g, x, y, w, h, title, xLabel, yLabel, categories, new String[] {null}, new double[][] {values},
                null);
    }

    /**
     * Bars of several series side by side per category (one group per step, layer or model), zero
     * line included, in the box (x, y, w, h). colors null: red for positive and blue for negative
     * values (one series); otherwise one colour per series, named in a legend.
     */
    public static void groupedBarPlot(Graphics2D g, int x, int y, int w, int h, String title, String xLabel,
                                      String yLabel, String[] categories, String[] seriesNames, double[][] values,
                                      Color[] colors) {
        boolean legend = colors != null && values.length > 1;
        int left = x + 58;
        int right = x + w - 10;
        int top = y + 22;
        int bottom = y + h - (legend ? 54 : 36);
        double lo = 0;
        double hi = 0;
        for (double[] series : values) {
            for (double v : series) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double pad = 0.05 * (hi - lo);
        hi += pad;
        lo = lo < 0 ? lo - pad : 0;
        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        g.drawString(title, x + 8, y + 15);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        g.setFont(LABEL);
        for (int t = 0; t <= 4; t++) {
            double v = lo + t * (hi - lo) / 4;
            int py = bottom - (int) Math.round(t * (bottom - top) / 4.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, py, right - 1, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(tick(v), x + 2, py + 4);
        }
        int zero = bottom - (int) Math.round((0 - lo) / (hi - lo) * (bottom - top));
        double slot = (right - left) / (double) Math.max(1, categories.length);
        double bar = 0.7 * slot / values.length;
        for (int i = 0; i < categories.length; i++) {
            for (int s = 0; s < values.length; s++) {
                double v = values[s][i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                int bx = left + (int) Math.round(i * slot + 0.15 * slot + s * bar);
                int bw = Math.max(1, (int) Math.round(bar) - (values.length > 1 ? 1 : 0));
                int vy = bottom - (int) Math.round((v - lo) / (hi - lo) * (bottom - top));
                g.setColor(colors != null ? colors[s % colors.length]
                        : v >= 0 ? new Color(214, 39, 40) : new Color(31, 119, 180));
                g.fillRect(bx, Math.min(vy, zero), bw, Math.max(1, Math.abs(zero - vy)));
            }
            g.setColor(Color.DARK_GRAY);
            int cx = left + (int) Math.round((i + 0.5) * slot);
            g.drawString(categories[i], cx - g.getFontMetrics().stringWidth(categories[i]) / 2, bottom + 14);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawLine(left, zero, right, zero);
        g.drawString(xLabel, (left + right) / 2 - 20, bottom + 30);
        g.drawString(yLabel, left + 4, top + 12);
        if (legend) {
            // one line under the axis label, the series side by side
            int lx = left;
            int ly = bottom + 48;
            for (int s = 0; s < values.length; s++) {
                g.setColor(colors[s % colors.length]);
                g.fillRect(lx, ly - 9, 10, 10);
                g.setColor(Color.BLACK);
                g.drawString(seriesNames[s], lx + 14, ly);
                lx += 30 + g.getFontMetrics().stringWidth(seriesNames[s]);
            }
        }
    }
}
