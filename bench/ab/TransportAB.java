package org.diffeolens.field;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import org.diffeolens.concurrent.Parallel;

/**
 * A/B of the Transport operations: OldTransport (an older commit's Transport and LinearStencil,
 * renamed by bench/ab.sh) against the current ones, interleaved in one JVM on the same inputs.
 * 1 thread: CPU time of the calling thread; more: wall time.
 * Usage: TransportAB N THREADS ROUNDS (N > 0: N^3; N < 0: |N|^2).
 */
public class TransportAB {
    interface Op { void run(); }
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    static boolean cpu;
    static long now() { return cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime(); }

    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        int threads = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        cpu = threads == 1;
        Grid g = n > 0 ? Grid.of(new int[] {n, n, n}, new double[] {1, 1, 1}) : Grid.of(new int[] {-n, -n}, new double[] {1, 1});
        int d = g.dim();
        int N = g.voxelCount();
        Parallel par = Parallel.of(threads);
        OldTransport o = new OldTransport(g, par);
        Transport t = new Transport(g, par);
        double[][] p = bumps(g, 3, 0.3), v = bumps(g, 2, 1.1);
        double[] f = rnd(N, 1), w = rnd(N, 2);
        double[][] wv = {rnd(N, 3), rnd(N, 4), rnd(N, 5)};
        double dt = 0.1;
        String[] names = {"pullBack", "pullBackAdjoint", "advectMap", "advectMapAdjoint", "compose"};
        double[][] outO = new double[d][N], outN = new double[d][N];
        double[][] bO = new double[d][N], bN = new double[d][N], cO = new double[d][N], cN = new double[d][N];
        double[] fO = new double[N], fN = new double[N];
        Op[] old = {
            () -> o.pullBack(f, p, outO[0]),
            () -> o.pullBackAdjoint(f, p, w, bO, fO),
            () -> o.advectMap(p, v, dt, outO),
            () -> o.advectMapAdjoint(p, v, dt, Arrays.copyOf(wv, d), bO, cO),
            () -> o.compose(p, v, outO)};
        Op[] neu = {
            () -> t.pullBack(f, p, outN[0]),
            () -> t.pullBackAdjoint(f, p, w, bN, fN),
            () -> t.advectMap(p, v, dt, outN),
            () -> t.advectMapAdjoint(p, v, dt, Arrays.copyOf(wv, d), bN, cN),
            () -> t.compose(p, v, outN)};
        for (int k = 0; k < names.length; k++) {
            double[] to = new double[rounds], tn = new double[rounds];
            for (int r = 0; r < rounds + 3; r++) {
                zero(bO); zero(bN); zero(cO); zero(cN); Arrays.fill(fO, 0); Arrays.fill(fN, 0);
                long s = now(); old[k].run(); long m = now(); neu[k].run(); long e = now();
                if (r >= 3) { to[r - 3] = (m - s) * 1e-6; tn[r - 3] = (e - m) * 1e-6; }
            }
            double diff = Math.max(maxDiff(outO, outN), Math.max(maxDiff(bO, bN), Math.max(maxDiff(cO, cN), maxDiff(new double[][] {fO}, new double[][] {fN}))));
            Arrays.sort(to); Arrays.sort(tn);
            System.out.printf("%-17s %s old median %7.2f min %7.2f | new median %7.2f min %7.2f ms | x%.2f (median) | maxdiff %.2g%n",
                names[k], cpu ? "cpu" : "wall", to[rounds / 2], to[0], tn[rounds / 2], tn[0], to[rounds / 2] / tn[rounds / 2], diff);
        }
    }
    static void zero(double[][] a) { for (double[] c : a) Arrays.fill(c, 0); }
    static double maxDiff(double[][] a, double[][] b) { double m = 0; for (int c = 0; c < a.length; c++) for (int i = 0; i < a[c].length; i++) m = Math.max(m, Math.abs(a[c][i] - b[c][i])); return m; }
    static double[] rnd(int n, long seed) { Random r = new Random(seed); double[] x = new double[n]; for (int i = 0; i < n; i++) x[i] = r.nextDouble() - 0.5; return x; }
    static double[][] bumps(Grid g, double amp, double phase) {
        int d = g.dim(); int nx = g.size(0), ny = g.size(1), nz = d == 3 ? g.size(2) : 1;
        double[][] u = new double[d][g.voxelCount()];
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) {
            int i = x + nx * (y + ny * z);
            u[0][i] = amp * Math.sin(6.0 * x / nx + phase) * Math.cos(5.0 * y / ny);
            u[1][i] = amp * Math.cos(4.0 * x / nx - phase) * Math.sin(7.0 * y / ny + 3.0 * z / nz);
            if (d == 3) u[2][i] = amp * Math.sin(5.0 * z / nz + 2.0 * x / nx + phase);
        }
        return u;
    }
}
