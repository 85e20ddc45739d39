package org.diffeolens.kernel;

import java.util.Locale;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;

/** The two kernel families of CONVENTIONS.md. */
public final class Kernels {

    /** Transfer-function floor of the Gaussian family, so that L = K^{-1} exists and is bounded. */
    public static final double GAUSSIAN_FLOOR = 1e-6;

    private Kernels() {
    }

    /**
     * L = (gamma Id - alpha Laplacian)^order, K = L^{-1}: the Sobolev family (alpha in mm^2, gamma
     * dimensionless, order s >= 1; the kernel is smoother, and wider, as alpha and s grow).
     */
    public static FourierKernel sobolev(Grid grid, double alpha, double gamma, double order, Parallel parallel) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
        }
        if (!(order > 0) || order > 8) {
            throw new IllegalArgumentException("order must be in (0, 8], got " + order);
        }
        String d = String.format(Locale.ROOT, "sobolev(alpha=%g, gamma=%g, order=%g)", alpha, gamma, order);
        return new FourierKernel(grid, mu -> Math.pow(gamma + alpha * mu, -order), d, parallel);
    }

    /**
     * The Gaussian of standard deviation sigma (mm) as the heat semigroup exp(sigma^2/2 Laplacian)
     * of the discrete Laplacian (the Gaussian in the continuum limit), its transfer function floored
     * at {@link #GAUSSIAN_FLOOR} so that L = K^{-1} is bounded.
     */
    public static FourierKernel gaussian(Grid grid, double sigmaMm, Parallel parallel) {
        if (!(sigmaMm > 0) || Double.isInfinite(sigmaMm)) {
            throw new IllegalArgumentException("Gaussian kernel sigma must be finite and > 0, got " + sigmaMm);
        }
        String d = String.format(Locale.ROOT, "gaussian(sigma=%g mm)", sigmaMm);
        return new FourierKernel(grid, mu -> Math.max(Math.exp(-0.5 * sigmaMm * sigmaMm * mu), GAUSSIAN_FLOOR),
                d, parallel);
    }
}
