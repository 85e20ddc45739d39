import java.lang.management.ManagementFactory;
import org.diffeolens.bench.Phantoms;
import org.diffeolens.bench.ShootingBenchmark;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.registration.LevelLog;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationResult;

/**
 * The bench's 3-level shooting registration, timed in wall and process CPU seconds; public API
 * only, so it compiles against any commit from f2010c7 on.
 * Usage: RegBench DIM N ITERATIONS THREADS
 */
public class RegBench {
    public static void main(String[] a) {
        int dim = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]), iterations = Integer.parseInt(a[2]), threads = Integer.parseInt(a[3]);
        Parallel par = Parallel.of(threads);
        Grid g = dim == 2 ? Grid.of(new int[] {n, n}, new double[] {1, 1}) : Grid.of(new int[] {n, n, n}, new double[] {1, 1, 1});
        ScalarField fixed = Phantoms.head(g, par);
        ScalarField moving = Phantoms.deformed(fixed, Phantoms.deformation(g, 5), par);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        RegistrationResult r = Registration.register(fixed, moving, ShootingBenchmark.parameters(3, iterations, threads));
        double wall = (System.nanoTime() - t0) * 1e-9, cpu = (os.getProcessCpuTime() - c0) * 1e-9;
        StringBuilder its = new StringBuilder();
        for (LevelLog l : r.levels()) its.append(l.iterations()).append(' ');
        System.out.printf("%dD %d: wall %.1f s, cpu %.1f s, iterations %s, energy %.6g%n", dim, n, wall, cpu, its.toString().trim(), r.energy().total());
    }
}
