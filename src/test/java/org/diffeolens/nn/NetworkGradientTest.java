package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.FiniteDifferences;
import org.diffeolens.nn.data.Batch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The adjoint sweep of the residual network against central finite differences of its energy, in
 * double precision. Step 1e-5: truncation h^2 E'''/6 ~ 1e-11 and round-off eps E / h ~ 1e-11 are
 * both far below the 1e-5 relative error the issue asks for; a sign or transpose error in any
 * pullback gives O(1).
 */
class NetworkGradientTest {

    private static final double FD_STEP = 1e-5;
    private static final double RELATIVE_ERROR = 1e-5;

    private static void assertAdjointMatchesFiniteDifferences(NetworkSpec spec, int batch, double weightDecay) {
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = net.initialize(7, DataType.DOUBLE);
        // perturb the gains and shifts away from 1 and 0 so their pullbacks are exercised
        INDArray noise = net.initialize(8, DataType.DOUBLE).flat().mul(0.3);
        w.flat().addi(noise);
        Batch b = NetworkFixtures.randomBatch(batch, spec.inputShape(), spec.classes(), 3, DataType.DOUBLE);
        ResidualFlow flow = net.on(b, weightDecay, new Workspace(Parallel.serial()));
        INDArray adjoint = new Adjoint<Parameters>().evaluate(flow, w).gradient().flat();
        INDArray fd = new FiniteDifferences<Parameters>(FD_STEP).evaluate(flow, w).gradient().flat();
        double error = adjoint.sub(fd).norm2Number().doubleValue() / fd.norm2Number().doubleValue();
        assertTrue(error < RELATIVE_ERROR, spec + ": relative error " + error);
        // and coefficient by coefficient, relative to the gradient's scale
        double scale = fd.amaxNumber().doubleValue();
        double worst = adjoint.sub(fd).amaxNumber().doubleValue() / scale;
        assertTrue(worst < RELATIVE_ERROR, spec + ": worst coefficient error " + worst);
    }

    @Test
    void convolutionalNetWithChannelNormMatchesFiniteDifferences() {
        // odd sizes: 7x5 input, stride-2 stem -> 4x3 states, 3 channels, 2 blocks
        NetworkSpec spec = NetworkSpec.conv(new int[] {7, 5, 2}, 3, 3, 2, 2);
        assertAdjointMatchesFiniteDifferences(spec, 4, 0);
    }

    @Test
    void convolutionalNetWithoutNormAndWithWeightDecayMatchesFiniteDifferences() {
        NetworkSpec spec = NetworkSpec.conv(new int[] {5, 6, 1}, 4, 2, 3, 1).withNormalization(false)
                .withActivation(Activation.TANH);
        assertAdjointMatchesFiniteDifferences(spec, 3, 0.1);
    }

    @Test
    void denseTanhNetMatchesFiniteDifferences() {
        NetworkSpec spec = NetworkSpec.dense(new int[] {3, 3, 1}, 3, 5, 4, Activation.TANH);
        assertAdjointMatchesFiniteDifferences(spec, 5, 0.05);
    }

    @Test
    void denseReluNetMatchesFiniteDifferences() {
        NetworkSpec spec = NetworkSpec.dense(new int[] {2, 3, 1}, 4, 6, 3, Activation.RELU);
        assertAdjointMatchesFiniteDifferences(spec, 5, 0);
    }

    @Test
    void aBatchSplitAcrossThreadsGivesTheSameEnergyAndGradient() {
        // the parts differ from the whole only in the order of the sums over samples
        NetworkSpec spec = NetworkSpec.conv(new int[] {6, 7, 1}, 4, 3, 2, 1);
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = net.initialize(11, DataType.DOUBLE);
        Batch b = NetworkFixtures.randomBatch(7, spec.inputShape(), 4, 5, DataType.DOUBLE);
        ResidualFlow one = net.on(b, 0.01, new Workspace(Parallel.serial()));
        ResidualFlow three = net.on(b, 0.01, new Workspace(Parallel.of(3)));
        Trajectory t1 = one.forward(w);
        Trajectory t3 = three.forward(w);
        assertEquals(t1.loss(), t3.loss(), 1e-14);
        assertEquals(t1.regularization(), t3.regularization(), 0);
        assertEquals(0, t1.probabilities().sub(t3.probabilities()).amaxNumber().doubleValue(), 1e-15);
        assertEquals(0, t1.states().get(2).sub(t3.states().get(2)).amaxNumber().doubleValue(), 1e-14);
        INDArray g1 = one.gradient(t1).flat();
        INDArray g3 = three.gradient(t3).flat();
        assertTrue(g1.sub(g3).amaxNumber().doubleValue() <= 1e-13 * g1.amaxNumber().doubleValue());
    }

    @Test
    void theEnergyIsTheMeanCrossEntropyPlusWeightDecay() {
        NetworkSpec spec = NetworkSpec.dense(new int[] {2, 2, 1}, 3, 4, 2, Activation.TANH);
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = net.initialize(1, DataType.DOUBLE);
        Batch b = NetworkFixtures.randomBatch(6, spec.inputShape(), 3, 2, DataType.DOUBLE);
        Trajectory t = net.forward(w, b, 0.2, new Workspace(Parallel.serial()));
        double ce = 0;
        for (int i = 0; i < 6; i++) {
            ce -= Math.log(t.probabilities().getDouble(i, b.labels()[i]));
        }
        assertEquals(ce / 6, t.loss(), 1e-12);
        double sq = 0;
        for (String name : new String[] {"stem.weight", "block0.weight", "block1.weight", "head.weight"}) {
            INDArray a = w.get(name);
            sq += a.mul(a).sumNumber().doubleValue();
        }
        assertEquals(0.1 * sq, t.regularization(), 1e-12);
        assertEquals(spec.depth() + 1, t.states().size());
    }
}
