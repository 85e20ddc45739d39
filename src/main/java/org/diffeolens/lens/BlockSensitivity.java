package org.diffeolens.lens;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Score;
import org.diffeolens.nn.Trainer;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Zhang, Bengio and Singer's two probes of a trained residual network, block by block, through
 * {@link StepSensitivity}: re-initialization (block k back to its weights at step 0, which the
 * training seed gives) and re-randomization (block k drawn afresh from the initial distribution),
 * each scored by the test loss and accuracy. A block whose re-initialization costs nothing is
 * "robust"; one whose reset destroys the accuracy is "critical".
 */
public final class BlockSensitivity {

    /** Seed offset of the re-randomized draw (any seed other than the run's gives a fresh draw). */
    static final long RERANDOMIZE = 0x5DEECE66DL;

    private BlockSensitivity() {
    }

    /** Scores of the trained network and of each probe; indices of the score arrays: 0 loss, 1 accuracy. */
    public record Report(double loss, double accuracy, StepSensitivity.Result reinitialized,
                         StepSensitivity.Result rerandomized, int testSamples) {
    }

    public static Report of(ResidualNetwork network, Parameters trained, long seed, Dataset test, int batchSize,
                            Parallel parallel) {
        Workspace workspace = new Workspace(parallel);
        Parameters w = trained.castTo(DataType.FLOAT);
        NetworkSteps steps = new NetworkSteps(network);
        java.util.function.Function<Parameters, double[]> scores = c -> {
            Score s = network.score(c, test, batchSize, workspace);
            return new double[] {s.loss(), s.accuracy()};
        };
        StepSensitivity.Result init = StepSensitivity.of(steps, w, network.initialize(seed, DataType.FLOAT), scores);
        StepSensitivity.Result rand = StepSensitivity.of(steps, w, network.initialize(seed ^ RERANDOMIZE,
                DataType.FLOAT), scores);
        return new Report(init.base()[0], init.base()[1], init, rand, test.size());
    }
}
