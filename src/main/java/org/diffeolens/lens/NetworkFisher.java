package org.diffeolens.lens;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Trajectory;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Fisher information of a residual classifier at parameters theta over a data sample, as a
 * matrix-free symmetric operator (Martens 2014, "New insights and perspectives on the natural
 * gradient method"; Kunstner et al. 2019, "Limitations of the empirical Fisher"):
 * <pre>
 *   true       F v = 1/N sum_i J_i^T H_i J_i v,    H_i = diag(p_i) - p_i p_i^T
 *   empirical  F v = 1/N sum_i g_i (g_i . v),      g_i = J_i^T (p_i - e_{y_i})
 * </pre>
 * J_i is the Jacobian of sample i's logits in the parameters and p_i its softmax. The true Fisher
 * takes the expectation over the model's own labels y ~ p(.|x_i), E_y[(p - e_y)(p - e_y)^T] = H_i
 * (so it is also the Gauss-Newton matrix of the cross-entropy); the empirical one uses the data's
 * labels, g_i being the per-sample gradient. J_i v comes from forward mode along the flow
 * ({@link ResidualNetwork#jvp}, exact, no step size) and J^T u from one batched adjoint sweep
 * ({@link ResidualNetwork#vjp}): the empirical product weights sample i's covector p_i - e_{y_i}
 * by g_i . v = (p_i - e_{y_i}) . J_i v, so the per-sample gradients are never formed. Double precision.
 */
public final class NetworkFisher implements SymmetricOperator<Parameters> {

    /** Which expectation over the labels. */
    public enum Kind {
        TRUE, EMPIRICAL;

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("Fisher kind must be true or empirical, got '" + s + "'");
        }
    }

    private final SampledNetwork s;
    private final ResidualNetwork network;
    private final Parameters at;
    private final SampleBatches sample;
    private final Kind kind;
    private final Workspace workspace;

    public NetworkFisher(ResidualNetwork network, Parameters at, Dataset data, Kind kind, int batchSize,
                         Parallel parallel) {
        this(SampledNetwork.of(network, at, data, batchSize, parallel), kind);
    }

    private NetworkFisher(SampledNetwork s, Kind kind) {
        this.s = s;
        this.network = s.network();
        this.at = s.at();
        this.sample = s.sample();
        this.workspace = s.workspace();
        this.kind = kind;
    }

    /** The Fisher of the same kind over the same sample at other parameters (sharing this one's workspace). */
    public NetworkFisher at(Parameters other) {
        return new NetworkFisher(s.at(other), kind);
    }

    public Parameters at() {
        return at;
    }

    public Kind kind() {
        return kind;
    }

    /** Number of samples N the expectation runs over. */
    public int samples() {
        return sample.size();
    }

    /** F v: per batch a forward pass, a tangent sweep and an adjoint sweep. */
    @Override
    public Parameters apply(Parameters v) {
        Parameters sum = Parameters.zeros(network.layout(), DataType.DOUBLE);
        for (Batch b : sample.batches()) {
            Trajectory t = network.forward(at, b, 0, workspace);
            double[][] p = t.probabilities().toDoubleMatrix();
            double[][] jv = network.jvp(t, v, workspace).toDoubleMatrix();
            double[][] u = new double[p.length][];
            for (int i = 0; i < p.length; i++) {
                u[i] = covector(p[i], b.labels()[i], jv[i]);
            }
            sum.flat().addi(network.vjp(t, Nd4j.createFromArray(u), workspace).flat());
        }
        return sum;
    }

    /** v^T F v = 1/N sum_i (J_i v)^T H_i (J_i v) (true) or (g_i . v)^2 (empirical): tangent sweeps only. */
    public double quadratic(Parameters v) {
        double s = 0;
        for (Batch b : sample.batches()) {
            Trajectory t = network.forward(at, b, 0, workspace);
            double[][] p = t.probabilities().toDoubleMatrix();
            double[][] jv = network.jvp(t, v, workspace).toDoubleMatrix();
            for (int i = 0; i < p.length; i++) {
                s += form(p[i], b.labels()[i], jv[i]);
            }
        }
        return s / sample.size();
    }

    /** The Fisher-Rao norm ||theta||_fr^2 = theta^T F(theta) theta (Liang et al. 2019). */
    public double fisherRaoNormSquared() {
        return quadratic(at);
    }

    /**
     * The trace, exactly, from per-sample adjoint sweeps: 1/N sum_i ||g_i||^2 (empirical), or
     * 1/N sum_i (sum_c p_ic ||J_i^T e_c||^2 - ||J_i^T p_i||^2) (true: tr(J^T H J) with H = diag p - p p^T),
     * which takes classes + 1 sweeps per sample.
     */
    public double trace() {
        double s = 0;
        int classes = network.spec().classes();
        Workspace single = new Workspace(Parallel.serial());
        for (Batch b : sample.batches()) {
            for (int i = 0; i < b.size(); i++) {
                Batch one = SampleBatches.single(b, i);
                Trajectory t = network.forward(at, one, 0, single);
                double[] p = t.probabilities().toDoubleVector();
                if (kind == Kind.EMPIRICAL) {
                    double[] r = p.clone();
                    r[one.labels()[0]] -= 1;
                    s += squaredNorm(network.vjp(t, Nd4j.createFromArray(new double[][] {r}), single));
                } else {
                    for (int c = 0; c < classes; c++) {
                        double[] e = new double[classes];
                        e[c] = 1;
                        s += p[c] * squaredNorm(network.vjp(t, Nd4j.createFromArray(new double[][] {e}), single));
                    }
                    s -= squaredNorm(network.vjp(t, Nd4j.createFromArray(new double[][] {p}), single));
                }
            }
        }
        return s / sample.size();
    }

    private static double squaredNorm(Parameters g) {
        return Nd4j.getBlasWrapper().dot(g.flat(), g.flat());
    }

    /** u_i / (1/N): H_i J_i v (true) or r_i (r_i . J_i v) with r_i = p_i - e_{y_i} (empirical), scaled by 1/N. */
    private double[] covector(double[] p, int label, double[] jv) {
        double[] u = new double[p.length];
        double n = sample.size();
        if (kind == Kind.TRUE) {
            double mean = dot(p, jv);
            for (int c = 0; c < p.length; c++) {
                u[c] = p[c] * (jv[c] - mean) / n;
            }
        } else {
            double w = dot(p, jv) - jv[label];
            for (int c = 0; c < p.length; c++) {
                u[c] = (p[c] - (c == label ? 1 : 0)) * w / n;
            }
        }
        return u;
    }

    /** (J v)^T H (J v) = sum_c p_c (Jv)_c^2 - (p . Jv)^2 (true) or (r . Jv)^2 (empirical). */
    private double form(double[] p, int label, double[] jv) {
        double mean = dot(p, jv);
        if (kind == Kind.EMPIRICAL) {
            double w = mean - jv[label];
            return w * w;
        }
        double s = 0;
        for (int c = 0; c < p.length; c++) {
            s += p[c] * jv[c] * jv[c];
        }
        return s - mean * mean;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
