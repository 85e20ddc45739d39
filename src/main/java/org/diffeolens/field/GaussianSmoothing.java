package org.diffeolens.field;

import org.diffeolens.concurrent.Parallel;

/**
 * Separable Gaussian smoothing with a standard deviation in mm, truncated at 3 sigma and
 * normalized, with the border extended by replication (so the mean intensity is kept).
 */
public final class GaussianSmoothing {

    private GaussianSmoothing() {
    }

    public static ScalarField smooth(ScalarField f, double sigmaMm, Parallel parallel) {
        double[] s = new double[f.grid().dim()];
        java.util.Arrays.fill(s, sigmaMm);
        return smooth(f, s, parallel);
    }

    /** Smooths with a per-axis sigma (mm); a sigma of 0 leaves that axis alone. */
    public static ScalarField smooth(ScalarField f, double[] sigmaMm, Parallel parallel) {
        Grid g = f.grid();
        Lattice l = new Lattice(g);
        double[] cur = f.data().clone();
        double[] tmp = new double[cur.length];
        for (int a = 0; a < g.dim(); a++) {
            if (!(sigmaMm[a] >= 0)) {
                throw new IllegalArgumentException("smoothing sigma must be >= 0, got " + sigmaMm[a]);
            }
            double sv = sigmaMm[a] / g.spacing(a);
            if (sv < 1e-3 || l.size(a) == 1) {
                continue;
            }
            double[] w = weights(sv);
            smoothAxis(cur, tmp, l, a, w, parallel);
            double[] t = cur;
            cur = tmp;
            tmp = t;
        }
        return new ScalarField(g, cur);
    }

    /** Normalized Gaussian weights w[0..r] (symmetric) for a sigma in voxels. */
    static double[] weights(double sigmaVoxels) {
        int r = Math.max(1, (int) Math.ceil(3 * sigmaVoxels));
        double[] w = new double[r + 1];
        double sum = 0;
        for (int k = 0; k <= r; k++) {
            w[k] = Math.exp(-0.5 * k * k / (sigmaVoxels * sigmaVoxels));
            sum += k == 0 ? w[k] : 2 * w[k];
        }
        for (int k = 0; k <= r; k++) {
            w[k] /= sum;
        }
        return w;
    }

    private static void smoothAxis(double[] in, double[] out, Lattice l, int axis, double[] w, Parallel parallel) {
        int n = l.size(axis);
        int s = l.stride(axis);
        int r = w.length - 1;
        // lines along the axis: one per voxel of the other two axes
        int lines = l.lines(axis);
        int chunks = parallel.chunks(lines);
        double[][] buffers = new double[chunks][n];
        parallel.chunked(lines, (chunk, l0, l1) -> {
            double[] line = buffers[chunk];
            for (int li = l0; li < l1; li++) {
                int start = l.lineStart(axis, li);
                for (int k = 0; k < n; k++) {
                    line[k] = in[start + k * s];
                }
                for (int k = 0; k < n; k++) {
                    double acc = w[0] * line[k];
                    for (int j = 1; j <= r; j++) {
                        int lo = k - j < 0 ? 0 : k - j;
                        int hi = k + j >= n ? n - 1 : k + j;
                        acc += w[j] * (line[lo] + line[hi]);
                    }
                    out[start + k * s] = acc;
                }
            }
        });
    }
}
