import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.diffeolens.bench.Phantoms;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.kernel.Kernels;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.GeodesicShooting;
import org.diffeolens.registration.SimilarityMetric;

/**
 * CPU (1 thread) or wall (more threads) milliseconds per geodesic-shooting evaluation (forward
 * pass and adjoint gradient, 10 time steps) on the bench's phantom pair; public API only, so it
 * compiles against any commit from f2010c7 on. The check value must agree between versions.
 * Usage: EvalBench DIM N THREADS REPEATS
 */
public class EvalBench {
    public static void main(String[] a) {
        int dim = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]), threads = Integer.parseInt(a[2]), reps = Integer.parseInt(a[3]);
        Parallel par = Parallel.of(threads); org.visnow.jlargearrays.ConcurrencyUtils.setNumberOfThreads(threads);
        Grid g = dim == 2 ? Grid.of(new int[] {n, n}, new double[] {1, 1}) : Grid.of(new int[] {n, n, n}, new double[] {1, 1, 1});
        ScalarField fixed = Phantoms.head(g, par);
        ScalarField moving = Phantoms.deformed(fixed, Phantoms.deformation(g, 5), par);
        FlowContext ctx = new FlowContext(moving, SimilarityMetric.ssd().create(fixed, 0.02, par), Kernels.sobolev(g, 9, 1, 2, par), par);
        GeodesicShooting flow = new GeodesicShooting(ctx, 10);
        double[] p = new double[g.voxelCount()];
        for (int i = 0; i < p.length; i++) p[i] = fixed.data()[i] - moving.data()[i];
        VectorField grad = new Differential(g, par).gradient(moving);
        for (double[] c : grad.components()) for (int i = 0; i < c.length; i++) c[i] *= p[i];
        double scale = 2 / ctx.kernel().applyK(grad).maxNorm();
        for (int i = 0; i < p.length; i++) p[i] *= scale;
        ScalarField p0 = new ScalarField(g, p);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = threads == 1;
        double[] t = new double[reps];
        double check = 0;
        for (int r = -2; r < reps; r++) {
            long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            GeodesicShooting.Trajectory tr = flow.forward(p0);
            ScalarField gr = flow.gradient(tr);
            long t1 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            if (r >= 0) t[r] = (t1 - t0) * 1e-6;
            check = tr.energy().total() + ScalarField.dot(gr, gr);
        }
        Arrays.sort(t);
        System.out.printf("%dD n=%d threads=%d %s ms/evaluation: median %.1f min %.1f (check %.12g)%n", dim, n, threads, cpu ? "cpu" : "wall", t[reps / 2], t[0], check);
    }
}
