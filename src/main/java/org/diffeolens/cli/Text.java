package org.diffeolens.cli;

import java.util.Locale;

/** Number formatting for the front doors' reports. */
final class Text {

    private Text() {
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return trimZeros(String.format(Locale.ROOT, "%.6g", v));
    }

    /** "0.500000" to "0.5", "1.50000e-07" to "1.5e-07": six significant digits without padding. */
    private static String trimZeros(String s) {
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return mantissa + exponent;
    }

    static String join(double[] values, String sep) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(sep);
            }
            b.append(num(values[i]));
        }
        return b.toString();
    }

    static String join(int[] values, String sep) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(sep);
            }
            b.append(values[i]);
        }
        return b.toString();
    }

    static String matrix(double[] m, int d) {
        StringBuilder b = new StringBuilder("[");
        for (int r = 0; r < d; r++) {
            if (r > 0) {
                b.append("; ");
            }
            for (int c = 0; c < d; c++) {
                if (c > 0) {
                    b.append(' ');
                }
                b.append(num(Math.round(m[r * d + c] * 1e6) / 1e6));
            }
        }
        return b.append(']').toString();
    }
}
