package org.diffeolens.field;

import org.diffeolens.concurrent.Parallel;

/**
 * Periodic linear interpolation P from a coarse grid to a fine grid that cover the same periodic
 * box (fine voxel i of an axis sits at coarse coordinate i nc / n), and its transpose P^T, which
 * collects a fine field onto the coarse grid with the same weights. Both are separable: one pass
 * per axis, each an interpolation along that axis only. With a symmetric operator C on the coarse
 * grid, P C P^T is symmetric on the fine one, which is what a preconditioner needs.
 * Not thread-safe: it keeps the intermediate fields of its passes.
 */
public final class Prolongation {

    private final int[] fine;
    private final int[] coarse;
    /** Per axis, per fine index: the two coarse neighbours and the weight of the second. */
    private final int[][] lower;
    private final int[][] upper;
    private final double[][] weight;
    private final Parallel parallel;
    /**
     * Fields after the first axis pass, one per component of a multi-component restriction or
     * prolongation (made as needed), and after the second (shapes between fine and coarse).
     */
    private double[][] pass1;
    private final double[] pass2;

    public Prolongation(int[] fine, int[] coarse, Parallel parallel) {
        if (fine.length != coarse.length || fine.length < 2 || fine.length > 3) {
            throw new IllegalArgumentException("fine and coarse sizes must both be 2D or 3D");
        }
        this.fine = fine.clone();
        this.coarse = coarse.clone();
        this.parallel = parallel;
        int d = fine.length;
        lower = new int[d][];
        upper = new int[d][];
        weight = new double[d][];
        for (int a = 0; a < d; a++) {
            int n = fine[a];
            int nc = coarse[a];
            if (nc < 1 || nc > n) {
                throw new IllegalArgumentException("coarse size " + nc + " must be in [1, " + n + "] on axis " + a);
            }
            lower[a] = new int[n];
            upper[a] = new int[n];
            weight[a] = new double[n];
            for (int i = 0; i < n; i++) {
                double t = (double) i * nc / n;
                int j = (int) Math.floor(t);
                lower[a][i] = j % nc;
                upper[a][i] = (j + 1) % nc;
                weight[a][i] = t - j;
            }
        }
        // x is interpolated first going down (P^T) and last going up (P): the intermediates are
        // (nc_x, n_y, n_z) and (nc_x, nc_y, n_z)
        int[] s1 = fine.clone();
        s1[0] = coarse[0];
        int[] s2 = s1.clone();
        s2[1] = coarse[1];
        pass1 = new double[][] {new double[product(s1)]};
        pass2 = d == 3 ? new double[product(s2)] : null;
    }

    private static int product(int[] s) {
        int p = 1;
        for (int v : s) {
            p *= v;
        }
        return p;
    }

    /** coarse = P^T fine (the coarse array is overwritten). */
    public void restrict(double[] fineField, double[] coarseField) {
        restrict(fineField, null, coarseField);
    }

    /**
     * coarse = P^T (w fine), the product with the weights w (null: none) taken in the first pass,
     * so that it is never stored on the fine grid.
     */
    public void restrict(double[] fineField, double[] w, double[] coarseField) {
        restrict(fineField, new double[][] {w}, new double[][] {coarseField});
    }

    /**
     * coarse[c] = P^T (w[c] fine) for every c (w[c] null: no weights), with the same numbers as one
     * {@link #restrict} per c: the first pass reads the fine field once for all of them.
     */
    public void restrict(double[] fineField, double[][] w, double[][] coarseField) {
        int d = fine.length;
        double[][] first = firstPassFields(w.length);
        collectRows(fineField, w, first);
        for (int c = 0; c < w.length; c++) {
            int[] shape = fine.clone();
            shape[0] = coarse[0];
            double[] src = first[c];
            for (int a = 1; a < d; a++) {
                double[] dst = a == d - 1 ? coarseField[c] : pass2;
                collect(src, shape, a, dst);
                shape[a] = coarse[a];
                src = dst;
            }
        }
    }

    /** At least count fields of the first pass's shape. */
    private double[][] firstPassFields(int count) {
        if (pass1.length < count) {
            double[][] grown = java.util.Arrays.copyOf(pass1, count);
            for (int c = pass1.length; c < count; c++) {
                grown[c] = new double[pass1[0].length];
            }
            pass1 = grown;
        }
        return pass1;
    }

    /** fine = P coarse (the fine array is overwritten). */
    public void prolong(double[] coarseField, double[] fineField) {
        prolong(coarseField, null, fineField, false);
    }

    /**
     * fine = w P coarse, or fine += w P coarse when add is set (w null: no weights): the weighted
     * sum is taken in the last pass, so that P coarse is never stored on the fine grid.
     */
    public void prolong(double[] coarseField, double[] w, double[] fineField, boolean add) {
        prolong(new double[][] {coarseField}, new double[][] {w}, fineField, add);
    }

