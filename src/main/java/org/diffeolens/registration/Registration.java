package org.diffeolens.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.AffineTransform;
import org.diffeolens.field.Border;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Displacements;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Intensities;
import org.diffeolens.field.Pyramid;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.Resampler.Interpolation;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.Transport;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.CachingFlow;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.GradientEstimator;
import org.diffeolens.flow.Iteration;
import org.diffeolens.flow.LBfgs;
import org.diffeolens.flow.Metric;
import org.diffeolens.flow.MinimizationResult;
import org.diffeolens.flow.Minimizer;
import org.diffeolens.flow.MinimizerListener;
import org.diffeolens.flow.StoppingRule;
import org.diffeolens.kernel.Kernel;
import org.diffeolens.kernel.Kernels;

/**
 * The library's front door for image pairs: affine pre-alignment, then the chosen diffeomorphic
 * method over a pyramid, every stage through the one {@link Minimizer}, and the outputs of
 * {@link RegistrationResult} at full resolution. Both images may live on different grids; the
 * deformable stage works on the fixed image's grid.
 */
public final class Registration {

    /** The affine stage is cheap and its parameters few: it converges further before stopping. */
    static final double AFFINE_TOLERANCE = 1e-6;
    /** Relative-change window of the stopping rule. */
    static final int TOLERANCE_WINDOW = 5;
    /** L-BFGS pairs kept at most (each is three copies of the control). */
    static final int LBFGS_MEMORY = 5;
    /** Share of the heap the L-BFGS history may take: a 3D LDDMM path is large. */
    static final double LBFGS_HEAP_SHARE = 0.25;

    /** Pairs that fit the heap share for a control of this many doubles (at least one). */
    static int lbfgsMemory(long controlDoubles) {
        double pairBytes = 3.0 * 8 * controlDoubles;
        long fit = (long) (LBFGS_HEAP_SHARE * Runtime.getRuntime().maxMemory() / pairBytes);
        return (int) Math.max(1, Math.min(LBFGS_MEMORY, fit));
    }
    /** The first trial step moves points by about this much (in voxels of the level). */
    static final double FIRST_STEP_VOXELS = 0.5;

    private final RegistrationParameters p;
    private final RegistrationListener listener;
    private final BooleanSupplier cancelled;
    private final Parallel parallel;
    private final List<LevelLog> logs = new ArrayList<>();
    /**
     * The finest level's flow, whose recycled storage the final forward pass reuses (in 3D a fresh
     * one is gigabytes, which the collector then copies).
     */
    private ControlledFlow<?, ?> lastFlow;
    /** The finest level's caching wrapper of lastFlow: it still holds the pass at the accepted control. */
    private CachingFlow<?, ?> lastRun;

    private Registration(RegistrationParameters p, RegistrationListener listener, BooleanSupplier cancelled) {
        this.p = p;
        this.listener = listener == null ? RegistrationListener.NONE : listener;
        this.cancelled = cancelled == null ? () -> false : cancelled;
        this.parallel = Parallel.of(p.threads());
    }

    public static RegistrationResult register(ScalarField fixed, ScalarField moving, RegistrationParameters p) {
        return register(fixed, moving, p, RegistrationListener.NONE, null);
    }

    /**
     * Registers moving onto fixed. Throws IllegalArgumentException (naming the problem) for images of
     * different dimension or with non-finite values.
     */
    public static RegistrationResult register(ScalarField fixed, ScalarField moving, RegistrationParameters p,
                                              RegistrationListener listener, BooleanSupplier cancelled) {
        check(fixed, moving);
        return new Registration(p, listener, cancelled).run(fixed, moving);
    }

