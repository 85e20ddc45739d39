package org.diffeolens.registration;

/**
 * The data term E_sim(warped; fixed) of a registration, on the fixed image's grid, with its
 * derivative: the covector dE_sim/d warped_i for every voxel i (the voxel volume included), which
 * starts every adjoint sweep. Implementations hold scratch buffers: one instance per grid.
 */
public interface Similarity {

    /** E_sim of the warped image. */
    double value(double[] warped);

    /** E_sim, and dE_sim/d warped written into gradient (overwritten). */
    double valueAndGradient(double[] warped, double[] gradient);

    /** Name and parameters, as the summary records them (e.g. "ssd(sigma=0.05)"). */
    String describe();
}
