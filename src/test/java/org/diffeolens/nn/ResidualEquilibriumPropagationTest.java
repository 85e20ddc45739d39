package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.EquilibriumPropagation;
import org.diffeolens.nn.data.Batch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Equilibrium propagation on the residual network in penalty form (issue 6), in double precision:
 * the penalty vanishes on the forward pass and its derivatives match finite differences; the EP
 * estimate from the nudged equilibria converges to the adjoint gradient at O(beta^2) when nudged
 * both ways and O(beta) one-sided. The error is c_1 beta + c_2 beta^2 + ... (one-sided) or
 * c_2 beta^2 + c_4 beta^4 + ... (symmetric): with the next term below a fifth of the leading one,
 * the fitted log-log slope lies within 0.3 of the order.
 */
class ResidualEquilibriumPropagationTest {

    /** Band of the fitted slope around the order (the next term in the error shifts it by less). */
    private static final double SLOPE_BAND = 0.3;
    /** Relaxation accuracy asked for: far below the smallest O(beta^2) error measured (~1e-5). */
    private static final double RELAXATION_TOLERANCE = 1e-14;

    private record Problem(ResidualNetwork net, Parameters w, ResidualFlow flow) {
    }

    private static Problem problem(NetworkSpec spec, int batch, double weightDecay, Parallel parallel) {
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = net.initialize(7, DataType.DOUBLE);
        // gains and shifts away from 1 and 0, so every pullback is exercised
        w.flat().addi(net.initialize(8, DataType.DOUBLE).flat().mul(0.3));
        Batch b = NetworkFixtures.randomBatch(batch, spec.inputShape(), spec.classes(), 3, DataType.DOUBLE);
        return new Problem(net, w, net.on(b, weightDecay, new Workspace(parallel)));
    }

    private static double distance(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue();
    }