    private static void check(ScalarField fixed, ScalarField moving) {
        if (fixed.grid().dim() != moving.grid().dim()) {
            throw new IllegalArgumentException("the fixed image is " + fixed.grid().dim() + "D and the moving image is "
                    + moving.grid().dim() + "D: both must have the same dimension");
        }
        if (!fixed.isFinite()) {
            throw new IllegalArgumentException("the fixed image contains NaN or infinite values");
        }
        if (!moving.isFinite()) {
            throw new IllegalArgumentException("the moving image contains NaN or infinite values");
        }
    }

    /**
     * The pair as the diffeomorphic stage sees it, on the fixed grid: the target (the fixed image,
     * normalized when asked) and the source (the moving image, normalized and resampled through the
     * affine pre-alignment).
     */
    public record Prealigned(ScalarField target, ScalarField source, AffineTransform affine) {
    }

    /** Only the stages before the diffeomorphic one: normalization and affine pre-alignment. */
    public static Prealigned prealign(ScalarField fixed, ScalarField moving, RegistrationParameters p) {
        check(fixed, moving);
        return new Registration(p, null, null).prealigned(fixed, moving);
    }

    private Prealigned prealigned(ScalarField fixed, ScalarField moving) {
        ScalarField f = p.normalize() ? Intensities.normalize(fixed) : fixed;
        ScalarField m = p.normalize() ? Intensities.normalize(moving) : moving;
        AffineTransform affine = alignAffine(f, m);
        ScalarField source = Resampler.resample(m, f.grid(), null, affine, Interpolation.LINEAR, Border.REPLICATE,
                parallel);
        return new Prealigned(f, source, affine);
    }

    private RegistrationResult run(ScalarField fixed, ScalarField moving) {
        long start = System.nanoTime();
        Prealigned pre = prealigned(fixed, moving);
        AffineTransform affine = pre.affine();
        Deformation def = deform(pre.target(), pre.source());
        Grid fg = fixed.grid();
        VectorField displacement = Displacements.withAffine(def.inverseMap, fg, affine);
        ScalarField warped = Resampler.resample(moving, fg, displacement, null, Interpolation.LINEAR, Border.ZERO,
                parallel);
        ScalarField jacobian = new Differential(fg, parallel).jacobianDeterminant(displacement);
        VectorField inverse = Displacements.inverseWithAffine(def.forwardMap, fg, moving.grid(), affine);
        double pathLength = Math.sqrt(Math.max(0, 2 * def.energy.regularization()));
        return new RegistrationResult(p, warped, displacement, inverse, jacobian, def.momentum, def.velocity,
                def.path, affine, List.copyOf(logs), def.energy, pathLength,
                p.method() == Method.SVF ? Double.NaN : pathLength, jacobian.min(), jacobian.max(),
                Displacements.foldCount(jacobian), (System.nanoTime() - start) * 1e-9);
    }

    // ---- affine stage ----

    private AffineTransform alignAffine(ScalarField f, ScalarField m) {
        int d = f.grid().dim();
        if (p.affine() == AffineModel.NONE) {
            return AffineTransform.identity(d);
        }
        double[] cf = AffineAlignment.centreOfMass(f);
        double[] cm = AffineAlignment.centreOfMass(m);
        double[] shift = new double[d];
        for (int a = 0; a < d; a++) {
            shift[a] = cm[a] - cf[a];
        }
        AffineAlignment probe = new AffineAlignment(p.affine(), f.grid(), m, SimilarityMetric.ssd().create(f, 1,
                parallel), cf, parallel);
        double[] theta = probe.translationParameters(shift);
        if (p.affineIterations() == 0) {
            return probe.transform(theta);
        }
        for (int level = 0; level < p.levels(); level++) {
            int factor = 1 << (p.levels() - 1 - level);
            ScalarField fl = Pyramid.downsample(f, factor, parallel);
            ScalarField ml = Pyramid.downsample(m, factor, parallel);
            Similarity sim = p.metric().create(fl, p.sigma(), parallel);
            AffineAlignment flow = new AffineAlignment(p.affine(), fl.grid(), ml, sim, cf, parallel);
            double minSpacing = minSpacing(fl.grid());
            Metric<double[]> metric = flow.metric();
            theta = minimize("affine", level, fl.grid(), null, flow, metric, theta, p.affineIterations(),
                    new LBfgs<>(LBFGS_MEMORY, 1e-12), dir -> firstAffineStep(dir, flow, minSpacing));
            if (cancelled.getAsBoolean()) {
                break;
            }
        }
        return probe.transform(theta);
    }

