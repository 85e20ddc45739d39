package org.diffeolens.nn.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A labelled image-classification data set held in memory: n samples of shape height x width x
 * channels (channels last, the network's layout), float features, integer labels 0..classes-1.
 * Immutable; transformations return new data sets.
 */
public final class Dataset {

    private final String name;
    private final float[] features;
    private final int[] labels;
    private final int[] sampleShape;
    private final int classes;
    private final int sampleLength;

    public Dataset(String name, float[] features, int[] labels, int[] sampleShape, int classes) {
        if (sampleShape.length != 3) {
            throw new IllegalArgumentException("sample shape must be {height, width, channels}, got "
                    + Arrays.toString(sampleShape));
        }
        int len = 1;
        for (int s : sampleShape) {
            if (s < 1) {
                throw new IllegalArgumentException("sample shape must be positive, got " + Arrays.toString(sampleShape));
            }
            len *= s;
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if ((long) labels.length * len != features.length) {
            throw new IllegalArgumentException(features.length + " feature values do not make " + labels.length
                    + " samples of " + len);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label of sample " + i + " is " + labels[i] + ", outside 0.."
                        + (classes - 1));
            }
        }
        this.name = name;
        this.features = features;
        this.labels = labels;
        this.sampleShape = sampleShape.clone();
        this.classes = classes;
        this.sampleLength = len;
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    public int classes() {
        return classes;
    }

    /** {height, width, channels}. */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public int sampleLength() {
        return sampleLength;
    }

    public int label(int i) {
        return labels[i];
    }

    public float feature(int sample, int index) {
        return features[sample * sampleLength + index];
    }

    /** Mean and standard deviation of all feature values (for standardizing with training statistics). */
    public double[] moments() {
        double s = 0;
        for (float v : features) {
            s += v;
        }
        double mean = s / features.length;
        double q = 0;
        for (float v : features) {
            q += (v - mean) * (v - mean);
        }
        return new double[] {mean, Math.sqrt(q / features.length)};
    }

    /** (x - mean) / std for every feature value. */
    public Dataset standardized(double mean, double std) {
        if (!(std > 0)) {
            throw new IllegalArgumentException("standard deviation must be > 0, got " + std);
        }
        float[] f = new float[features.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) ((features[i] - mean) / std);
        }
        return new Dataset(name, f, labels, sampleShape, classes);
    }

    /** Samples [from, to). */
    public Dataset range(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") not inside 0.." + size());
        }
        return new Dataset(name, Arrays.copyOfRange(features, from * sampleLength, to * sampleLength),
                Arrays.copyOfRange(labels, from, to), sampleShape, classes);
    }

    /** The samples at the given indices, in that order. */
    public Dataset select(int[] indices) {
        float[] f = new float[indices.length * sampleLength];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, indices[i] * sampleLength, f, i * sampleLength, sampleLength);
            l[i] = labels[indices[i]];
        }
        return new Dataset(name, f, l, sampleShape, classes);
    }

    /** A seeded random split: {training, test} with testCount samples in the test part. */
    public Dataset[] split(int testCount, long seed) {
        if (testCount < 1 || testCount >= size()) {
            throw new IllegalArgumentException("test count must be in 1.." + (size() - 1) + ", got " + testCount);
        }
        int[] order = permutation(size(), new SplittableRandom(seed));
        return new Dataset[] {select(Arrays.copyOfRange(order, testCount, size())),
            select(Arrays.copyOfRange(order, 0, testCount))};
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The samples order[from..to) as a batch of arrays of the given type. */
    public Batch batch(int[] order, int from, int to, DataType type) {
        int b = to - from;
        if (from < 0 || to > order.length || from >= to) {
            throw new IllegalArgumentException("batch [" + from + ", " + to + ") not inside 0.." + order.length);
        }
        float[] x = new float[b * sampleLength];
        int[] l = new int[b];
        for (int i = 0; i < b; i++) {
            int s = order[from + i];
            System.arraycopy(features, s * sampleLength, x, i * sampleLength, sampleLength);
            l[i] = labels[s];
        }
        INDArray inputs = Nd4j.create(x, new long[] {b, sampleShape[0], sampleShape[1], sampleShape[2]}, 'c');
        return new Batch(type == DataType.FLOAT ? inputs : inputs.castTo(type), l);
    }

    /** Samples [from, to) in their stored order. */
    public Batch batch(int from, int to, DataType type) {
        int[] order = new int[to];
        for (int i = from; i < to; i++) {
            order[i] = i;
        }
        return batch(order, from, to, type);
    }

    @Override
    public String toString() {
        return name + " (" + size() + " samples of " + sampleShape[0] + "x" + sampleShape[1] + "x" + sampleShape[2]
                + ", " + classes + " classes)";
    }
}
