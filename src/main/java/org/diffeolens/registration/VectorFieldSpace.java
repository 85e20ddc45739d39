package org.diffeolens.registration;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.BlockSpace;

/** Stationary velocity fields as optimizer controls: one block per component. */
public final class VectorFieldSpace extends BlockSpace<VectorField> {

    public VectorFieldSpace(Parallel parallel) {
        super(parallel);
    }

    @Override
    protected double[][] blocks(VectorField x) {
        return x.components();
    }

    @Override
    protected VectorField wrap(VectorField like, double[][] blocks) {
        return new VectorField(like.grid(), blocks);
    }
}
