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
        private final Lddmm flow;
        final VelocityPath path;
        private double[][][] maps;
        private RecycledFields.Slot storage;
        final double[] warped;
        final Energy energy;

        private Trajectory(Lddmm flow, VelocityPath path, double[][][] maps, RecycledFields.Slot storage,
                           double[] warped, Energy energy) {
            this.flow = flow;
            this.path = path;
            this.maps = maps;
            this.storage = storage;
            this.warped = warped;
            this.energy = energy;
        }

        /**
         * The maps p_0 (null) .. p_T, integrated again if their storage went to a later forward pass
         * (the flow recycles it two passes later).
         */
        double[][][] maps() {
            if (storage != null && storage.owner != this) {
                double[][][] own = new double[maps.length][][];
                for (int k = 1; k < own.length; k++) {
                    own[k] = flow.ctx.zeros();
                }
                flow.integrate(path, own);
                maps = own;
                storage = null;
            }
            return maps;
        }

        public VectorField inverseMap() {
            double[][] last = maps()[maps.length - 1];
            double[][] copy = new double[last.length][];
            for (int c = 0; c < last.length; c++) {
                copy[c] = last[c].clone();
            }
            return new VectorField(path.grid(), copy);
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
    /** The maps' fields, recycled two forward passes later. */
    private final RecycledFields storage;
    /** L v, kept between passes. */
    private double[][] lv;
    private final ReverseSweep sweep;

    public Lddmm(FlowContext context) {
        this.ctx = context;
        this.space = new VelocityPath.Space(context.parallel);
        this.storage = new RecycledFields(context);
        this.sweep = new ReverseSweep(context);
    }

    public FlowContext context() {
        return ctx;
    }

    @Override
    public Trajectory forward(VelocityPath path) {
        RecycledFields.Slot fields = storage.next();
        fields.owner = null; // the trajectory two passes back no longer owns these fields
        // the trajectory keeps its own copy: a caller may change the path in place afterwards
        VelocityPath own = space.copy(path);
        double[][][] maps = fields.fields(1, own.timeSteps());
        double regularization = integrate(own, maps);
        double[] warped = ctx.warp(maps[maps.length - 1]);
        Trajectory t = new Trajectory(this, own, maps, fields, warped,
                new Energy(regularization, ctx.similarity.value(warped)));
        fields.owner = t;
        return t;
    }

    /** Fills maps[1..T] along the path (maps[0] is the identity, null); returns the kinetic energy. */
    private double integrate(VelocityPath path, double[][][] maps) {
        int t = path.timeSteps();
        double dt = 1.0 / t;
        double regularization = 0;
        for (int k = 0; k < t; k++) {
            double[][] v = path.step(k).components();
            regularization += 0.5 * dt * ctx.dot(applyL(v), v);
            ctx.transport.advectMap(maps[k], v, dt, maps[k + 1]);
        }
        return regularization;
    }

    /** L v into the kept buffer. */
    private double[][] applyL(double[][] v) {
        if (lv == null) {
            lv = ctx.zeros();
        }
        ctx.kernel.applyL(v, lv);
        return lv;
    }

    @Override
    public Energy energy(Trajectory trajectory) {
        return trajectory.energy;
    }

    @Override
    public VelocityPath gradient(Trajectory tr) {
        int t = tr.path.timeSteps();
        double dt = 1.0 / t;
        double[][][] maps = tr.maps();
        VectorField[] grad = new VectorField[t];
        double[][] pBar = sweep.start(maps[t], tr.warped);
        double[][] spare = sweep.spare();
        double w = dt * ctx.voxelVolume;
        for (int k = t - 1; k >= 0; k--) {
            double[][] v = tr.path.step(k).components();
            double[][] vBar = ctx.zeros();
            double[][] pBarK = maps[k] == null ? null : spare;
            if (pBarK != null) {
                ctx.clear(pBarK);
            }
            ctx.transport.advectMapAdjoint(maps[k], v, dt, pBar, pBarK, vBar);
            double[][] l = applyL(v);
            ctx.parallel.range(ctx.voxels, (a, b) -> {
                for (int c = 0; c < vBar.length; c++) {
                    double[] vb = vBar[c];
                    double[] lc = l[c];
                    for (int i = a; i < b; i++) {
                        vb[i] += w * lc[i];
                    }
                }
            });
            grad[k] = new VectorField(ctx.grid, vBar);
            spare = pBar;
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
