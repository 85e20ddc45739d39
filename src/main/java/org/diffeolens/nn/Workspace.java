package org.diffeolens.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.diffeolens.concurrent.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What one thread needs to run a network: its degree of parallelism for the Java-side copies
 * (im2col), and reusable arrays for the forward and backward sweeps, one per (owner, slot, type,
 * shape). The arrays are planned on the first batch of a size and overwritten by every later one,
 * so training allocates no activation memory per step. Whatever a sweep leaves in them (a
 * {@link Trajectory}) is valid until the next sweep through the same workspace. Not thread-safe.
 */
public final class Workspace {

    private record Key(Object owner, String slot, DataType type, String shape) {
    }

    private final Parallel parallel;
    private final Map<Key, INDArray> arrays = new HashMap<>();

    public Workspace(Parallel parallel) {
        this.parallel = parallel;
    }

    public Parallel parallel() {
        return parallel;
    }

    /** The array for this owner and slot; its contents are whatever the last user left. */
    public INDArray get(Object owner, String slot, DataType type, long... shape) {
        return arrays.computeIfAbsent(new Key(owner, slot, type, Arrays.toString(shape)),
                k -> Nd4j.create(type, shape, 'c'));
    }

    /** Bytes held (for diagnostics). */
    public long bytes() {
        long n = 0;
        for (INDArray a : arrays.values()) {
            n += a.length() * a.dataType().width();
        }
        return n;
    }

    /** Forgets every array (they are freed when no trajectory refers to them). */
    public void clear() {
        arrays.clear();
    }
}
