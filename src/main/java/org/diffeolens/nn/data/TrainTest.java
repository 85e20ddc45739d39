package org.diffeolens.nn.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A training set and a test set, standardized with the training set's mean and standard deviation
 * (one pair for all pixels), as the trainer and the benchmarks load them.
 */
public record TrainTest(Dataset train, Dataset test, double mean, double std) {

    /** Samples of the digits held out for testing (20 %). */
    public static final int DIGITS_TEST = 360;
    /** Seed of the digits split. */
    public static final long DIGITS_SPLIT_SEED = 1;

    public static TrainTest standardize(Dataset train, Dataset test) {
        double[] m = train.moments();
        return new TrainTest(train.standardized(m[0], m[1]), test.standardized(m[0], m[1]), m[0], m[1]);
    }

    /** Fashion-MNIST from the folder with its four IDX files. */
    public static TrainTest fashionMnist(Path folder) throws IOException {
        Dataset[] d = FashionMnist.read(folder);
        return standardize(d[0], d[1]);
    }

    /** scikit-learn's digits, split 1437 / 360 with a fixed seed. */
    public static TrainTest digits(Path csv) throws IOException {
        Dataset[] d = DigitsCsv.read(csv).split(DIGITS_TEST, DIGITS_SPLIT_SEED);
        return standardize(d[0], d[1]);
    }
}