    private static double firstAffineStep(double[] direction, AffineAlignment flow, double spacing) {
        double moves = 0;
        for (double v : direction) {
            moves = Math.max(moves, Math.abs(v));
        }
        return moves > 0 ? FIRST_STEP_VOXELS * spacing / moves : 1;
    }

    // ---- deformable stage ----

    /** The outcome of the diffeomorphic stage at full resolution, on the fixed grid. */
    private static final class Deformation {
        VectorField inverseMap;
        VectorField forwardMap;
        Energy energy;
        ScalarField momentum;
        VectorField velocity;
        VelocityPath path;

        /** Restricts every field from the padded grid to the fixed image's grid. */
        void crop(Grid original, Grid padded) {
            inverseMap = cropVector(inverseMap, original, padded);
            forwardMap = cropVector(forwardMap, original, padded);
            if (momentum != null) {
                momentum = new ScalarField(original, Pyramid.crop(momentum.data(), original, padded));
            }
            if (velocity != null) {
                velocity = cropVector(velocity, original, padded);
            }
            if (path != null) {
                VectorField[] steps = new VectorField[path.timeSteps()];
                for (int k = 0; k < steps.length; k++) {
                    steps[k] = cropVector(path.step(k), original, padded);
                }
                path = new VelocityPath(steps);
            }
        }

        private static VectorField cropVector(VectorField v, Grid original, Grid padded) {
            double[][] c = new double[v.dim()][];
            for (int k = 0; k < c.length; k++) {
                c[k] = Pyramid.crop(v.component(k), original, padded);
            }
            return new VectorField(original, c);
        }
    }

    /** Margin (voxels) added around every level's grid before padding it to an FFT-friendly size. */
    public static final int FFT_MARGIN = 3;

    private Deformation deform(ScalarField target, ScalarField source) {
        Object control = null;
        FlowContext ctx = null;
        for (int level = 0; level < p.levels(); level++) {
            int factor = 1 << (p.levels() - 1 - level);
            lastFlow = null; // a coarser level's storage is not kept while the next one is set up
            lastRun = null;
            FlowContext previous = ctx;
            ctx = levelContext(target, source, factor, p, parallel);
            control = upsample(control, previous, ctx);
            if (p.iterations() > 0 && !cancelled.getAsBoolean()) {
                control = minimizeLevel(ctx, control, level);
            }
        }
        Deformation d = finish(ctx, control);
        d.crop(target.grid(), ctx.grid());
        return d;
    }

    /**
     * The flow context of one pyramid level of a pre-aligned pair (shrink factor 1, 2, 4, ...): both
     * images downsampled, padded by a margin to an FFT-friendly grid, the kernel and the similarity
     * of the parameters, the padding masked out of the data term.
     */
    public static FlowContext levelContext(ScalarField target, ScalarField source, int factor,
                                           RegistrationParameters p, Parallel parallel) {
        ScalarField fl = Pyramid.downsample(target, factor, parallel);
        ScalarField sl = Pyramid.downsample(source, factor, parallel);
        Grid grid = Pyramid.padded(fl.grid(), FFT_MARGIN);
        ScalarField fp = Resampler.resample(fl, grid, null, null, Interpolation.LINEAR, Border.REPLICATE, parallel);
        ScalarField sp = Resampler.resample(sl, grid, null, null, Interpolation.LINEAR, Border.REPLICATE, parallel);
        double[] mask = Pyramid.paddingMask(fl.grid(), grid);
        Parallel level = grid.voxelCount() < SERIAL_BELOW_VOXELS ? Parallel.serial() : parallel;
        Kernel kernel = p.kernelSigma() > 0 ? Kernels.gaussian(grid, p.kernelSigma(), level)
                : Kernels.sobolev(grid, p.alpha(), p.gamma(), p.order(), level);
        return new FlowContext(sp, p.metric().create(fp, p.sigma(), mask, level), kernel, level);
    }

