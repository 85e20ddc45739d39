package org.diffeolens.nn;

import org.diffeolens.flow.GradientEstimator;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A classifier that the {@link Trainer} drives: its architecture, seeded initial parameters, its
 * flow on one mini-batch (the {@code ControlledFlow} the Minimizer steps) and its score on a data
 * set. A residual network and a layered Hopfield network are both this.
 */
public interface Classifier {

    Architecture architecture();

    default ParameterLayout layout() {
        return architecture().layout();
    }

    /** Per-sample input shape {height, width, channels}. */
    default int[] inputShape() {
        return architecture().inputShape();
    }

    default int classes() {
        return architecture().classes();
    }

    Parameters initialize(long seed, DataType type);

    /** The network on one mini-batch as a controlled flow, with weight decay lambda. */
    ControlledFlow<Parameters, ?> on(Batch batch, double weightDecay, Workspace workspace);

    /** Loss (the flow's data term) and accuracy on a data set, in batches. */
    Score score(Parameters w, Dataset data, int batchSize, Workspace workspace);

    /** One line per layer. */
    String describe();

    /** The gradient estimator the settings name, for this network (equilibrium propagation relaxes with its defaults). */
    default GradientEstimator<Parameters> estimator(GradientSettings settings) {
        return settings.newEstimator();
    }
}
