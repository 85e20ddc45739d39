package org.diffeolens.registration;

import org.diffeolens.field.ScalarField;
import org.diffeolens.field.Transport;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;

/**
 * Stationary velocity fields (Arsigny et al. 2006; Vercauteren et al. 2009): phi_1 = exp(v), its
 * inverse exp(-v) by scaling and squaring, E(v) = 1/2 ||v||_V^2 + E_sim(I_0 o exp(-v)). The
 * gradient goes exactly through the squarings (the adjoint of each composition), so it is the
 * derivative of the discrete energy, not the usual approximation.
 */
public final class StationaryVelocity implements ControlledFlow<VectorField, StationaryVelocity.Trajectory> {

    /**
     * Scaling and squaring starts below this step, in voxels: the first-order error is its square.
     * Linear interpolation in the squarings, not this step, bounds the accuracy: 1/8 matches an RK4
     * flow to 0.007 voxel at 3 voxels of velocity (1/32: 0.005) with two squarings fewer, which are
     * 70% of an SVF evaluation (3D known-truth registration 46.5 s -> 40.3 s, same end-point error).
     */
    public static final double MAX_INITIAL_STEP_VOXELS = 1.0 / 8;
    /** At least this many squarings, so small fields are still integrated as flows. */
    public static final int MIN_SQUARINGS = 4;
    public static final int MAX_SQUARINGS = 24;

    /** The squarings of the inverse map and the energy terms. */
    public static final class Trajectory {
        final VectorField velocity;
        final double[][][] squarings; // p_0 = -v / 2^N .. p_N = exp(-v) - id
        final double[] warped;
        final Energy energy;

        Trajectory(VectorField velocity, double[][][] squarings, double[] warped, Energy energy) {
            this.velocity = velocity;
            this.squarings = squarings;
            this.warped = warped;
            this.energy = energy;
        }

        public VectorField inverseMap() {
            return new VectorField(velocity.grid(), squarings[squarings.length - 1]);
        }

        public ScalarField warped() {
            return new ScalarField(velocity.grid(), warped);
        }

        public Energy energy() {
            return energy;
        }
    }

    private final FlowContext ctx;
    private final VectorFieldSpace space;

    public StationaryVelocity(FlowContext context) {
        this.ctx = context;
        this.space = new VectorFieldSpace(context.parallel);
    }

    public FlowContext context() {
        return ctx;
    }

    /** Number of squarings N so that the initial step v / 2^N is below {@link #MAX_INITIAL_STEP_VOXELS}. */
    public static int squarings(VectorField v) {
        double m = v.maxNormInVoxels();
        int n = m <= 0 ? 0 : (int) Math.ceil(Math.log(m / MAX_INITIAL_STEP_VOXELS) / Math.log(2));
        return Math.min(MAX_SQUARINGS, Math.max(MIN_SQUARINGS, n));
    }

    /** exp(scale * v) - id by scaling and squaring with n squarings; all intermediate maps are returned. */
    static double[][][] exponentialSteps(Transport transport, VectorField v, double scale, int n) {
        int d = v.dim();
        int voxels = v.grid().voxelCount();
        double[][][] steps = new double[n + 1][][];
        steps[0] = new double[d][voxels];
        double s = scale / Math.pow(2, n);
        for (int c = 0; c < d; c++) {
            double[] src = v.component(c);
            for (int i = 0; i < voxels; i++) {
                steps[0][c][i] = s * src[i];
            }
        }
        for (int j = 0; j < n; j++) {
            steps[j + 1] = new double[d][voxels];
            transport.compose(steps[j], steps[j], steps[j + 1]);
        }
        return steps;
    }

    /**
     * Adjoint of {@link #exponentialSteps}: from bar = dE/dp_N, the covector dE/dp_0 on the first
     * step, each squaring p_{j+1} = p_j + p_j o (id + p_j) transposed in reverse. The caller applies
     * the chain rule of p_0 = scale v / 2^N.
     */
    static double[][] exponentialAdjoint(Transport transport, double[][][] steps, double[][] bar) {
        for (int j = steps.length - 2; j >= 0; j--) {
            double[][] prev = new double[bar.length][bar[0].length];
            transport.composeAdjoint(steps[j], steps[j], bar, prev, prev);
            bar = prev;
        }
        return bar;
    }

    /** The displacement of exp(scale * v) (scale = -1 gives the inverse). */
    public static VectorField exponential(VectorField v, double scale, org.diffeolens.concurrent.Parallel parallel) {
        Transport transport = new Transport(v.grid(), parallel);
        double[][][] steps = exponentialSteps(transport, v, scale, squarings(v));
        return new VectorField(v.grid(), steps[steps.length - 1]);
    }

    @Override
    public Trajectory forward(VectorField v) {
        double[][][] steps = exponentialSteps(ctx.transport, v, -1, squarings(v));
        double[] warped = ctx.warp(steps[steps.length - 1]);
        double[][] lv = ctx.zeros();
        ctx.kernel.applyL(v.components(), lv);
        double regularization = 0.5 * ctx.dot(lv, v.components());
        return new Trajectory(v, steps, warped, new Energy(regularization, ctx.similarity.value(warped)));
    }

    @Override
    public Energy energy(Trajectory t) {
        return t.energy;
    }

    @Override
    public VectorField gradient(Trajectory t) {
        int n = t.squarings.length - 1;
        double[][] bar = exponentialAdjoint(ctx.transport, t.squarings, ctx.terminalAdjoint(t.squarings[n], t.warped));
        double[][] lv = ctx.zeros();
        ctx.kernel.applyL(t.velocity.components(), lv);
        double s = -1 / Math.pow(2, n);
        for (int c = 0; c < ctx.dim; c++) {
            for (int i = 0; i < ctx.voxels; i++) {
                bar[c][i] = s * bar[c][i] + ctx.voxelVolume * lv[c][i];
            }
        }
        return new VectorField(ctx.grid, bar);
    }

    @Override
    public VectorSpace<VectorField> space() {
        return space;
    }
}
