package org.diffeolens.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.diffeolens.concurrent.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a network needs to run: its degree of parallelism (a batch is split into that many parts,
 * each run through the whole network by one thread in its own single-threaded part workspace),
 * and reusable arrays for the forward and backward sweeps, one per (owner, slot, type,
 * shape). The arrays are planned on the first batch of a size and overwritten by every later one,
 * so training allocates no activation memory per step. Whatever a sweep leaves in them (a
 * {@link Trajectory}) is valid until the next sweep through the same workspace. Not thread-safe.
 */
public final class Workspace {

    private record Key(Object owner, String slot, DataType type, String shape) {
    }

    private final Parallel parallel;
    private final Map<Key, INDArray> arrays = new HashMap<>();
    private Workspace[] parts = new Workspace[0];

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

    /**
     * n single-threaded workspaces, one for each part of a batch that a thread runs through the
     * whole network (made once, kept).
     */
    public Workspace[] parts(int n) {
        if (parts.length < n) {
            Workspace[] more = java.util.Arrays.copyOf(parts, n);
            for (int i = parts.length; i < n; i++) {
                more[i] = new Workspace(Parallel.serial());
            }
            parts = more;
        }
        return java.util.Arrays.copyOf(parts, n);
    }

    /** Bytes held (for diagnostics). */
    public long bytes() {
        long n = 0;
        for (INDArray a : arrays.values()) {
            n += a.length() * a.dataType().width();
        }
        for (Workspace w : parts) {
            n += w.bytes();
        }
        return n;
    }

    /** Forgets every array (they are freed when no trajectory refers to them). */
    public void clear() {
        arrays.clear();
        parts = new Workspace[0];
    }
}
