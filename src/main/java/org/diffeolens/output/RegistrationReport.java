package org.diffeolens.output;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.ScalarField;
import org.diffeolens.registration.LevelLog;
import org.diffeolens.registration.RegistrationResult;

/**
 * report.png: fixed, moving, warped and the differences before and after; the deformed grid, the
 * Jacobian determinant with its colour bar, the energy curve and the key numbers, in one figure
 * (the middle axial slice of a 3D result).
 */
public final class RegistrationReport {

    private static final int BOX = 240;
    private static final int CELL_W = 270;
    private static final int CELL_H = 280;
    /** Grid lines of the deformed-grid panel, every this many moving voxels. */
    private static final int GRID_STEP = DeformedGrid.DEFAULT_STEP;

    private RegistrationReport() {
    }

    /**
     * @param before the moving image on the fixed grid without registration (by the images' geometry)
     * @param summary the numbers of summary.json to print in the figure
     */
    public static BufferedImage render(ScalarField fixed, ScalarField before, RegistrationResult r,
                                       Grid movingGrid, SummaryNumbers summary) {
        Grid g = fixed.grid();
        Lattice l = new Lattice(g);
        BufferedImage img = new BufferedImage(4 * CELL_W, 2 * CELL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = Panels.canvas(img);
        double lo = Math.min(fixed.min(), r.warped().min());
        double hi = Math.max(fixed.max(), r.warped().max());
        double[] fs = Panels.middleSlice(fixed);
        double[] bs = Panels.middleSlice(before);
        double[] ws = Panels.middleSlice(r.warped());
        double[] dBefore = new double[fs.length];
        double[] dAfter = new double[fs.length];
        double dmax = 1e-12;
        for (int i = 0; i < fs.length; i++) {
            dBefore[i] = bs[i] - fs[i];
            dAfter[i] = ws[i] - fs[i];
            dmax = Math.max(dmax, Math.max(Math.abs(dBefore[i]), Math.abs(dAfter[i])));
        }
        String slice = g.dim() == 3 ? " (z = " + l.nz / 2 + ")" : "";
        panel(gr, 0, 0, "fixed" + slice, Panels.render(fs, l.nx, l.ny, l.hx, l.hy, lo, hi, Panels.GREY, BOX));
        panel(gr, 1, 0, "moving (no registration)", Panels.render(bs, l.nx, l.ny, l.hx, l.hy, lo, hi, Panels.GREY, BOX));
        panel(gr, 2, 0, "warped moving", Panels.render(ws, l.nx, l.ny, l.hx, l.hy, lo, hi, Panels.GREY, BOX));
        BufferedImage before2 = Panels.render(dBefore, l.nx, l.ny, l.hx, l.hy, -dmax, dmax, Panels.DIVERGING, BOX / 2);
        BufferedImage after2 = Panels.render(dAfter, l.nx, l.ny, l.hx, l.hy, -dmax, dmax, Panels.DIVERGING, BOX / 2);
        gr.setColor(Color.BLACK);
        gr.setFont(Panels.TITLE);
        gr.drawString("moving - fixed: before | after", 3 * CELL_W + 8, 15);
        gr.drawImage(before2, 3 * CELL_W + 8, 24, null);
        gr.drawImage(after2, 3 * CELL_W + 12 + before2.getWidth(), 24, null);
        gr.setFont(Panels.LABEL);
        gr.drawString(String.format(Locale.ROOT, "MSE %s -> %s", Panels.tick(summary.mseBefore()),
                Panels.tick(summary.mseAfter())), 3 * CELL_W + 8, 24 + before2.getHeight() + 16);
        gr.drawString(String.format(Locale.ROOT, "NCC %.4f -> %.4f", summary.nccBefore(), summary.nccAfter()),
                3 * CELL_W + 8, 24 + before2.getHeight() + 31);
        gr.drawString("blue < 0 < red, +/-" + Panels.tick(dmax), 3 * CELL_W + 8, 24 + before2.getHeight() + 46);

        panel(gr, 0, 1, "deformed grid", deformedGrid(r, ws, l, lo, hi, movingGrid));
        double[] js = Panels.middleSlice(r.jacobian());
        double jr = 0.05;
        for (double j : js) {
            jr = Math.max(jr, Math.abs(Math.log(Math.max(j, 1e-6))));
        }
        double[] logJ = new double[js.length];
        for (int i = 0; i < js.length; i++) {
            logJ[i] = Math.log(Math.max(js[i], 1e-6));
        }
        BufferedImage jac = Panels.render(logJ, l.nx, l.ny, l.hx, l.hy, -jr, jr, Panels.DIVERGING, BOX - 30);
        panel(gr, 1, 1, "Jacobian determinant", jac);
        Panels.colorBar(gr, CELL_W + 8 + jac.getWidth() + 6, CELL_H + 24, 12, jac.getHeight(), Panels.DIVERGING,
                new String[] {Panels.tick(Math.exp(-jr)), "1", Panels.tick(Math.exp(jr))});
        energyPlot(gr, 2 * CELL_W, CELL_H, r);
        numbers(gr, 3 * CELL_W, CELL_H + 110, r, summary);
        gr.dispose();
        return img;
    }

    private static void panel(Graphics2D g, int col, int row, String title, BufferedImage image) {
        int x = col * CELL_W + 8;
        int y = row * CELL_H;
        g.setColor(Color.BLACK);
        g.setFont(Panels.TITLE);
        g.drawString(title, x, y + 15);
        g.drawImage(image, x, y + 24, null);
    }

    /**
     * The warped image, dimmed, under the lines of a regular grid of the moving image pulled back
     * through the total map: where a line bends, the registration moved the moving image.
     */
    private static BufferedImage deformedGrid(RegistrationResult r, double[] warpedSlice, Lattice l, double lo,
                                              double hi, Grid movingGrid) {
        double[] lines = Panels.middleSlice(DeformedGrid.lines(r.displacement(), movingGrid, GRID_STEP));
        BufferedImage base = Panels.render(warpedSlice, l.nx, l.ny, l.hx, l.hy, lo, hi, Panels.GREY, BOX);
        BufferedImage grid = Panels.render(lines, l.nx, l.ny, l.hx, l.hy, 0, 1, Panels.GREY, BOX);
        for (int py = 0; py < base.getHeight(); py++) {
            for (int px = 0; px < base.getWidth(); px++) {
                int b = base.getRGB(px, py) & 0xff;
                double t = (grid.getRGB(px, py) & 0xff) / 255.0;
                int rr = (int) ((1 - t) * 0.55 * b + t * 255);
                int gg = (int) ((1 - t) * 0.55 * b + t * 200);
                int bb = (int) ((1 - t) * 0.55 * b + t * 30);
                base.setRGB(px, py, (rr << 16) | (gg << 8) | bb);
            }
        }
        return base;
    }

    private static void energyPlot(Graphics2D g, int x, int y, RegistrationResult r) {
        List<Panels.Series> series = new ArrayList<>();
        List<Double> marks = new ArrayList<>();
        Color[] colors = {new Color(31, 119, 180), new Color(214, 39, 40)};
        int ci = 0;
        for (String stage : new String[] {"affine", r.parameters().method().toString()}) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            int it = 0;
            for (LevelLog log : r.levels()) {
                if (!log.stage().equals(stage)) {
                    continue;
                }
                if (it > 0 && stage.equals(r.parameters().method().toString())) {
                    marks.add((double) it);
                }
                for (var e : log.energies()) {
                    xs.add((double) it++);
                    ys.add(e.total());
                }
            }
            if (!xs.isEmpty()) {
                series.add(new Panels.Series(stage, xs.stream().mapToDouble(Double::doubleValue).toArray(),
                        ys.stream().mapToDouble(Double::doubleValue).toArray(), colors[ci % 2]));
            }
            ci++;
        }
        if (series.isEmpty()) {
            return;
        }
        // each stage on its own iteration axis would overlap; show the diffeomorphic stage when present
        Panels.Series main = series.get(series.size() - 1);
        Panels.linePlot(g, x, y, CELL_W, CELL_H - 10, "energy per iteration (" + main.name() + ")", "iteration",
                "E", new Panels.Series[] {main}, marks.stream().mapToDouble(Double::doubleValue).toArray(), true);
    }

