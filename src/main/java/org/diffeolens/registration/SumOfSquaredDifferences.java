package org.diffeolens.registration;

import java.util.Locale;
import org.diffeolens.field.ScalarField;

/**
 * E_sim = 1/(2 sigma^2) sum_i m_i (warped_i - fixed_i)^2 * voxel volume (CONVENTIONS.md), with an
 * optional mask m (1 on the image, 0 on the margin a padded grid adds; all ones when absent).
 */
public final class SumOfSquaredDifferences implements Similarity {

    private final double[] fixed;
    private final double weight; // voxel volume / sigma^2
    private final double sigma;
    private final double[] mask;

    public SumOfSquaredDifferences(ScalarField fixed, double sigma) {
        this(fixed, sigma, null);
    }

    public SumOfSquaredDifferences(ScalarField fixed, double sigma, double[] mask) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
        }
        this.fixed = fixed.data();
        this.sigma = sigma;
        this.weight = fixed.grid().voxelVolume() / (sigma * sigma);
        if (mask != null && mask.length != this.fixed.length) {
            throw new IllegalArgumentException("mask has " + mask.length + " values, the image " + this.fixed.length);
        }
        this.mask = mask;
    }

    @Override
    public double value(double[] warped) {
        double s = 0;
        for (int i = 0; i < fixed.length; i++) {
            double r = warped[i] - fixed[i];
            s += mask == null ? r * r : mask[i] * r * r;
        }
        return 0.5 * weight * s;
    }

    @Override
    public double valueAndGradient(double[] warped, double[] gradient) {
        double s = 0;
        for (int i = 0; i < fixed.length; i++) {
            double r = mask == null ? warped[i] - fixed[i] : mask[i] * (warped[i] - fixed[i]);
            s += r * (warped[i] - fixed[i]);
            gradient[i] = weight * r;
        }
        return 0.5 * weight * s;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "ssd(sigma=%g)", sigma);
    }
}
