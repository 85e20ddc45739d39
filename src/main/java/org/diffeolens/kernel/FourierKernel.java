package org.diffeolens.kernel;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;

/**
 * A translation-invariant kernel on a periodic grid, applied in Fourier space as a real, even
 * multiplier of the discrete Laplacian's eigenvalues
 * {@code mu(k) = sum_d (2 - 2 cos(2 pi k_d / N_d)) / h_d^2}. The multiplier being real and even,
 * each real component goes through a real-to-complex transform on the half spectrum
 * ({@link SpectralFilter}); the multipliers of K and L on the half spectrum (with the 1/N of the
 * inverse transform folded in), the plans and the buffers are made once and reused.
 * <p>The boundary is periodic: deformations near one face feel the opposite face through K.
 * Registration pads every level by a few voxels to an FFT-friendly size and masks the margin out
 * of the data term; images are expected to have background at their borders.
 */
public final class FourierKernel implements Kernel {

    /** Maps a Laplacian eigenvalue mu >= 0 to the eigenvalue of K. */
    @FunctionalInterface
    public interface Spectrum {
        double kernelEigenvalue(double mu);
    }

    private final Grid grid;
    private final Lattice lat;
    private final Spectrum spectrum;
    private final String description;
    private final double[] ex;
    private final double[] ey;
    private final double[] ez;
    private final SpectralFilter filter;
    private final Parallel parallel;
    private final double[][] multiplierK;
    private double[][] multiplierL;
    /** -K's multiplier, made on first use. */
    private double[][] multiplierNegativeK;

    public FourierKernel(Grid grid, Spectrum spectrum, String description, Parallel parallel) {
        this.grid = grid;
        this.lat = new Lattice(grid);
        this.spectrum = spectrum;
        this.description = description;
        this.ex = axisEigenvalues(lat.nx, lat.hx);
        this.ey = axisEigenvalues(lat.ny, lat.hy);
        this.ez = lat.dim == 3 ? axisEigenvalues(lat.nz, lat.hz) : new double[] {0};
        this.filter = new SpectralFilter(lat, parallel);
        this.parallel = parallel;
        // K is even in every frequency, so its values for kx in [0, nx/2] are all its values
        this.multiplierK = new double[filter.rows()][filter.halfWidth()];
        double norm = 1.0 / lat.voxels;
        for (int z = 0; z < lat.nz; z++) {
            for (int y = 0; y < lat.ny; y++) {
                double[] row = multiplierK[y + lat.ny * z];
                for (int x = 0; x < row.length; x++) {
                    row[x] = norm * eigenvalue(x, y, z);
                }
            }
        }
    }

    /** Eigenvalues (2 - 2 cos(2 pi k / n)) / h^2 of the periodic second difference along one axis. */
    public static double[] axisEigenvalues(int n, double h) {
        double[] e = new double[n];
        for (int k = 0; k < n; k++) {
            e[k] = (2 - 2 * Math.cos(2 * Math.PI * k / n)) / (h * h);
        }
        return e;
    }

    private double eigenvalue(int x, int y, int z) {
        double k = spectrum.kernelEigenvalue(ex[x] + ey[y] + ez[z]);
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("kernel eigenvalue must be finite and > 0, got " + k
                    + " at frequency (" + x + ", " + y + ", " + z + ") of " + description);
        }
        return k;
    }

    /** factor K on another grid (the same spectrum, scaled), with its own plans and buffers. */
    public FourierKernel on(Grid other, double factor) {
        return new FourierKernel(other, mu -> factor * spectrum.kernelEigenvalue(mu),
                factor == 1 ? description : factor + " " + description, parallel);
    }

    /** The eigenvalue of K at a Laplacian eigenvalue mu >= 0 (mm^-2). */
    public double eigenvalueAt(double mu) {
        return spectrum.kernelEigenvalue(mu);
    }

    /** The threads the transforms run on. */
    public Parallel parallel() {
        return parallel;
    }

    @Override
    public Grid grid() {
        return grid;
    }

    @Override
    public double eigenvalueK(int flatFrequencyIndex) {
        int x = flatFrequencyIndex % lat.nx;
        int rest = flatFrequencyIndex / lat.nx;
        return eigenvalue(x, rest % lat.ny, rest / lat.ny);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void applyK(double[][] in, double[][] out) {
        for (int c = 0; c < in.length; c++) {
            filter.filter(in[c], out[c], multiplierK);
        }
    }

    @Override
    public void applyNegativeK(double[][] in, double[][] out) {
        if (multiplierNegativeK == null) {
            double[][] m = new double[multiplierK.length][];
            for (int r = 0; r < m.length; r++) {
                m[r] = new double[multiplierK[r].length];
                for (int k = 0; k < m[r].length; k++) {
                    m[r][k] = -multiplierK[r][k];
                }
            }
            multiplierNegativeK = m;
        }
        for (int c = 0; c < in.length; c++) {
            filter.filter(in[c], out[c], multiplierNegativeK);
        }
    }

    @Override
    public void applyL(double[][] in, double[][] out) {
        double[][] m = multiplierL();
        for (int c = 0; c < in.length; c++) {
            filter.filter(in[c], out[c], m);
        }
    }

    /** 1/(N^2 K): L with the inverse transform's 1/N, made on first use. */
    private double[][] multiplierL() {
        if (multiplierL == null) {
            double n2 = (double) lat.voxels * lat.voxels;
            double[][] m = new double[multiplierK.length][];
            for (int r = 0; r < m.length; r++) {
                m[r] = new double[multiplierK[r].length];
                for (int k = 0; k < m[r].length; k++) {
                    m[r][k] = 1 / (n2 * multiplierK[r][k]);
                }
            }
            multiplierL = m;
        }
        return multiplierL;
    }
}
