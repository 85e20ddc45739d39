package org.diffeolens.registration;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.ScalarField;
import org.diffeolens.flow.BlockSpace;

/** Momentum images as optimizer controls: one block, the field's array. */
public final class ScalarFieldSpace extends BlockSpace<ScalarField> {

    public ScalarFieldSpace(Parallel parallel) {
        super(parallel);
    }

    @Override
    protected double[][] blocks(ScalarField x) {
        return new double[][] {x.data()};
    }

    @Override
    protected ScalarField wrap(ScalarField like, double[][] blocks) {
        return new ScalarField(like.grid(), blocks[0]);
    }
}
