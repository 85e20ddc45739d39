package org.diffeolens.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.diffeolens.bench.CostSplit;
import org.diffeolens.bench.Primitives;
import org.diffeolens.bench.ShootingBenchmark;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** diffeolens bench: the engine's hot paths timed on this machine, as one JSON object on stdout. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the engine on this machine and print one JSON object:",
            "  kernel      V-kernel K on an N^3 vector field with 3 components (median of --repeat runs)",
            "  gradient    gradient of an N^3 scalar field",
            "  warp        linear interpolation of an N^3 image through a displacement",
            "  shooting2d  a 3-level geodesic-shooting registration of a 256^2 phantom pair",
            "  split       cost of one shooting evaluation (forward + gradient) split into kernel, transport,",
            "              differential and the rest (JFR samples; the kernel also by wall time), 256^2",
            "  shooting3d  the same registration on an N^3 phantom pair (with --3d or --only; minutes)",
            "  split3d     the cost split on an N^3 grid (with --3d or --only)",
            "Progress goes to stderr."})
final class BenchCommand implements Callable<Integer> {

    static final List<String> ALL = List.of("kernel", "gradient", "warp", "shooting2d", "split", "shooting3d",
            "split3d");

    @Spec
    CommandSpec spec;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "run only these (comma separated): kernel, gradient, warp, shooting2d, split, shooting3d, "
                    + "split3d")
    List<String> only;

    @Option(names = "--3d", description = "also run shooting3d and split3d")
    boolean threeD;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "15",
            description = "timed runs of each primitive (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "untimed runs before timing (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--size", paramLabel = "N", defaultValue = "128",
            description = "edge of the 3D grids (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--size-2d", paramLabel = "N", defaultValue = "256",
            description = "edge of the 2D registration grid (default: ${DEFAULT-VALUE})")
    int size2d;

    @Option(names = "--levels", paramLabel = "N", defaultValue = "3",
            description = "pyramid levels of the registrations (default: ${DEFAULT-VALUE})")
    int levels;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "100",
            description = "maximum iterations per level, 2D registration (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--iterations-3d", paramLabel = "N", defaultValue = "20",
            description = "maximum iterations per level, 3D registration (default: ${DEFAULT-VALUE})")
    int iterations3d;

    @Option(names = "--evaluations", paramLabel = "N", defaultValue = "5",
            description = "timed shooting evaluations of the cost split (default: ${DEFAULT-VALUE})")
    int evaluations;

    @Override
    public Integer call() {
        Set<String> run = selection();
        if (repeat < 1 || warmup < 0 || size < 4 || size2d < 4 || evaluations < 1) {
            throw new IllegalArgumentException("need --repeat >= 1, --warmup >= 0, --size >= 4, --size-2d >= 4, "
                    + "--evaluations >= 1; got " + repeat + ", " + warmup + ", " + size + ", " + size2d + ", "
                    + evaluations);
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Parallel parallel = Parallel.of(t);
        Json out = new Json().put("machine", machine(t));
        Primitives prim = new Primitives(size, parallel, warmup, repeat);
        for (String name : run) {
            progress(name);
            switch (name) {
                case "kernel" -> out.put(name, prim.kernel());
                case "gradient" -> out.put(name, prim.gradient());
                case "warp" -> out.put(name, prim.warp());
                case "shooting2d" -> out.put(name, ShootingBenchmark.run(2, size2d, levels, iterations, parallel));
                case "split" -> out.put(name, CostSplit.run(2, size2d, evaluations, parallel));
                case "shooting3d" -> out.put(name, ShootingBenchmark.run(3, size, levels, iterations3d, parallel));
                default -> out.put(name, CostSplit.run(3, size, Math.max(1, evaluations / 2), parallel));
            }
        }
        spec.commandLine().getOut().println(out.toPrettyString());
        return Main.EXIT_OK;
    }

    private Set<String> selection() {
        Set<String> run = new LinkedHashSet<>();
        if (only == null || only.isEmpty()) {
            run.addAll(ALL.subList(0, 5));
            if (threeD) {
                run.addAll(ALL.subList(5, 7));
            }
            return run;
        }
        for (String name : ALL) {
            if (only.contains(name)) {
                run.add(name);
            }
        }
        for (String name : only) {
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException("--only: unknown benchmark '" + name + "' (one of " + ALL + ")");
            }
        }
        return run;
    }

    private static Json machine(int threads) {
        return new Json().put("cores", Runtime.getRuntime().availableProcessors()).put("threads", threads)
                .put("java", System.getProperty("java.version")).put("vm", System.getProperty("java.vm.name"))
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
                .put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20)
                .put("diffeolens", Version.current());
    }

    private void progress(String name) {
        spec.commandLine().getErr().println("bench: " + name + " ...");
    }
}
