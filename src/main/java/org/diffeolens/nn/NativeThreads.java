package org.diffeolens.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets ND4J's native thread counts (its OpenMP pool and OpenBLAS) for a scope and restores them
 * after: ND4J keeps them in process-wide state, so a run that sets them must not leak its choice
 * into the next one.
 */
public final class NativeThreads implements AutoCloseable {

    private final int maxThreads;
    private final int maxMasterThreads;
    private final int blasThreads;

    private NativeThreads(int threads) {
        var env = Nd4j.getEnvironment();
        var blas = Nd4j.factory().blas();
        this.maxThreads = env.maxThreads();
        this.maxMasterThreads = env.maxMasterThreads();
        this.blasThreads = blas.getMaxThreads();
        env.setMaxThreads(threads);
        env.setMaxMasterThreads(threads);
        blas.setMaxThreads(threads);
    }

    /** Uses {@code threads} native threads until {@link #close()}. */
    public static NativeThreads use(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return new NativeThreads(threads);
    }

    @Override
    public void close() {
        var env = Nd4j.getEnvironment();
        env.setMaxThreads(maxThreads);
        env.setMaxMasterThreads(maxMasterThreads);
        Nd4j.factory().blas().setMaxThreads(blasThreads);
    }
}
