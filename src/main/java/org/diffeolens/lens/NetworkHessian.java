package org.diffeolens.lens;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Trajectory;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The Hessian of a residual classifier's training energy (mean cross-entropy over a data sample
 * plus weight decay) at theta, as a matrix-free operator: H v by the second-order adjoint
 * ({@link ResidualNetwork#hessianVector}: the tangent sweep along v, then the adjoint sweep with
 * its tangent), batch by batch. No step size: exact up to double round-off for smooth (tanh)
 * networks; for ReLU networks the Hessian almost everywhere, with each unit's mask fixed (the
 * second derivative of max(0, u) is 0 off its kink). A difference of gradients would instead pick up
 * the jump of the gradient at every kink inside [theta - eps v, theta + eps v] over 2 eps, which on a
 * trained ReLU net dominates and is not symmetric (measured on the Fashion-MNIST net: u^T H v and
 * v^T H u 30 % apart).
 */
public final class NetworkHessian implements SymmetricOperator<Parameters> {

    private final ResidualNetwork network;
    private final Parameters at;
    private final SampleBatches sample;
    private final double weightDecay;
    private final Workspace workspace;

    public NetworkHessian(ResidualNetwork network, Parameters at, Dataset data, double weightDecay, int batchSize,
                          Parallel parallel) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        SampledNetwork s = SampledNetwork.of(network, at, data, batchSize, parallel);
        this.network = network;
        this.at = s.at();
        this.sample = s.sample();
        this.weightDecay = weightDecay;
        this.workspace = s.workspace();
    }

    public Parameters at() {
        return at;
    }

    /** The energy over the sample: mean cross-entropy + lambda/2 ||W||^2. */
    public double energy(Parameters w) {
        double loss = 0;
        for (Batch b : sample.batches()) {
            loss += network.forward(w, b, 0, workspace).loss() * b.size();
        }
        return loss / sample.size() + network.regularization(w, weightDecay);
    }

    /** grad E by the adjoint sweep, batch gradients weighted by their share of the sample. */
    public Parameters gradient(Parameters w) {
        Parameters sum = Parameters.zeros(network.layout(), DataType.DOUBLE);
        for (Batch b : sample.batches()) {
            Trajectory t = network.forward(w, b, weightDecay, workspace);
            sum.flat().addi(network.gradient(t, weightDecay, workspace).flat().muli((double) b.size() / sample.size()));
        }
        return sum;
    }

    /** H v, batch Hessians weighted by their share of the sample (weight decay's lambda v once). */
    @Override
    public Parameters apply(Parameters v) {
        Parameters sum = Parameters.zeros(network.layout(), DataType.DOUBLE);
        for (Batch b : sample.batches()) {
            Trajectory t = network.forward(at, b, weightDecay, workspace);
            sum.flat().addi(network.hessianVector(t, v, weightDecay, workspace).flat()
                    .muli((double) b.size() / sample.size()));
        }
        return sum;
    }
}
