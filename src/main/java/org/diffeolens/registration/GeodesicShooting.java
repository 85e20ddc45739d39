package org.diffeolens.registration;

import org.diffeolens.field.Differential;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;

/**
 * Geodesic shooting with scalar momentum (Vialard et al. 2012), discretized so that the gradient
 * is the exact derivative of the discrete energy. With psi_k = id + p_k the inverse map at
 * t = k/T (p_0 = 0) and dt = 1/T, each step
 * <pre>
 *   I_k = I_0 o psi_k,  P_k = det(D psi_k) P_0 o psi_k      (transport of image and momentum)
 *   v_k = -K (P_k grad I_k)                                  (EPDiff in momentum form)
 *   psi_{k+1} = psi_k o (id - dt v_k)                        (semi-Lagrangian map update)
 * </pre>
 * and E(P_0) = E_reg + E_sim(I_0 o psi_T) with E_reg = sum_k dt/2 &lt;m_k, K m_k&gt;, the kinetic
 * energy of the discrete path. EPDiff conserves &lt;m_t, K m_t&gt;, so in the continuum this is
 * Vialard's 1/2 &lt;P_0 grad I_0, K(P_0 grad I_0)&gt;; the discrete transport does not conserve it
 * for every momentum (interpolating a momentum that oscillates at the grid scale against the
 * aliased gradient of a sharp image demodulates it into slow velocity), and an optimizer that
 * paid for v_0 alone would buy such momenta: on a sharp pair it found a path whose speed grew
 * 13-fold, with a matching energy below what any path can reach. Paying for the whole path keeps
 * the energy honest, equal to the LDDMM energy of the shooting's velocities.
 * The image is interpolated once from I_0 at every step, never re-interpolated, so it stays sharp.
 * {@link #gradient} runs the reverse sweep of exactly these operations (the adjoint advection of
 * CONVENTIONS.md, in discrete form); a finite-difference test confirms it.
 */
public final class GeodesicShooting implements ControlledFlow<ScalarField, GeodesicShooting.Trajectory> {

    /**
     * What the forward pass keeps: the maps and velocities of every step and the energy terms. The
     * maps and velocities live in storage that the flow recycles two forward passes later; a
     * trajectory whose storage was taken shoots again (the same numbers) when it is next read, and
     * every field it hands out is a copy, so no caller sees recycled data.
     */
    public static final class Trajectory {
        private final GeodesicShooting flow;
        final ScalarField momentum;
        private double[][][] maps;       // p_0 (null) .. p_T
        private double[][][] velocities; // v_0 .. v_{T-1}
        private double[][][] parts;      // see Storage.parts
        private Storage storage;
        final double[] warped;
        final Energy energy;

        private Trajectory(GeodesicShooting flow, ScalarField momentum, Storage storage, double[] warped,
                           Energy energy) {
            this.flow = flow;
            this.momentum = momentum;
            this.maps = storage.maps;
            this.velocities = storage.velocities;
            this.parts = storage.parts;
            this.storage = storage;
            this.warped = warped;
            this.energy = energy;
        }

        /** The maps p_0 (null) .. p_T, shot again if their storage went to a later forward pass. */
        double[][][] maps() {
            ensure();
            return maps;
        }

        /** The velocities v_0 .. v_{T-1}, shot again if their storage went to a later forward pass. */
        double[][][] velocities() {
            ensure();
            return velocities;
        }

        /** The kept fields of each step (null if none), shot again if their storage was taken. */
        double[][][] parts() {
            ensure();
            return parts;
        }

        private void ensure() {
            if (storage != null && storage.owner != this) {
                Storage own = flow.new Storage();
                flow.shoot(momentum.data(), own);
                maps = own.maps;
                velocities = own.velocities;
                parts = own.parts;
                storage = null;
            }
        }

        public ScalarField momentum() {
            return momentum;
        }

        /** The inverse map displacement p_T: warped = I_0(x + p_T(x)). */
        public VectorField inverseMap() {
            double[][][] m = maps();
            return new VectorField(momentum.grid(), copy(m[m.length - 1]));
        }

        public VectorField velocity(int k) {
            return new VectorField(momentum.grid(), copy(velocities()[k]));
        }

        public int timeSteps() {
            return flow.timeSteps;
        }

        public ScalarField warped() {
            return new ScalarField(momentum.grid(), warped);
        }

        public Energy energy() {
            return energy;
        }