    private static void numbers(Graphics2D g, int x, int y, RegistrationResult r, SummaryNumbers s) {
        g.setColor(Color.BLACK);
        g.setFont(Panels.LABEL);
        var p = r.parameters();
        String[] lines = {
            "method " + p.method() + ", metric " + p.metric() + ", affine " + p.affine(),
            String.format(Locale.ROOT, "alpha %s, gamma %s, order %s, sigma %s", Panels.tick(p.alpha()),
                    Panels.tick(p.gamma()), Panels.tick(p.order()), Panels.tick(p.sigma())),
            String.format(Locale.ROOT, "levels %d, time steps %d", p.levels(), p.timeSteps()),
            String.format(Locale.ROOT, "E = %s (reg %s, data %s)", Panels.tick(r.energy().total()),
                    Panels.tick(r.energy().regularization()), Panels.tick(r.energy().data())),
            String.format(Locale.ROOT, "path length %s mm", Panels.tick(r.pathLength())),
            String.format(Locale.ROOT, "Jacobian %.3f .. %.3f, folds %d", r.jacobianMin(), r.jacobianMax(), r.folds()),
            String.format(Locale.ROOT, "time %.1f s", r.seconds()),
        };
        for (int i = 0; i < lines.length; i++) {
            g.drawString(lines[i], x + 8, y + 15 * i);
        }
    }

    /** Similarity before and after, as summary.json reports them. */
    public record SummaryNumbers(double mseBefore, double mseAfter, double nccBefore, double nccAfter) {
    }
}
