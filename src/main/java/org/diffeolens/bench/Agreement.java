package org.diffeolens.bench;

import java.nio.file.Path;
import org.diffeolens.field.Intensities;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.Json;

/**
 * How well registered images agree with the fixed image, scored the same way whatever toolkit
 * wrote them: mean squared difference and normalized cross-correlation over the fixed grid, as in
 * {@code summary.json}. Used by {@code bench/elastix.sh} to put our results beside elastix's.
 * <p>Usage: {@code java -cp target/diffeolens.jar org.diffeolens.bench.Agreement FIXED IMAGE...};
 * prints one JSON object, {"IMAGE": {"mse": .., "ncc": ..}, ...}. Every image must be on the fixed
 * image's grid (as a warped output is); otherwise it names the file and exits with 2.
 */
public final class Agreement {

    private Agreement() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: Agreement FIXED IMAGE...");
            System.exit(2);
        }
        try {
            ScalarField fixed = ImageFiles.readScalar(Path.of(args[0]));
            Json out = new Json();
            for (int i = 1; i < args.length; i++) {
                out.put(args[i], scores(fixed, ImageFiles.readScalar(Path.of(args[i])), args[i]));
            }
            System.out.println(out);
        } catch (Exception e) {
            System.err.println("Agreement: " + e.getMessage());
            System.exit(2);
        }
    }

    /** MSE and NCC of an image against the fixed one; both must have the same grid size. */
    static Json scores(ScalarField fixed, ScalarField image, String name) {
        if (!java.util.Arrays.equals(fixed.grid().size(), image.grid().size())) {
            throw new IllegalArgumentException(name + ": grid " + java.util.Arrays.toString(image.grid().size())
                    + " is not the fixed image's " + java.util.Arrays.toString(fixed.grid().size()));
        }
        return new Json().put("mse", Intensities.meanSquaredDifference(image, fixed))
                .put("ncc", Intensities.correlation(image, fixed));
    }
}
