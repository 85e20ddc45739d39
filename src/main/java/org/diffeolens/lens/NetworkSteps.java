package org.diffeolens.lens;

import org.diffeolens.nn.ParameterLayout;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;

/**
 * The residual blocks of a network as the lens's steps: block k is the time step
 * x_{k+1} = x_k + h f(x_k, W_k), and its tensors (block k's kernel or weight, gain and shift or
 * bias) are the step's control. Stem and head are not steps of the flow.
 */
public final class NetworkSteps implements Stepwise<Parameters> {

    private final ResidualNetwork network;

    public NetworkSteps(ResidualNetwork network) {
        this.network = network;
    }

    @Override
    public int steps(Parameters control) {
        return network.depth();
    }

    @Override
    public Parameters withStep(Parameters control, int k, Parameters source) {
        if (k < 0 || k >= network.depth()) {
            throw new IllegalArgumentException("block " + k + " is outside 0.." + (network.depth() - 1));
        }
        Parameters out = control.copy();
        String prefix = "block" + k + ".";
        for (ParameterLayout.Entry e : network.layout().entries()) {
            if (e.name().startsWith(prefix)) {
                out.get(e.name()).assign(source.get(e.name()));
            }
        }
        return out;
    }
}
