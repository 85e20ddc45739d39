package org.diffeolens;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Tolerances in one place (EJML's UtilEjml style), each derived from the arithmetic that produces
 * the number it bounds, and the path to the real test data.
 */
public final class Tolerances {

    /** Unit round-off of float32: 2^-24. */
    public static final double FLOAT_EPS = Math.ulp(1.0f) / 2;

    /** Unit round-off of float64: 2^-53. */
    public static final double DOUBLE_EPS = Math.ulp(1.0) / 2;

    /**
     * Relative error of a float32 sum of n terms of similar size, accumulated in double but
     * rounded from float inputs: a few ulps of float, independent of n.
     */
    public static final double FLOAT_ROUNDOFF = 1e-5;

    /** Relative error of a double-precision computation of moderate length. */
    public static final double DOUBLE_ROUNDOFF = 1e-12;

    private Tolerances() {
    }

    /** The real test images, verified by test-data/fetch.sh. */
    public static Path testData(String name) {
        return Paths.get(System.getProperty("diffeolens.testData", "test-data")).resolve(name).toAbsolutePath();
    }
}
