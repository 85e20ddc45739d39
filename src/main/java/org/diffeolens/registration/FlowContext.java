package org.diffeolens.registration;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.Transport;
import org.diffeolens.kernel.Kernel;

/**
 * What every diffeomorphic flow of one pyramid level shares: the grid, the source image I_0 (the
 * moving image, pre-aligned and resampled onto the fixed grid), the similarity to the target,
 * the kernel, and the transport and difference plans. The end of every flow is the same: the
 * source pulled back through the final inverse map, compared with the target.
 */
public final class FlowContext {

    final Grid grid;
    final ScalarField source;
    final Similarity similarity;
    final Kernel kernel;
    final Transport transport;
    final Differential differential;
    final Parallel parallel;
    final int dim;
    final int voxels;
    final double voxelVolume;

    public FlowContext(ScalarField source, Similarity similarity, Kernel kernel, Parallel parallel) {
        if (!kernel.grid().sameShape(source.grid())) {
            throw new IllegalArgumentException("kernel and source image must share a grid");
        }
        this.grid = source.grid();
        this.source = source;
        this.similarity = similarity;
        this.kernel = kernel;
        this.parallel = parallel;
        this.transport = new Transport(grid, parallel);
        this.differential = new Differential(grid, parallel);
        this.dim = grid.dim();
        this.voxels = grid.voxelCount();
        this.voxelVolume = grid.voxelVolume();
    }

    public Grid grid() {
        return grid;
    }

    public ScalarField source() {
        return source;
    }

    public Similarity similarity() {
        return similarity;
    }

    public Kernel kernel() {
        return kernel;
    }

    public Parallel parallel() {
        return parallel;
    }

    /** I_0 o psi, psi = id + p (p null: the identity). */
    double[] warp(double[][] p) {
        double[] out = new double[voxels];
        transport.pullBack(source.data(), p, out);
        return out;
    }

    /** dE_sim/dp at the end of the flow: the similarity's covector carried back through the pull-back. */
    double[][] terminalAdjoint(double[][] p, double[] warped) {
        double[][] pBar = new double[dim][voxels];
        terminalAdjoint(p, warped, new double[voxels], pBar);
        return pBar;
    }

    /** {@link #terminalAdjoint} into pBar (overwritten), with wBar as the similarity's scratch. */
    void terminalAdjoint(double[][] p, double[] warped, double[] wBar, double[][] pBar) {
        clear(new double[][] {wBar});
        clear(pBar);
        similarity.valueAndGradient(warped, wBar);
        transport.pullBackAdjoint(source.data(), p, wBar, pBar, null);
    }

    /** Sets every component to zero (a kept covector before it accumulates again). */
    void clear(double[][] a) {
        parallel.range(voxels, (s, e) -> {
            for (double[] c : a) {
                java.util.Arrays.fill(c, s, e, 0);
            }
        });
    }

    double[][] zeros() {
        return new double[dim][voxels];
    }

    /** <a, b>_{L2} over all components (voxel volume included). */
    double dot(double[][] a, double[][] b) {
        return voxelVolume * parallel.sum(voxels, (s, e) -> {
            double acc = 0;
            for (int c = 0; c < a.length; c++) {
                double[] ac = a[c];
                double[] bc = b[c];
                for (int i = s; i < e; i++) {
                    acc += ac[i] * bc[i];
                }
            }
            return acc;
        });
    }
}