    /**
     * Levels smaller than this run on one thread: their loops are too short to pay for handing
     * chunks to a second one (2D shooting bench, 2 threads against 1: 72^2 0.74 s against 0.56 s,
     * 135^2 1.07 s against 0.88 s, 270^2 3.1 s against 3.6 s). With the spinning worker team the
     * hand-off is cheap, but the first levels run while the JIT compiles the engine, and a second
     * busy thread takes the compiler's core: 72^2 1.46 s against 0.62 s, 135^2 1.03 s against
     * 0.74 s (once warm, the two agree).
     */
    static final int SERIAL_BELOW_VOXELS = 32_768;

    /** Iterations of the conjugate-gradient projection that carries a momentum to a finer level. */
    static final int TRANSFER_ITERATIONS = 30;

    /**
     * Carries a control to the next level. Velocities are resampled. A scalar momentum is not: its
     * product with the image gradient changes as edges sharpen, so the initial velocity it
     * generates is resampled instead and the finer level's momentum is fitted to it.
     */
    private Object upsample(Object control, FlowContext previous, FlowContext ctx) {
        Grid grid = ctx.grid();
        switch (p.method()) {
            case SHOOTING: {
                if (control == null) {
                    return ScalarField.zeros(grid);
                }
                VectorField m = previous.differential.gradient(previous.source);
                double[] p0 = ((ScalarField) control).data();
                for (double[] c : m.components()) {
                    for (int i = 0; i < c.length; i++) {
                        c[i] *= p0[i];
                    }
                }
                VectorField v0 = previous.kernel.applyK(m);
                for (double[] c : v0.components()) {
                    for (int i = 0; i < c.length; i++) {
                        c[i] = -c[i];
                    }
                }
                return new MomentumMetric(ctx).momentumFor(Resampler.resample(v0, grid, parallel),
                        TRANSFER_ITERATIONS);
            }
            case LDDMM: {
                if (control == null) {
                    return VelocityPath.zeros(grid, p.timeSteps());
                }
                VelocityPath path = (VelocityPath) control;
                VectorField[] steps = new VectorField[path.timeSteps()];
                for (int k = 0; k < steps.length; k++) {
                    steps[k] = Resampler.resample(path.step(k), grid, parallel);
                }
                return new VelocityPath(steps);
            }
            default:
                return control == null ? VectorField.zeros(grid) : Resampler.resample((VectorField) control, grid, parallel);
        }
    }

    private Object minimizeLevel(FlowContext ctx, Object control, int level) {
        String stage = p.method().toString();
        double h = minSpacing(ctx.grid());
        switch (p.method()) {
            case SHOOTING: {
                GeodesicShooting shooting = new GeodesicShooting(ctx, p.timeSteps());
                lastFlow = shooting;
                ShootingEnergyForm form = new ShootingEnergyForm(shooting);
                ControlledFlow<ScalarField, GeodesicShooting.Trajectory> flow =
                        p.gradient() == RegistrationParameters.Gradient.EP ? form : shooting;
                return minimize(stage, level, ctx.grid(), ctx, flow, new MomentumMetric(ctx), (ScalarField) control,
                        p.iterations(), new LBfgs<>(lbfgsMemory(ctx.voxels), 1),
                        dir -> FIRST_STEP_VOXELS * h / Math.max(1e-300, momentumVelocity(ctx, dir)));
            }
            case LDDMM: {
                Lddmm flow = new Lddmm(ctx);
                lastFlow = flow;
                return minimize(stage, level, ctx.grid(), ctx, flow, KernelMetric.forPath(ctx.kernel()),
                        (VelocityPath) control, p.iterations(),
                        new LBfgs<>(lbfgsMemory((long) ctx.voxels * ctx.dim * p.timeSteps()), 1),
                        dir -> FIRST_STEP_VOXELS * h / Math.max(1e-300, maxNorm(dir)));
            }
            default: {
                StationaryVelocity flow = new StationaryVelocity(ctx);
                lastFlow = flow;
                return minimize(stage, level, ctx.grid(), ctx, flow, KernelMetric.forVelocity(ctx.kernel()),
                        (VectorField) control, p.iterations(), new LBfgs<>(lbfgsMemory((long) ctx.voxels * ctx.dim), 1),
                        dir -> FIRST_STEP_VOXELS * h / Math.max(1e-300, dir.maxNorm()));
            }
        }
    }

