package org.diffeolens.concurrent;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads of {@link Parallel}: a fixed team that waits for the next chunk by spinning
 * for a short while before it parks, as OpenMP runtimes do. The engine runs thousands of short
 * parallel loops back to back (a 2D shooting evaluation: about 500 loops of 0.1-2 ms each), and
 * waking a parked thread costs 35-45 us on this machine's virtual CPUs, a quarter of a short
 * loop; a spinning worker picks its chunk up within a microsecond, and a chunk whose worker has
 * not started when the caller is done with its own is run by the caller. Workers beyond the processor
 * count never spin (they would take a core from a working thread). One caller uses the team at a
 * time; a second, concurrent caller gets a false from {@link #tryRun} and runs elsewhere, as does
 * a call from inside a worker (nested loops).
 */
final class Team {

    /** How long an idle worker, or a caller waiting for its workers, spins before it parks. */
    static final long SPIN_NANOS = 200_000;

    private static final Team SHARED = new Team();

    private final AtomicBoolean busy = new AtomicBoolean();
    private final int spinners = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    private Worker[] workers = new Worker[0];

    static Team shared() {
        return SHARED;
    }

    /**
     * Runs chunks 1..chunks-1 of body on workers and chunk 0 on the calling thread, and waits for
     * all; false (nothing run) when the team is in use or the caller is one of its workers. A chunk
     * goes to whichever thread claims it first: the caller, done with its own, runs those that no
     * worker has started (a worker that parked, or that the system has not scheduled, is not waited
     * for: measured, one 2D loop in thirty waited 0.1-1 ms for its worker to start). Chunks and their
     * indices do not change, so neither do the numbers.
     */
    boolean tryRun(int n, int chunks, Parallel.ChunkBody body) {
        if (Thread.currentThread() instanceof Worker || !busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            Worker[] w = workers(chunks - 1);
            Job job = new Job(Thread.currentThread(), chunks - 1, chunks <= spinners + 1);
            Assignment[] given = new Assignment[chunks - 1];
            for (int k = 1; k < chunks; k++) {
                int s = (int) ((long) k * n / chunks);
                int e = (int) ((long) (k + 1) * n / chunks);
                given[k - 1] = new Assignment(body, k, s, e, job);
                w[k - 1].give(given[k - 1]);
            }
            Throwable own = null;
            try {
                body.run(0, 0, (int) ((long) n / chunks));
            } catch (RuntimeException | Error ex) {
                own = ex;
            }
            for (Assignment a : given) {
                if (a.claim()) {
                    a.run();
                }
            }
            job.await();
            Throwable failure = own != null ? own : job.failure.get();
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            return true;
        } finally {
            busy.set(false);
        }
    }

    /** One chunk of one loop, run by the first thread that claims it. */
    private static final class Assignment {
        final Parallel.ChunkBody body;
        final int chunk;
        final int start;
        final int end;
        final Job job;
        private final AtomicBoolean claimed = new AtomicBoolean();

        Assignment(Parallel.ChunkBody body, int chunk, int start, int end, Job job) {
            this.body = body;
            this.chunk = chunk;
            this.start = start;
            this.end = end;
            this.job = job;
        }

        boolean claim() {
            return !claimed.get() && claimed.compareAndSet(false, true);
        }

        /** Runs the chunk (claimed by the caller) and reports it done, with its failure if any. */
        void run() {
            Throwable failure = null;
            try {
                body.run(chunk, start, end);
            } catch (Throwable ex) {
                failure = ex;
            }
            job.done(failure);
        }
    }

    /** At least count workers (only the holder of busy grows the array). */
    private Worker[] workers(int count) {
        if (workers.length < count) {
            Worker[] grown = java.util.Arrays.copyOf(workers, count);
            for (int i = workers.length; i < count; i++) {
                grown[i] = new Worker(i + 1, i < spinners);
                grown[i].start();
            }
            workers = grown;
        }
        return workers;
    }

    /** One parallel loop's completion: the pending chunk count, the first failure, the waiting caller. */
    private static final class Job {
        final Thread caller;
        final AtomicInteger pending;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final boolean spin;
        volatile boolean callerParked;

        Job(Thread caller, int chunks, boolean spin) {
            this.caller = caller;
            this.pending = new AtomicInteger(chunks);
            this.spin = spin;
        }

        void done(Throwable t) {
            if (t != null) {
                failure.compareAndSet(null, t);
            }
            if (pending.decrementAndGet() == 0 && callerParked) {
                LockSupport.unpark(caller);
            }
        }

        void await() {
            long start = System.nanoTime();
            int spins = 0;
            while (pending.get() > 0) {
                if (spin && ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS)) {
                    Thread.onSpinWait();
                    continue;
                }
                callerParked = true;
                if (pending.get() > 0) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
    }

    /** A daemon thread that runs one chunk at a time: spins for its next one, then parks. */
    private static final class Worker extends Thread {
        private final boolean spin;
        /** The next assignment; taken by compare-and-set, since the caller may already give a newer one. */
        private final AtomicReference<Assignment> next = new AtomicReference<>();
        private volatile boolean parked;

        Worker(int id, boolean spin) {
            super("diffeolens-" + id);
            this.spin = spin;
            setDaemon(true);
        }

        void give(Assignment a) {
            next.set(a);
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            while (true) {
                Assignment a = take();
                if (a.claim()) {
                    a.run();
                }
            }
        }

        private Assignment take() {
            long start = System.nanoTime();
            int spins = 0;
            while (true) {
                Assignment a = next.get();
                if (a != null && next.compareAndSet(a, null)) {
                    return a;
                }
                if (a != null) {
                    continue; // replaced by a newer one meanwhile: take that
                }
                if (spin && ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS)) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (next.get() == null) {
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