        private static double[][] copy(double[][] a) {
            double[][] c = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                c[i] = a[i].clone();
            }
            return c;
        }
    }

    /**
     * The grid-sized arrays of one forward pass and the trajectory that holds them. Two are
     * recycled in turn: a line search only ever differentiates its latest forward pass, and fresh
     * arrays each pass (60 fields of 24 MB at 144^3) cost their zeroing and, in 3D, collections that
     * copied the live trajectory (about a second an evaluation).
     */
    private final class Storage {
        final double[][][] maps = new double[timeSteps + 1][][];
        final double[][][] velocities = new double[timeSteps][][];
        /**
         * Per step, I_k, P_0 o psi_k and det(D psi_k) (null at k = 0) for the reverse sweep, which
         * then need not pull back and differentiate again (a tenth of an evaluation); null when
         * three more fields a step would take over an eighth of the heap.
         */
        final double[][][] parts;
        Trajectory owner;

        Storage() {
            for (int k = 0; k < timeSteps; k++) {
                maps[k + 1] = ctx.zeros();
                velocities[k] = ctx.zeros();
            }
            boolean keep = 2.0 * 3 * timeSteps * ctx.voxels * Double.BYTES <= Runtime.getRuntime().maxMemory() / 8.0;
            parts = keep ? new double[timeSteps][][] : null;
            for (int k = 0; keep && k < timeSteps; k++) {
                parts[k] = new double[][] {new double[ctx.voxels], new double[ctx.voxels],
                        k == 0 ? null : new double[ctx.voxels]};
            }
        }
    }

    private final FlowContext ctx;
    private final int timeSteps;
    private final double dt;
    private final ScalarFieldSpace space;
    private final Differential.JacobianScratch jacobianScratch;
    private final StepFields fields;
    private final ReverseSweep sweep;
    private final Storage[] storages = new Storage[2];
    private int nextStorage;

    public GeodesicShooting(FlowContext context, int timeSteps) {
        if (timeSteps < 1) {
            throw new IllegalArgumentException("timeSteps must be >= 1, got " + timeSteps);
        }
        this.ctx = context;
        this.timeSteps = timeSteps;
        this.dt = 1.0 / timeSteps;
        this.space = new ScalarFieldSpace(context.parallel);
        this.jacobianScratch = context.differential.newJacobianScratch();
        this.fields = new StepFields(context.dim, context.voxels);
        this.sweep = new ReverseSweep(context);
    }

    public FlowContext context() {
        return ctx;
    }

    public int timeSteps() {
        return timeSteps;
    }

    @Override
    public Trajectory forward(ScalarField p0) {
        int slot = nextStorage;
        nextStorage = (slot + 1) % storages.length;
        if (storages[slot] == null) {
            storages[slot] = new Storage();
        }
        Storage storage = storages[slot];
        storage.owner = null; // the trajectory two passes back no longer owns this storage
        ScalarField momentum = new ScalarField(p0.grid(), p0.data().clone());
        double regularization = shoot(momentum.data(), storage);
        double[] warped = ctx.warp(storage.maps[timeSteps]);
        double data = ctx.similarity.value(warped);
        Trajectory t = new Trajectory(this, momentum, storage, warped, new Energy(regularization, data));
        storage.owner = t;
        return t;
    }

    /** Fills the maps and velocities of the path from p0; returns its kinetic energy E_reg. */
    private double shoot(double[] p0, Storage storage) {
        double[][][] maps = storage.maps;
        double regularization = 0;
        for (int k = 0; k < timeSteps; k++) {
            double[][] m = momentumCovector(p0, maps[k], storage.parts == null ? null : storage.parts[k]);
            double[][] v = velocityOf(m, storage.velocities[k]);
            regularization -= 0.5 * dt * ctx.dot(m, v); // dt/2 <m_k, K m_k>
            ctx.transport.advectMap(maps[k], v, dt, maps[k + 1]);
        }
        return regularization;
    }

    /**
     * m_k = P_k grad I_k with I_k = I_0 o psi_k, P_k = det(D psi_k) P_0 o psi_k. The transported
     * fields go into parts ({I_k, P_0 o psi_k, det}) when given, else into the step scratch, whose
     * fields q, det, momentum, gradient and m hold them until the next call.
     */
    private double[][] momentumCovector(double[] p0, double[][] map, double[][] parts) {
        StepFields f = fields;
        double[] image = parts == null ? f.imageBuffer : parts[0];
        double[] q = parts == null ? f.qBuffer : parts[1];
        double[] det = map == null ? null : parts == null ? f.detBuffer : parts[2];
        // image and momentum ride the same map: locate each point once
        ctx.transport.pullBack(new double[][] {ctx.source.data(), p0}, map, new double[][] {image, q});
        if (det != null) {
            ctx.differential.jacobianDeterminant(map, det);
        }
        return momentumCovector(image, q, det);
    }

    /** m_k = P_k grad I_k from the transported fields (det null at the identity map). */
    private double[][] momentumCovector(double[] image, double[] q, double[] det) {
        StepFields f = fields;
        momentumAndGradient(image, q, det);
        double[] momentum = f.p;
        double[][] grad = f.gradient;
        double[][] m = f.m;
        ctx.parallel.range(ctx.voxels, (s, e) -> {
            for (int c = 0; c < ctx.dim; c++) {
                double[] gc = grad[c];
                double[] mc = m[c];
                for (int i = s; i < e; i++) {
                    mc[i] = momentum[i] * gc[i];
                }
            }
        });
        return m;
    }

    /**
     * P_k = det q into the step scratch's p (q itself at the identity map) and grad I_k into its
     * gradient: the factors of m_k, which the reverse sweep needs without their product.
     */
    private void momentumAndGradient(double[] image, double[] q, double[] det) {
        StepFields f = fields;
        f.q = q;
        f.det = det;
        double[] momentum = det == null ? q : f.momentum;
        if (det != null) {
            ctx.parallel.range(ctx.voxels, (s, e) -> {
                for (int i = s; i < e; i++) {
                    momentum[i] = det[i] * q[i];
                }
            });
        }
        f.p = momentum;
        ctx.differential.gradient(image, f.gradient);
    }

    /**
     * The intermediate fields of one step, reused from step to step (an evaluation would otherwise
     * allocate a dozen grid-sized arrays per step, each written once while cold in cache) and
     * recomputed in the reverse sweep; and the reverse sweep's own covectors.
     */
    private static final class StepFields {
        final double[] imageBuffer;
        final double[] qBuffer;
        final double[] detBuffer;
        /** P_0 o psi_k and det(D psi_k) of the step last computed (det null at the identity). */
        double[] q;
        double[] det;
        final double[] momentum;
        /** P_k: momentum, or q at the identity map. */
        double[] p;
        final double[][] gradient;
        final double[][] m;
        final double[][] vBar;
        final double[][] mBar;
        final double[] momentumBar;
        final double[] imageBar;
        final double[] detBar;
        final double[] qBar;

        StepFields(int dim, int voxels) {
            imageBuffer = new double[voxels];
            qBuffer = new double[voxels];
            detBuffer = new double[voxels];
            momentum = new double[voxels];
            gradient = new double[dim][voxels];
            m = new double[dim][voxels];
            vBar = new double[dim][voxels];
            mBar = new double[dim][voxels];
            momentumBar = new double[voxels];
            imageBar = new double[voxels];
            detBar = new double[voxels];
            qBar = new double[voxels];
        }
    }

    @Override
    public Energy energy(Trajectory t) {
        return t.energy;
    }

    @Override
    public ScalarField gradient(Trajectory t) {
        double[][][] maps = t.maps();
        double[][][] velocities = t.velocities();
        double[][][] parts = t.parts();
        double[] p0Bar = new double[ctx.voxels];
        double[][] pBar = sweep.start(maps[timeSteps], t.warped);
        double[][] spare = sweep.spare();
        for (int k = timeSteps - 1; k >= 0; k--) {
            // pBar_k accumulates into the spare buffer; pBar_{k+1} then becomes the spare
            double[][] pBarK = maps[k] == null ? null : spare;
            if (pBarK != null) {
                ctx.clear(pBarK);
            }
            stepAdjoint(t.momentum.data(), maps[k], velocities[k], pBar, pBarK, p0Bar, dt,
                    parts == null ? null : parts[k]);
            spare = pBar;
            pBar = pBarK;
        }
        return new ScalarField(t.momentum.grid(), p0Bar);
    }

    /**
     * The adjoint maps pBar_k = dE/dp_k for k = 1..T (index k-1): the transported similarity covector
     * plus the later steps' kinetic energy, which equilibrium propagation's nudged phase reproduces as
     * its residuals / beta.
     */
    public double[][][] adjointMaps(Trajectory t) {
        double[][][] maps = t.maps();
        double[][][] velocities = t.velocities();
        double[][][] parts = t.parts();
        double[][][] out = new double[timeSteps][][];
        double[] p0Bar = new double[ctx.voxels];
        double[][] pBar = ctx.terminalAdjoint(maps[timeSteps], t.warped);
        for (int k = timeSteps - 1; k >= 0; k--) {
            out[k] = pBar;
            double[][] pBarK = maps[k] == null ? null : ctx.zeros();
            stepAdjoint(t.momentum.data(), maps[k], velocities[k], pBar, pBarK, p0Bar, dt,
                    parts == null ? null : parts[k]);
            pBar = pBarK;
        }
        return out;
    }

    /** One step p_{k+1} = A(p_k; P_0): the map after advecting p_k by its own velocity v_k. */
    double[][] step(double[] p0, double[][] map) {
        double[][] v = velocity(p0, map);
        double[][] next = ctx.zeros();
        ctx.transport.advectMap(map, v, dt, next);
        return next;
    }

    /** The kinetic energy dt/2 &lt;m_k, K m_k&gt; of the step at the map p_k (null: the identity), as in E_reg. */
    double kineticEnergy(double[] p0, double[][] map) {
        double[][] m = momentumCovector(p0, map, null);
        return -0.5 * dt * ctx.dot(m, velocityOf(m, ctx.zeros()));
    }

    /** v_k = -K (P_k grad I_k) at the map p_k (null: the identity). */
    double[][] velocity(double[] p0, double[][] map) {
        return velocityOf(momentumCovector(p0, map, null), ctx.zeros());
    }

    /** v = -K m into v; returns v. */
    private double[][] velocityOf(double[][] m, double[][] v) {
        ctx.kernel.applyNegativeK(m, v);
        return v;
    }

    /**
     * The reverse of one step: given pNextBar = dE/dp_{k+1}, adds (dA/dp_k)^T pNextBar to pBarK (unless
     * the map is the identity, p_0) and (dA/dP_0)^T pNextBar to p0Bar; and the derivatives of this
     * step's kinetic energy w/2 &lt;m_k, K m_k&gt; on p_k and P_0 (w = dt in E_reg, 0 for the transport
     * alone). v is this step's velocity.
     */
    void stepAdjoint(double[] p0, double[][] map, double[][] v, double[][] pNextBar, double[][] pBarK,
                     double[] p0Bar, double kineticWeight) {
        stepAdjoint(p0, map, v, pNextBar, pBarK, p0Bar, kineticWeight, null);
    }

    /** {@link #stepAdjoint}, with the step's transported fields kept by the forward pass (null: recompute them). */
    private void stepAdjoint(double[] p0, double[][] map, double[][] v, double[][] pNextBar, double[][] pBarK,
                             double[] p0Bar, double kineticWeight, double[][] parts) {
        StepFields f = fields;
        double[][] vBar = f.vBar;
        ctx.clear(vBar);
        ctx.transport.advectMapAdjoint(map, v, dt, pNextBar, pBarK, vBar);
        // v = -K m  =>  mBar = -K vBar (K symmetric); w/2 <m_k, K m_k> adds w vol K m_k = -w vol v_k
        double[][] mBar = f.mBar;
        ctx.kernel.applyK(vBar, mBar);
        if (parts == null) {
            momentumCovector(p0, map, null);
        } else {
            momentumAndGradient(parts[0], parts[1], map == null ? null : parts[2]);
        }
        double w = kineticWeight * ctx.voxelVolume;
        // m = P grad I: PBar = sum_c mBar_c grad_c I, gradBar_c = mBar_c P
        double[] momentumBar = f.momentumBar;
        double[] momentum = f.p;
        double[] imageBar = f.imageBar;
        ctx.parallel.range(ctx.voxels, (s, e) -> {
            java.util.Arrays.fill(momentumBar, s, e, 0);
            java.util.Arrays.fill(imageBar, s, e, 0);
            for (int c = 0; c < ctx.dim; c++) {
                double[] g = f.gradient[c];
                double[] mb = mBar[c];
                double[] vc = v[c];
                for (int i = s; i < e; i++) {
                    double b = -mb[i] - w * vc[i];
                    momentumBar[i] += b * g[i];
                    mb[i] = b * momentum[i];
                }
            }
        });
        for (int c = 0; c < ctx.dim; c++) {
            ctx.differential.addTransposedDerivative(mBar[c], imageBar, c, 1);
        }
        if (map == null) {
            // psi_0 = id: P_0 enters directly, and I_0 is data
            ctx.parallel.range(ctx.voxels, (s, e) -> {
                for (int i = s; i < e; i++) {
                    p0Bar[i] += momentumBar[i];
                }
            });
            return;
        }
        // P = det * q: detBar = PBar q, qBar = PBar det
        double[] detBar = f.detBar;
        double[] qBar = f.qBar;
        ctx.parallel.range(ctx.voxels, (s, e) -> {
            for (int i = s; i < e; i++) {
                detBar[i] = momentumBar[i] * f.q[i];
                qBar[i] = momentumBar[i] * f.det[i];
            }
        });
        ctx.transport.pullBackAdjoint(new double[][] {p0, ctx.source.data()}, map,
                new double[][] {qBar, imageBar}, pBarK, new double[][] {p0Bar, null});
        ctx.differential.jacobianDeterminantAdjoint(map, detBar, pBarK, jacobianScratch);
    }

    @Override
    public VectorSpace<ScalarField> space() {
        return space;
    }
}
