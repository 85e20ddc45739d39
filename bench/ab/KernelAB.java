package org.diffeolens.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;

/**
 * A/B of K: OldFourierKernel (an older commit's FourierKernel, renamed by bench/ab.sh) against the
 * current one, interleaved in one JVM on the same field. With 1 thread it reports the CPU time of
 * the calling thread (JTransforms' own pool is set to 1 thread too), which the load of other
 * processes inflates far less than wall time; with more threads, wall time.
 * Usage: KernelAB N THREADS ROUNDS (N > 0: N^3 with 3 components; N < 0: |N|^2 with 2).
 */
public class KernelAB {
    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        int threads = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        Grid g = n > 0 ? Grid.of(new int[] {n, n, n}, new double[] {1, 1, 1})
                : Grid.of(new int[] {-n, -n}, new double[] {1, 1});
        Parallel p = Parallel.of(threads);
        org.visnow.jlargearrays.ConcurrencyUtils.setNumberOfThreads(threads);
        Kernel oldK = new OldFourierKernel(g, mu -> Math.pow(1 + 9 * mu, -2), "old", p);
        Kernel newK = new FourierKernel(g, mu -> Math.pow(1 + 9 * mu, -2), "new", p);
        int d = g.dim();
        Random r = new Random(1);
        double[][] in = new double[d][g.voxelCount()];
        for (double[] c : in) {
            for (int i = 0; i < c.length; i++) {
                c[i] = r.nextDouble() - 0.5;
            }
        }
        double[][] o1 = new double[d][g.voxelCount()];
        double[][] o2 = new double[d][g.voxelCount()];
        double[] t1 = new double[rounds];
        double[] t2 = new double[rounds];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = threads == 1;
        for (int k = 0; k < rounds + 3; k++) {
            long s = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            oldK.applyK(in, o1);
            long m = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            newK.applyK(in, o2);
            long e = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            if (k >= 3) {
                t1[k - 3] = (m - s) * 1e-6;
                t2[k - 3] = (e - m) * 1e-6;
            }
        }
        double diff = 0;
        double max = 0;
        for (int c = 0; c < d; c++) {
            for (int i = 0; i < o1[c].length; i++) {
                diff = Math.max(diff, Math.abs(o1[c][i] - o2[c][i]));
                max = Math.max(max, Math.abs(o1[c][i]));
            }
        }
        Arrays.sort(t1);
        Arrays.sort(t2);
        System.out.printf("K %s threads=%d %s ms: old median %.1f min %.1f | new median %.1f min %.1f | max rel diff %.2g%n",
                n > 0 ? n + "^3 x 3" : -n + "^2 x 2", threads, cpu ? "cpu" : "wall", t1[rounds / 2], t1[0],
                t2[rounds / 2], t2[0], diff / max);
    }
}
