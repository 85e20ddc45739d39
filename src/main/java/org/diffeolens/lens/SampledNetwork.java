package org.diffeolens.lens;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A network at parameters theta (in double precision) over a data sample, with the workspace its
 * sweeps run in: what the Fisher and Hessian operators share.
 */
record SampledNetwork(ResidualNetwork network, Parameters at, SampleBatches sample, Workspace workspace) {

    static SampledNetwork of(ResidualNetwork network, Parameters at, Dataset data, int batchSize, Parallel parallel) {
        requireFits(network, at);
        return new SampledNetwork(network, at.castTo(DataType.DOUBLE), SampleBatches.of(data, batchSize),
                new Workspace(parallel));
    }

    /** The same sample and workspace at other parameters. */
    SampledNetwork at(Parameters other) {
        requireFits(network, other);
        return new SampledNetwork(network, other.castTo(DataType.DOUBLE), sample, workspace);
    }

    private static void requireFits(ResidualNetwork network, Parameters p) {
        if (!p.layout().equals(network.layout())) {
            throw new IllegalArgumentException("parameters " + p.layout() + " do not fit " + network.spec());
        }
    }
}
