package org.diffeolens.nn.hopfield;

import org.diffeolens.nn.Parameters;

/**
 * The forward pass of a Hopfield network: the free equilibrium s* of its control on a mini-batch
 * (layers "s1".."s{L+1}", the last the output y) and how the relaxation ended.
 */
public record Equilibrium(Parameters control, Parameters state, HopfieldFlow.Sweeps relaxation) {

    /** The output layer y [B, classes]. */
    public org.nd4j.linalg.api.ndarray.INDArray outputs() {
        return state.get(state.layout().size() - 1);
    }
}
