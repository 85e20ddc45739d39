package org.diffeolens.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.Json;
import org.diffeolens.output.RegistrationOutputs;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.Method;
import org.diffeolens.lens.RegistrationLens;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationListener;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.RegistrationResult;
import org.diffeolens.registration.SimilarityMetric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** diffeolens register: one image pair, one output folder (ANTs' antsRegistration, elastix). */
@Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Register a moving image onto a fixed image with a diffeomorphism.", "",
            "Affine pre-alignment, then geodesic shooting, LDDMM or a stationary velocity field over a",
            "multi-resolution pyramid. Writes into DIR: warped.nii.gz, displacement.nii.gz (u on the fixed",
            "grid, warped(x) = moving(x + u(x))), inverse.nii.gz (on the moving grid), jacobian.nii.gz,",
            "momentum.nii.gz (shooting) or velocity.nii.gz (svf) or path/ (lddmm), affine.txt (ITK format),",
            "summary.json (every parameter and energy) and report.png.", ""},
        footer = {"", "Example:",
            "  diffeolens register --fixed test-data/BrainProtonDensitySlice.png \\",
            "      --moving test-data/BrainProtonDensitySliceBSplined10.png --out out/brain"})
final class RegisterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--fixed"}, required = true, paramLabel = "FILE", description = "fixed (target) image")
    Path fixed;

    @Option(names = {"-m", "--moving"}, required = true, paramLabel = "FILE", description = "moving (source) image")
    Path moving;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "output folder (created)")
    Path out;

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "svf",
            description = "shooting, lddmm or svf (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--metric", paramLabel = "NAME", defaultValue = "ssd",
            description = "ssd, or ncc[:radius] with the window radius in voxels (default: ${DEFAULT-VALUE})")
    String metric;

    @Option(names = "--alpha", paramLabel = "MM2", description = "kernel width term, mm^2 (default: "
            + RegistrationParameters.DEFAULT_ALPHA + " h^2, h the fixed image's mean voxel spacing in mm)")
    Double alpha;

    @Option(names = "--gamma", paramLabel = "X", description = "kernel identity term (default: "
            + RegistrationParameters.DEFAULT_GAMMA + ")")
    Double gamma;

    @Option(names = "--order", paramLabel = "S", description = "kernel order: L = (gamma - alpha Laplacian)^order "
            + "(default: " + RegistrationParameters.DEFAULT_ORDER + ")")
    Double order;

    @Option(names = "--kernel", paramLabel = "KIND", defaultValue = "sobolev",
            description = "sobolev (uses alpha, gamma, order) or gaussian:WIDTH_MM (default: ${DEFAULT-VALUE})")
    String kernel;

    @Option(names = "--sigma", paramLabel = "X", description = "data-term noise level in normalized intensity "
            + "(default: " + RegistrationParameters.DEFAULT_SIGMA_SSD + " for ssd, "
            + RegistrationParameters.DEFAULT_SIGMA_NCC + " for ncc)")
    Double sigma;

    @Option(names = "--time-steps", paramLabel = "N", description = "time steps of the flow (default: "
            + RegistrationParameters.DEFAULT_TIME_STEPS + ")")
    Integer timeSteps;

    @Option(names = "--levels", paramLabel = "N", description = "pyramid levels (default: "
            + RegistrationParameters.DEFAULT_LEVELS + ")")
    Integer levels;

    @Option(names = "--iterations", paramLabel = "N", description = "maximum iterations per level (default: "
            + RegistrationParameters.DEFAULT_ITERATIONS + ")")
    Integer iterations;

    @Option(names = "--affine", paramLabel = "MODEL", defaultValue = "affine",
            description = "pre-alignment: none, translation, rigid or affine (default: ${DEFAULT-VALUE})")
    String affine;

    @Option(names = "--affine-iterations", paramLabel = "N", description = "maximum pre-alignment iterations per "
            + "level (default: " + RegistrationParameters.DEFAULT_AFFINE_ITERATIONS + ")")
    Integer affineIterations;

    @Option(names = "--tolerance", paramLabel = "X", description = "stop a level when the energy changes by less "
            + "than this fraction over 5 iterations (default: " + RegistrationParameters.DEFAULT_TOLERANCE + ")")
    Double tolerance;

    @Option(names = "--no-normalize", description = "match raw intensities instead of each image's 0.5-99.5 "
            + "percentile range mapped to [0, 1]")
    boolean noNormalize;

    @Option(names = "--gradient", paramLabel = "KIND", defaultValue = "adjoint",
            description = "adjoint (the reverse sweep) or ep (equilibrium propagation through the transport's "
                    + "energy form; shooting only, several times slower) (default: ${DEFAULT-VALUE})")
    String gradient;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        parameters(null); // bad parameter values fail before any file is read
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException(out + ": exists and is not a folder; --out names the output folder");
        }
        ScalarField f = ImageFiles.readScalar(fixed);
        ScalarField m = ImageFiles.readScalar(moving);
        RegistrationParameters p = parameters(f.grid());
        if (f.grid().dim() != m.grid().dim()) {
            throw new BadInputException(fixed + " is " + f.grid().dim() + "D but " + moving + " is "
                    + m.grid().dim() + "D: register images of the same dimension");
        }
        requireFinite(f, fixed);
        requireFinite(m, moving);
        PrintWriter o = spec.commandLine().getOut();
        RegistrationResult r;
        RegistrationLens lens = new RegistrationLens();
        try (Progress progress = new Progress(quiet, o)) {
            r = Registration.register(f, m, p, RegistrationListener.both(progress, lens), null);
        }
        Json summary = RegistrationOutputs.write(out, new RegistrationOutputs.Inputs(fixed, moving, f, m), r,
                java.util.Map.of("trajectory", lens.toJson()));
        if (!quiet) {
            o.printf(Locale.ROOT, "MSE %s -> %s, NCC %.4f -> %.4f, Jacobian %.3f .. %.3f, %d folds, %.1f s%n",
                    Text.num(((Number) summaryValue(summary, "mseBefore")).doubleValue()),
                    Text.num(((Number) summaryValue(summary, "mseAfter")).doubleValue()),
                    ((Number) summaryValue(summary, "nccBefore")).doubleValue(),
                    ((Number) summaryValue(summary, "nccAfter")).doubleValue(),
                    r.jacobianMin(), r.jacobianMax(), r.folds(), r.seconds());
            o.println("wrote " + out.resolve(RegistrationOutputs.SUMMARY) + " and the images beside it");
        }
        return Main.EXIT_OK;
    }

    private static Object summaryValue(Json summary, String key) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) Json.parse(summary.toString());
        return m.get(key);
    }

    private static void requireFinite(ScalarField f, Path file) throws ImageIOException {
        if (!f.isFinite()) {
            throw new ImageIOException(file, "contains NaN or infinite intensities; registration needs finite values");
        }
    }

    /** The parameters from the options; alpha defaults to the fixed grid's (unit spacing when null). */
    RegistrationParameters parameters(org.diffeolens.field.Grid fixedGrid) {
        SimilarityMetric sm = SimilarityMetric.parse(metric);
        RegistrationParameters d = fixedGrid == null ? RegistrationParameters.defaults()
                : RegistrationParameters.defaultsFor(fixedGrid);
        double width = 0;
        String k = kernel.trim().toLowerCase(Locale.ROOT);
        if (k.startsWith("gaussian:")) {
            try {
                width = Double.parseDouble(k.substring("gaussian:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--kernel gaussian:WIDTH needs a width in mm, got '" + kernel + "'");
            }
            if (!(width > 0)) {
                throw new IllegalArgumentException("--kernel gaussian width must be > 0 mm, got " + width);
            }
        } else if (!k.equals("sobolev")) {
            throw new IllegalArgumentException("--kernel must be sobolev or gaussian:WIDTH_MM, got '" + kernel + "'");
        }
        return new RegistrationParameters(Method.parse(method), sm,
                alpha == null ? d.alpha() : alpha, gamma == null ? d.gamma() : gamma,
                order == null ? d.order() : order, width,
                sigma == null ? RegistrationParameters.defaultSigma(sm) : sigma,
                timeSteps == null ? d.timeSteps() : timeSteps, levels == null ? d.levels() : levels,
                iterations == null ? d.iterations() : iterations, AffineModel.parse(affine),
                affineIterations == null ? d.affineIterations() : affineIterations,
                tolerance == null ? d.tolerance() : tolerance, !noNormalize,
                threads == null ? d.threads() : threads, RegistrationParameters.Gradient.parse(gradient));
    }
}
