package org.diffeolens.registration;

import java.util.Arrays;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.BlockSpace;

/**
 * A time-varying velocity v_k, k = 0..T-1, piecewise constant on [k/T, (k+1)/T): the control of
 * LDDMM (Beg et al. 2005). The time steps of a path play the part that layers play in a network.
 */
public final class VelocityPath {

    private final VectorField[] steps;

    public VelocityPath(VectorField[] steps) {
        if (steps.length < 1) {
            throw new IllegalArgumentException("a velocity path needs at least one time step");
        }
        this.steps = steps.clone();
    }

    public static VelocityPath zeros(Grid grid, int timeSteps) {
        VectorField[] v = new VectorField[timeSteps];
        for (int k = 0; k < timeSteps; k++) {
            v[k] = VectorField.zeros(grid);
        }
        return new VelocityPath(v);
    }

    public int timeSteps() {
        return steps.length;
    }

    public VectorField step(int k) {
        return steps[k];
    }

    public Grid grid() {
        return steps[0].grid();
    }

    public VelocityPath copy() {
        VectorField[] c = new VectorField[steps.length];
        for (int k = 0; k < c.length; k++) {
            c[k] = steps[k].copy();
        }
        return new VelocityPath(c);
    }

    /** The vector space of paths: blocks are every component of every step, in order. */
    public static final class Space extends BlockSpace<VelocityPath> {

        public Space(Parallel parallel) {
            super(parallel);
        }

        @Override
        protected double[][] blocks(VelocityPath x) {
            int d = x.grid().dim();
            double[][] b = new double[x.timeSteps() * d][];
            for (int k = 0; k < x.timeSteps(); k++) {
                for (int c = 0; c < d; c++) {
                    b[k * d + c] = x.step(k).component(c);
                }
            }
            return b;
        }

        @Override
        protected VelocityPath wrap(VelocityPath like, double[][] blocks) {
            int d = like.grid().dim();
            VectorField[] v = new VectorField[like.timeSteps()];
            for (int k = 0; k < v.length; k++) {
                v[k] = new VectorField(like.grid(), Arrays.copyOfRange(blocks, k * d, (k + 1) * d));
            }
            return new VelocityPath(v);
        }
    }
}
