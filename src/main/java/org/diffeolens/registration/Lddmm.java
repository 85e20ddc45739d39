package org.diffeolens.registration;

import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.kernel.Kernel;

/**
 * LDDMM with a time-varying velocity (Beg et al. 2005): the control is v_0..v_{T-1}, the inverse
 * map is carried by psi_{k+1} = psi_k o (id - dt v_k), and
 * E(v) = sum_k dt/2 ||v_k||_V^2 + E_sim(I_0 o psi_T). The gradient covector on v_k is
 * dt vol L v_k plus the reverse sweep of the map updates (the similarity's covector transported
 * back along the flow); under {@link KernelMetric#forPath} it becomes Beg's v_k - K(b_k).
 */
public final class Lddmm implements ControlledFlow<VelocityPath, Lddmm.Trajectory> {

    /** The maps of every step and the energy terms. */
    public static final class Trajectory {
        final VelocityPath path;
        final double[][][] maps;
        final double[] warped;
        final Energy energy;

        Trajectory(VelocityPath path, double[][][] maps, double[] warped, Energy energy) {
            this.path = path;
            this.maps = maps;
            this.warped = warped;
            this.energy = energy;
        }

        public VectorField inverseMap() {
            return new VectorField(path.grid(), maps[maps.length - 1]);
        }

        public ScalarField warped() {
            return new ScalarField(path.grid(), warped);
        }

        public Energy energy() {
            return energy;
        }
    }

    private final FlowContext ctx;
    private final VelocityPath.Space space;

    public Lddmm(FlowContext context) {
        this.ctx = context;
        this.space = new VelocityPath.Space(context.parallel);
    }

    public FlowContext context() {
        return ctx;
    }

    @Override
    public Trajectory forward(VelocityPath path) {
        int t = path.timeSteps();
        double dt = 1.0 / t;
        double[][][] maps = new double[t + 1][][];
        double regularization = 0;
        double[][] lv = ctx.zeros();
        for (int k = 0; k < t; k++) {
            double[][] v = path.step(k).components();
            ctx.kernel.applyL(v, lv);
            regularization += 0.5 * dt * ctx.dot(lv, v);
            maps[k + 1] = ctx.zeros();
            ctx.transport.advectMap(maps[k], v, dt, maps[k + 1]);
        }
        double[] warped = ctx.warp(maps[t]);
        return new Trajectory(path, maps, warped, new Energy(regularization, ctx.similarity.value(warped)));
    }

    @Override
    public Energy energy(Trajectory trajectory) {
        return trajectory.energy;
    }

    @Override
    public VelocityPath gradient(Trajectory tr) {
        int t = tr.path.timeSteps();
        double dt = 1.0 / t;
        VectorField[] grad = new VectorField[t];
        double[][] pBar = ctx.terminalAdjoint(tr.maps[t], tr.warped);
        for (int k = t - 1; k >= 0; k--) {
            double[][] v = tr.path.step(k).components();
            double[][] vBar = ctx.zeros();
            double[][] pBarK = tr.maps[k] == null ? null : ctx.zeros();
            ctx.transport.advectMapAdjoint(tr.maps[k], v, dt, pBar, pBarK, vBar);
            double[][] lv = ctx.zeros();
            ctx.kernel.applyL(v, lv);
            double w = dt * ctx.voxelVolume;
            for (int c = 0; c < ctx.dim; c++) {
                for (int i = 0; i < ctx.voxels; i++) {
                    vBar[c][i] += w * lv[c][i];
                }
            }
            grad[k] = new VectorField(ctx.grid, vBar);
            pBar = pBarK;
        }
        return new VelocityPath(grad);
    }

    @Override
    public VectorSpace<VelocityPath> space() {
        return space;
    }

    /**
     * The same path re-timed to constant speed ||v||_V (Beg's final step): its energy becomes
     * length^2 / 2, so sqrt(2 E_reg) is the path's length, the geodesic distance when the path is a
     * geodesic. Velocities between steps are interpolated linearly in time and rescaled by
     * dt_old/dt_new; the end map changes only by the time discretization.
     */
    public static VelocityPath constantSpeed(VelocityPath path, Kernel kernel) {
        int t = path.timeSteps();
        double[] speed = new double[t];
        double[] arc = new double[t + 1];
        for (int k = 0; k < t; k++) {
            speed[k] = Math.sqrt(Math.max(0, kernel.normSquared(path.step(k))));
            arc[k + 1] = arc[k] + speed[k] / t;
        }
        double length = arc[t];
        if (!(length > 0)) {
            return path.copy();
        }
        VectorField[] out = new VectorField[t];
        for (int j = 0; j < t; j++) {
            // the new step j covers arc length [j, j+1] L / T; take the old time at its midpoint
            double s = (j + 0.5) * length / t;
            int k = 0;
            while (k < t - 1 && arc[k + 1] < s) {
                k++;
            }
            double scale = speed[k] > 0 ? length / speed[k] : 0;
            VectorField v = path.step(k).copy();
            for (double[] c : v.components()) {
                for (int i = 0; i < c.length; i++) {
                    c[i] *= scale;
                }
            }
            out[j] = v;
        }
        return new VelocityPath(out);
    }
}
