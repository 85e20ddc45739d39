package org.diffeolens.lens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.linalg.SymmetricEigen;
import org.diffeolens.nn.Activation;
import org.diffeolens.nn.NetworkSpec;
import org.diffeolens.nn.ParameterSpace;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Trajectory;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Fisher lens against oracles that share none of its code paths: the closed form of the
 * Fisher-Rao norm of bias-free ReLU networks, per-sample adjoint gradients, dense
 * eigen-decompositions of the assembled matrices, and the softmax Hessian on the head's biases.
 */
class FisherLensTest {

    /** The bar for closed forms and invariances, in double precision. */
    private static final double EXACT = 1e-10;
    /** Products that differ from their oracle only in the order of double sums. */
    private static final double ROUNDOFF = 1e-12;

    static Dataset randomData(int n, int[] shape, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int len = shape[0] * shape[1] * shape[2];
        float[] f = new float[n * len];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(classes);
        }
        return new Dataset("random", f, labels, shape, classes);
    }

    /** Seeded weights with every bias zero: a positively homogeneous ReLU network. */
    static Parameters biasFree(ResidualNetwork net, long seed) {
        Parameters w = net.initialize(seed, DataType.DOUBLE);
        for (var e : net.layout().entries()) {
            if (e.name().endsWith(".bias")) {
                w.get(e.name()).assign(0);
            }
        }
        return w;
    }

    static Parameters randomDirection(ResidualNetwork net, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new Parameters(net.layout(), Nd4j.randn(DataType.DOUBLE, net.layout().length()));
    }

    /**
     * (L+1)^2 E_x[ f^T H f ] (true) or (L+1)^2 E_x[ ((p - e_y) . f)^2 ] (empirical), from the logits f
     * alone: Liang et al. 2019's closed form for a network homogeneous of degree L+1 in theta.
     */
    static double closedForm(ResidualNetwork net, Parameters w, Dataset data, NetworkFisher.Kind kind, double degree) {
        Batch b = data.batch(0, data.size(), DataType.DOUBLE);
        Trajectory t = net.forward(w, b, 0, new Workspace(Parallel.serial()));
        double[][] f = t.logits().toDoubleMatrix();
        double[][] p = t.probabilities().toDoubleMatrix();
        double s = 0;
        for (int i = 0; i < f.length; i++) {
            double mean = 0;
            double second = 0;
            for (int c = 0; c < f[i].length; c++) {
                mean += p[i][c] * f[i][c];
                second += p[i][c] * f[i][c] * f[i][c];
            }
            double r = mean - f[i][b.labels()[i]];
            s += kind == NetworkFisher.Kind.TRUE ? second - mean * mean : r * r;
        }
        return degree * degree * s / f.length;
    }

    static double dot(Parameters a, Parameters b) {
        return ParameterSpace.INSTANCE.dot(a, b);
    }

    /** ||theta'||_fr^2 with the stem's weights times c and the head's over c. */
    static double rescaledNorm(ResidualNetwork net, Parameters w, Dataset data, NetworkFisher.Kind kind, double c) {
        Parameters rescaled = w.copy();
        rescaled.get("stem.weight").muli(c);
        rescaled.get("head.weight").divi(c);
        return new NetworkFisher(net, rescaled, data, kind, 5, Parallel.serial()).fisherRaoNormSquared();
    }

    @Test
    void fisherRaoNormOfABiasFreeReluMlpIsItsClosedForm() {
        // depth 0: x_0 = relu(u W_1), f = x_0 W_2, a plain two-layer MLP of the network's dense layers (L + 1 = 2)
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.dense(new int[] {3, 3, 1}, 4, 7, 0, Activation.RELU));
        Parameters w = biasFree(net, 3);
        Dataset data = randomData(20, new int[] {3, 3, 1}, 4, 1);
        for (NetworkFisher.Kind kind : NetworkFisher.Kind.values()) {
            NetworkFisher fisher = new NetworkFisher(net, w, data, kind, 8, Parallel.serial());
            double expected = closedForm(net, w, data, kind, 2);
            assertEquals(expected, fisher.fisherRaoNormSquared(), EXACT * expected, kind + " by tangents");
            assertEquals(expected, dot(w, fisher.apply(w)), EXACT * expected, kind + " by the adjoint");

            // rescaling the first layer by c and the second by 1/c leaves f and the norm unchanged
            assertEquals(expected, rescaledNorm(net, w, data, kind, 3.7), EXACT * expected, kind + " after rescaling");
        }
    }

    @Test
    void residualBlocksKeepTheClosedFormForTheOuterLayersAndTheRescalingInvariance() {
        // with zero biases a block x + h relu(x W_k) is homogeneous of degree 1 in x, so the logits are
        // homogeneous of degree 1 in the stem's weights and of degree 1 in the head's: along
        // v = (stem, 0, .., 0, head) part of theta, J v = 2 f, and v^T F v = 4 E[f^T H f]; the blocks'
        // weights enter non-homogeneously, so theta^T F theta has no closed form, but the rescaling
        // stem * c, head / c leaves f unchanged and hence the whole Fisher-Rao norm
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.dense(new int[] {2, 3, 1}, 3, 5, 3, Activation.RELU));
        Parameters w = biasFree(net, 8);
        Dataset data = randomData(16, new int[] {2, 3, 1}, 3, 2);
        Parameters outer = Parameters.zeros(net.layout(), DataType.DOUBLE);
        outer.get("stem.weight").assign(w.get("stem.weight"));
        outer.get("head.weight").assign(w.get("head.weight"));
        for (NetworkFisher.Kind kind : NetworkFisher.Kind.values()) {
            NetworkFisher fisher = new NetworkFisher(net, w, data, kind, 5, Parallel.serial());
            double expected = closedForm(net, w, data, kind, 2);
            assertEquals(expected, fisher.quadratic(outer), EXACT * expected, kind + " outer layers");
            double norm = fisher.fisherRaoNormSquared();
            assertEquals(norm, rescaledNorm(net, w, data, kind, 0.4), EXACT * norm, kind + " full norm after rescaling");
        }
    }

    @Test
    void empiricalFisherProductIsTheMeanOuterProductOfPerSampleAdjointGradients() {
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.conv(new int[] {5, 4, 1}, 3, 2, 2, 1));
        Parameters w = net.initialize(4, DataType.DOUBLE);
        w.flat().addi(net.initialize(5, DataType.DOUBLE).flat().mul(0.3));
        Dataset data = randomData(9, new int[] {5, 4, 1}, 3, 3);
        Parameters v = randomDirection(net, 6);
        Parameters oracleEmpirical = Parameters.zeros(net.layout(), DataType.DOUBLE);
        Parameters oracleTrue = Parameters.zeros(net.layout(), DataType.DOUBLE);
        Workspace ws = new Workspace(Parallel.serial());
        for (int i = 0; i < data.size(); i++) {
            // g_i: the gradient of sample i's cross-entropy alone, by the adjoint (not by vjp)
            Batch one = data.batch(i, i + 1, DataType.DOUBLE);
            Trajectory t = net.forward(w, one, 0, ws);
            Parameters g = net.gradient(t, 0, ws);
            oracleEmpirical.flat().addi(g.flat().mul(dot(g, v) / data.size()));
            // true Fisher: the expectation over the model's labels y ~ p(.|x_i) of g_iy g_iy^T
            double[] p = t.probabilities().toDoubleVector();
            for (int y = 0; y < p.length; y++) {
                Batch relabeled = new Batch(one.inputs(), new int[] {y});
                Parameters gy = net.gradient(net.forward(w, relabeled, 0, ws), 0, ws);
                oracleTrue.flat().addi(gy.flat().mul(p[y] * dot(gy, v) / data.size()));
            }
        }
        for (int threads : new int[] {1, 2}) {
            Parameters emp = new NetworkFisher(net, w, data, NetworkFisher.Kind.EMPIRICAL, 4, Parallel.of(threads))
                    .apply(v);
            Parameters tru = new NetworkFisher(net, w, data, NetworkFisher.Kind.TRUE, 4, Parallel.of(threads)).apply(v);
            assertTrue(relativeError(emp, oracleEmpirical) < ROUNDOFF, "empirical " + relativeError(emp, oracleEmpirical));
            assertTrue(relativeError(tru, oracleTrue) < ROUNDOFF, "true " + relativeError(tru, oracleTrue));
        }
    }

    static double relativeError(Parameters a, Parameters b) {
        return a.flat().sub(b.flat()).norm2Number().doubleValue() / b.flat().norm2Number().doubleValue();
    }

    /** The operator applied to every unit vector: its matrix, symmetrized (row-major). */
    static double[] assemble(SymmetricOperator<Parameters> op, ResidualNetwork net) {
        int n = (int) net.layout().length();
        double[] m = new double[n * n];
        for (int j = 0; j < n; j++) {
            Parameters e = Parameters.zeros(net.layout(), DataType.DOUBLE);
            e.flat().putScalar(j, 1);
            double[] col = op.apply(e).flat().toDoubleVector();
            for (int i = 0; i < n; i++) {
                m[i * n + j] += 0.5 * col[i];
                m[j * n + i] += 0.5 * col[i];
            }
        }
        return m;
    }

    static void assertLanczosMatchesDense(SymmetricOperator<Parameters> op, ResidualNetwork net, int k) {
        int n = (int) net.layout().length();
        double[] dense = SymmetricEigen.of(assemble(op, net), n).values();
        Lanczos.Spectrum s = Lanczos.top(op, ParameterSpace.INSTANCE, randomDirection(net, 17), k, n, 1e-9);
        for (int i = 0; i < k; i++) {
            double expected = dense[n - 1 - i];
            assertEquals(expected, s.values()[i], LanczosTest.RELATIVE * Math.abs(expected), "eigenvalue " + i);
        }
    }

    @Test
    void lanczosTopOfTheFisherMatchesTheDenseDecompositionOfTheAssembledMatrix() {
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.dense(new int[] {2, 3, 1}, 3, 5, 2, Activation.RELU));
        Parameters w = net.initialize(2, DataType.DOUBLE);
        Dataset data = randomData(12, new int[] {2, 3, 1}, 3, 4);
        NetworkFisher fisher = new NetworkFisher(net, w, data, NetworkFisher.Kind.TRUE, 12, Parallel.serial());
        assertLanczosMatchesDense(fisher, net, 5);
        // and the exact trace from per-sample sweeps is the trace of the assembled matrix
        double trace = trace(assemble(fisher, net), net);
        assertEquals(trace, fisher.trace(), ROUNDOFF * trace);
        NetworkFisher empirical = new NetworkFisher(net, w, data, NetworkFisher.Kind.EMPIRICAL, 12, Parallel.serial());
        double traceEmpirical = trace(assemble(empirical, net), net);
        assertEquals(traceEmpirical, empirical.trace(), ROUNDOFF * traceEmpirical);
    }

    static double trace(double[] m, ResidualNetwork net) {
        int n = (int) net.layout().length();
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += m[i * n + i];
        }
        return t;
    }

    @Test
    void hessianOperatorIsTheDifferenceQuotientOfItsGradientOnASmoothNet() {
        // an independent path: central differences of the sample's adjoint gradient, O(eps^2) ~ 1e-10 off
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.dense(new int[] {2, 3, 1}, 3, 5, 2, Activation.TANH));
        Parameters w = net.initialize(2, DataType.DOUBLE);
        Dataset data = randomData(12, new int[] {2, 3, 1}, 3, 4);
        NetworkHessian h = new NetworkHessian(net, w, data, 0.01, 5, Parallel.serial());
        Parameters v = randomDirection(net, 3);
        double eps = 1e-5;
        Parameters plus = w.copy();
        plus.flat().addi(v.flat().mul(eps));
        Parameters minus = w.copy();
        minus.flat().subi(v.flat().mul(eps));
        Parameters fd = h.gradient(plus);
        fd.flat().subi(h.gradient(minus).flat()).divi(2 * eps);
        assertTrue(relativeError(h.apply(v), fd) < 1e-7, "relative error " + relativeError(h.apply(v), fd));
    }

    @Test
    void lanczosTopOfTheHessianMatchesTheDenseDecompositionOfTheAssembledMatrix() {
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.dense(new int[] {2, 3, 1}, 3, 5, 2, Activation.TANH));
        Parameters w = net.initialize(2, DataType.DOUBLE);
        w.flat().addi(net.initialize(3, DataType.DOUBLE).flat().mul(0.5));
        Dataset data = randomData(12, new int[] {2, 3, 1}, 3, 4);
        assertLanczosMatchesDense(new NetworkHessian(net, w, data, 0.01, 12, Parallel.serial()), net, 5);
    }

    @Test
    void hessianAndTrueFisherOnTheHeadBiasesAreTheMeanSoftmaxHessian() {
        // the logits are b_head + (linear in the rest): on the head's biases J = I, so both blocks equal
        // E_x[diag(p) - p p^T] exactly
        ResidualNetwork net = new ResidualNetwork(NetworkSpec.dense(new int[] {2, 2, 1}, 4, 3, 2, Activation.TANH));
        Parameters w = net.initialize(5, DataType.DOUBLE);
        Dataset data = randomData(10, new int[] {2, 2, 1}, 4, 6);
        double[][] p = net.forward(w, data.batch(0, 10, DataType.DOUBLE), 0, new Workspace(Parallel.serial()))
                .probabilities().toDoubleMatrix();
        long offset = net.layout().entry(net.layout().indexOf("head.bias")).offset();
        NetworkFisher fisher = new NetworkFisher(net, w, data, NetworkFisher.Kind.TRUE, 3, Parallel.serial());
        NetworkHessian hessian = new NetworkHessian(net, w, data, 0, 3, Parallel.serial());
        for (int c = 0; c < 4; c++) {
            Parameters e = Parameters.zeros(net.layout(), DataType.DOUBLE);
            e.flat().putScalar(offset + c, 1);
            INDArray fe = fisher.apply(e).flat();
            INDArray he = hessian.apply(e).flat();
            for (int d = 0; d < 4; d++) {
                double expected = 0;
                for (double[] pi : p) {
                    expected += ((c == d ? pi[c] : 0) - pi[c] * pi[d]) / p.length;
                }
                assertEquals(expected, fe.getDouble(offset + d), ROUNDOFF, "Fisher " + c + "," + d);
                assertEquals(expected, he.getDouble(offset + d), ROUNDOFF, "Hessian " + c + "," + d);
            }
        }
    }
}