    /** Seeded uniform numbers in [-1/2, 1/2). */
    static INDArray uniform(long n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() - 0.5;
        }
        return Nd4j.createFromArray(v);
    }

    /** Least-squares slope of log error against log beta. */
    static double fittedSlope(double[] betas, double[] errors) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < betas.length; i++) {
            mx += Math.log(betas[i]) / betas.length;
            my += Math.log(errors[i]) / betas.length;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < betas.length; i++) {
            double dx = Math.log(betas[i]) - mx;
            sxy += dx * (Math.log(errors[i]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    private static void assertEpConvergesAtItsOrder(NetworkSpec spec, int batch, double weightDecay, double[] betas) {
        Problem p = problem(spec, batch, weightDecay, Parallel.serial());
        INDArray adjoint = new Adjoint<Parameters>().evaluate(p.flow(), p.w()).gradient().flat();
        double norm = adjoint.norm2Number().doubleValue();
        double[] symmetric = new double[betas.length];
        double[] oneSided = new double[betas.length];
        for (int i = 0; i < betas.length; i++) {
            EquilibriumPropagation<Parameters> sym = new EquilibriumPropagation<>(betas[i], true, 100,
                    RELAXATION_TOLERANCE);
            INDArray gs = sym.evaluate(p.flow(), p.w()).gradient().flat();
            assertTrue(sym.lastRelaxationResidual() < 1e-10, spec + ": relaxed to " + sym.lastRelaxationResidual());
            // each sweep shrinks the error by O(beta): a handful reach round-off
            assertTrue(p.flow().energyForm().lastSweeps() <= 20, "sweeps " + p.flow().energyForm().lastSweeps());
            INDArray go = new EquilibriumPropagation<Parameters>(betas[i], false, 100, RELAXATION_TOLERANCE)
                    .evaluate(p.flow(), p.w()).gradient().flat();
            symmetric[i] = distance(gs, adjoint) / norm;
            oneSided[i] = distance(go, adjoint) / norm;
            double cosine = gs.mul(adjoint).sumNumber().doubleValue() / (norm * gs.norm2Number().doubleValue());
            assertTrue(cosine > 0.999, spec + ": cosine " + cosine + " at beta " + betas[i]);
        }
        double symSlope = fittedSlope(betas, symmetric);
        double oneSlope = fittedSlope(betas, oneSided);
        assertEquals(2, symSlope, SLOPE_BAND, spec + ": symmetric errors " + java.util.Arrays.toString(symmetric));
        assertEquals(1, oneSlope, SLOPE_BAND, spec + ": one-sided errors " + java.util.Arrays.toString(oneSided));
    }

    @Test
    void epGradientOfDenseTanhNetConvergesToTheAdjointAtTheOrderOfItsNudging() {
        assertEpConvergesAtItsOrder(NetworkSpec.dense(new int[] {3, 3, 1}, 3, 5, 4, Activation.TANH), 5, 0.05,
                new double[] {0.04, 0.02, 0.01});
    }

    @Test
    void epGradientOfDenseReluNetConvergesToTheAdjointAtTheOrderOfItsNudging() {
        assertEpConvergesAtItsOrder(NetworkSpec.dense(new int[] {2, 3, 1}, 4, 6, 3, Activation.RELU), 5, 0,
                new double[] {0.02, 0.01, 0.005});
    }

    @Test
    void epGradientOfConvNetWithChannelNormConvergesToTheAdjointAtTheOrderOfItsNudging() {
        // ReLU kinks: the betas keep every nudge (beta |p - onehot| pulled back) far from flipping a unit
        assertEpConvergesAtItsOrder(NetworkSpec.conv(new int[] {7, 5, 2}, 3, 3, 2, 2), 4, 0,
                new double[] {0.01, 0.005, 0.0025});
    }

    @Test
    void epGradientOfConvTanhNetWithWeightDecayConvergesToTheAdjointAtTheOrderOfItsNudging() {
        assertEpConvergesAtItsOrder(NetworkSpec.conv(new int[] {5, 6, 1}, 4, 2, 3, 1).withNormalization(false)
                .withActivation(Activation.TANH), 3, 0.1, new double[] {0.04, 0.02, 0.01});
    }

    @Test
    void penaltyVanishesOnTheForwardPassAndItsGradientsMatchFiniteDifferences() {
        for (NetworkSpec spec : List.of(NetworkSpec.dense(new int[] {3, 3, 1}, 3, 5, 2, Activation.TANH),
                NetworkSpec.conv(new int[] {5, 4, 1}, 3, 3, 2, 1).withActivation(Activation.TANH))) {
            Problem p = problem(spec, 3, 0.1, Parallel.serial());
            ResidualEnergyForm form = p.flow().energyForm();
            Parameters free = form.freeState(p.w());
            Trajectory t = p.net().forward(p.w(), p.flow().batch(), 0.1, new Workspace(Parallel.serial()));
            for (int k = 0; k <= p.net().depth(); k++) {
                assertEquals(0, distance(free.get(k), t.states().get(k)), 1e-14, "x" + k);
            }
            assertEquals(0, distance(free.get(p.net().depth() + 1), t.logits()), 1e-14, "logits");
            assertEquals(0, form.innerEnergy(p.w(), free), 1e-28);
            assertEquals(t.loss(), form.cost(p.w(), free), 1e-14);

            // off the forward pass: directional derivatives against central differences
            Parameters s = free.copy();
            s.flat().addi(uniform(s.flat().length(), 1).muli(0.2));
            Parameters ds = free.copy();
            ds.flat().assign(uniform(s.flat().length(), 2));
            double eps = 1e-5;
            Parameters sp = s.copy();
            sp.flat().addi(ds.flat().mul(eps));
            Parameters sm = s.copy();
            sm.flat().subi(ds.flat().mul(eps));
            double fd = (form.innerEnergy(p.w(), sp) - form.innerEnergy(p.w(), sm)) / (2 * eps);
            double analytic = form.innerEnergyStateGradient(p.w(), s).flat().mul(ds.flat()).sumNumber().doubleValue();
            assertEquals(fd, analytic, 1e-7 * Math.abs(fd), spec + ": dF/ds");

            Parameters dw = p.net().initialize(9, DataType.DOUBLE);
            Parameters wp = p.w().copy();
            wp.flat().addi(dw.flat().mul(eps));
            Parameters wm = p.w().copy();
            wm.flat().subi(dw.flat().mul(eps));
            double fdw = (form.innerEnergy(wp, s) - form.innerEnergy(wm, s)) / (2 * eps);
            double analyticW = form.innerEnergyControlGradient(p.w(), s).flat().mul(dw.flat()).sumNumber()
                    .doubleValue();
            assertEquals(fdw, analyticW, 1e-7 * Math.abs(fdw), spec + ": dF/dtheta");
        }
    }

    @Test
    void relaxationOnTwoThreadsGivesTheSerialEstimate() {
        NetworkSpec spec = NetworkSpec.conv(new int[] {6, 5, 1}, 3, 4, 2, 1);
        Problem one = problem(spec, 5, 0.01, Parallel.serial());
        Problem two = problem(spec, 5, 0.01, Parallel.of(2));
        EquilibriumPropagation<Parameters> ep = new EquilibriumPropagation<>(0.01, true, 50, RELAXATION_TOLERANCE);
        INDArray a = ep.evaluate(one.flow(), one.w()).gradient().flat();
        INDArray b = ep.evaluate(two.flow(), two.w()).gradient().flat();
        // the threads only reorder sums: round-off of the states (1e-16) over the nudge (beta/B ~ 1e-3)
        assertEquals(0, distance(a, b) / a.norm2Number().doubleValue(), 1e-10);
    }

    @Test
    void theEnergyFormsOfSuccessiveBatchesReuseOneWorkspace() {
        // the trainer makes a flow (and its penalty form) per mini-batch on one workspace: the form's
        // scratch arrays must be the same slots every step, not new ones kept (with the batch) forever
        NetworkSpec spec = NetworkSpec.dense(new int[] {3, 3, 1}, 3, 5, 2, Activation.TANH);
        ResidualNetwork net = new ResidualNetwork(spec);
        Parameters w = net.initialize(1, DataType.DOUBLE);
        Workspace ws = new Workspace(Parallel.serial());
        EquilibriumPropagation<Parameters> ep = new EquilibriumPropagation<>(1e-3, true, 5, 1e-12, false);
        long[] bytes = new long[4];
        for (int i = 0; i < bytes.length; i++) {
            Batch b = NetworkFixtures.randomBatch(8, spec.inputShape(), spec.classes(), i, DataType.DOUBLE);
            ep.evaluate(net.on(b, 0, ws), w);
            bytes[i] = ws.bytes();
        }
        assertEquals(bytes[0], bytes[bytes.length - 1], "workspace bytes after each batch "
                + java.util.Arrays.toString(bytes));
    }
}
