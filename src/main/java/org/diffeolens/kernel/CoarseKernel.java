package org.diffeolens.kernel;

import org.diffeolens.field.Grid;
import org.diffeolens.field.Prolongation;

/**
 * A smooth kernel applied on a grid about half as fine per axis: K ~ c P K_c P^T, with P the
 * periodic linear interpolation from the coarse grid (the same box, FFT-friendly sizes), K_c the
 * same kernel there, and c the ratio of voxel counts (so that constants keep their eigenvalue
 * K(0)). The operator is symmetric and positive semi-definite like K, and costs an eighth of it in
 * 3D (a quarter in 2D) plus six cheap interpolation passes. It is for preconditioners, which need
 * an operator close to K, not K itself: the momentum metric's conjugate gradients apply K ten
 * times per optimizer step. An axis is coarsened only where the kernel has decayed below
 * {@link #DECAY} of K(0) at the coarse grid's Nyquist frequency, so the frequencies the coarse grid
 * loses are ones K suppresses anyway. Not thread-safe.
 */
public final class CoarseKernel {

    /** Largest K(mu_Nyquist) / K(0) at which an axis is coarsened. */
    public static final double DECAY = 1e-2;
    /** Axes shorter than this are not coarsened. */
    static final int MIN_SIZE = 16;

    /** c K_c: the coarse kernel with the voxel-count ratio folded into its multiplier. */
    private final FourierKernel coarse;
    private final Prolongation prolongation;
    private double[][] fieldCoarse;

    private CoarseKernel(FourierKernel coarse, Prolongation prolongation) {
        this.coarse = coarse;
        this.prolongation = prolongation;
    }

    /**
     * The coarse version of a kernel, or null where no axis may be coarsened (a kernel that is not
     * a Fourier multiplier, a small grid, or a kernel too narrow for the coarser spacing).
     */
    public static CoarseKernel of(Kernel kernel) {
        if (!(kernel instanceof FourierKernel)) {
            return null;
        }
        FourierKernel k = (FourierKernel) kernel;
        Grid g = k.grid();
        int d = g.dim();
        int[] size = g.size();
        int[] sizeC = size.clone();
        double[] spacingC = g.spacing();
        double k0 = k.eigenvalueAt(0);
        boolean any = false;
        for (int a = 0; a < d; a++) {
            int n = size[a];
            if (n < MIN_SIZE) {
                continue;
            }
            int nc = smooth235((n + 1) / 2);
            if (nc >= n) {
                continue;
            }
            // the fine Laplacian's eigenvalue at the coarse Nyquist frequency (nc / 2 cycles per box)
            double h = g.spacing(a);
            double mu = (2 - 2 * Math.cos(Math.PI * nc / n)) / (h * h);
            if (k.eigenvalueAt(mu) > DECAY * k0) {
                continue;
            }
            sizeC[a] = nc;
            spacingC[a] = h * n / nc;
            any = true;
        }
        if (!any) {
            return null;
        }
        Grid gc = g.resized(sizeC, spacingC);
        double scale = (double) gc.voxelCount() / g.voxelCount();
        return new CoarseKernel(k.on(gc, scale), new Prolongation(size, sizeC, k.parallel()));
    }

    /** The coarse grid K_c works on. */
    public Grid coarseGrid() {
        return coarse.grid();
    }

    /** out ~ K in, component by component; in and out may be the same arrays. */
    public void applyK(double[][] in, double[][] out) {
        int voxelsC = coarse.grid().voxelCount();
        if (fieldCoarse == null || fieldCoarse.length != in.length) {
            fieldCoarse = new double[in.length][voxelsC];
        }
        for (int c = 0; c < in.length; c++) {
            prolongation.restrict(in[c], fieldCoarse[c]);
        }
        coarse.applyK(fieldCoarse, fieldCoarse);
        for (int c = 0; c < in.length; c++) {
            prolongation.prolong(fieldCoarse[c], out[c]);
        }
    }

    /**
     * out += A^T K' A x for the map A x = (x g_1, ..., x g_d) from scalar fields to covector fields:
     * the products with g are taken inside the interpolation passes, so no d-component field is
     * stored on the fine grid, and the fine-grid passes serve all d components at once (x read
     * once, out read and written once).
     */
    public void addNormalOperator(double[] x, double[][] g, double[] out) {
        int voxelsC = coarse.grid().voxelCount();
        if (fieldCoarse == null || fieldCoarse.length != g.length) {
            fieldCoarse = new double[g.length][voxelsC];
        }
        prolongation.restrict(x, g, fieldCoarse);
        coarse.applyK(fieldCoarse, fieldCoarse);
        prolongation.prolong(fieldCoarse, g, out, true);
    }

    /** The smallest n' >= n whose prime factors are 2, 3 and 5 (fast transforms). */
    private static int smooth235(int n) {
        return org.diffeolens.field.Pyramid.smooth235(n);
    }
}
