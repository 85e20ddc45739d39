package org.diffeolens.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.diffeolens.io.Json;

/**
 * Wall-clock timing of a repeated operation: a few untimed warm-up runs (so the JIT has compiled
 * the hot loops), then N timed runs summarized by their median (robust to the noise of a shared
 * machine), minimum and maximum.
 */
public final class Timing {

    /**
     * Milliseconds of each timed run and their summary; cpuMs is the CPU time of the whole process
     * (all threads) per run, averaged over the runs: the work done, which other processes on a
     * shared machine inflate far less than the wall time.
     */
    public record Result(double medianMs, double minMs, double maxMs, double cpuMs, double[] runsMs) {

        public Json toJson() {
            return new Json().put("medianMs", round(medianMs)).put("minMs", round(minMs))
                    .put("maxMs", round(maxMs)).put("cpuMs", round(cpuMs)).put("runs", runsMs.length);
        }
    }

    private Timing() {
    }

    public static Result measure(int warmup, int repeat, Runnable op) {
        if (repeat < 1 || warmup < 0) {
            throw new IllegalArgumentException("repeat must be >= 1 and warm-up >= 0, got " + repeat + ", " + warmup);
        }
        for (int k = 0; k < warmup; k++) {
            op.run();
        }
        double[] ms = new double[repeat];
        long c0 = processCpuNanos();
        for (int k = 0; k < repeat; k++) {
            long t0 = System.nanoTime();
            op.run();
            ms[k] = (System.nanoTime() - t0) * 1e-6;
        }
        // the process clock ticks in 10 ms on Linux: a mean over all runs, not a per-run median
        double cpu = (processCpuNanos() - c0) * 1e-6 / repeat;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return new Result(median(ms), sorted[0], sorted[repeat - 1], cpu, ms);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    /** CPU time of this process (all threads), or -1 where the platform does not report it. */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : -1;
    }

    /** Three decimals are plenty for run-to-run comparison. */
    static double round(double v) {
        return round(v, 3);
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
