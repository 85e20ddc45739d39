package org.diffeolens.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.diffeolens.nn.TrainingConfig.OptimizerKind;
import org.diffeolens.nn.data.Dataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The trainer with another gradient estimator or metric, through the same Minimizer: equilibrium
 * propagation follows the adjoint's loss trajectory to the order of its nudging, a frozen layer
 * stays bit-identical under every optimizer, and every metric trains the digits net.
 */
class TrainerGradientAndMetricTest {

    private static TrainingConfig sgd(int epochs, double lr) {
        return TrainerTest.digitsConfig(epochs).withOptimizer(OptimizerKind.SGD, lr)
                .withSchedule(TrainingConfig.Schedule.CONSTANT);
    }

    private static double maxDeviation(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int k = 0; k < a.length; k++) {
            d = Math.max(d, Math.abs(a[k] - b[k]));
        }
        return d;
    }

    @Test
    void epTrainingFollowsTheAdjointLossTrajectoryToTheOrderOfItsNudging() {
        // tanh: no kinks, so the estimate's error is smooth in beta (ReLU units flipping under the nudge add
        // an error of their own). Twenty SGD steps; a gradient error eps moves the k-th loss by O(k lr eps |g|^2),
        // linear in eps, so the largest deviation inherits the estimator's order: beta^2 both ways, beta one-sided.
        Dataset[] d = TrainingData.digits();
        Dataset train = d[0].range(0, 640);
        NetworkSpec spec = TrainerTest.digitsNet().withActivation(Activation.TANH);
        TrainingConfig config = sgd(1, 0.1);
        double[] adjoint = new Trainer(new ResidualNetwork(spec), config).fit(train, d[1]).stepLosses();
        double[] betas = {0.04, 0.02, 0.01};
        double[] symmetric = new double[3];
        double[] oneSided = new double[3];
        for (int i = 0; i < 3; i++) {
            symmetric[i] = maxDeviation(new Trainer(new ResidualNetwork(spec), config.withGradient(
                    GradientSettings.equilibriumPropagation(betas[i], true))).fit(train, d[1]).stepLosses(), adjoint);
            oneSided[i] = maxDeviation(new Trainer(new ResidualNetwork(spec), config.withGradient(
                    GradientSettings.equilibriumPropagation(betas[i], false))).fit(train, d[1]).stepLosses(), adjoint);
        }
        assertEquals(2, ResidualEquilibriumPropagationTest.fittedSlope(betas, symmetric), 0.3,
                "symmetric: " + Arrays.toString(symmetric));
        assertEquals(1, ResidualEquilibriumPropagationTest.fittedSlope(betas, oneSided), 0.3,
                "one-sided: " + Arrays.toString(oneSided));
        // and the trajectories are the same to that order: at beta = 0.01 within 1e-3 of losses near 1
        assertTrue(symmetric[2] < 1e-3, Arrays.toString(symmetric));
    }

    @Test
    void frozenLayersStayBitIdenticalUnderEveryOptimizer() {
        Dataset[] d = TrainingData.digits();
        Dataset train = d[0].range(0, 320);
        ResidualNetwork net = new ResidualNetwork(TrainerTest.digitsNet());
        LayerBlocks layers = new LayerBlocks(net.layout());
        Parameters initial = net.initialize(42, DataType.FLOAT);
        MetricSettings layerFreezing = new MetricSettings(MetricSettings.Kind.LAYER, 1e-2, Map.of()).freezing(0, 2);
        MetricSettings fisherFreezing = new MetricSettings(MetricSettings.Kind.FISHER, 1e-2, Map.of())
                .freezing(1, net.depth() + 1);
        for (MetricSettings metric : new MetricSettings[] {layerFreezing, fisherFreezing}) {
            for (OptimizerKind kind : OptimizerKind.values()) {
                // weight decay is part of the gradient, so the metric freezes it too
                TrainingConfig config = TrainerTest.digitsConfig(1).withOptimizer(kind, kind == OptimizerKind.ADAM
                        ? 3e-3 : 0.05).withWeightDecay(1e-3).withMetric(metric);
                Parameters trained = new Trainer(net, config).fit(train, d[1]).parameters();
                for (int layer = 0; layer < layers.blockCount(); layer++) {
                    boolean frozen = metric.stiffness().containsKey(layer);
                    for (int t : layers.tensors(layer)) {
                        boolean same = Arrays.equals(initial.get(t).dup().data().asFloat(),
                                trained.get(t).dup().data().asFloat());
                        String what = metric.kind() + " " + kind + " " + net.layout().entry(t).name();
                        if (frozen) {
                            assertTrue(same, what + " moved");
                        } else {
                            assertFalse(same, what + " did not train");
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyMetricTrainsTheDigitsNet() {
        Dataset[] d = TrainingData.digits();
        TrainingConfig[] configs = {
            sgd(2, 0.1).withMetric(new MetricSettings(MetricSettings.Kind.LAYER, 1e-2, Map.of(0, 2.0))),
            sgd(2, 0.01).withMetric(new MetricSettings(MetricSettings.Kind.COGRADIENT, 1e-2, Map.of())),
            sgd(2, 0.1).withMetric(new MetricSettings(MetricSettings.Kind.FISHER, 1e-2, Map.of())),
        };
        for (TrainingConfig c : configs) {
            TrainingResult r = new Trainer(new ResidualNetwork(TrainerTest.digitsNet()), c).fit(d[0], d[1]);
            String what = c.metric() + ": " + r.epochs();
            assertTrue(r.last().trainLoss() < r.stepLosses()[0] / 4, what);
            assertTrue(r.last().testAccuracy() > 0.9, what);
        }
    }
}
