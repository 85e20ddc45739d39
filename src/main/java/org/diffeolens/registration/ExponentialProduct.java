package org.diffeolens.registration;

import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;

/**
 * A stationary velocity field over-parameterized by depth (the registration side of Arora, Cohen
 * and Hazan 2018): the control is N = 2^m stationary factors v_1..v_N, held as a
 * {@link VelocityPath} of N time steps, and the map is the product of their exponentials
 * <pre>
 *   phi = exp(v_N / N) o ... o exp(v_1 / N),   phi^{-1} = exp(-v_1 / N) o ... o exp(-v_N / N),
 *   E(v_1..v_N) = sum_i 1/(2N) ||v_i||_V^2 + E_sim(I_0 o phi^{-1}),
 * </pre>
 * the discrete LDDMM path whose i-th time step flows along v_i for dt = 1/N (kinetic energy
 * sum_i dt/2 ||v_i||^2). The factors' exponentials are {@link StationaryVelocity}'s scaling and
 * squaring, each started from the step v_i / 2^n(v_i) that the single SVF would take on v_i, with
 * m fewer squarings; the product is composed pairwise, a balanced tree of depth m. So N equal
 * factors v_i = v repeat the SVF's arithmetic exactly: the tree's levels are its last m
 * squarings, and E(v, .., v) is the SVF energy E(v). N = 1 is the SVF itself.
 */
public final class ExponentialProduct implements ControlledFlow<VelocityPath, ExponentialProduct.Trajectory> {

    /** At most as many factors as the SVF has squarings to hand to the tree. */
    public static final int MAX_FACTORS = 1 << StationaryVelocity.MIN_SQUARINGS;

    /** Every factor's squarings, the tree of products, the warped source and the energy terms. */
    public static final class Trajectory {
        final VelocityPath factors;
        final double[][][][] squarings; // per factor: p_0 = -v_i / 2^n .. p_{n-m} = exp(-v_i / N) - id
        final double[][][][] tree;      // tree[l][k]: product of factors k 2^l + 1 .. (k + 1) 2^l, minus id
        final double[][][] lv;          // L v_i, for the gradient of the kinetic energy (null: weight 0)
        final double[] warped;
        final Energy energy;

        Trajectory(VelocityPath factors, double[][][][] squarings, double[][][][] tree, double[][][] lv,
                   double[] warped, Energy energy) {
            this.factors = factors;
            this.squarings = squarings;
            this.tree = tree;
            this.lv = lv;
            this.warped = warped;
            this.energy = energy;
        }

        /** phi^{-1} - id on the grid: the map that pulls the source onto the target. */
        public VectorField inverseMap() {
            return new VectorField(factors.grid(), tree[tree.length - 1][0]);
        }

        public ScalarField warped() {
            return new ScalarField(factors.grid(), warped);
        }

        public Energy energy() {
            return energy;
        }
    }

    private final FlowContext ctx;
    private final VelocityPath.Space space;
    private final double regularizationWeight;

    public ExponentialProduct(FlowContext context) {
        this(context, 1);
    }

    /**
     * With the kinetic energy scaled by a weight: 1 is the registration energy above; 0 leaves the
     * data term alone, a function of the map only, as the loss of a deep linear network is a
     * function of the end-to-end matrix only (Arora et al.'s setting).
     */
    public ExponentialProduct(FlowContext context, double regularizationWeight) {
        if (!(regularizationWeight >= 0) || Double.isInfinite(regularizationWeight)) {
            throw new IllegalArgumentException("regularization weight must be finite and >= 0, got "
                    + regularizationWeight);
        }
        this.ctx = context;
        this.space = new VelocityPath.Space(context.parallel);
        this.regularizationWeight = regularizationWeight;
    }

    public double regularizationWeight() {
        return regularizationWeight;
    }

    public FlowContext context() {
        return ctx;
    }

