package org.diffeolens.registration;

import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.kernel.CoarseKernel;
import org.diffeolens.flow.Metric;

/**
 * The metric on initial scalar momenta that the V-metric induces: E_reg(P) = 1/2 vol
 * &lt;P grad I_0, K(P grad I_0)&gt; is quadratic in P with Hessian H = vol A^T K A (A: P -> P grad I_0),
 * so a covector g becomes the step (H + eps vol I)^{-1} g, solved by a few conjugate-gradient
 * iterations. This is what the kernel metric is for velocity controls (K = L^{-1} is the inverse
 * Hessian of their E_reg), and it gives shooting the same fast convergence; eps (relative to the
 * largest eigenvalue of A^T K A, estimated from |grad I_0|^2 K(0)) keeps flat regions, where
 * the momentum has no effect, well posed. The step's solve may use the kernel on a grid half as
 * fine ({@link CoarseKernel}, where the kernel is smooth enough): any fixed symmetric positive
 * operator is a valid metric, and this one is within a few percent of A^T K A at a quarter (2D) or
 * an eighth (3D) of the transforms; {@link #momentumFor}, which must reproduce a velocity, keeps K.
 * Not thread-safe: it keeps its solver's buffers.
 */
public final class MomentumMetric implements Metric<ScalarField> {

    /** Tikhonov term relative to the largest eigenvalue of A^T K A. */
    public static final double EPSILON = 1e-3;
    /** Conjugate-gradient iterations per step: a fixed polynomial preconditioner, enough to resolve the kernel scale. */
    public static final int ITERATIONS = 10;

    private final FlowContext ctx;
    private final VectorField gradient;
    private final double epsilon;
    /** K on a coarser grid for the step's solve, made on the first step; null where there is none. */
    private CoarseKernel coarse;
    private boolean coarseMade;
    /** Conjugate-gradient buffers: search direction, its image, and the kernel's field. */
    private double[] p;
    private double[] ap;
    private double[][] m;
    /** The step's right-hand side, used up as the solver's residual. */
    private double[] residual;

    public MomentumMetric(FlowContext ctx) {
        this.ctx = ctx;
        this.gradient = ctx.differential.gradient(ctx.source);
        double g2 = 0;
        for (int i = 0; i < ctx.voxels; i++) {
            double s = 0;
            for (int c = 0; c < ctx.dim; c++) {
                s += gradient.component(c)[i] * gradient.component(c)[i];
            }
            g2 = Math.max(g2, s);
        }
        this.epsilon = EPSILON * Math.max(g2 * ctx.kernel.eigenvalueK(0), 1e-300);
    }

    /**
     * out = (A^T K A + eps) x, per voxel coefficients (the vol factor cancels against g / vol), with
     * K the exact kernel or its coarse version; m is scratch. Returns &lt;x, out&gt;, summed in the
     * same pass.
     */
    private double apply(double[] x, double[][] m, double[] out, boolean approximate) {
        double[][] g = gradient.components();
        if (approximate && !coarseMade) {
            // made here, not in the constructor: a metric built only for momentumFor never needs it
            coarse = CoarseKernel.of(ctx.kernel);
            coarseMade = true;
        }
        if (approximate && coarse != null) {
            ctx.parallel.range(ctx.voxels, (s, e) -> {
                for (int i = s; i < e; i++) {
                    out[i] = epsilon * x[i];
                }
            });
            coarse.addNormalOperator(x, g, out);
            return dot(x, out);
        }
        ctx.parallel.range(ctx.voxels, (s, e) -> {
            for (int c = 0; c < ctx.dim; c++) {
                double[] gc = g[c];
                double[] mc = m[c];
                for (int i = s; i < e; i++) {
                    mc[i] = x[i] * gc[i];
                }
            }
        });
        ctx.kernel.applyK(m, m);
        return ctx.parallel.sum(ctx.voxels, (s, e) -> {
            for (int i = s; i < e; i++) {
                out[i] = epsilon * x[i];
            }
            for (int c = 0; c < ctx.dim; c++) {
                double[] gc = g[c];
                double[] mc = m[c];
                for (int i = s; i < e; i++) {
                    out[i] += gc[i] * mc[i];
                }
            }
            double acc = 0;
            for (int i = s; i < e; i++) {
                acc += x[i] * out[i];
            }
            return acc;
        });
    }

    @Override
    public ScalarField sharp(ScalarField covector, ScalarField at) {
        double[] g = covector.data();
        if (residual == null) {
            residual = new double[g.length];
        }
        double[] b = residual;
        double inv = 1 / ctx.voxelVolume;
        ctx.parallel.range(b.length, (s, e) -> {
            for (int i = s; i < e; i++) {
                b[i] = g[i] * inv;
            }
        });
        return new ScalarField(covector.grid(), solve(b, ITERATIONS, true));
    }

    /**
     * The scalar momentum whose initial velocity -K(P grad I_0) is closest to v in the V-norm:
     * the normal equations A^T K A P = -A^T v (regularized by eps), used to carry a solution from a
     * coarse pyramid level to a finer one without losing its velocity.
     */
    public ScalarField momentumFor(VectorField v, int iterations) {
        double[] b = new double[ctx.voxels];
        for (int c = 0; c < ctx.dim; c++) {
            double[] g = gradient.component(c);
            double[] vc = v.component(c);
            for (int i = 0; i < b.length; i++) {
                b[i] -= g[i] * vc[i];
            }
        }
        return new ScalarField(ctx.grid, solve(b, iterations, false));
    }

    /**
     * x ~ (A^T K A + eps)^{-1} b by conjugate gradients from x = 0, b used up as the residual. The
     * vector updates run in parallel (serial, they were a third of the metric's time in 3D) on
     * buffers kept from call to call.
     */
    private double[] solve(double[] b, int iterations, boolean approximate) {
        double[] x = new double[b.length];
        double[] r = b;
        if (p == null) {
            p = new double[ctx.voxels];
            ap = new double[ctx.voxels];
            m = new double[ctx.dim][ctx.voxels];
        }
        double[] p = this.p;
        double[] ap = this.ap;
        double[][] m = this.m;
        System.arraycopy(r, 0, p, 0, r.length);
        double rr = dot(r, r);
        double rr0 = rr;
        for (int k = 0; k < iterations && rr > 1e-30 * rr0; k++) {
            double alpha = rr / apply(p, m, ap, approximate);
            double next = ctx.parallel.sum(x.length, (s, e) -> {
                double acc = 0;
                for (int i = s; i < e; i++) {
                    x[i] += alpha * p[i];
                    r[i] -= alpha * ap[i];
                    acc += r[i] * r[i];
                }
                return acc;
            });
            double beta = next / rr;
            rr = next;
            ctx.parallel.range(p.length, (s, e) -> {
                for (int i = s; i < e; i++) {
                    p[i] = r[i] + beta * p[i];
                }
            });
        }
        return x;
    }

    private double dot(double[] a, double[] b) {
        return ctx.parallel.sum(a.length, (s, e) -> {
            double acc = 0;
            for (int i = s; i < e; i++) {
                acc += a[i] * b[i];
            }
            return acc;
        });
    }
}
