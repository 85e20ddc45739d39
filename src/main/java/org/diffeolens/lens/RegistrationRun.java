package org.diffeolens.lens;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.AffineTransform;
import org.diffeolens.field.Border;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Intensities;
import org.diffeolens.field.Pyramid;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.Json;
import org.diffeolens.kernel.Kernel;
import org.diffeolens.kernel.Kernels;
import org.diffeolens.output.RegistrationOutputs;
import org.diffeolens.registration.FlowContext;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.SimilarityMetric;
import org.diffeolens.registration.VelocityPath;

/**
 * A registration output folder read back for the lens: its summary, its control (the LDDMM
 * velocity path, the shooting momentum) and the flow that produced it at full resolution, so its
 * time steps can be probed and its deformation path measured again.
 */
public final class RegistrationRun {

    private final Path dir;
    private final Map<String, Object> summary;

    private RegistrationRun(Path dir, Map<String, Object> summary) {
        this.dir = dir;
        this.summary = summary;
    }

    /** Reads DIR/summary.json; the message names the file when it is missing or not a registration's. */
    @SuppressWarnings("unchecked")
    public static RegistrationRun open(Path dir) throws ImageIOException {
        Map<?, ?> summary = RunFolder.summary(dir);
        if (!"diffeolens register".equals(summary.get("tool"))) {
            throw new ImageIOException(dir.resolve("summary.json"), "is not the summary of a registration");
        }
        return new RegistrationRun(dir, (Map<String, Object>) summary);
    }

    public Map<String, Object> summary() {
        return summary;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        Object s = summary.get(name);
        return s instanceof Map<?, ?> ? (Map<String, Object>) s : Map.of();
    }

    public String method() {
        return String.valueOf(section("parameters").get("method"));
    }

    double number(String section, String key) {
        return ((Number) section(section).get(key)).doubleValue();
    }

    /** The LDDMM velocity path of the folder (path/velocity-NNN.nii.gz) on the fixed grid, as saved. */
    public VelocityPath path() throws ImageIOException {
        int t = timeSteps();
        VectorField[] steps = new VectorField[t];
        for (int k = 0; k < t; k++) {
            steps[k] = ImageFiles.readVector(dir.resolve(RegistrationOutputs.PATH).resolve(String.format(Locale.ROOT,
                    "velocity-%03d.nii.gz", k)));
        }
        return new VelocityPath(steps);
    }

    /** The path on the grid of a context of {@link #context} (extended over the FFT margin by its border values). */
    public VelocityPath pathOn(FlowContext ctx) throws ImageIOException {
        VelocityPath saved = path();
        VectorField[] steps = new VectorField[saved.timeSteps()];
        for (int k = 0; k < steps.length; k++) {
            steps[k] = Resampler.resample(saved.step(k), ctx.grid(), ctx.parallel());
        }
        return new VelocityPath(steps);
    }

    public int timeSteps() {
        return (int) number("parameters", "timeSteps");
    }

    /**
     * The registration's flow at full resolution, rebuilt from its inputs and parameters as the
     * registration built it: the fixed grid padded by the FFT margin (so the Fourier kernel's
     * periodic wrap-around stays away from the image), the moving image pre-aligned by the saved
     * affine map, the similarity masked to the original voxels, the saved kernel.
     */
    @SuppressWarnings("unchecked")
    public FlowContext context(Parallel parallel) throws ImageIOException {
        Map<String, Object> in = section("inputs");
        ScalarField fixed = ImageFiles.readScalar(Path.of(String.valueOf(in.get("fixed"))));
        ScalarField moving = ImageFiles.readScalar(Path.of(String.valueOf(in.get("moving"))));
        Map<String, Object> p = section("parameters");
        if (Boolean.TRUE.equals(p.get("normalize"))) {
            fixed = Intensities.normalize(fixed);
            moving = Intensities.normalize(moving);
        }
        Map<String, Object> a = section("affine");
        AffineTransform affine = new AffineTransform(numbers((List<Object>) a.get("matrix")),
                numbers((List<Object>) a.get("translation")));
        Grid grid = Pyramid.padded(fixed.grid(), Registration.FFT_MARGIN);
        ScalarField source = Resampler.resample(moving, fixed.grid(), null, affine, Resampler.Interpolation.LINEAR,
                Border.REPLICATE, parallel);
        ScalarField sp = Resampler.resample(source, grid, null, null, Resampler.Interpolation.LINEAR, Border.REPLICATE,
                parallel);
        ScalarField fp = Resampler.resample(fixed, grid, null, null, Resampler.Interpolation.LINEAR, Border.REPLICATE,
                parallel);
        String kernel = String.valueOf(p.get("kernel"));
        Kernel k = kernel.startsWith("gaussian:")
                ? Kernels.gaussian(grid, Double.parseDouble(kernel.substring(9)), parallel)
                : Kernels.sobolev(grid, number("parameters", "alpha"), number("parameters", "gamma"),
                number("parameters", "order"), parallel);
        SimilarityMetric metric = SimilarityMetric.parse(String.valueOf(p.get("metric")));
        return new FlowContext(sp, metric.create(fp, number("parameters", "sigma"), Pyramid.paddingMask(fixed.grid(),
                grid), parallel), k, parallel);
    }

    private static double[] numbers(List<Object> list) {
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) list.get(i)).doubleValue();
        }
        return d;
    }
}
