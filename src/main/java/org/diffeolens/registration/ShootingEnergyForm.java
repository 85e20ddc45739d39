package org.diffeolens.registration;

import org.diffeolens.field.ScalarField;
import org.diffeolens.flow.BlockSpace;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.EnergyForm;
import org.diffeolens.flow.VectorSpace;

/**
 * Geodesic shooting in energy form, so that {@link org.diffeolens.flow.EquilibriumPropagation} can
 * estimate its gradient: the state is the sequence of inverse maps p_1..p_T, the inner energy the
 * penalty F(P_0, p) = sum_k vol/2 ||p_{k+1} - A(p_k; P_0)||^2 of the discrete transport (p_0 = 0,
 * A one step of {@link GeodesicShooting}), zero at the forward pass. The first step's kinetic energy
 * dt/2 ||v_0||_V^2 acts on the momentum alone (E_reg(theta)); the cost is the similarity of
 * I_0 o psi_T plus the later steps' kinetic energy sum_{k>=1} dt/2 ||v_k||_V^2, a running cost that
 * reads both the maps and the momentum. At the nudged equilibrium the residuals satisfy
 * vol r_k = -beta pBar_{k+1}, the adjoint maps (paper 001's correspondence).
 * As a {@link ControlledFlow} it is the shooting flow itself, so the adjoint estimator still works.
 * <p>The transport interpolates linearly, so F is smooth only while the nudge moves no sample point
 * across a cell face: beta must keep b |lambda| / vol far below a voxel (about 1e-6 on the test
 * problem; at 2e-6 a crossing already costs 0.3% of the gradient).
 */
