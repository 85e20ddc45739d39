package org.diffeolens.lens;

import org.diffeolens.field.VectorField;
import org.diffeolens.registration.VelocityPath;

/** The time steps of an LDDMM velocity path as the lens's steps (the layers of a registration). */
public final class PathSteps implements Stepwise<VelocityPath> {

    @Override
    public int steps(VelocityPath path) {
        return path.timeSteps();
    }

    @Override
    public VelocityPath withStep(VelocityPath path, int k, VelocityPath source) {
        VectorField[] v = new VectorField[path.timeSteps()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i == k ? source.step(i).copy() : path.step(i).copy();
        }
        return new VelocityPath(v);
    }
}
