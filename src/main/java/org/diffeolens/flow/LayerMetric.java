package org.diffeolens.flow;

import java.util.Arrays;

/**
 * Paper 004's layer metric (eqs. 7-10): dW^[i] = -eta g^[ij] dL/dW^[j] with a metric that is
 * block diagonal over the layers, g_[ij] = s_i delta_ij: each layer has a stiffness s_i > 0, its
 * update is the covector divided by s_i. A stiffness of +infinity (g^[ii] = 0) freezes the layer:
 * its update is exactly zero, so the optimizers of flow/ (plain, heavy ball, Adam: all move by
 * multiples of past updates) leave its coefficients bit-identical; weight decay, being part of the
 * energy's gradient, is raised by the same metric and frozen with it.
 * <p>Within the blocks a second metric may act (its blocks must be the same, or finer, so the two
 * commute and the product stays symmetric): the identity, a {@link DiagonalMetric} (the paper's
 * co-gradient metric with a damped diagonal curvature, section 3.6), or a block Fisher metric.
 */
public final class LayerMetric<C> implements Metric<C> {

    private final BlockStructure<C> blocks;
    private final double[] stiffness;
    private final Metric<C> within;

    /**
     * @param blocks    the layers
     * @param stiffness one per block, in (0, +infinity]; +infinity freezes the block
     * @param within    the metric inside the blocks (e.g. {@link Metric#identity})
     */
    public LayerMetric(BlockStructure<C> blocks, double[] stiffness, Metric<C> within) {
        if (stiffness.length != blocks.blockCount()) {
            throw new IllegalArgumentException("one stiffness per layer is needed (" + blocks.blockCount()
                    + "), got " + stiffness.length);
        }
        for (int b = 0; b < stiffness.length; b++) {
            if (!(stiffness[b] > 0)) {
                throw new IllegalArgumentException("stiffness of layer " + blocks.blockName(b)
                        + " must be > 0 (infinity freezes it), got " + stiffness[b]);
            }
        }
        this.blocks = blocks;
        this.stiffness = stiffness.clone();
        this.within = within;
    }

    public double[] stiffness() {
        return stiffness.clone();
    }

    /** True when the layer's update is always zero. */
    public boolean frozen(int block) {
        return stiffness[block] == Double.POSITIVE_INFINITY;
    }

    @Override
    public void observe(ControlledFlow<C, ?> flow) {
        within.observe(flow);
    }

    @Override
    public C sharp(C covector, C at) {
        C update = within.sharp(covector, at);
        for (int b = 0; b < stiffness.length; b++) {
            if (stiffness[b] != 1) {
                // g^[bb] = 1 / s_b; 1 / infinity = 0 exactly
                blocks.scaleBlock(update, b, 1 / stiffness[b]);
            }
        }
        return update;
    }

    @Override
    public String toString() {
        return "layer metric, stiffness " + Arrays.toString(stiffness) + " over " + within;
    }
}
