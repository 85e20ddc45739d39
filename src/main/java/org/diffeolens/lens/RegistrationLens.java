package org.diffeolens.lens;

import java.util.ArrayList;
import java.util.List;
import org.diffeolens.field.Differential;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Minimizer;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.kernel.Kernel;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.GeodesicShooting;
import org.diffeolens.registration.Lddmm;
import org.diffeolens.registration.RegistrationListener;
import org.diffeolens.registration.ShootingEnergyForm;
import org.diffeolens.registration.StationaryVelocity;
import org.diffeolens.registration.VelocityPath;

/**
 * Rides along a registration and records, for every level of the diffeomorphic stage, the geometry
 * of the optimization's path in control space under the method's own metric: the V-norm of the
 * velocity a momentum generates (shooting), of the velocity (SVF) or of the path (LDDMM, with its
 * dt weights). For shooting from zero momentum, the distance from the start is the geodesic
 * distance the registration reports, sqrt(2 E_reg).
 */
public final class RegistrationLens implements RegistrationListener {

    /** What one level's trajectory looked like. */
    public record LevelTrajectory(String stage, int level, int[] size, double pathLength, double pathEnergy,
                                  double distanceFromStart, double[] pathLengths, double[] distances,
                                  double[] pathEnergies, double[] kineticEnergy) {
    }

    private final List<LevelTrajectory> levels = new ArrayList<>();
    private final List<Runnable> pending = new ArrayList<>();

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void onMinimizer(String stage, int level, FlowContext context, Minimizer<?> minimizer,
                            ControlledFlow<?, ?> flow) {
        flush();
        if (context == null) {
            return; // the affine stage: parameters of mixed units, no V-metric
        }
        ControlNorm norm = normFor(flow, context);
        if (norm == null) {
            return;
        }
        TrajectoryRecorder recorder = new TrajectoryRecorder((VectorSpace) flow.space(), norm);
        ((Minimizer) minimizer).addListener(recorder);
        int[] size = context.grid().size();
        pending.add(() -> levels.add(new LevelTrajectory(stage, level, size, recorder.pathLength(),
                recorder.pathEnergy(), recorder.distanceFromStart(), recorder.pathLengths(), recorder.distances(),
                recorder.pathEnergies(), kinetic(flow, context, recorder.last()))));
    }

    /** The trajectories recorded so far, level by level. */
    public List<LevelTrajectory> levels() {
        flush();
        return List.copyOf(levels);
    }

    private void flush() {
        pending.forEach(Runnable::run);
        pending.clear();
    }

    /** The method's metric on changes of its control, or null for controls without one. */
    static ControlNorm<?> normFor(ControlledFlow<?, ?> flow, FlowContext ctx) {
        Kernel k = ctx.kernel();
        // with --gradient ep the minimizer runs the shooting's energy form: the same control and metric
        if (flow instanceof GeodesicShooting || flow instanceof ShootingEnergyForm) {
            return momentumNorm(ctx);
        }
        if (flow instanceof StationaryVelocity) {
            return (ControlNorm<VectorField>) k::normSquared;
        }
        if (flow instanceof Lddmm) {
            return (ControlNorm<VelocityPath>) path -> {
                double s = 0;
                for (int i = 0; i < path.timeSteps(); i++) {
                    s += k.normSquared(path.step(i)) / path.timeSteps();
                }
                return s;
            };
        }
        return null;
    }

    /** ||K(dP grad I_0)||_V^2 = &lt;dP grad I_0, K(dP grad I_0)&gt;: the metric momenta inherit from V. */
    public static ControlNorm<ScalarField> momentumNorm(FlowContext ctx) {
        VectorField grad = new Differential(ctx.grid(), ctx.parallel()).gradient(ctx.source());
        Kernel k = ctx.kernel();
        return dp -> {
            VectorField m = VectorField.zeros(dp.grid());
            for (int c = 0; c < m.dim(); c++) {
                double[] g = grad.component(c);
                double[] out = m.component(c);
                for (int i = 0; i < out.length; i++) {
                    out[i] = dp.data()[i] * g[i];
                }
            }
            return k.dualNormSquared(m);
        };
    }

    /**
     * ||v_k||_V^2 at each time step of a deformation path: the kinetic energy whose time mean
     * int_0^1 ||v_t||_V^2 dt is the path's energy. Along a geodesic (EPDiff conserves ||v_t||_V) it is
     * constant and the energy is the squared geodesic distance, 2 E_reg = ||v_0||_V^2.
     */
    public static double[] kineticEnergies(GeodesicShooting.Trajectory t, Kernel k) {
        double[] e = new double[t.timeSteps()];
        for (int i = 0; i < e.length; i++) {
            e[i] = k.normSquared(t.velocity(i));
        }
        return e;
    }

    /**
     * The kinetic energy along the deformation path of a level's final control: shot again for
     * shooting (one more forward pass), the path's own velocities for LDDMM; null for SVF (a
     * stationary velocity: constant by construction) and when nothing was recorded.
     */
    static double[] kinetic(ControlledFlow<?, ?> flow, FlowContext ctx, Object control) {
        if (control instanceof ScalarField p0 && flow instanceof GeodesicShooting shooting) {
            return kineticEnergies(shooting.forward(p0), ctx.kernel());
        }
        if (control instanceof ScalarField p0 && flow instanceof ShootingEnergyForm form) {
            return kineticEnergies(form.forward(p0), ctx.kernel());
        }
        if (control instanceof VelocityPath path && flow instanceof Lddmm) {
            return kineticEnergies(path, ctx.kernel());
        }
        return null;
    }

    /** The same for the velocities of an LDDMM path. */
    public static double[] kineticEnergies(VelocityPath path, Kernel k) {
        double[] e = new double[path.timeSteps()];
        for (int i = 0; i < e.length; i++) {
            e[i] = k.normSquared(path.step(i));
        }
        return e;
    }

    /** int_0^1 ||v_t||_V^2 dt by the rectangle rule over the time steps (the integrators' own). */
    public static double pathEnergy(double[] kinetic) {
        double s = 0;
        for (double e : kinetic) {
            s += e / kinetic.length;
        }
        return s;
    }

    /** The trajectories as the "trajectory" section of summary.json. */
    public org.diffeolens.io.Json toJson() {
        List<org.diffeolens.io.Json> rows = new ArrayList<>();
        for (LevelTrajectory t : levels()) {
            rows.add(new org.diffeolens.io.Json().put("stage", t.stage()).put("level", t.level()).put("size", t.size())
                    .put("pathLength", t.pathLength()).put("pathEnergy", t.pathEnergy())
                    .put("distanceFromStart", t.distanceFromStart()).put("pathLengths", t.pathLengths())
                    .put("distances", t.distances()).put("pathEnergies", t.pathEnergies())
                    .put("kineticEnergy", t.kineticEnergy())
                    .put("deformationPathEnergy", t.kineticEnergy() == null ? Double.NaN : pathEnergy(t.kineticEnergy())));
        }
        return new org.diffeolens.io.Json().put("metric", "V-norm of the velocity (momentum: of the velocity it "
                + "generates; path: time integral)").put("levels", rows);
    }
}
