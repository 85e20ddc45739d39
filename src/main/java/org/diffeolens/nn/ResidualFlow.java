package org.diffeolens.nn;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.nn.data.Batch;

/**
 * A residual network on one mini-batch as a controlled flow: the control is the network's
 * parameters, the trajectory its forward pass, the energy weight decay (regularization) plus the
 * mean cross-entropy (data), the gradient the adjoint sweep. The Minimizer trains through this.
 */
public final class ResidualFlow implements ControlledFlow<Parameters, Trajectory> {

    private final ResidualNetwork network;
    private final Batch batch;
    private final double weightDecay;
    private final Workspace workspace;

    ResidualFlow(ResidualNetwork network, Batch batch, double weightDecay, Workspace workspace) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        this.network = network;
        this.batch = batch;
        this.weightDecay = weightDecay;
        this.workspace = workspace;
    }

    public ResidualNetwork network() {
        return network;
    }

    public Batch batch() {
        return batch;
    }

    @Override
    public Trajectory forward(Parameters control) {
        return network.forward(control, batch, weightDecay, workspace);
    }

    @Override
    public Energy energy(Trajectory trajectory) {
        return new Energy(trajectory.regularization(), trajectory.loss());
    }

    @Override
    public Parameters gradient(Trajectory trajectory) {
        return network.gradient(trajectory, weightDecay, workspace);
    }

    @Override
    public VectorSpace<Parameters> space() {
        return ParameterSpace.INSTANCE;
    }
}
