package org.diffeolens.nn.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.diffeolens.Tolerances;
import org.junit.jupiter.api.Test;

/** The depth experiment on scikit-learn's diabetes table (real data, fetched by test-data/fetch-datasets.sh). */
class AccelerationExperimentTest {

    @Test
    void factorsAndTheEndToEndMetricTrainTheSameRegressionOnDiabetes() throws Exception {
        LpRegression l4 = RegressionData.diabetes(Tolerances.testData("datasets/sklearn"), 4);
        assertEquals(442, l4.samples());
        assertEquals(10, l4.inputs());
        List<AccelerationExperiment.Run> runs = AccelerationExperiment.run(l4, 300, 1);
        for (int depth = 2; depth <= 3; depth++) {
            AccelerationExperiment.Run factors = find(runs, depth, "factors");
            AccelerationExperiment.Run metric = find(runs, depth, "end-to-end");
            assertEquals(factors.learningRate(), metric.learningRate(), "the grid picks the same rate for both");
            // the two runs follow one gradient flow; per-step differences are O(eta^2)
            for (int k = 0; k < factors.loss().length; k += 30) {
                assertEquals(factors.loss()[k], metric.loss()[k], 1e-2 * factors.loss()[k], "iteration " + k);
            }
        }
        for (AccelerationExperiment.Run r : runs) {
            assertTrue(r.finalLoss() < r.loss()[0], r.name() + " descends");
        }
    }

    private static AccelerationExperiment.Run find(List<AccelerationExperiment.Run> runs, int depth, String method) {
        return runs.stream().filter(r -> r.depth() == depth && r.method().equals(method)).findFirst().orElseThrow();
    }
}
