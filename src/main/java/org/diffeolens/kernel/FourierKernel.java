package org.diffeolens.kernel;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.jtransforms.fft.DoubleFFT_2D;
import org.jtransforms.fft.DoubleFFT_3D;

/**
 * A translation-invariant kernel on a periodic grid, applied in Fourier space as a real, even
 * multiplier of the discrete Laplacian's eigenvalues
 * {@code mu(k) = sum_d (2 - 2 cos(2 pi k_d / N_d)) / h_d^2}. Because the multiplier is real, two
 * real components ride one complex FFT (one as the real, one as the imaginary part) and come back
 * separated; the plan and the complex buffer are made once and reused.
 * <p>The boundary is periodic: deformations near one face feel the opposite face through K.
 * Registration pads nothing; images are expected to have background at their borders.
 */
public final class FourierKernel implements Kernel {

    /** Maps a Laplacian eigenvalue mu >= 0 to the eigenvalue of K. */
    @FunctionalInterface
    public interface Spectrum {
        double kernelEigenvalue(double mu);
    }

    private final Grid grid;
    private final Lattice lat;
    private final double[] multiplierK;
    private final String description;
    private final Parallel parallel;
    private final DoubleFFT_2D fft2;
    private final DoubleFFT_3D fft3;
    private double[] buffer;

    public FourierKernel(Grid grid, Spectrum spectrum, String description, Parallel parallel) {
        this.grid = grid;
        this.lat = new Lattice(grid);
        this.description = description;
        this.parallel = parallel;
        this.multiplierK = new double[lat.voxels];
        double[] ex = axisEigenvalues(lat.nx, lat.hx);
        double[] ey = axisEigenvalues(lat.ny, lat.hy);
        double[] ez = lat.dim == 3 ? axisEigenvalues(lat.nz, lat.hz) : new double[] {0};
        for (int z = 0; z < lat.nz; z++) {
            for (int y = 0; y < lat.ny; y++) {
                int base = lat.nx * (y + lat.ny * z);
                for (int x = 0; x < lat.nx; x++) {
                    double k = spectrum.kernelEigenvalue(ex[x] + ey[y] + ez[z]);
                    if (!(k > 0) || Double.isInfinite(k)) {
                        throw new IllegalArgumentException("kernel eigenvalue must be finite and > 0, got " + k
                                + " at frequency (" + x + ", " + y + ", " + z + ") of " + description);
                    }
                    multiplierK[base + x] = k;
                }
            }
        }
        if (lat.dim == 2) {
            fft2 = new DoubleFFT_2D(lat.ny, lat.nx);
            fft3 = null;
        } else {
            fft2 = null;
            fft3 = new DoubleFFT_3D(lat.nz, lat.ny, lat.nx);
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

    @Override
    public Grid grid() {
        return grid;
    }

    @Override
    public double eigenvalueK(int flatFrequencyIndex) {
        return multiplierK[flatFrequencyIndex];
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void applyK(double[][] in, double[][] out) {
        apply(in, out, false);
    }

    @Override
    public void applyL(double[][] in, double[][] out) {
        apply(in, out, true);
    }

    /** Applies K (or L = 1/K) to every component, two components per complex transform. */
    private void apply(double[][] in, double[][] out, boolean inverse) {
        int n = lat.voxels;
        if (buffer == null) {
            buffer = new double[2 * n];
        }
        double[] buf = buffer;
        for (int c = 0; c < in.length; c += 2) {
            final double[] re = in[c];
            final double[] im = c + 1 < in.length ? in[c + 1] : null;
            parallel.range(n, (s, e) -> {
                for (int i = s; i < e; i++) {
                    buf[2 * i] = re[i];
                    buf[2 * i + 1] = im == null ? 0 : im[i];
                }
            });
            forward(buf);
            parallel.range(n, (s, e) -> {
                for (int i = s; i < e; i++) {
                    double m = inverse ? 1 / multiplierK[i] : multiplierK[i];
                    buf[2 * i] *= m;
                    buf[2 * i + 1] *= m;
                }
            });
            backward(buf);
            final double[] outRe = out[c];
            final double[] outIm = c + 1 < in.length ? out[c + 1] : null;
            parallel.range(n, (s, e) -> {
                for (int i = s; i < e; i++) {
                    outRe[i] = buf[2 * i];
                    if (outIm != null) {
                        outIm[i] = buf[2 * i + 1];
                    }
                }
            });
        }
    }

    private void forward(double[] buf) {
        if (fft2 != null) {
            fft2.complexForward(buf);
        } else {
            fft3.complexForward(buf);
        }
    }

    private void backward(double[] buf) {
        if (fft2 != null) {
            fft2.complexInverse(buf, true);
        } else {
            fft3.complexInverse(buf, true);
        }
    }
}
