package org.diffeolens.nn;

import java.util.SplittableRandom;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/** Small random batches for the network tests. */
final class NetworkFixtures {

    private NetworkFixtures() {
    }

    /** b samples of the given shape with standard normal features and uniform labels. */
    static Dataset randomData(int b, int[] shape, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int len = shape[0] * shape[1] * shape[2];
        float[] f = new float[b * len];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        int[] l = new int[b];
        for (int i = 0; i < b; i++) {
            l[i] = r.nextInt(classes);
        }
        return new Dataset("random", f, l, shape, classes);
    }

    static Batch randomBatch(int b, int[] shape, int classes, long seed, DataType type) {
        return randomData(b, shape, classes, seed).batch(0, b, type);
    }
}
