package org.diffeolens.flow;

/**
 * A partition of a control's coefficients into named blocks (a network's layers, the time steps of
 * a path), for metrics that act block by block: per-layer stiffness, freezing.
 */
public interface BlockStructure<C> {

    int blockCount();

    /** The block's name as a user gives it ("stem", "block0", "head"). */
    String blockName(int block);

    /**
     * The coefficients of one block of x := factor times them, in place. Factor 0 sets them to
     * exactly zero, whatever they held (also NaN or infinity).
     */
    void scaleBlock(C x, int block, double factor);
}
