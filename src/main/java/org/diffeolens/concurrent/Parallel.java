package org.diffeolens.concurrent;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An explicit degree of parallelism, passed to every hot loop (no global thread setting).
 * A range [0, n) is split into contiguous chunks, one per thread; the caller runs the first.
 * Threads come from one shared team of workers ({@link Team}) that spin briefly between loops, so
 * that the engine's many short loops do not each pay for waking a parked thread; a loop that finds
 * the team busy (a concurrent caller, or a loop nested in a chunk) runs on a shared daemon
 * fork-join pool instead. Neither ever creates threads per call.
 */
public final class Parallel {

    /** Body of a chunked loop over [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Body of a chunked loop that also learns which chunk (0..chunks-1) it runs, to pick a scratch buffer. */
    @FunctionalInterface
    public interface ChunkBody {
        void run(int chunk, int start, int end);
    }

    /** Body of a chunked reduction: the sum over [start, end). */
    @FunctionalInterface
    public interface RangeSum {
        double sum(int start, int end);
    }

    private static final Parallel SERIAL = new Parallel(1);
    private static volatile ForkJoinPool pool;

    private final int threads;

    private Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    public static Parallel of(int threads) {
        return threads == 1 ? SERIAL : new Parallel(threads);
    }

    public static Parallel serial() {
        return SERIAL;
    }

    /** One thread per available processor. */
    public static Parallel allCores() {
        return of(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Number of chunks a range of n is split into (at most threads, at least 1). */
    public int chunks(int n) {
        return Math.max(1, Math.min(threads, n));
    }

    public void range(int n, RangeBody body) {
        chunked(n, (chunk, s, e) -> body.run(s, e));
    }

    /**
     * The sum of body over the chunks of [0, n), added in chunk order: the same number for the same
     * thread count (the chunks, and so the round-off, follow the thread count).
     */
    public double sum(int n, RangeSum body) {
        double[] partial = new double[chunks(n)];
        chunked(n, (chunk, s, e) -> partial[chunk] = body.sum(s, e));
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    /** Runs body over [0, n) in chunks(n) contiguous pieces; chunk k covers [k n / c, (k+1) n / c). */
    public void chunked(int n, ChunkBody body) {
        if (n <= 0) {
            return;
        }
        int c = chunks(n);
        if (c == 1) {
            body.run(0, 0, n);
            return;
        }
        if (Team.shared().tryRun(n, c, body)) {
            return;
        }
        // the team is busy (another caller, or a loop nested in one of its chunks): the pool
        ForkJoinPool p = pool();
        @SuppressWarnings("unchecked")
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[c - 1];
        for (int k = 1; k < c; k++) {
            final int chunk = k;
            final int s = (int) ((long) k * n / c);
            final int e = (int) ((long) (k + 1) * n / c);
            tasks[k - 1] = p.submit(() -> body.run(chunk, s, e));
        }
        RuntimeException first = null;
        try {
            body.run(0, 0, (int) ((long) n / c));
        } catch (RuntimeException ex) {
            first = ex;
        }
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (RuntimeException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) {
                    AtomicInteger id = new AtomicInteger();
                    int size = Math.max(2, Runtime.getRuntime().availableProcessors());
                    pool = new ForkJoinPool(size, fj -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fj);
                        t.setDaemon(true);
                        t.setName("diffeolens-" + id.incrementAndGet());
                        return t;
                    }, null, false);
                }
                p = pool;
            }
        }
        return p;
    }

    @Override
    public String toString() {
        return "Parallel[" + threads + "]";
    }
}
