package org.diffeolens.registration;

import java.util.Locale;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.ScalarField;

/**
 * The choice of data term as the CLI and the dialog spell it: {@code ssd} or {@code ncc[:radius]}
 * (radius in voxels, default 2).
 */
public record SimilarityMetric(Kind kind, int radius) {

    /** The two data terms. */
    public enum Kind { SSD, NCC }

    public static final int DEFAULT_NCC_RADIUS = 2;

    public SimilarityMetric {
        if (kind == Kind.NCC && radius < 1) {
            throw new IllegalArgumentException("ncc radius must be >= 1 voxel, got " + radius);
        }
    }

    public static SimilarityMetric ssd() {
        return new SimilarityMetric(Kind.SSD, 0);
    }

    public static SimilarityMetric ncc(int radius) {
        return new SimilarityMetric(Kind.NCC, radius);
    }

    public static SimilarityMetric parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("ssd")) {
            return ssd();
        }
        if (t.equals("ncc")) {
            return ncc(DEFAULT_NCC_RADIUS);
        }
        if (t.startsWith("ncc:")) {
            try {
                return ncc(Integer.parseInt(t.substring(4)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ncc radius must be an integer number of voxels, got '"
                        + text.substring(4) + "'");
            }
        }
        throw new IllegalArgumentException("metric must be ssd or ncc[:radius], got '" + text + "'");
    }

    /** The similarity to a fixed image on its grid. */
    public Similarity create(ScalarField fixed, double sigma, Parallel parallel) {
        return create(fixed, sigma, null, parallel);
    }

    /** The similarity restricted by a 0/1 mask on the fixed grid (null: everywhere). */
    public Similarity create(ScalarField fixed, double sigma, double[] mask, Parallel parallel) {
        return kind == Kind.SSD ? new SumOfSquaredDifferences(fixed, sigma, mask)
                : new LocalCorrelation(fixed, radius, sigma, mask, parallel);
    }

    @Override
    public String toString() {
        return kind == Kind.SSD ? "ssd" : "ncc:" + radius;
    }
}
