package org.diffeolens.lens;

import java.util.SplittableRandom;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.io.Json;
import org.diffeolens.nn.ParameterSpace;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The top of the Fisher and Hessian spectra of a trained network on a seeded sample of its training
 * data, by {@link Lanczos} on the matrix-free products of {@link NetworkFisher} and
 * {@link NetworkHessian}; for the Fisher also its exact trace, the Fisher-Rao norm of the weights
 * and the effective dimension with its bounds.
 */
public final class Spectra {

    private Spectra() {
    }

    /**
     * How much of the spectrum and over which data: samples drawn (seeded) from the training set,
     * the top k eigenvalues, at most this many Lanczos steps, stopping once the residual bounds
     * are within the tolerance (relative to the largest Ritz value), batches of this size; with
     * probes >= 2 also a stochastic Lanczos estimate of the effective dimension (probes runs of
     * `iterations` steps each: probes x iterations more operator products); with trace the Fisher's
     * exact trace (classes + 1 adjoint sweeps per sample, one sample at a time), which bounds the
     * effective dimension from above.
     */
    public record Settings(int samples, int top, int iterations, double tolerance, int batchSize, long seed,
                           int probes, boolean trace) {

        public Settings {
            if (samples < 1 || top < 1 || iterations < top || batchSize < 1) {
                throw new IllegalArgumentException("need samples >= 1, 1 <= top <= iterations and batch size >= 1, got "
                        + "samples " + samples + ", top " + top + ", iterations " + iterations + ", batch size "
                        + batchSize);
            }
            if (!(tolerance >= 0)) {
                throw new IllegalArgumentException("Lanczos tolerance must be >= 0, got " + tolerance);
            }
            if (probes < 0 || probes == 1) {
                throw new IllegalArgumentException("probes must be 0 (no estimate) or >= 2, got " + probes);
            }
        }

        /** 512 samples, the top 20 eigenvalues within 1e-3 (relative) in at most 60 steps, batches of 128, the trace. */
        public static Settings defaults() {
            return new Settings(512, 20, 60, 1e-3, 128, 0, 0, true);
        }
    }

    /** What one spectrum computation found. trace, fisherRao and effective are absent (NaN, null) for the Hessian. */
    public record Report(String operator, double[] eigenvalues, double[] residuals, int iterations, boolean invariant,
                         int samples, long parameters, double trace, double fisherRaoNormSquared,
                         EffectiveDimension effective, double seconds) {

        public Json toJson() {
            Json j = new Json().put("operator", operator).put("samples", samples).put("parameters", parameters)
                    .put("eigenvalues", eigenvalues).put("residualBounds", residuals).put("lanczosSteps", iterations)
                    .put("invariantSubspace", invariant);
            if (effective != null) {
                j.put("trace", trace).put("fisherRaoNormSquared", fisherRaoNormSquared)
                        .put("effectiveDimension", new Json().put("z", effective.z()).put("lower", effective.lower())
                                .put("upper", effective.upper()).put("eigenvalues", effective.eigenvalues())
                                .put("estimate", effective.estimate()).put("standardError", effective.standardError()));
            }
            return j.put("seconds", seconds);
        }
    }

    /** The top of the Fisher spectrum of the given kind; the effective dimension at scale z. */
    public static Report fisher(ResidualNetwork network, Parameters at, Dataset train, NetworkFisher.Kind kind, double z,
                                Settings s, Parallel parallel) {
        long start = System.nanoTime();
        Dataset sample = TrainingTrajectory.probe(train, s.samples(), s.seed());
        NetworkFisher f = new NetworkFisher(network, at, sample, kind, s.batchSize(), parallel);
        Lanczos.Spectrum sp = Lanczos.top(f, ParameterSpace.INSTANCE, startVector(network, s.seed()), s.top(),
                s.iterations(), s.tolerance());
        double trace = s.trace() ? f.trace() : Double.NaN;
        // each sample's true Fisher has rank at most C - 1 (the softmax's covariance), its empirical one 1
        long rank = (long) sample.size() * (kind == NetworkFisher.Kind.TRUE ? network.spec().classes() - 1 : 1);
        EffectiveDimension d = EffectiveDimension.of(sp.values(), trace, network.layout().length(), rank, z);
        if (s.probes() >= 2) {
            d = d.withEstimate(StochasticTrace.of(f, ParameterSpace.INSTANCE, i -> rademacher(network, s.seed(), i),
                    s.probes(), s.iterations(), lambda -> EffectiveDimension.weight(lambda, z)));
        }
        return new Report((kind == NetworkFisher.Kind.TRUE ? "true" : "empirical") + " Fisher", sp.values(),
                sp.residuals(), sp.iterations(), sp.invariant(), sample.size(), network.layout().length(), trace,
                f.fisherRaoNormSquared(), d, (System.nanoTime() - start) / 1e9);
    }

    /** The top of the spectrum of the Hessian of the training energy (mean cross-entropy + weight decay). */
    public static Report hessian(ResidualNetwork network, Parameters at, Dataset train, double weightDecay, Settings s,
                                 Parallel parallel) {
        long start = System.nanoTime();
        Dataset sample = TrainingTrajectory.probe(train, s.samples(), s.seed());
        NetworkHessian h = new NetworkHessian(network, at, sample, weightDecay, s.batchSize(), parallel);
        Lanczos.Spectrum sp = Lanczos.top(h, ParameterSpace.INSTANCE, startVector(network, s.seed()), s.top(),
                s.iterations(), s.tolerance());
        return new Report("Hessian", sp.values(), sp.residuals(), sp.iterations(), sp.invariant(), sample.size(),
                network.layout().length(), Double.NaN, Double.NaN, null, (System.nanoTime() - start) / 1e9);
    }

    /** Probe i of a seeded sequence of vectors with independent entries +-1. */
    static Parameters rademacher(ResidualNetwork network, long seed, int i) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i + 1);
        double[] v = new double[(int) network.layout().length()];
        for (int k = 0; k < v.length; k++) {
            v[k] = r.nextBoolean() ? 1 : -1;
        }
        return new Parameters(network.layout(), Nd4j.createFromArray(v));
    }

    /** A seeded standard normal start (no eigendirection is orthogonal to it but with probability 0). */
    static Parameters startVector(ResidualNetwork network, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x1A2C3E5L);
        double[] v = new double[(int) network.layout().length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return new Parameters(network.layout(), Nd4j.createFromArray(v));
    }
}