    /**
     * fine = sum_c w[c] P coarse[c], or fine += that when add is set (w[c] null: no weights), with
     * the same numbers as one {@link #prolong} per c (the first with add as given, the others
     * adding): the last pass reads and writes the fine field once for all of them.
     */
    public void prolong(double[][] coarseField, double[][] w, double[] fineField, boolean add) {
        int d = fine.length;
        double[][] last = firstPassFields(w.length);
        for (int c = 0; c < w.length; c++) {
            int[] shape = coarse.clone();
            double[] src = coarseField[c];
            for (int a = d - 1; a >= 1; a--) {
                double[] dst = a == 1 ? last[c] : pass2;
                shape[a] = fine[a];
                interpolate(src, shape, a, dst);
                src = dst;
            }
        }
        interpolateRows(last, w, add, fineField);
    }

    /** dst[c] = P_x^T (w[c] src) along x for every c, row by row (w[c] null: no weights). */
    private void collectRows(double[] src, double[][] w, double[][] dst) {
        int n = fine[0];
        int nc = coarse[0];
        int rows = src.length / n;
        int[] lo = lower[0];
        int[] hi = upper[0];
        double[] wt = weight[0];
        parallel.range(rows, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                int s = o * n;
                int t = o * nc;
                for (int c = 0; c < w.length; c++) {
                    double[] wc = w[c];
                    double[] dc = dst[c];
                    java.util.Arrays.fill(dc, t, t + nc, 0);
                    for (int i = 0; i < n; i++) {
                        double f = wc == null ? src[s + i] : src[s + i] * wc[s + i];
                        dc[t + lo[i]] += (1 - wt[i]) * f;
                        dc[t + hi[i]] += wt[i] * f;
                    }
                }
            }
        });
    }

    /**
     * dst = sum_c w[c] P_x src[c], or dst += that, along x, row by row (w[c] null: no weights); the
     * terms are added in the order of c, each to the sum of those before, as separate calls would.
     */
    private void interpolateRows(double[][] src, double[][] w, boolean add, double[] dst) {
        int n = fine[0];
        int nc = coarse[0];
        int rows = dst.length / n;
        int[] lo = lower[0];
        int[] hi = upper[0];
        double[] wt = weight[0];
        parallel.range(rows, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                int s = o * nc;
                int t = o * n;
                for (int c = 0; c < w.length; c++) {
                    double[] sc = src[c];
                    double[] wc = w[c];
                    boolean accumulate = add || c > 0;
                    for (int i = 0; i < n; i++) {
                        double v = (1 - wt[i]) * sc[s + lo[i]] + wt[i] * sc[s + hi[i]];
                        if (wc != null) {
                            v *= wc[t + i];
                        }
                        dst[t + i] = accumulate ? dst[t + i] + v : v;
                    }
                }
            }
        });
    }

    /** A pass along one axis over the block o of its (outer, n_a, inner) view, on inner indices [t0, t1). */
    @FunctionalInterface
    private interface AxisPass {
        void run(int o, int inner, int t0, int t1);
    }

    /**
     * Runs a pass along axis a = 1 or 2 of an array of the given shape, seen as (outer, n_a,
     * inner): the outer blocks are split between threads, or the inner indices when there is a
     * single outer block (the slowest axis).
     */
    private void alongAxis(int[] shape, int a, AxisPass pass) {
        int inner = 1;
        for (int b = 0; b < a; b++) {
            inner *= shape[b];
        }
        int outer = 1;
        for (int b = a + 1; b < shape.length; b++) {
            outer *= shape[b];
        }
        final int in = inner;
        if (outer > 1) {
            parallel.range(outer, (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    pass.run(o, in, 0, in);
                }
            });
        } else {
            parallel.range(inner, (t0, t1) -> pass.run(0, in, t0, t1));
        }
    }

    /** dst = P_a^T src along axis a = 1 or 2: src has the fine extent there (shape), dst the coarse one. */
    private void collect(double[] src, int[] shape, int a, double[] dst) {
        int n = fine[a];
        int nc = coarse[a];
        int[] lo = lower[a];
        int[] hi = upper[a];
        double[] w = weight[a];
        alongAxis(shape, a, (o, in, t0, t1) -> {
            for (int j = 0; j < nc; j++) {
                java.util.Arrays.fill(dst, (o * nc + j) * in + t0, (o * nc + j) * in + t1, 0);
            }
            for (int i = 0; i < n; i++) {
                int s = (o * n + i) * in;
                int dl = (o * nc + lo[i]) * in;
                int du = (o * nc + hi[i]) * in;
                double wu = w[i];
                double wl = 1 - wu;
                for (int t = t0; t < t1; t++) {
                    double f = src[s + t];
                    dst[dl + t] += wl * f;
                    dst[du + t] += wu * f;
                }
            }
        });
    }

    /** dst = P_a src along axis a = 1 or 2: src has the coarse extent there, dst (shape) the fine one. */
    private void interpolate(double[] src, int[] shape, int a, double[] dst) {
        int n = fine[a];
        int nc = coarse[a];
        int[] lo = lower[a];
        int[] hi = upper[a];
        double[] w = weight[a];
        alongAxis(shape, a, (o, in, t0, t1) -> {
            for (int i = 0; i < n; i++) {
                int d = (o * n + i) * in;
                int sl = (o * nc + lo[i]) * in;
                int su = (o * nc + hi[i]) * in;
                double wu = w[i];
                double wl = 1 - wu;
                for (int t = t0; t < t1; t++) {
                    dst[d + t] = wl * src[sl + t] + wu * src[su + t];
                }
            }
        });
    }
}