public final class ShootingEnergyForm
        implements ControlledFlow<ScalarField, GeodesicShooting.Trajectory>, EnergyForm<ScalarField, double[][][]> {

    private final GeodesicShooting shooting;
    private final FlowContext ctx;
    private final int steps;
    private final Maps maps;

    public ShootingEnergyForm(GeodesicShooting shooting) {
        this.shooting = shooting;
        this.ctx = shooting.context();
        this.steps = shooting.timeSteps();
        this.maps = new Maps(ctx);
    }

    // ---- the flow ----

    @Override
    public GeodesicShooting.Trajectory forward(ScalarField control) {
        return shooting.forward(control);
    }

    @Override
    public Energy energy(GeodesicShooting.Trajectory t) {
        return shooting.energy(t);
    }

    @Override
    public ScalarField gradient(GeodesicShooting.Trajectory t) {
        return shooting.gradient(t);
    }

    @Override
    public VectorSpace<ScalarField> space() {
        return shooting.space();
    }

    // ---- the energy form: state = maps p_1 .. p_T (index k-1) ----

    @Override
    public VectorSpace<double[][][]> stateSpace() {
        return maps;
    }

    @Override
    public double[][][] freeState(ScalarField control) {
        double[][][] s = new double[steps][][];
        double[][] p = null;
        for (int k = 0; k < steps; k++) {
            p = shooting.step(control.data(), p);
            s[k] = p;
        }
        return s;
    }

    private double[][] map(double[][][] s, int k) {
        return k == 0 ? null : s[k - 1];
    }

    /** r_k = p_{k+1} - A(p_k), k = 0..T-1. */
    private double[][][] residuals(ScalarField control, double[][][] s) {
        double[][][] r = new double[steps][][];
        for (int k = 0; k < steps; k++) {
            double[][] a = shooting.step(control.data(), map(s, k));
            double[][] next = s[k];
            double[][] rk = new double[ctx.dim][ctx.voxels];
            for (int c = 0; c < ctx.dim; c++) {
                for (int i = 0; i < ctx.voxels; i++) {
                    rk[c][i] = next[c][i] - a[c][i];
                }
            }
            r[k] = rk;
        }
        return r;
    }

    /** The residuals of the discrete transport at a state, r_k = p_{k+1} - A(p_k). */
    public double[][][] transportResiduals(ScalarField control, double[][][] state) {
        return residuals(control, state);
    }

    @Override
    public double innerEnergy(ScalarField control, double[][][] s) {
        double f = 0;
        for (double[][] rk : residuals(control, s)) {
            f += 0.5 * ctx.dot(rk, rk);
        }
        return f;
    }

    @Override
    public double[][][] innerEnergyStateGradient(ScalarField control, double[][][] s) {
        double[][][] r = residuals(control, s);
        double[][][] g = new double[steps][][];
        double[] unusedP0Bar = new double[ctx.voxels];
        for (int k = 0; k < steps; k++) {
            g[k] = scaled(r[k], ctx.voxelVolume); // d/dp_{k+1} of vol/2 |r_k|^2
        }
        for (int k = 1; k < steps; k++) {
            // d/dp_k of vol/2 |p_{k+1} - A(p_k)|^2 = (dA/dp_k)^T (-vol r_k)
            double[][] map = s[k - 1];
            shooting.stepAdjoint(control.data(), map, shooting.velocity(control.data(), map),
                    scaled(r[k], -ctx.voxelVolume), g[k - 1], unusedP0Bar, 0);
        }
        return g;
    }

    @Override
    public ScalarField innerEnergyControlGradient(ScalarField control, double[][][] s) {
        double[][][] r = residuals(control, s);
        double[] p0Bar = new double[ctx.voxels];
        for (int k = 0; k < steps; k++) {
            double[][] map = map(s, k);
            double[][] pBar = map == null ? null : ctx.zeros();
            shooting.stepAdjoint(control.data(), map, shooting.velocity(control.data(), map),
                    scaled(r[k], -ctx.voxelVolume), pBar, p0Bar, 0);
        }
        return new ScalarField(control.grid(), p0Bar);
    }

    @Override
    public double cost(ScalarField control, double[][][] s) {
        return ctx.similarity.value(ctx.warp(s[steps - 1])) + runningKineticEnergy(control, s);
    }

    /** sum_{k>=1} dt/2 &lt;m_k, K m_k&gt; at the maps p_1..p_{T-1} of a state. */
    private double runningKineticEnergy(ScalarField control, double[][][] s) {
        double e = 0;
        for (int k = 1; k < steps; k++) {
            e += shooting.kineticEnergy(control.data(), s[k - 1]);
        }
        return e;
    }

    @Override
    public double[][][] costGradient(ScalarField control, double[][][] s) {
        double[][][] g = new double[steps][][];
        for (int k = 0; k < steps - 1; k++) {
            g[k] = ctx.zeros();
        }
        double[][] last = s[steps - 1];
        g[steps - 1] = ctx.terminalAdjoint(last, ctx.warp(last));
        kineticAdjoint(control, s, g, new double[ctx.voxels]);
        return g;
    }

    @Override
    public ScalarField costControlGradient(ScalarField control, double[][][] s) {
        double[][][] unused = new double[steps][][];
        for (int k = 0; k < steps; k++) {
            unused[k] = ctx.zeros();
        }
        double[] p0Bar = new double[ctx.voxels];
        kineticAdjoint(control, s, unused, p0Bar);
        return new ScalarField(control.grid(), p0Bar);
    }

    /** Adds the derivatives of the running kinetic energy on the maps (to g) and on P_0 (to p0Bar). */
    private void kineticAdjoint(ScalarField control, double[][][] s, double[][][] g, double[] p0Bar) {
        double[][] none = ctx.zeros();
        for (int k = 1; k < steps; k++) {
            double[][] map = s[k - 1];
            shooting.stepAdjoint(control.data(), map, shooting.velocity(control.data(), map), none, g[k - 1], p0Bar,
                    1.0 / steps);
        }
    }

    @Override
    public double regularization(ScalarField control) {
        return shooting.kineticEnergy(control.data(), null);
    }

    @Override
    public ScalarField regularizationGradient(ScalarField control) {
        double[] p0Bar = new double[ctx.voxels];
        shooting.stepAdjoint(control.data(), null, shooting.velocity(control.data(), null), ctx.zeros(), null,
                p0Bar, 1.0 / steps);
        return new ScalarField(control.grid(), p0Bar);
    }

    /** The terms as the flow reports them: the whole path's kinetic energy and the similarity. */
    @Override
    public Energy energy(ScalarField control, double[][][] free) {
        return new Energy(regularization(control) + runningKineticEnergy(control, free),
                ctx.similarity.value(ctx.warp(free[steps - 1])));
    }

    /**
     * Relaxation by sweeps, exact for this chain: backward, the multipliers lambda_T = dC/dp_T and
     * lambda_k = (dA/dp_k)^T lambda_{k+1} + dC/dp_k (the running kinetic energy) at the current maps; forward, p_{k+1} = A(p_k) - b lambda_{k+1}
     * / vol. Its fixed point is the stationary point of F + b C; for small b it is a contraction.
     */
    @Override
    public double[][][] relax(ScalarField control, double[][][] start, double b, int maxIterations, double tolerance) {
        double[][][] s = maps.copy(start);
        double[] unused = new double[ctx.voxels];
        for (int it = 0; it < maxIterations; it++) {
            double[][][] lambda = new double[steps][][];
            double[][] last = s[steps - 1];
            lambda[steps - 1] = ctx.terminalAdjoint(last, ctx.warp(last));
            for (int k = steps - 1; k >= 1; k--) {
                double[][] map = s[k - 1];
                double[][] bar = ctx.zeros();
                shooting.stepAdjoint(control.data(), map, shooting.velocity(control.data(), map), lambda[k], bar,
                        unused, 1.0 / steps);
                lambda[k - 1] = bar;
            }
            double change = 0;
            double size = 0;
            double[][] p = null;
            for (int k = 0; k < steps; k++) {
                double[][] a = shooting.step(control.data(), p);
                double[][] next = s[k];
                for (int c = 0; c < ctx.dim; c++) {
                    for (int i = 0; i < ctx.voxels; i++) {
                        double v = a[c][i] - b * lambda[k][c][i] / ctx.voxelVolume;
                        change = Math.max(change, Math.abs(v - next[c][i]));
                        size = Math.max(size, Math.abs(v));
                        next[c][i] = v;
                    }
                }
                p = next;
            }
            if (change <= tolerance * Math.max(size, 1e-300)) {
                break;
            }
        }
        return s;
    }

    /** Largest displacement (in voxels) that a nudge may cause: far below any cell face. */
    public static final double NUDGE_VOXELS = 1e-6;

    /**
     * A nudging strength for this momentum: b such that b max|lambda_T| / vol moves the end map by
     * {@link #NUDGE_VOXELS} of the smallest spacing, which keeps every relaxation in one smooth
     * piece of the linearly interpolated transport.
     */
    public double nudge(ScalarField control) {
        double[][][] free = freeState(control);
        double[][] last = free[steps - 1];
        double[][] lambda = ctx.terminalAdjoint(last, ctx.warp(last));
        double max = 0;
        for (double[] c : lambda) {
            for (double v : c) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double h = Double.POSITIVE_INFINITY;
        for (int a = 0; a < ctx.dim; a++) {
            h = Math.min(h, ctx.grid.spacing(a));
        }
        return max > 0 ? NUDGE_VOXELS * h * ctx.voxelVolume / max : 1;
    }

    /**
     * The EP estimator for this flow, with the nudge chosen afresh at every control (symmetric
     * nudging; relaxations by sweeps to 1e-12).
     */
    public org.diffeolens.flow.GradientEstimator<ScalarField> equilibriumPropagation() {
        return new org.diffeolens.flow.GradientEstimator<>() {
            @Override
            public <T> org.diffeolens.flow.Evaluation<ScalarField> evaluate(ControlledFlow<ScalarField, T> flow,
                                                                           ScalarField control) {
                return new org.diffeolens.flow.EquilibriumPropagation<ScalarField>(nudge(control), true, 200, 1e-12)
                        .evaluate(flow, control);
            }

            @Override
            public String name() {
                return "ep";
            }
        };
    }

    private double[][] scaled(double[][] a, double f) {
        double[][] out = new double[a.length][a[0].length];
        for (int c = 0; c < a.length; c++) {
            for (int i = 0; i < a[c].length; i++) {
                out[c][i] = f * a[c][i];
            }
        }
        return out;
    }

    /** The maps p_1..p_T as blocks for the relaxation's arithmetic. */
    private static final class Maps extends BlockSpace<double[][][]> {
        private final int dim;

        Maps(FlowContext ctx) {
            super(ctx.parallel);
            this.dim = ctx.dim;
        }

        @Override
        protected double[][] blocks(double[][][] x) {
            double[][] b = new double[x.length * dim][];
            for (int k = 0; k < x.length; k++) {
                for (int c = 0; c < dim; c++) {
                    b[k * dim + c] = x[k][c];
                }
            }
            return b;
        }

        @Override
        protected double[][][] wrap(double[][][] like, double[][] blocks) {
            double[][][] x = new double[like.length][dim][];
            for (int k = 0; k < like.length; k++) {
                for (int c = 0; c < dim; c++) {
                    x[k][c] = blocks[k * dim + c];
                }
            }
            return x;
        }
    }
}