    /** Largest velocity (mm) that a momentum step induces at t = 0: |K(dP grad I_0)|. */
    private static double momentumVelocity(FlowContext ctx, ScalarField dp) {
        VectorField grad = ctx.differential.gradient(ctx.source);
        for (int c = 0; c < grad.dim(); c++) {
            double[] g = grad.component(c);
            for (int i = 0; i < g.length; i++) {
                g[i] *= dp.data()[i];
            }
        }
        return ctx.kernel.applyK(grad).maxNorm();
    }

    /** Largest velocity (mm) of any step of a path. */
    static double maxNorm(VelocityPath path) {
        double m = 0;
        for (int k = 0; k < path.timeSteps(); k++) {
            m = Math.max(m, path.step(k).maxNorm());
        }
        return m;
    }

    /** One level of one stage through the shared Minimizer, logged and reported to the listener. */
    private <C, T> C minimize(String stage, int level, Grid grid, FlowContext ctx, ControlledFlow<C, T> flow,
                              Metric<C> metric,
                              C control, int iterations, LBfgs<C> optimizer,
                              java.util.function.ToDoubleFunction<C> firstStep) {
        listener.onLevel(stage, level, p.levels(), grid, iterations);
        long start = System.nanoTime();
        // equilibrium propagation needs the flow's energy form itself, and relaxes its own states
        boolean ep = flow instanceof ShootingEnergyForm && p.gradient() == RegistrationParameters.Gradient.EP;
        ControlledFlow<C, T> run = ep ? flow : new CachingFlow<>(flow);
        lastRun = run instanceof CachingFlow<C, T> c ? c : null;
        @SuppressWarnings("unchecked")
        GradientEstimator<C> estimator = ep ? (GradientEstimator<C>) ((ShootingEnergyForm) flow).equilibriumPropagation()
                : Adjoint.deferred();
        optimizer.firstStepFrom(firstStep);
        double tolerance = stage.equals("affine") ? Math.min(p.tolerance(), AFFINE_TOLERANCE) : p.tolerance();
        StoppingRule rule = StoppingRule.iterations(iterations).withTolerance(tolerance, TOLERANCE_WINDOW)
                .withCancel(cancelled);
        Minimizer<C> minimizer = new Minimizer<>(estimator, metric, optimizer, rule);
        minimizer.addListener(new MinimizerListener<C>() {
            @Override
            public void onIteration(Iteration<C> it) {
                listener.onIteration(stage, level, it.index(), it.energy());
            }
        });
        listener.onMinimizer(stage, level, ctx, minimizer, flow);
        MinimizationResult<C> r = minimizer.minimize(run, control);
        logs.add(new LevelLog(stage, level, grid.size(), grid.spacing(), r.iterations(), r.reason(), r.history(),
                (System.nanoTime() - start) * 1e-9));
        return r.control();
    }

