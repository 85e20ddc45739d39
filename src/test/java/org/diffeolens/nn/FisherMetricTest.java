package org.diffeolens.nn;

import static org.diffeolens.linalg.GaussianElimination.kronecker;
import static org.diffeolens.linalg.GaussianElimination.plusIdentity;
import static org.diffeolens.linalg.GaussianElimination.relativeDistance;
import static org.diffeolens.linalg.GaussianElimination.solve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.DiagonalMetric;
import org.diffeolens.flow.KroneckerBlock;
import org.diffeolens.flow.LayerMetric;
import org.diffeolens.flow.Metric;
import org.diffeolens.nn.data.Dataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Fisher and co-gradient metrics against oracles built from per-sample gradients that the
 * adjoint computes on one-sample batches (no shared code with the statistics read off the tapes),
 * in double precision: the empirical Fisher diagonal, the K-FAC factors, the K-FAC step against a
 * dense solve of the Kronecker system, and for one sample the true empirical Fisher block.
 */
class FisherMetricTest {

    private static final double GAMMA = 1e-2;

    record Problem(ResidualNetwork net, Parameters w, Dataset data, ResidualFlow flow) {

        /** Gradient of sample i's own loss, by the adjoint on a batch of one. */
        Parameters sampleGradient(int i) {
            return new Adjoint<Parameters>().evaluate(net.on(data.batch(i, i + 1, DataType.DOUBLE), 0,
                    new Workspace(Parallel.serial())), w).gradient();
        }
    }

    static Problem problem(NetworkSpec spec, int b, Parallel parallel) {
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = net.initialize(7, DataType.DOUBLE);
        w.flat().addi(net.initialize(8, DataType.DOUBLE).flat().mul(0.3));
        Dataset data = NetworkFixtures.randomData(b, spec.inputShape(), spec.classes(), 3);
        ResidualFlow flow = net.on(data.batch(0, b, DataType.DOUBLE), 0.01, new Workspace(parallel));
        return new Problem(net, w, data, flow);
    }

    static List<NetworkSpec> nets() {
        return List.of(NetworkSpec.dense(new int[] {2, 2, 1}, 3, 3, 2, Activation.TANH),
                NetworkSpec.dense(new int[] {3, 2, 1}, 4, 5, 1, Activation.RELU),
                NetworkSpec.conv(new int[] {5, 4, 2}, 3, 3, 2, 2),
                NetworkSpec.conv(new int[] {4, 5, 1}, 3, 2, 1, 1).withNormalization(false)
                        .withActivation(Activation.TANH));
    }

