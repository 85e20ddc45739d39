package org.diffeolens.field;

import org.diffeolens.concurrent.Parallel;

/**
 * Multi-resolution levels: a grid shrunk by a factor keeps its physical extent (n h), so the
 * coarse voxel centres sit at the centres of the fine voxel blocks; images are smoothed by a
 * Gaussian of sigma = factor / 2 fine voxels before sampling (ITK's pyramid filter), which
 * suppresses aliasing; controls move between levels by linear resampling.
 */
public final class Pyramid {

    private Pyramid() {
    }

    /** The grid shrunk by an integer factor: n' = ceil(n / f), h' = h n / n', origin moved to the block centre. */
    public static Grid shrink(Grid g, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("shrink factor must be >= 1, got " + factor);
        }
        int d = g.dim();
        int[] size = new int[d];
        double[] spacing = new double[d];
        double[] shiftIndex = new double[d];
        for (int a = 0; a < d; a++) {
            int n = g.size(a);
            size[a] = Math.max(1, (n + factor - 1) / factor);
            spacing[a] = g.spacing(a) * n / size[a];
            shiftIndex[a] = 0.5 * (spacing[a] / g.spacing(a) - 1); // in fine voxels
        }
        double[] origin = g.indexToPhysical(shiftIndex);
        return new Grid(size, spacing, origin, g.direction());
    }

    /** Smooths (sigma = factor/2 fine voxels per axis) and samples the image on the shrunk grid. */
    public static ScalarField downsample(ScalarField f, int factor, Parallel parallel) {
        if (factor == 1) {
            return f.copy();
        }
        Grid g = f.grid();
        double[] sigma = new double[g.dim()];
        for (int a = 0; a < sigma.length; a++) {
            sigma[a] = 0.5 * factor * g.spacing(a);
        }
        ScalarField smooth = GaussianSmoothing.smooth(f, sigma, parallel);
        return Resampler.resample(smooth, shrink(g, factor), null, null, Resampler.Interpolation.LINEAR,
                Border.REPLICATE, parallel);
    }
}
