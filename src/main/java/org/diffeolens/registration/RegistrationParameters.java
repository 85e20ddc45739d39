package org.diffeolens.registration;

import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Every parameter of a registration, with the names of CONVENTIONS.md (the same in the API, the
 * CLI and the Fiji dialog), validated here so that a bad value fails at the door with its name.
 *
 * @param method         shooting, lddmm or svf
 * @param metric         ssd or ncc with a window radius (voxels)
 * @param alpha          kernel width term of L = (gamma Id - alpha Laplacian)^order, mm^2
 * @param gamma          kernel identity term (dimensionless)
 * @param order          kernel order s
 * @param kernelSigma    &gt; 0 selects the Gaussian kernel of that standard deviation (mm) instead
 * @param sigma          noise level of the data term: E_sim = 1/(2 sigma^2) ... (normalized intensities)
 * @param timeSteps      time steps of the flow (shooting, lddmm)
 * @param levels         pyramid levels (shrink factors 2^(levels-1) .. 1)
 * @param iterations     maximum iterations per level of the diffeomorphic stage
 * @param affine         pre-alignment model
 * @param affineIterations maximum iterations per level of the pre-alignment
 * @param tolerance      stop a level when the energy changed by less than this (relative) over 5 iterations
 * @param normalize      rescale each image's 0.5-99.5 percentile range to [0, 1] before matching
 * @param threads        worker threads
 * @param gradient       how the gradient is obtained: adjoint (the reverse sweep) or ep (equilibrium
 *                       propagation through the transport's energy form; shooting only, slow)
 */
public record RegistrationParameters(Method method, SimilarityMetric metric, double alpha, double gamma,
                                     double order, double kernelSigma, double sigma, int timeSteps, int levels,
                                     int iterations, AffineModel affine, int affineIterations, double tolerance,
                                     boolean normalize, int threads, Gradient gradient) {

    /** The gradient estimators a registration can use. */
    public enum Gradient {
        ADJOINT, EP;

        public static Gradient parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gradient must be adjoint or ep, got '" + name + "'");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** All parameters but the gradient estimator, which is the adjoint. */
    public RegistrationParameters(Method method, SimilarityMetric metric, double alpha, double gamma, double order,
                                  double kernelSigma, double sigma, int timeSteps, int levels, int iterations,
                                  AffineModel affine, int affineIterations, double tolerance, boolean normalize,
                                  int threads) {
        this(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels, iterations, affine,
                affineIterations, tolerance, normalize, threads, Gradient.ADJOINT);
    }

    public static final double DEFAULT_ALPHA = 9;
    public static final double DEFAULT_GAMMA = 1;
    public static final double DEFAULT_ORDER = 2;
    public static final double DEFAULT_SIGMA_SSD = 0.01;
    public static final double DEFAULT_SIGMA_NCC = 0.1;
    public static final int DEFAULT_TIME_STEPS = 10;
    public static final int DEFAULT_LEVELS = 3;
    public static final int DEFAULT_ITERATIONS = 100;
    public static final int DEFAULT_AFFINE_ITERATIONS = 100;
    public static final double DEFAULT_TOLERANCE = 1e-3;

    public RegistrationParameters {
        if (method == null) {
            throw new IllegalArgumentException("method is required");
        }
        if (metric == null) {
            throw new IllegalArgumentException("metric is required");
        }
        positive("alpha", alpha, true);
        positive("gamma", gamma, false);
        if (!(order >= 0.5 && order <= 8)) {
            throw new IllegalArgumentException("order must be in [0.5, 8], got " + order);
        }
        positive("kernel sigma", kernelSigma, true);
        positive("sigma", sigma, false);
        if (timeSteps < 1 || timeSteps > 1000) {
            throw new IllegalArgumentException("timeSteps must be in [1, 1000], got " + timeSteps);
        }
        if (levels < 1 || levels > 10) {
            throw new IllegalArgumentException("levels must be in [1, 10], got " + levels);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        }
        if (affine == null) {
            throw new IllegalArgumentException("affine is required (none, translation, rigid, affine)");
        }
        if (affineIterations < 0) {
            throw new IllegalArgumentException("affine iterations must be >= 0, got " + affineIterations);
        }
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance must be in [0, 1), got " + tolerance);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (gradient == null) {
            gradient = Gradient.ADJOINT;
        }
        if (gradient == Gradient.EP && method != Method.SHOOTING) {
            throw new IllegalArgumentException("gradient ep needs method shooting (the flow with an energy form), "
                    + "got method " + method);
        }
    }

    public RegistrationParameters withGradient(Gradient g) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, normalize, threads, g);
    }

    private static void positive(String name, double v, boolean zeroAllowed) {
        if (Double.isNaN(v) || Double.isInfinite(v) || v < 0 || (!zeroAllowed && v == 0)) {
            throw new IllegalArgumentException(name + " must be finite and " + (zeroAllowed ? ">= 0" : "> 0")
                    + ", got " + v);
        }
    }

    /**
     * The defaults for images of 1 mm voxels: stationary velocity field (fast and robust; choose
     * shooting for the geodesic and its initial momentum), SSD, affine pre-alignment, 3 levels.
     */
    public static RegistrationParameters defaults() {
        return new RegistrationParameters(Method.SVF, SimilarityMetric.ssd(), DEFAULT_ALPHA, DEFAULT_GAMMA,
                DEFAULT_ORDER, 0, DEFAULT_SIGMA_SSD, DEFAULT_TIME_STEPS, DEFAULT_LEVELS, DEFAULT_ITERATIONS,
                AffineModel.AFFINE, DEFAULT_AFFINE_ITERATIONS, DEFAULT_TOLERANCE, true,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * The defaults for a fixed image on this grid: alpha scaled with the voxel size,
     * {@link #defaultAlpha}, so the kernel spans the same number of voxels at any resolution.
     */
    public static RegistrationParameters defaultsFor(org.diffeolens.field.Grid fixedGrid) {
        RegistrationParameters d = defaults();
        return d.withKernel(defaultAlpha(fixedGrid), d.gamma(), d.order());
    }

    /** DEFAULT_ALPHA h^2, h the geometric mean voxel spacing (mm): 9 mm^2 for 1 mm voxels, a kernel ~3 voxels wide. */
    public static double defaultAlpha(org.diffeolens.field.Grid fixedGrid) {
        double h = Math.pow(fixedGrid.voxelVolume(), 1.0 / fixedGrid.dim());
        return DEFAULT_ALPHA * h * h;
    }

    /** The default sigma for a metric (SSD residuals and NCC's 1 - cc live on different scales). */
    public static double defaultSigma(SimilarityMetric metric) {
        return metric.kind() == SimilarityMetric.Kind.SSD ? DEFAULT_SIGMA_SSD : DEFAULT_SIGMA_NCC;
    }

    public RegistrationParameters withMethod(Method m) {
        return new RegistrationParameters(m, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withMetric(SimilarityMetric m) {
        return new RegistrationParameters(method, m, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withKernel(double a, double g, double s) {
        return new RegistrationParameters(method, metric, a, g, s, 0, sigma, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withGaussianKernel(double width) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, width, sigma, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withSigma(double s) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, s, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withTimeSteps(int t) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, t, levels,
                iterations, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withLevels(int l) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, l,
                iterations, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withIterations(int i) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                i, affine, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withAffine(AffineModel a) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, a, affineIterations, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withAffineIterations(int i) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, affine, i, tolerance, normalize, threads, gradient);
    }

    public RegistrationParameters withTolerance(double t) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, affine, affineIterations, t, normalize, threads, gradient);
    }

    public RegistrationParameters withNormalize(boolean n) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, n, threads, gradient);
    }

    public RegistrationParameters withThreads(int t) {
        return new RegistrationParameters(method, metric, alpha, gamma, order, kernelSigma, sigma, timeSteps, levels,
                iterations, affine, affineIterations, tolerance, normalize, t, gradient);
    }

    /** The parameters by name, as summary.json and the plugin's macro options record them. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method.toString());
        m.put("metric", metric.toString());
        m.put("alpha", alpha);
        m.put("gamma", gamma);
        m.put("order", order);
        m.put("kernel", kernelSigma > 0 ? String.format(Locale.ROOT, "gaussian:%g", kernelSigma) : "sobolev");
        m.put("sigma", sigma);
        m.put("timeSteps", timeSteps);
        m.put("levels", levels);
        m.put("iterations", iterations);
        m.put("affine", affine.toString());
        m.put("affineIterations", affineIterations);
        m.put("tolerance", tolerance);
        m.put("normalize", normalize);
        m.put("threads", threads);
        m.put("gradient", gradient.toString());
        return m;
    }
}