    /** The full-resolution flow of the final control: maps, energy, and the method's own outputs. */
    private Deformation finish(FlowContext ctx, Object control) {
        Deformation d = new Deformation();
        Transport transport = new Transport(ctx.grid(), parallel);
        switch (p.method()) {
            case SHOOTING: {
                GeodesicShooting flow = lastFlow instanceof GeodesicShooting s && s.context() == ctx ? s
                        : new GeodesicShooting(ctx, p.timeSteps());
                GeodesicShooting.Trajectory t = finalPass(flow, (ScalarField) control);
                d.inverseMap = t.inverseMap();
                d.energy = t.energy();
                d.momentum = (ScalarField) control;
                d.forwardMap = forwardMap(transport, t.velocities(), d.inverseMap);
                break;
            }
            case LDDMM: {
                VelocityPath path = Lddmm.constantSpeed((VelocityPath) control, ctx.kernel());
                Lddmm flow = lastFlow instanceof Lddmm l && l.context() == ctx ? l : new Lddmm(ctx);
                Lddmm.Trajectory t = flow.forward(path);
                d.inverseMap = t.inverseMap();
                d.energy = t.energy();
                d.path = path;
                double[][][] v = new double[path.timeSteps()][][];
                for (int k = 0; k < v.length; k++) {
                    v[k] = path.step(k).components();
                }
                d.forwardMap = forwardMap(transport, v, d.inverseMap);
                break;
            }
            default: {
                VectorField v = (VectorField) control;
                StationaryVelocity flow = lastFlow instanceof StationaryVelocity s && s.context() == ctx ? s
                        : new StationaryVelocity(ctx);
                StationaryVelocity.Trajectory t = finalPass(flow, v);
                d.inverseMap = t.inverseMap();
                d.energy = t.energy();
                d.velocity = v;
                VectorField guess = StationaryVelocity.exponential(v, 1, parallel);
                d.forwardMap = Displacements.invert(d.inverseMap, guess, INVERSE_REFINEMENTS, 1e-4, parallel);
                break;
            }
        }
        return d;
    }

    /**
     * The forward pass of the final control: the last level's cached pass when it is the flow that
     * level minimized (the minimizer stops at a point it has just shot; in 3D a pass takes seconds).
     */
    @SuppressWarnings("unchecked")
    private <C, T> T finalPass(ControlledFlow<C, T> flow, C control) {
        return lastRun != null && lastRun.flow() == flow ? ((CachingFlow<C, T>) lastRun).forward(control)
                : flow.forward(control);
    }

    /** Fixed-point sweeps that make the forward map the inverse of the inverse map to interpolation accuracy. */
    static final int INVERSE_REFINEMENTS = 10;

    /**
     * phi_1 - id by integrating the characteristics q_{k+1} = q_k + dt v_k o (id + q_k), then refined
     * against the inverse map so that the two are inverses to interpolation accuracy.
     */
    private VectorField forwardMap(Transport transport, double[][][] velocities, VectorField inverseMap) {
        int t = velocities.length;
        double dt = 1.0 / t;
        Grid g = inverseMap.grid();
        double[][] q = new double[g.dim()][g.voxelCount()];
        double[][] next = new double[g.dim()][g.voxelCount()];
        double[][] step = new double[g.dim()][g.voxelCount()];
        for (int k = 0; k < t; k++) {
            double[][] v = velocities[k];
            parallel.range(g.voxelCount(), (s, e) -> {
                for (int c = 0; c < step.length; c++) {
                    for (int i = s; i < e; i++) {
                        step[c][i] = dt * v[c][i];
                    }
                }
            });
            transport.compose(step, q, next);
            double[][] swap = q;
            q = next;
            next = swap;
        }
        return Displacements.invert(inverseMap, new VectorField(g, q), INVERSE_REFINEMENTS, 1e-4, parallel);
    }

    static double minSpacing(Grid g) {
        double h = Double.POSITIVE_INFINITY;
        for (int a = 0; a < g.dim(); a++) {
            h = Math.min(h, g.spacing(a));
        }
        return h;
    }
}
