package org.diffeolens.fiji;

import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.process.ColorProcessor;
import ij.process.LUT;
import java.awt.Color;
import java.awt.Font;
import java.util.Locale;
import org.diffeolens.field.ScalarField;
import org.diffeolens.output.Panels;

/**
 * The Jacobian determinant as a window people can read at a glance: the diverging colours of
 * report.png (blue where the moving image was compressed, white where areas kept their size, red
 * where it was expanded) on a range symmetric about 1, and a calibration bar in the overlay.
 * ImageJ's own Calibration Bar command needs a dialog even in a macro, so it cannot run headless;
 * this bar is an overlay of plain ROIs, which works everywhere.
 */
final class JacobianView {

    /** The smallest half-range shown, so that a near-identity map is not all saturated colour. */
    static final double MIN_HALF_RANGE = 0.05;

    private JacobianView() {
    }

    static LUT lut() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            int rgb = Panels.DIVERGING.rgb(i / 255.0);
            r[i] = (byte) (rgb >> 16);
            g[i] = (byte) (rgb >> 8);
            b[i] = (byte) rgb;
        }
        return new LUT(r, g, b);
    }

    /** A 32-bit window of the determinant, calibrated as {@code like}, with its colours and bar. */
    static ImagePlus window(ScalarField jacobian, String title, ImagePlus like) {
        ImagePlus imp = Images.window(jacobian, title, like);
        double half = Math.max(MIN_HALF_RANGE, Math.max(Math.abs(jacobian.min() - 1), Math.abs(jacobian.max() - 1)));
        imp.setLut(lut());
        imp.setDisplayRange(1 - half, 1 + half);
        imp.setOverlay(calibrationBar(imp.getWidth(), imp.getHeight(), 1 - half, 1 + half));
        return imp;
    }

    /** Bar and labels in the upper right corner, sized to the image, on a white card. */
    static Overlay calibrationBar(int width, int height, double lo, double hi) {
        int barH = Math.max(24, Math.min(256, height / 2));
        int barW = Math.max(4, Math.min(16, width / 30));
        int font = Math.max(8, Math.min(24, barH / 9));
        int pad = Math.max(2, font / 3);
        String[] labels = {tick(hi), tick((lo + hi) / 2), tick(lo)};
        int textW = 0;
        for (String s : labels) {
            textW = Math.max(textW, (int) Math.ceil(s.length() * font * 0.62));
        }
        int cardW = pad + barW + pad + textW + pad;
        int cardH = barH + font + 2 * pad;
        int x0 = Math.max(0, width - cardW - pad);
        int y0 = pad;
        Overlay o = new Overlay();
        Roi card = new Roi(x0, y0, cardW, cardH);
        card.setFillColor(new Color(255, 255, 255, 220));
        o.add(card);
        ColorProcessor bar = new ColorProcessor(barW, barH);
        for (int y = 0; y < barH; y++) {
            int rgb = Panels.DIVERGING.rgb(1 - y / (double) (barH - 1));
            for (int x = 0; x < barW; x++) {
                bar.set(x, y, rgb);
            }
        }
        int barY = y0 + pad + font / 2;
        o.add(new ImageRoi(x0 + pad, barY, bar));
        Roi frame = new Roi(x0 + pad, barY, barW, barH);
        frame.setStrokeColor(Color.DARK_GRAY);
        o.add(frame);
        Font f = new Font(Font.SANS_SERIF, Font.PLAIN, font);
        for (int i = 0; i < labels.length; i++) {
            int ty = barY + (int) Math.round(i * (barH - 1) / 2.0) - font / 2 - 1;
            TextRoi t = new TextRoi(x0 + 2 * pad + barW, ty, labels[i], f);
            t.setStrokeColor(Color.BLACK);
            t.setAntiAlias(true);
            o.add(t);
        }
        return o;
    }

    private static String tick(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }
}
