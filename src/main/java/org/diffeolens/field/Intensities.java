package org.diffeolens.field;

import java.util.Arrays;

/** Intensity statistics and rescaling, so that one sigma serves images of any intensity range. */
public final class Intensities {

    private Intensities() {
    }

    /** The p-quantile (0..1) of the values, by sorting a copy. */
    public static double quantile(ScalarField f, double p) {
        double[] s = f.data().clone();
        Arrays.sort(s);
        int i = (int) Math.round(p * (s.length - 1));
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    /**
     * (f - q_lo) / (q_hi - q_lo) with q the 0.5% and 99.5% quantiles: the bulk of the intensities
     * maps to [0, 1] whatever the scanner's scale, and a few hot voxels do not set the scale.
     * A constant image maps to 0.
     */
    public static ScalarField normalize(ScalarField f) {
        double lo = quantile(f, 0.005);
        double hi = quantile(f, 0.995);
        if (!(hi > lo)) {
            lo = f.min();
            hi = f.max();
        }
        double scale = hi > lo ? 1 / (hi - lo) : 0;
        double[] in = f.data();
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (in[i] - lo) * scale;
        }
        return new ScalarField(f.grid(), out);
    }

    /** Mean squared difference of two fields on the same grid. */
    public static double meanSquaredDifference(ScalarField a, ScalarField b) {
        double[] x = a.data();
        double[] y = b.data();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double r = x[i] - y[i];
            s += r * r;
        }
        return s / x.length;
    }

    /** Global normalized cross-correlation of two fields on the same grid. */
    public static double correlation(ScalarField a, ScalarField b) {
        double ma = a.mean();
        double mb = b.mean();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        double[] x = a.data();
        double[] y = b.data();
        for (int i = 0; i < x.length; i++) {
            double p = x[i] - ma;
            double q = y[i] - mb;
            sab += p * q;
            saa += p * p;
            sbb += q * q;
        }
        return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
    }
}
