package org.diffeolens.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.Json;
import org.diffeolens.kernel.Kernel;
import org.diffeolens.kernel.Kernels;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.GeodesicShooting;
import org.diffeolens.registration.SimilarityMetric;

/**
 * Where the time of one shooting evaluation (forward pass and adjoint gradient, what an optimizer
 * iteration costs) goes. Two independent measures: the kernel's wall time exactly, through a
 * timing wrapper around it; and every part's share of the CPU, from JFR execution samples
 * (jdk.ExecutionSample) taken in-process during the timed evaluations, each sample attributed to
 * the innermost frame that belongs to a known part of the engine.
 */
public final class CostSplit {

    /** Sampling period of the JFR execution sampler. */
    static final Duration SAMPLE_PERIOD = Duration.ofMillis(2);

    private CostSplit() {
    }

    /** Splits `evaluations` shooting evaluations on an n^dim grid (after {@link #untimedEvaluations} untimed ones). */
    public static Json run(int dim, int n, int evaluations, Parallel parallel) {
        Grid g = dim == 2 ? Grid.of(new int[] {n, n}, new double[] {1, 1})
                : Grid.of(new int[] {n, n, n}, new double[] {1, 1, 1});
        ScalarField fixed = Phantoms.head(g, parallel);
        ScalarField moving = Phantoms.deformed(fixed, Phantoms.deformation(g, ShootingBenchmark.DEFORMATION_VOXELS),
                parallel);
        TimedKernel kernel = new TimedKernel(Kernels.sobolev(g, 9, 1, 2, parallel));
        FlowContext ctx = new FlowContext(moving, SimilarityMetric.ssd().create(fixed, 0.02, parallel), kernel,
                parallel);
        GeodesicShooting flow = new GeodesicShooting(ctx, 10);
        ScalarField p0 = initialMomentum(ctx, fixed, moving);
        Map<String, Long> parts = new LinkedHashMap<>();
        Map<String, Long> transport = new LinkedHashMap<>();
        long t0;
        long t1;
        long c0;
        long c1;
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
            // the recording starts before the untimed evaluations: starting it costs the compiled
            // code for about a second (five timed evaluations after it measured 220 ms, warm ones 75)
            rec.start();
            // untimed evaluations until the JIT has compiled the engine (a 2D evaluation is short)
            for (int k = 0; k < untimedEvaluations(dim); k++) {
                flow.gradient(flow.forward(p0));
            }
            kernel.reset();
            java.time.Instant timed = java.time.Instant.now();
            c0 = Timing.processCpuNanos();
            t0 = System.nanoTime();
            for (int k = 0; k < evaluations; k++) {
                flow.gradient(flow.forward(p0));
            }
            t1 = System.nanoTime();
            c1 = Timing.processCpuNanos();
            rec.stop();
            Path file = Files.createTempFile("diffeolens-bench", ".jfr");
            try {
                rec.dump(file);
                List<RecordedEvent> events = new java.util.ArrayList<>();
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (!e.getStartTime().isBefore(timed)) {
                        events.add(e);
                    }
                }
                attribute(events, parts, transport);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double evalMs = (t1 - t0) * 1e-6 / evaluations;
        double kernelMs = kernel.nanos * 1e-6 / evaluations;
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        long working = total - parts.get("idle");
        Json shares = new Json();
        Json estimated = new Json();
        for (Map.Entry<String, Long> e : parts.entrySet()) {
            double share = total == 0 ? 0 : e.getValue() / (double) total;
            shares.put(e.getKey(), Timing.round(share));
            if (!e.getKey().equals("idle")) {
                // wall time: the parts' shares of the samples that did work
                estimated.put(e.getKey(), Timing.round(working == 0 ? 0 : e.getValue() / (double) working * evalMs));
            }
        }
        Json transportShares = new Json();
        for (Map.Entry<String, Long> e : transport.entrySet()) {
            transportShares.put(e.getKey(), Timing.round(total == 0 ? 0 : e.getValue() / (double) total));
        }
        return new Json().put("size", g.size()).put("timeSteps", flow.timeSteps()).put("evaluations", evaluations)
                .put("evaluationMs", Timing.round(evalMs))
                .put("evaluationCpuMs", Timing.round((c1 - c0) * 1e-6 / evaluations))
                .put("kernelCallsPerEvaluation", kernel.calls / evaluations)
                .put("kernelWallMs", Timing.round(kernelMs))
                .put("kernelWallShare", Timing.round(kernelMs / evalMs))
                .put("samples", total).put("sampleShares", shares).put("estimatedMsFromSamples", estimated)
                .put("transportSampleSharesByMethod", transportShares);
    }

