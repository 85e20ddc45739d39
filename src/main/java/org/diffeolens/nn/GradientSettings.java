package org.diffeolens.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.EquilibriumPropagation;
import org.diffeolens.flow.GradientEstimator;

/**
 * Which {@link GradientEstimator} of flow/ the trainer's Minimizer uses: the adjoint sweep
 * (backpropagation) or equilibrium propagation on the network's penalty form
 * ({@link ResidualEnergyForm}) with nudging strength beta, both ways (error O(beta^2)) or one-sided
 * (O(beta)). beta is per sample: a nudge moves each sample's logits by about beta (p - onehot).
 */
public record GradientSettings(Estimator estimator, double beta, boolean symmetric) {

    /** The estimators, by the names the CLI and the API select them with. */
    public enum Estimator {
        ADJOINT("adjoint"), EP("ep");

        private final String cliName;

        Estimator(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Estimator parse(String s) {
            for (Estimator e : values()) {
                if (e.cliName.equalsIgnoreCase(s)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("gradient must be adjoint or ep, got '" + s + "'");
        }
    }

    /**
     * Default nudging: in float32 the relative error of the estimate is about 0.4 beta^2 (measured on
     * the digits net, docs/ep-and-metrics.md) plus float round-off over the nudge, ~1e-7 / beta.
     */
    public static final double DEFAULT_BETA = 1e-3;
    /** Sweeps of a relaxation at most (each shrinks the error by O(beta); float32 settles in a few). */
    public static final int MAX_SWEEPS = 30;
    /** A relaxation stops when a sweep changes no state by more than this times the largest state. */
    public static final double SWEEP_TOLERANCE = 1e-6;

    public GradientSettings {
        if (estimator == null) {
            throw new IllegalArgumentException("gradient estimator must be given");
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
        }
    }

    public static GradientSettings adjoint() {
        return new GradientSettings(Estimator.ADJOINT, DEFAULT_BETA, true);
    }

    public static GradientSettings equilibriumPropagation(double beta, boolean symmetric) {
        return new GradientSettings(Estimator.EP, beta, symmetric);
    }

    /** A fresh estimator for a run, relaxing with the residual network's sweep budget. */
    public GradientEstimator<Parameters> newEstimator() {
        return newEstimator(MAX_SWEEPS, SWEEP_TOLERANCE);
    }

    /** A fresh estimator whose relaxations take at most maxSweeps sweeps, to the given tolerance. */
    public GradientEstimator<Parameters> newEstimator(int maxSweeps, double tolerance) {
        return switch (estimator) {
            case ADJOINT -> new Adjoint<>();
            // the relaxation residual is a diagnostic (two more passes per relaxation): not while training
            case EP -> new EquilibriumPropagation<>(beta, symmetric, maxSweeps, tolerance, false);
        };
    }

    /** Settings as key-value pairs (checkpoint header, summary.json); beta and nudging only for ep. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gradient", estimator.cliName());
        if (estimator == Estimator.EP) {
            m.put("beta", beta);
            m.put("nudging", symmetric ? "symmetric" : "one-sided");
        }
        return m;
    }

    /**
     * Every setting as flat strings (the checkpoint header): beta and nudging also for the adjoint,
     * which ignores them but whose configuration must come back equal for a resume.
     */
    public Map<String, String> asStrings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("gradient", estimator.cliName());
        m.put("beta", Double.toString(beta));
        m.put("nudging", symmetric ? "symmetric" : "one-sided");
        return m;
    }

    /**
     * The inverse of {@link #asMap} and {@link #asStrings} (absent keys: the adjoint, as before there
     * was a choice).
     */
    public static GradientSettings parse(UnaryOperator<String> get) {
        String e = get.apply("gradient");
        if (e == null) {
            return adjoint();
        }
        Estimator estimator = Estimator.parse(e);
        String beta = get.apply("beta");
        String nudging = get.apply("nudging");
        return new GradientSettings(estimator, beta == null ? DEFAULT_BETA : Double.parseDouble(beta),
                nudging == null || nudging.equals("symmetric"));
    }
}
