package org.diffeolens.bench;

import java.util.Random;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Transport;
import org.diffeolens.io.Json;
import org.diffeolens.kernel.FourierKernel;
import org.diffeolens.kernel.Kernels;
import org.diffeolens.registration.RegistrationParameters;

/**
 * The three numerical primitives a registration iteration is made of, timed on a cube of n^3
 * voxels of 1 mm: the V-kernel K on a 3-component vector field, the gradient of a scalar field,
 * and a warp (linear interpolation of an image through a displacement, as the flows do it).
 */
public final class Primitives {

    private final Grid grid;
    private final Parallel parallel;
    private final int warmup;
    private final int repeat;

    public Primitives(int n, Parallel parallel, int warmup, int repeat) {
        this.grid = Grid.of(new int[] {n, n, n}, new double[] {1, 1, 1});
        this.parallel = parallel;
        this.warmup = warmup;
        this.repeat = repeat;
    }

    /** out = K in on 3 components, K = (gamma - alpha Laplacian)^-order with the registration defaults. */
    public Json kernel() {
        double alpha = RegistrationParameters.DEFAULT_ALPHA;
        double gamma = RegistrationParameters.DEFAULT_GAMMA;
        double order = RegistrationParameters.DEFAULT_ORDER;
        FourierKernel k = Kernels.sobolev(grid, alpha, gamma, order, parallel);
        double[][] in = random(3, 1);
        double[][] out = new double[3][grid.voxelCount()];
        Timing.Result r = Timing.measure(warmup, repeat, () -> k.applyK(in, out));
        return r.toJson().put("size", grid.size()).put("components", 3).put("precision", "float64")
                .put("alpha", alpha).put("gamma", gamma).put("order", order).put("operation", "FourierKernel.applyK");
    }

    /** out[a] = d f / d x_a by central differences (one-sided at the border). */
    public Json gradient() {
        Differential diff = new Differential(grid, parallel);
        double[] f = random(1, 2)[0];
        double[][] out = new double[3][grid.voxelCount()];
        Timing.Result r = Timing.measure(warmup, repeat, () -> diff.gradient(f, out));
        return r.toJson().put("size", grid.size()).put("precision", "float64")
                .put("operation", "Differential.gradient");
    }

    /** out(x) = f(x + u(x)) with linear interpolation, u a smooth displacement of a few voxels. */
    public Json warp() {
        Transport t = new Transport(grid, parallel);
        double[] f = random(1, 3)[0];
        double[][] u = Phantoms.deformation(grid, 4).components();
        double[] out = new double[grid.voxelCount()];
        Timing.Result r = Timing.measure(warmup, repeat, () -> t.pullBack(f, u, out));
        return r.toJson().put("size", grid.size()).put("precision", "float64").put("operation", "Transport.pullBack");
    }

    private double[][] random(int components, long seed) {
        Random rnd = new Random(seed);
        double[][] a = new double[components][grid.voxelCount()];
        for (double[] c : a) {
            for (int i = 0; i < c.length; i++) {
                c[i] = rnd.nextDouble() - 0.5;
            }
        }
        return a;
    }
}