    /** A momentum whose first velocity moves points by about two voxels: a realistic trajectory. */
    private static ScalarField initialMomentum(FlowContext ctx, ScalarField fixed, ScalarField moving) {
        double[] p = new double[fixed.data().length];
        for (int i = 0; i < p.length; i++) {
            p[i] = fixed.data()[i] - moving.data()[i];
        }
        VectorField grad = new Differential(fixed.grid(), ctx.parallel()).gradient(moving);
        for (double[] c : grad.components()) {
            for (int i = 0; i < c.length; i++) {
                c[i] *= p[i];
            }
        }
        double speed = ctx.kernel().applyK(grad).maxNorm();
        double scale = speed > 0 ? 2 / speed : 0;
        for (int i = 0; i < p.length; i++) {
            p[i] *= scale;
        }
        return new ScalarField(fixed.grid(), p);
    }

    /** Evaluations run before the timed ones: 2D ones take tens of ms, 3D ones seconds. */
    static int untimedEvaluations(int dim) {
        return dim == 2 ? 20 : 2;
    }

    /** Counts each sample under the part of its innermost engine frame; Transport also by method. */
    static void attribute(List<RecordedEvent> events, Map<String, Long> parts, Map<String, Long> transport) {
        for (String k : new String[] {"kernel", "transport", "differential", "similarity", "idle", "other"}) {
            parts.put(k, 0L);
        }
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            String part = "other";
            String method = null;
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                if (f.getMethod() == null) {
                    continue;
                }
                String type = f.getMethod().getType().getName();
                String p = partOf(type);
                if (p != null) {
                    part = p;
                    if (p.equals("transport")) {
                        method = transportMethod(e.getStackTrace().getFrames());
                    }
                    break;
                }
            }
            parts.merge(part, 1L, Long::sum);
            if (method != null) {
                transport.merge(method, 1L, Long::sum);
            }
        }
    }

    private static String partOf(String type) {
        if (type.startsWith("org.diffeolens.concurrent.Team")) {
            return "idle"; // a worker spinning for its next chunk: CPU, not wall time
        }
        if (type.startsWith("org.jtransforms.") || type.startsWith("org.diffeolens.kernel.")) {
            return "kernel";
        }
        if (type.startsWith("org.diffeolens.field.Transport") || type.startsWith("org.diffeolens.field.LinearStencil")
                || type.startsWith("org.diffeolens.field.Sampler")) {
            return "transport";
        }
        if (type.startsWith("org.diffeolens.field.Differential")) {
            return "differential";
        }
        if (type.startsWith("org.diffeolens.registration.SumOfSquaredDifferences")
                || type.startsWith("org.diffeolens.registration.LocalCorrelation")) {
            return "similarity";
        }
        return null;
    }

    /** The public Transport method a sample ran in (lambda$pullBack$0, pullBackRow -> pullBack). */
    private static String transportMethod(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod() == null ? "" : f.getMethod().getType().getName();
            if (type.startsWith("org.diffeolens.field.Transport$Splats")) {
                return "splatBuffers";
            }
            if (!type.equals("org.diffeolens.field.Transport")) {
                continue;
            }
            String name = f.getMethod().getName();
            if (name.endsWith("Row")) {
                name = name.substring(0, name.length() - 3);
            }
            if (name.startsWith("lambda$")) {
                int end = name.indexOf('$', 7);
                name = end > 0 ? name.substring(7, end) : name.substring(7);
            }
            if (!name.equals("locate")) {
                return name;
            }
        }
        return "other";
    }

    /** Wall time spent in the kernel, exactly. */
    private static final class TimedKernel implements Kernel {
        private final Kernel k;
        long nanos;
        long calls;

        TimedKernel(Kernel k) {
            this.k = k;
        }

        void reset() {
            nanos = 0;
            calls = 0;
        }

        @Override
        public Grid grid() {
            return k.grid();
        }

        @Override
        public void applyK(double[][] in, double[][] out) {
            long t = System.nanoTime();
            k.applyK(in, out);
            nanos += System.nanoTime() - t;
            calls++;
        }

        @Override
        public void applyNegativeK(double[][] in, double[][] out) {
            long t = System.nanoTime();
            k.applyNegativeK(in, out);
            nanos += System.nanoTime() - t;
            calls++;
        }

        @Override
        public void applyL(double[][] in, double[][] out) {
            long t = System.nanoTime();
            k.applyL(in, out);
            nanos += System.nanoTime() - t;
            calls++;
        }

        @Override
        public double eigenvalueK(int flatFrequencyIndex) {
            return k.eigenvalueK(flatFrequencyIndex);
        }

        @Override
        public String describe() {
            return k.describe();
        }
    }
}
