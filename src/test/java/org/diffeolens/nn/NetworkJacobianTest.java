package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.nn.data.Batch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward-mode Jacobian-vector product of the logits against central finite differences, and
 * the adjoint's vector-Jacobian product against it through the identity &lt;J^T u, v&gt; = &lt;u, J v&gt;,
 * in double precision. Step 1e-5 on a unit direction: truncation eps^2 f'''/6 ~ 1e-11 and round-off
 * 1e-16 / eps ~ 1e-11 against logits of order 1, so 1e-7 relative leaves room for the odd ReLU
 * kink crossed by a perturbation (none in these small nets' few hundred units) and is orders below
 * the O(1) error of a wrong sign or transpose.
 */
class NetworkJacobianTest {

    private static final double FD_STEP = 1e-5;
    private static final double FD_RELATIVE_ERROR = 1e-7;

    private static Parameters perturbed(ResidualNetwork net, long seed) {
        Parameters w = net.initialize(seed, DataType.DOUBLE);
        // gains and shifts away from 1 and 0, biases nonzero, so every tangent term is exercised
        w.flat().addi(net.initialize(seed + 1, DataType.DOUBLE).flat().mul(0.3));
        Nd4j.getRandom().setSeed(seed); // the same weights whatever ran before: one draw, checked
        w.flat().addi(Nd4j.rand(DataType.DOUBLE, w.flat().length()).subi(0.5).muli(0.2));
        return w;
    }

    private static Parameters direction(ResidualNetwork net, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray d = Nd4j.randn(DataType.DOUBLE, net.layout().length());
        return new Parameters(net.layout(), d.divi(d.norm2Number()));
    }

    private static INDArray logits(ResidualNetwork net, Parameters w, Batch b) {
        return net.forward(w, b, 0, new Workspace(Parallel.serial())).logits().dup();
    }

    private static void assertTangentMatchesFiniteDifferences(NetworkSpec spec, int batch, int threads) {
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = perturbed(net, 5);
        Parameters v = direction(net, 9);
        Batch b = NetworkFixtures.randomBatch(batch, spec.inputShape(), spec.classes(), 4, DataType.DOUBLE);
        Workspace ws = new Workspace(Parallel.of(threads));
        Trajectory t = net.forward(w, b, 0, ws);
        INDArray jv = net.jvp(t, v, ws);
        Parameters plus = w.copy();
        plus.flat().addi(v.flat().mul(FD_STEP));
        Parameters minus = w.copy();
        minus.flat().subi(v.flat().mul(FD_STEP));
        INDArray fd = logits(net, plus, b).sub(logits(net, minus, b)).divi(2 * FD_STEP);
        double error = jv.sub(fd).norm2Number().doubleValue() / fd.norm2Number().doubleValue();
        assertTrue(error < FD_RELATIVE_ERROR, spec + ": J v off finite differences by " + error);

        // <J^T u, v> = <u, J v>: the adjoint sweep is the transpose of the tangent sweep
        INDArray u = Nd4j.randn(DataType.DOUBLE, batch, spec.classes());
        Parameters jtu = net.vjp(t, u, ws);
        double left = jtu.flat().mul(v.flat()).sumNumber().doubleValue();
        double right = u.mul(jv).sumNumber().doubleValue();
        double scale = jtu.flat().norm2Number().doubleValue() * v.flat().norm2Number().doubleValue();
        assertEquals(right, left, 100 * Tolerances.DOUBLE_EPS * scale * Math.sqrt(net.layout().length()),
                spec + ": <J^T u, v> vs <u, J v>");
    }

    @Test
    void convolutionalNetWithChannelNormTangentMatchesFiniteDifferences() {
        assertTangentMatchesFiniteDifferences(NetworkSpec.conv(new int[] {7, 5, 2}, 3, 3, 2, 2), 4, 1);
    }

    @Test
    void convolutionalTanhNetWithoutNormTangentMatchesFiniteDifferences() {
        assertTangentMatchesFiniteDifferences(NetworkSpec.conv(new int[] {5, 6, 1}, 4, 2, 3, 1)
                .withNormalization(false).withActivation(Activation.TANH), 3, 1);
    }

    @Test
    void denseNetsTangentMatchesFiniteDifferences() {
        assertTangentMatchesFiniteDifferences(NetworkSpec.dense(new int[] {3, 3, 1}, 3, 5, 4, Activation.TANH), 5, 1);
        assertTangentMatchesFiniteDifferences(NetworkSpec.dense(new int[] {2, 3, 1}, 4, 6, 3, Activation.RELU), 5, 1);
    }

    @Test
    void tangentAndPullbackOfABatchSplitAcrossThreadsAgreeWithTheWhole() {
        NetworkSpec spec = NetworkSpec.conv(new int[] {6, 7, 1}, 4, 3, 2, 1);
        assertTangentMatchesFiniteDifferences(spec, 7, 3);
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = perturbed(net, 2);
        Parameters v = direction(net, 3);
        Batch b = NetworkFixtures.randomBatch(7, spec.inputShape(), 4, 5, DataType.DOUBLE);
        Workspace one = new Workspace(Parallel.serial());
        Workspace three = new Workspace(Parallel.of(3));
        Trajectory t1 = net.forward(w, b, 0, one);
        Trajectory t3 = net.forward(w, b, 0, three);
        INDArray j1 = net.jvp(t1, v, one);
        INDArray j3 = net.jvp(t3, v, three);
        assertTrue(j1.sub(j3).amaxNumber().doubleValue() <= 1e-14 * j1.amaxNumber().doubleValue());
        INDArray u = Nd4j.randn(DataType.DOUBLE, 7, 4);
        INDArray g1 = net.vjp(t1, u, one).flat();
        INDArray g3 = net.vjp(t3, u, three).flat();
        assertTrue(g1.sub(g3).amaxNumber().doubleValue() <= 1e-13 * g1.amaxNumber().doubleValue());
    }

    @Test
    void pullbackOfTheCrossEntropyCovectorIsTheGradient() {
        NetworkSpec spec = NetworkSpec.dense(new int[] {2, 2, 1}, 3, 4, 2, Activation.TANH);
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = perturbed(net, 1);
        Batch b = NetworkFixtures.randomBatch(6, spec.inputShape(), 3, 2, DataType.DOUBLE);
        Workspace ws = new Workspace(Parallel.serial());
        Trajectory t = net.forward(w, b, 0, ws);
        // dL/dlogits of the mean cross-entropy: (p - onehot) / b
        INDArray u = t.probabilities().dup();
        for (int i = 0; i < 6; i++) {
            u.putScalar(i, b.labels()[i], u.getDouble(i, b.labels()[i]) - 1);
        }
        u.divi(6);
        INDArray viaVjp = net.vjp(t, u, ws).flat();
        INDArray gradient = net.gradient(t, 0, ws).flat();
        assertTrue(viaVjp.sub(gradient).amaxNumber().doubleValue() <= 1e-14 * gradient.amaxNumber().doubleValue());
    }

    /** Central differences of the adjoint gradient along v, in double precision. */
    private static INDArray gradientDifferences(ResidualNetwork net, Parameters w, Parameters v, Batch b, double decay) {
        Workspace ws = new Workspace(Parallel.serial());
        Parameters plus = w.copy();
        plus.flat().addi(v.flat().mul(FD_STEP));
        Parameters minus = w.copy();
        minus.flat().subi(v.flat().mul(FD_STEP));
        INDArray gp = net.gradient(net.forward(plus, b, decay, ws), decay, ws).flat().dup();
        INDArray gm = net.gradient(net.forward(minus, b, decay, ws), decay, ws).flat();
        return gp.subi(gm).divi(2 * FD_STEP);
    }

    private static void assertSecondOrderAdjointMatchesFiniteDifferences(NetworkSpec spec, int batch, double decay) {
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = perturbed(net, 5);
        Parameters v = direction(net, 9);
        Batch b = NetworkFixtures.randomBatch(batch, spec.inputShape(), spec.classes(), 4, DataType.DOUBLE);
        Workspace ws = new Workspace(Parallel.serial());
        INDArray hv = net.hessianVector(net.forward(w, b, decay, ws), v, decay, ws).flat();
        INDArray fd = gradientDifferences(net, w, v, b, decay);
        double error = hv.sub(fd).norm2Number().doubleValue() / fd.norm2Number().doubleValue();
        assertTrue(error < FD_RELATIVE_ERROR, spec + ": H v off finite differences of the gradient by " + error);
    }

    @Test
    void secondOrderAdjointOfSmoothNetsMatchesFiniteDifferencesOfTheGradient() {
        assertSecondOrderAdjointMatchesFiniteDifferences(NetworkSpec.conv(new int[] {7, 5, 2}, 3, 3, 2, 2)
                .withActivation(Activation.TANH), 4, 0);
        assertSecondOrderAdjointMatchesFiniteDifferences(NetworkSpec.conv(new int[] {5, 6, 1}, 4, 2, 3, 1)
                .withNormalization(false).withActivation(Activation.TANH), 3, 0.1);
        assertSecondOrderAdjointMatchesFiniteDifferences(NetworkSpec.dense(new int[] {3, 3, 1}, 3, 5, 4,
                Activation.TANH), 5, 0.05);
    }

    @Test
    void reluHessianIsSymmetricAndAgreesWithFiniteDifferencesBetweenKinks() {
        // ReLU nets are piecewise polynomial in W: where no unit changes sign within +-eps v, the central
        // difference of the gradient is the Hessian of the piece, which the adjoint (masks fixed) computes
        for (NetworkSpec spec : new NetworkSpec[] {NetworkSpec.conv(new int[] {7, 5, 2}, 3, 3, 2, 2),
            NetworkSpec.dense(new int[] {2, 3, 1}, 4, 6, 3, Activation.RELU)}) {
            assertSecondOrderAdjointMatchesFiniteDifferences(spec, 4, 0);
            ResidualNetwork net = new ResidualNetwork(spec);
            Parameters w = perturbed(net, 3);
            Parameters u = direction(net, 1);
            Parameters v = direction(net, 2);
            Batch b = NetworkFixtures.randomBatch(6, spec.inputShape(), spec.classes(), 8, DataType.DOUBLE);
            for (int threads : new int[] {1, 3}) {
                Workspace ws = new Workspace(Parallel.of(threads));
                Trajectory t = net.forward(w, b, 0.01, ws);
                double uhv = net.hessianVector(t, v, 0.01, ws).flat().mul(u.flat()).sumNumber().doubleValue();
                double vhu = net.hessianVector(t, u, 0.01, ws).flat().mul(v.flat()).sumNumber().doubleValue();
                assertEquals(uhv, vhu, 1e-12 * Math.max(1, Math.abs(uhv)), spec + ", " + threads + " threads");
            }
        }
    }
}
