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

    /**
     * The grid extended at both ends of every axis by at least {@code margin} voxels, to sizes whose
     * only prime factors are 2, 3 and 5: FFTs of such sizes are an order of magnitude faster than
     * of prime sizes, and the margin keeps the Fourier kernels' periodic wrap-around away from the
     * image. The original voxels keep their world positions.
     */
    public static Grid padded(Grid g, int margin) {
        int d = g.dim();
        int[] size = new int[d];
        double[] shift = new double[d];
        for (int a = 0; a < d; a++) {
            int n = g.size(a);
            size[a] = n == 1 ? 1 : smooth235(n + 2 * margin);
            shift[a] = -((size[a] - n) / 2);
        }
        return new Grid(size, g.spacing(), g.indexToPhysical(shift), g.direction());
    }

    /** The voxel offset of the original grid inside {@link #padded}: (n' - n) / 2 per axis. */
    public static int[] paddingOffset(Grid original, Grid padded) {
        int[] off = new int[original.dim()];
        for (int a = 0; a < off.length; a++) {
            off[a] = (padded.size(a) - original.size(a)) / 2;
        }
        return off;
    }

    /** The smallest n' >= n whose prime factors are 2, 3 and 5. */
    public static int smooth235(int n) {
        for (int m = Math.max(1, n); ; m++) {
            int r = m;
            for (int p : new int[] {2, 3, 5}) {
                while (r % p == 0) {
                    r /= p;
                }
            }
            if (r == 1) {
                return m;
            }
        }
    }

    /** 1 on the voxels of the original grid inside its padded grid, 0 in the margin. */
    public static double[] paddingMask(Grid original, Grid padded) {
        int[] off = paddingOffset(original, padded);
        Lattice o = new Lattice(original);
        Lattice p = new Lattice(padded);
        double[] mask = new double[p.voxels];
        int oz = original.dim() == 3 ? off[2] : 0;
        for (int z = 0; z < o.nz; z++) {
            for (int y = 0; y < o.ny; y++) {
                int base = off[0] + p.nx * (y + off[1] + p.ny * (z + oz));
                java.util.Arrays.fill(mask, base, base + o.nx, 1);
            }
        }
        return mask;
    }

    /** The values of a field on a padded grid at the voxels of the original grid. */
    public static double[] crop(double[] paddedValues, Grid original, Grid padded) {
        int[] off = paddingOffset(original, padded);
        Lattice o = new Lattice(original);
        Lattice p = new Lattice(padded);
        double[] out = new double[o.voxels];
        int oz = original.dim() == 3 ? off[2] : 0;
        for (int z = 0; z < o.nz; z++) {
            for (int y = 0; y < o.ny; y++) {
                int src = off[0] + p.nx * (y + off[1] + p.ny * (z + oz));
                System.arraycopy(paddedValues, src, out, o.nx * (y + o.ny * z), o.nx);
            }
        }
        return out;
    }
}
