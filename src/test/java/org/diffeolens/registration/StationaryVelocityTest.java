package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Fields;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Border;
import org.diffeolens.field.Displacements;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.Sampler;
import org.diffeolens.field.VectorField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exponential of a stationary velocity field against an independent integrator and its inverse. */
class StationaryVelocityTest {

    private static final Parallel PAR = Parallel.of(2);

    static Grid grid(int dim) {
        return dim == 2 ? Grid.of(new int[] {96, 90}, new double[] {1, 1.25})
                : Grid.of(new int[] {64, 60, 56}, new double[] {1, 1, 1.25});
    }

    /**
     * A velocity of a few voxels, smooth on the scale of the grid as registration velocities are
     * (they are smoothed by the kernel): linear interpolation inside each squaring then errs by
     * h^2 |u''| / 8 per composition, well below 0.01 voxel.
     */
    static VectorField velocity(Grid g) {
        Lattice l = new Lattice(g);
        double ex = l.nx * l.hx;
        double ey = l.ny * l.hy;
        double ez = l.nz * l.hz;
        double s = 0.3 * Math.max(ex, ey);
        Fields.Function3 window = (x, y, z) -> Math.exp(-(Math.pow(x - ex / 2, 2) + Math.pow(y - ey / 2, 2)
                + (g.dim() == 3 ? Math.pow(z - ez / 2, 2) : 0)) / (2 * s * s));
        Fields.Function3 a = (x, y, z) -> 3 * Math.sin(Math.PI * y / ey) * window.at(x, y, z);
        Fields.Function3 b = (x, y, z) -> -2.5 * Math.cos(Math.PI * x / ex) * window.at(x, y, z);
        Fields.Function3 c = (x, y, z) -> 2 * Math.sin(Math.PI * (x / ex + z / ez)) * window.at(x, y, z);
        return g.dim() == 2 ? Fields.vector(g, a, b) : Fields.vector(g, a, b, c);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void scalingAndSquaringMatchesRungeKuttaIntegrationOfTheFlow(int dim) {
        Grid g = grid(dim);
        VectorField v = velocity(g);
        VectorField exp = StationaryVelocity.exponential(v, 1, PAR);
        Lattice l = new Lattice(g);
        double worst = 0;
        // RK4 with 64 steps from each voxel centre, v interpolated linearly: an independent integrator
        for (int i = 0; i < l.voxels; i += 7) {
            double[] p = {i % l.nx * l.hx, (i / l.nx) % l.ny * l.hy, dim == 3 ? i / (l.nx * l.ny) * l.hz : 0};
            double[] start = p.clone();
            int steps = 64;
            double h = 1.0 / steps;
            for (int s = 0; s < steps; s++) {
                double[] k1 = sample(v, l, p);
                double[] k2 = sample(v, l, add(p, k1, h / 2));
                double[] k3 = sample(v, l, add(p, k2, h / 2));
                double[] k4 = sample(v, l, add(p, k3, h));
                for (int a = 0; a < dim; a++) {
                    p[a] += h / 6 * (k1[a] + 2 * k2[a] + 2 * k3[a] + k4[a]);
                }
            }
            double e2 = 0;
            for (int a = 0; a < dim; a++) {
                double d = (p[a] - start[a] - exp.component(a)[i]) / g.spacing(a);
                e2 += d * d;
            }
            worst = Math.max(worst, Math.sqrt(e2));
        }
        System.out.printf("%dD exp(v) vs RK4: max difference %.4f voxel (max |v| %.2f voxel)%n", dim, worst,
                v.maxNormInVoxels());
        assertTrue(worst < 0.01, "scaling and squaring vs RK4: " + worst + " voxel");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void exponentialOfMinusVIsTheInverse(int dim) {
        Grid g = grid(dim);
        VectorField v = velocity(g);
        VectorField forward = StationaryVelocity.exponential(v, 1, PAR);
        VectorField backward = StationaryVelocity.exponential(v, -1, PAR);
        VectorField id = Displacements.compose(forward, backward, PAR);
        double worst = id.maxNormInVoxels();
        System.out.printf("%dD exp(v) o exp(-v): max residual %.4f voxel%n", dim, worst);
        assertTrue(worst < 0.05, "exp(v) o exp(-v) - id: " + worst + " voxel");
    }

    private static double[] sample(VectorField v, Lattice l, double[] p) {
        double[] out = new double[v.dim()];
        for (int a = 0; a < v.dim(); a++) {
            out[a] = Sampler.linear(v.component(a), l, p[0] / l.hx, p[1] / l.hy, v.dim() == 3 ? p[2] / l.hz : 0,
                    Border.REPLICATE);
        }
        return out;
    }

    private static double[] add(double[] p, double[] k, double h) {
        double[] q = p.clone();
        for (int a = 0; a < k.length; a++) {
            q[a] += h * k[a];
        }
        return q;
    }

    /**
     * The flow recycles a trajectory's squarings two forward passes later: the old trajectory then
     * squares again and gives bit for bit what it gave before, what it handed out earlier does not
     * change under its holder, and a control changed in place afterwards is not followed.
     */
    @org.junit.jupiter.api.Test
    void aRecycledTrajectorySquaresAgainToTheSameNumbers() {
        FlowContext ctx = Problems.context(2, false);
        StationaryVelocity flow = new StationaryVelocity(ctx);
        VectorField v = velocity(ctx.grid());
        StationaryVelocity.Trajectory first = flow.forward(v);
        VectorField map = first.inverseMap();
        double[] mapBefore = map.component(0).clone();
        double[] gradientFresh = flow.gradient(first).component(1).clone();
        // two more passes take both storages, the first trajectory's included
        VectorField other = velocity(ctx.grid());
        other.component(0)[3] += 0.5;
        flow.forward(other);
        flow.forward(VectorField.zeros(ctx.grid()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, map.component(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(gradientFresh, flow.gradient(first).component(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, first.inverseMap().component(0));
        java.util.Arrays.fill(v.component(0), 0);
        flow.forward(other);
        flow.forward(other);
        org.junit.jupiter.api.Assertions.assertArrayEquals(gradientFresh, flow.gradient(first).component(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(mapBefore, first.inverseMap().component(0));
    }
}