    static double[] doubles(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    @Test
    void fisherDiagonalFromTheTapesIsTheMeanSquaredPerSampleGradient() {
        for (NetworkSpec spec : nets()) {
            for (Parallel parallel : List.of(Parallel.serial(), Parallel.of(2))) {
                Problem p = problem(spec, 5, parallel);
                FisherDiagonal curvature = new FisherDiagonal(p.net());
                curvature.observe(p.flow());
                INDArray fromTapes = curvature.diagonal(p.w()).flat();
                INDArray oracle = fromTapes.like();
                for (int i = 0; i < 5; i++) {
                    INDArray g = p.sampleGradient(i).flat();
                    oracle.addi(g.mul(g).divi(5));
                }
                double error = fromTapes.sub(oracle).norm2Number().doubleValue() / oracle.norm2Number().doubleValue();
                assertTrue(error < 1e-12, spec + ", " + parallel + ": relative error " + error);
            }
        }
    }

    /** [dW; db] of a dense layer as a row-major (in + 1) x out matrix. */
    static double[] block(Parameters g, Dense d) {
        double[] v = new double[(d.inputs() + 1) * d.outputs()];
        System.arraycopy(doubles(g.get(d.weightIndex())), 0, v, 0, d.inputs() * d.outputs());
        System.arraycopy(doubles(g.get(d.biasIndex())), 0, v, d.inputs() * d.outputs(), d.outputs());
        return v;
    }

    /** The dense layers of a net as (step, layer); the inputs of step j are states x_{j-1} (or u for j = 0). */
    static List<Integer> denseSteps(ResidualEnergyForm form) {
        List<Integer> steps = new ArrayList<>();
        for (int j = 0; j <= form.lastStep(); j++) {
            if (form.layer(j) instanceof Dense) {
                steps.add(j);
            }
        }
        return steps;
    }

    /** A = 1/B sum a_i a_i^T with a = (layer input, 1), from the forward pass's states. */
    static double[] inputMoment(Problem p, int step, int in) {
        Trajectory t = p.net().forward(p.w(), p.flow().batch(), 0, new Workspace(Parallel.serial()));
        INDArray x = step == 0 ? p.flow().batch().inputs() : t.states().get(step - 1);
        int b = p.flow().batch().size();
        double[] xs = doubles(x.reshape('c', b, in));
        int n = in + 1;
        double[] a = new double[n * n];
        for (int i = 0; i < b; i++) {
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double ar = r < in ? xs[i * in + r] : 1;
                    double ac = c < in ? xs[i * in + c] : 1;
                    a[r * n + c] += ar * ac / b;
                }
            }
        }
        return a;
    }

    /** G = 1/B sum d_i d_i^T with d_i the per-sample bias gradient (= the pre-activation gradient). */
    static double[] gradientMoment(Problem p, Dense d) {
        int b = p.flow().batch().size();
        int m = d.outputs();
        double[] g = new double[m * m];
        for (int i = 0; i < b; i++) {
            double[] db = doubles(p.sampleGradient(i).get(d.biasIndex()));
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < m; c++) {
                    g[r * m + c] += db[r] * db[c] / b;
                }
            }
        }
        return g;
    }

    @Test
    void kfacStepSolvesTheDampedKroneckerSystemOfInputAndGradientMomentsDensely() {
        for (NetworkSpec spec : nets()) {
            Problem p = problem(spec, 6, Parallel.serial());
            ResidualEnergyForm form = p.flow().energyForm();
            Parameters covector = p.net().initialize(11, DataType.DOUBLE);
            for (FisherMetric.Damping mode : FisherMetric.Damping.values()) {
                FisherMetric fisher = new FisherMetric(p.net(), GAMMA, mode);
                fisher.observe(p.flow());
                Parameters step = fisher.sharp(covector, p.w());
                for (int j : denseSteps(form)) {
                    Dense d = (Dense) form.layer(j);
                    int n = d.inputs() + 1;
                    int m = d.outputs();
                    double[] a = inputMoment(p, j, d.inputs());
                    double[] g = gradientMoment(p, d);
                    KroneckerBlock oracle = new KroneckerBlock(a, n, g, m);
                    double[] dense;
                    if (mode == FisherMetric.Damping.FACTORED) {
                        double pi = oracle.piCorrection();
                        dense = kronecker(plusIdentity(a, n, pi * Math.sqrt(GAMMA)), n, plusIdentity(g, m, Math.sqrt(GAMMA) / pi), m);
                    } else {
                        dense = plusIdentity(kronecker(a, n, g, m), n * m, GAMMA);
                    }
                    double[] expected = solve(dense, n * m, block(covector, d));
                    double error = relativeDistance(block(step, d), expected);
                    assertTrue(error < 1e-8, spec + " " + mode + " step " + j + ": relative error " + error);
                }
            }
            // convolutions: the damped diagonal Fisher
            if (spec.kind() == NetworkSpec.Kind.CONV) {
                FisherMetric fisher = new FisherMetric(p.net(), GAMMA);
                fisher.observe(p.flow());
                DiagonalMetric<Parameters> diagonal = new DiagonalMetric<>(ParameterSpace.INSTANCE,
                        new FisherDiagonal(p.net()), GAMMA);
                diagonal.observe(p.flow());
                Parameters a = fisher.sharp(covector, p.w());
                Parameters b = diagonal.sharp(covector, p.w());
                for (int i = 0; i < p.w().layout().size(); i++) {
                    if (!p.w().layout().entry(i).name().startsWith("head")) {
                        assertEquals(0, a.get(i).sub(b.get(i)).amaxNumber().doubleValue(), 1e-13,
                                p.w().layout().entry(i).name());
                    }
                }
            }
        }
    }

    @Test
    void forOneSampleKfacIsTheEmpiricalFisherBlock() {
        // one sample: F_block = g g^T = (a a^T) (x) (d d^T), so exact damping solves (g g^T + gamma I) x = v
        for (NetworkSpec spec : List.of(nets().get(0), nets().get(1))) {
            Problem p = problem(spec, 1, Parallel.serial());
            ResidualEnergyForm form = p.flow().energyForm();
            Parameters covector = p.net().initialize(12, DataType.DOUBLE);
            FisherMetric fisher = new FisherMetric(p.net(), GAMMA, FisherMetric.Damping.EXACT);
            fisher.observe(p.flow());
            Parameters step = fisher.sharp(covector, p.w());
            Parameters g = p.sampleGradient(0);
            LayerStatistics stats = LayerStatistics.of(form, p.w(), false, fisher.kroneckerSteps(form));
            for (int j : denseSteps(form)) {
                Dense d = (Dense) form.layer(j);
                double[] gb = block(g, d);
                int k = gb.length;
                double[] f = new double[k * k];
                for (int r = 0; r < k; r++) {
                    for (int c = 0; c < k; c++) {
                        f[r * k + c] = gb[r] * gb[c];
                    }
                }
                KroneckerBlock factors = stats.factors(j);
                double[] ag = kronecker(factors.a(), factors.n(), factors.g(), factors.m());
                assertTrue(relativeDistance(ag, f) < 1e-12, spec + " step " + j + ": A (x) G is not g g^T");
                double[] expected = solve(plusIdentity(f, k, GAMMA), k, block(covector, d));
                double error = relativeDistance(block(step, d), expected);
                assertTrue(error < 1e-8, spec + " step " + j + ": relative error " + error);
            }
        }
    }

    @Test
    void everyMetricIsSymmetricPositiveDefiniteOnRandomCovectors() {
        for (NetworkSpec spec : nets()) {
            Problem p = problem(spec, 4, Parallel.serial());
            List<Metric<Parameters>> metrics = new ArrayList<>();
            for (MetricSettings.Kind kind : MetricSettings.Kind.values()) {
                MetricSettings s = new MetricSettings(kind, GAMMA, java.util.Map.of());
                metrics.add(kind == MetricSettings.Kind.IDENTITY ? s.build(p.net()) : s.withStiffness(0, 3)
                        .withStiffness(spec.depth() + 1, 0.25).build(p.net()));
            }
            metrics.add(new FisherMetric(p.net(), GAMMA, FisherMetric.Damping.EXACT));
            for (Metric<Parameters> m : metrics) {
                m.observe(p.flow());
                for (long seed = 20; seed < 23; seed++) {
                    Parameters a = p.net().initialize(seed, DataType.DOUBLE);
                    Parameters b = p.net().initialize(seed + 100, DataType.DOUBLE);
                    double ab = ParameterSpace.INSTANCE.dot(a, m.sharp(b, p.w()));
                    double ba = ParameterSpace.INSTANCE.dot(b, m.sharp(a, p.w()));
                    double aa = ParameterSpace.INSTANCE.dot(a, m.sharp(a, p.w()));
                    double bb = ParameterSpace.INSTANCE.dot(b, m.sharp(b, p.w()));
                    // symmetry to round-off of the solves, relative to the Cauchy-Schwarz bound
                    assertEquals(ab, ba, 1e-10 * Math.sqrt(aa * bb), spec + ", " + m);
                    assertTrue(aa > 0 && bb > 0, spec + ", " + m + ": " + aa + ", " + bb);
                }
            }
            assertTrue(metrics.get(1) instanceof LayerMetric<?>);
        }
    }
}
