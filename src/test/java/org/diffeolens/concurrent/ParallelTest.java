package org.diffeolens.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The loops every hot path runs on: each index exactly once whatever the thread count, failures
 * reach the caller, and nested or concurrent loops (which the spinning team hands to the pool)
 * still cover their ranges.
 */
class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnceInItsChunk() {
        for (int threads : new int[] {1, 2, 3, 8}) {
            Parallel p = Parallel.of(threads);
            for (int n : new int[] {1, 2, 3, 7, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                AtomicIntegerArray chunkOf = new AtomicIntegerArray(n);
                for (int repeat = 0; repeat < 50; repeat++) {
                    p.chunked(n, (chunk, s, e) -> {
                        for (int i = s; i < e; i++) {
                            hits.incrementAndGet(i);
                            chunkOf.set(i, chunk);
                        }
                    });
                }
                int chunks = p.chunks(n);
                for (int i = 0; i < n; i++) {
                    assertEquals(50, hits.get(i), "threads " + threads + ", n " + n + ", index " + i);
                    // chunk k covers [k n / c, (k + 1) n / c)
                    assertEquals(expectedChunk(i, n, chunks), chunkOf.get(i));
                }
            }
        }
    }

    private static int expectedChunk(int i, int n, int chunks) {
        for (int k = 0; k < chunks; k++) {
            if (i >= (int) ((long) k * n / chunks) && i < (int) ((long) (k + 1) * n / chunks)) {
                return k;
            }
        }
        return -1;
    }

    @Test
    void chunksAWorkerHasNotStartedAreRunByTheCallerAndStillRunOnce() {
        // tiny loops back to back, more chunks than cores: the caller, done with chunk 0 long before
        // a parked worker wakes, claims that worker's chunk; the worker, when it comes, must skip
        // it, and must not lose the next loop's chunk handed to it meanwhile
        Parallel p = Parallel.of(4);
        Thread caller = Thread.currentThread();
        int loops = 20_000;
        int n = 4;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        int[] byCaller = new int[1];
        for (int loop = 0; loop < loops; loop++) {
            p.chunked(n, (chunk, s, e) -> {
                assertEquals(chunk, s);
                assertEquals(chunk + 1, e);
                runs.incrementAndGet(chunk);
                if (chunk > 0 && Thread.currentThread() == caller) {
                    byCaller[0]++;
                }
            });
            for (int k = 0; k < n; k++) {
                assertEquals(loop + 1, runs.get(k), "loop " + loop + ", chunk " + k);
            }
        }
        assertTrue(byCaller[0] > 0, "the caller never ran a worker's chunk");
    }

    @Test
    void aFailureInAnyChunkReachesTheCallerAndTheTeamGoesOn() {
        Parallel p = Parallel.of(2);
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing = 0; failing < 2; failing++) {
            int f = failing;
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> p.chunked(2, (chunk, s, e) -> {
                        if (chunk == f) {
                            throw boom;
                        }
                    }));
            assertSame(boom, thrown);
        }
        assertThrows(AssertionError.class, () -> p.chunked(2, (chunk, s, e) -> {
            if (chunk == 1) {
                throw new AssertionError("worker error");
            }
        }));
        long[] sum = new long[2];
        p.chunked(1000, (chunk, s, e) -> {
            for (int i = s; i < e; i++) {
                sum[chunk] += i;
            }
        });
        assertEquals(999L * 1000 / 2, sum[0] + sum[1]);
    }

    @Test
    void nestedLoopsCoverTheirRanges() {
        Parallel p = Parallel.of(2);
        int n = 64;
        AtomicIntegerArray hits = new AtomicIntegerArray(n * n);
        p.range(n, (s, e) -> {
            for (int i = s; i < e; i++) {
                int row = i;
                p.range(n, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        hits.incrementAndGet(row * n + j);
                    }
                });
            }
        });
        for (int i = 0; i < n * n; i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnResult() throws Exception {
        Parallel p = Parallel.of(2);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int offset = c;
                results.add(callers.submit(() -> {
                    long total = 0;
                    for (int repeat = 0; repeat < 200; repeat++) {
                        long[] part = new long[2];
                        p.chunked(10_000, (chunk, s, e) -> {
                            for (int i = s; i < e; i++) {
                                part[chunk] += i + offset;
                            }
                        });
                        total += part[0] + part[1];
                    }
                    return total;
                }));
            }
            for (int c = 0; c < 4; c++) {
                long once = 9_999L * 10_000 / 2 + 10_000L * c;
                assertEquals(200 * once, results.get(c).get());
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
