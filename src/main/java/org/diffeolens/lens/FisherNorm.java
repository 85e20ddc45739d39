package org.diffeolens.lens;

import org.diffeolens.nn.Parameters;

/**
 * The Fisher metric as a norm on changes of a network's weights: ||d||^2 = d^T F(theta) d, the
 * second-order term of the KL divergence between the predictive distributions at theta and
 * theta + d (paper 002, eq. 1: D_KL ~ 1/2 g_{mu nu} d theta^mu d theta^nu). Taken at the point the
 * trajectory recorder passes, or at the base point of the given operator.
 */
public final class FisherNorm implements ControlNorm<Parameters> {

    private final NetworkFisher fisher;

    public FisherNorm(NetworkFisher fisher) {
        this.fisher = fisher;
    }

    @Override
    public double squared(Parameters delta) {
        return fisher.quadratic(delta);
    }

    @Override
    public double squared(Parameters delta, Parameters at) {
        return fisher.at(at).quadratic(delta);
    }
}
