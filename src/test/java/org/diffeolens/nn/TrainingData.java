package org.diffeolens.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.diffeolens.Tolerances;
import org.diffeolens.nn.data.Dataset;
import org.diffeolens.nn.data.DigitsCsv;

/** The real training data, as test-data/fetch-datasets.sh leaves it (tests never skip without it). */
final class TrainingData {

    /** Samples held out of the 1,797 digits for testing. */
    static final int DIGITS_TEST = 360;

    private static Dataset[] digits;

    private TrainingData() {
    }

    static Path datasets() {
        return Tolerances.testData("datasets");
    }

    /** {training, test}: a seeded split of scikit-learn's digits, standardized with the training moments. */
    static synchronized Dataset[] digits() {
        if (digits == null) {
            try {
                Dataset all = DigitsCsv.read(datasets().resolve("digits/digits.csv.gz"));
                Dataset[] split = all.split(DIGITS_TEST, 1);
                double[] m = split[0].moments();
                digits = new Dataset[] {split[0].standardized(m[0], m[1]), split[1].standardized(m[0], m[1])};
            } catch (IOException e) {
                throw new UncheckedIOException("training data missing: run test-data/fetch-datasets.sh", e);
            }
        }
        return digits;
    }
}