    /** m = log2 N for a power of two N in [1, MAX_FACTORS]. */
    public static int treeDepth(int factors) {
        if (factors < 1 || factors > MAX_FACTORS || Integer.bitCount(factors) != 1) {
            throw new IllegalArgumentException("the number of factors must be a power of two in [1, " + MAX_FACTORS
                    + "], got " + factors);
        }
        return Integer.numberOfTrailingZeros(factors);
    }

    /** N factors equal to v: the balanced start whose product is exp(v). */
    public static VelocityPath equalFactors(VectorField v, int factors) {
        treeDepth(factors);
        VectorField[] steps = new VectorField[factors];
        for (int i = 0; i < factors; i++) {
            steps[i] = v.copy();
        }
        return new VelocityPath(steps);
    }

    @Override
    public Trajectory forward(VelocityPath v) {
        int n = v.timeSteps();
        int m = treeDepth(n);
        double[][][][] squarings = new double[n][][][];
        double[][][] lv = new double[n][][];
        double[][][][] tree = new double[m + 1][][][];
        tree[0] = new double[n][][];
        double regularization = 0;
        for (int i = 0; i < n; i++) {
            VectorField vi = v.step(i);
            squarings[i] = StationaryVelocity.exponentialSteps(ctx.transport, vi, -1.0 / n,
                    StationaryVelocity.squarings(vi) - m);
            tree[0][i] = squarings[i][squarings[i].length - 1];
            if (regularizationWeight > 0) {
                lv[i] = ctx.zeros();
                ctx.kernel.applyL(vi.components(), lv[i]);
                regularization += regularizationWeight * (0.5 / n * ctx.dot(lv[i], vi.components()));
            }
        }
        for (int l = 1; l <= m; l++) {
            tree[l] = new double[tree[l - 1].length / 2][][];
            for (int k = 0; k < tree[l].length; k++) {
                tree[l][k] = ctx.zeros();
                // (id + left) o (id + right): the earlier factors' inverses act last
                ctx.transport.compose(tree[l - 1][2 * k], tree[l - 1][2 * k + 1], tree[l][k]);
            }
        }
        double[] warped = ctx.warp(tree[m][0]);
        return new Trajectory(v, squarings, tree, lv, warped, new Energy(regularization, ctx.similarity.value(warped)));
    }

    @Override
    public Energy energy(Trajectory t) {
        return t.energy;
    }

    /**
     * The reverse sweep: the similarity's covector on phi^{-1}, down the tree by the adjoint of each
     * composition, then through each factor's squarings, plus dt vol L v_i from the kinetic energy.
     */
    @Override
    public VelocityPath gradient(Trajectory t) {
        int m = t.tree.length - 1;
        int n = t.factors.timeSteps();
        double[][][] bars = {ctx.terminalAdjoint(t.tree[m][0], t.warped)};
        for (int l = m; l >= 1; l--) {
            double[][][] below = new double[bars.length * 2][][];
            for (int k = 0; k < bars.length; k++) {
                below[2 * k] = ctx.zeros();
                below[2 * k + 1] = ctx.zeros();
                ctx.transport.composeAdjoint(t.tree[l - 1][2 * k], t.tree[l - 1][2 * k + 1], bars[k], below[2 * k],
                        below[2 * k + 1]);
            }
            bars = below;
        }
        VectorField[] grad = new VectorField[n];
        double w = regularizationWeight * (ctx.voxelVolume / n);
        for (int i = 0; i < n; i++) {
            double[][] bar = StationaryVelocity.exponentialAdjoint(ctx.transport, t.squarings[i], bars[i]);
            double s = -1.0 / n / Math.pow(2, t.squarings[i].length - 1);
            for (int c = 0; c < ctx.dim; c++) {
                double[] lv = t.lv[i] == null ? null : t.lv[i][c];
                for (int x = 0; x < ctx.voxels; x++) {
                    bar[c][x] = s * bar[c][x] + (lv == null ? 0 : w * lv[x]);
                }
            }
            grad[i] = new VectorField(ctx.grid, bar);
        }
        return new VelocityPath(grad);
    }

    @Override
    public VectorSpace<VelocityPath> space() {
        return space;
    }
}
