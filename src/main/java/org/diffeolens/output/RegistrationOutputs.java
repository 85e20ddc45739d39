package org.diffeolens.output;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.diffeolens.Diffeolens;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.AffineTransform;
import org.diffeolens.field.Border;
import org.diffeolens.field.Intensities;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.flow.Energy;
import org.diffeolens.io.AtomicFiles;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.Json;
import org.diffeolens.io.PixelType;
import org.diffeolens.registration.LevelLog;
import org.diffeolens.registration.RegistrationResult;

/**
 * The output folder of a registration, the same from the CLI and the Fiji plugin, with predictable
 * names (as ANTs and elastix write theirs): warped.nii.gz, displacement.nii.gz, inverse.nii.gz,
 * jacobian.nii.gz, the method's control (momentum.nii.gz, velocity.nii.gz or path/), affine.txt
 * (ITK's transform format), summary.json (every parameter, so the run can be repeated) and
 * report.png. Every file is written atomically, and none replaces an input.
 */
public final class RegistrationOutputs {

    public static final String WARPED = "warped.nii.gz";
    public static final String DISPLACEMENT = "displacement.nii.gz";
    public static final String INVERSE = "inverse.nii.gz";
    public static final String JACOBIAN = "jacobian.nii.gz";
    public static final String MOMENTUM = "momentum.nii.gz";
    public static final String VELOCITY = "velocity.nii.gz";
    public static final String PATH = "path";
    public static final String AFFINE = "affine.txt";
    public static final String SUMMARY = "summary.json";
    public static final String REPORT = "report.png";

    private RegistrationOutputs() {
    }

    /** Where the inputs came from, for the summary (paths may be null for images from memory). */
    public record Inputs(Path fixed, Path moving, ScalarField fixedImage, ScalarField movingImage) {
    }

    /** Writes every output of {@code r} into {@code dir}; returns the summary that was written. */
    public static Json write(Path dir, Inputs in, RegistrationResult r) throws ImageIOException {
        return write(dir, in, r, java.util.Map.of());
    }

    /**
     * As {@link #write(Path, Inputs, RegistrationResult)}, with extra top-level sections of
     * summary.json (such as the lens's trajectory of the optimization).
     */
    public static Json write(Path dir, Inputs in, RegistrationResult r, java.util.Map<String, Json> extra)
            throws ImageIOException {
        Collection<Path> protect = new ArrayList<>();
        if (in.fixed() != null) {
            protect.add(in.fixed());
        }
        if (in.moving() != null) {
            protect.add(in.moving());
        }
        ScalarField before = unregistered(in, r);
        RegistrationReport.SummaryNumbers numbers = similarity(in, r, before);
        ImageFiles.write(dir.resolve(WARPED), ImageData.of(r.warped()), PixelType.FLOAT32, protect);
        ImageFiles.write(dir.resolve(DISPLACEMENT), ImageData.of(r.displacement()), PixelType.FLOAT32, protect);
        ImageFiles.write(dir.resolve(INVERSE), ImageData.of(r.inverse()), PixelType.FLOAT32, protect);
        ImageFiles.write(dir.resolve(JACOBIAN), ImageData.of(r.jacobian()), PixelType.FLOAT32, protect);
        if (r.momentum() != null) {
            ImageFiles.write(dir.resolve(MOMENTUM), ImageData.of(r.momentum()), PixelType.FLOAT32, protect);
        }
        if (r.velocity() != null) {
            ImageFiles.write(dir.resolve(VELOCITY), ImageData.of(r.velocity()), PixelType.FLOAT32, protect);
        }
        if (r.path() != null) {
            for (int k = 0; k < r.path().timeSteps(); k++) {
                ImageFiles.write(dir.resolve(PATH).resolve(String.format(Locale.ROOT, "velocity-%03d.nii.gz", k)),
                        ImageData.of(r.path().step(k)), PixelType.FLOAT32, protect);
            }
        }
        AtomicFiles.writeString(dir.resolve(AFFINE), itkTransform(r.affine()), protect);
        Json summary = summary(in, r, numbers);
        extra.forEach(summary::put);
        AtomicFiles.writeString(dir.resolve(SUMMARY), summary.toPrettyString() + "\n", protect);
        BufferedImage report = RegistrationReport.render(in.fixedImage(), before, r, in.movingImage().grid(), numbers);
        byte[] png = png(report);
        AtomicFiles.write(dir.resolve(REPORT), out -> out.write(png), protect);
        return summary;
    }

    /** MSE and NCC to the fixed image before and after registration, as summary.json reports them. */
    public static RegistrationReport.SummaryNumbers similarity(Inputs in, RegistrationResult r) {
        return similarity(in, r, unregistered(in, r));
    }

    private static RegistrationReport.SummaryNumbers similarity(Inputs in, RegistrationResult r, ScalarField before) {
        return new RegistrationReport.SummaryNumbers(
                Intensities.meanSquaredDifference(before, in.fixedImage()),
                Intensities.meanSquaredDifference(r.warped(), in.fixedImage()),
                Intensities.correlation(before, in.fixedImage()),
                Intensities.correlation(r.warped(), in.fixedImage()));
    }

    /** The moving image on the fixed grid by the images' geometry alone: "before" in every comparison. */
    private static ScalarField unregistered(Inputs in, RegistrationResult r) {
        return Resampler.resample(in.movingImage(), in.fixedImage().grid(), null, null,
                Resampler.Interpolation.LINEAR, Border.ZERO, Parallel.of(r.parameters().threads()));
    }

    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(image, "png", b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding failed", e);
        }
    }

    /**
     * The affine map in ITK's text transform format (AffineTransform_double_D_D, matrix row-major
     * then translation, centre 0): it maps fixed physical points (LPS) to moving ones, as ITK's do.
     */
    public static String itkTransform(AffineTransform t) {
        int d = t.dim();
        StringBuilder b = new StringBuilder("#Insight Transform File V1.0\n#Transform 0\n");
        b.append("Transform: AffineTransform_double_").append(d).append('_').append(d).append('\n');
        b.append("Parameters:");
        for (double v : t.matrix()) {
            b.append(' ').append(num(v));
        }
        for (double v : t.translation()) {
            b.append(' ').append(num(v));
        }
        b.append("\nFixedParameters:");
        for (int i = 0; i < d; i++) {
            b.append(" 0");
        }
        return b.append('\n').toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }

    static Json summary(Inputs in, RegistrationResult r, RegistrationReport.SummaryNumbers n) {
        Json params = new Json();
        for (Map.Entry<String, Object> e : r.parameters().asMap().entrySet()) {
            Object v = e.getValue();
            if (v instanceof Number num) {
                params.put(e.getKey(), num.doubleValue());
            } else if (v instanceof Boolean bool) {
                params.put(e.getKey(), bool);
            } else {
                params.put(e.getKey(), String.valueOf(v));
            }
        }
        List<Json> levels = new ArrayList<>();
        for (LevelLog l : r.levels()) {
            List<Double> total = new ArrayList<>();
            List<Double> reg = new ArrayList<>();
            List<Double> data = new ArrayList<>();
            for (Energy e : l.energies()) {
                total.add(e.total());
                reg.add(e.regularization());
                data.add(e.data());
            }
            levels.add(new Json().put("stage", l.stage()).put("level", l.level()).put("size", l.size())
                    .put("spacing", l.spacing()).put("iterations", l.iterations())
                    .put("stopReason", l.stopReason().name().toLowerCase(Locale.ROOT))
                    .put("seconds", l.seconds()).put("energy", total).put("energyRegularization", reg)
                    .put("energyData", data));
        }
        Json versions = new Json().put("diffeolens", Diffeolens.version())
                .put("java", System.getProperty("java.version"))
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        Json inputs = new Json()
                .put("fixed", in.fixed() == null ? "(image)" : in.fixed().toAbsolutePath().toString())
                .put("moving", in.moving() == null ? "(image)" : in.moving().toAbsolutePath().toString())
                .put("fixedSize", in.fixedImage().grid().size())
                .put("fixedSpacing", in.fixedImage().grid().spacing())
                .put("fixedOrigin", in.fixedImage().grid().origin())
                .put("movingSize", in.movingImage().grid().size())
                .put("movingSpacing", in.movingImage().grid().spacing());
        Json outputs = new Json().put("warped", WARPED).put("displacement", DISPLACEMENT)
                .put("inverse", INVERSE).put("jacobian", JACOBIAN).put("affine", AFFINE).put("report", REPORT)
                .put("convention", "warped(x) = moving(x + displacement(x)) on the fixed grid; "
                        + "fixed(y + inverse(y)) ~ moving(y) on the moving grid; vectors in mm along the voxel axes");
        if (r.momentum() != null) {
            outputs.put("momentum", MOMENTUM);
        }
        if (r.velocity() != null) {
            outputs.put("velocity", VELOCITY);
        }
        if (r.path() != null) {
            outputs.put("path", PATH + "/velocity-NNN.nii.gz");
        }
        return new Json()
                .put("tool", "diffeolens register")
                .put("versions", versions)
                .put("inputs", inputs)
                .put("parameters", params)
                .put("outputs", outputs)
                .put("affine", new Json().put("matrix", r.affine().matrix()).put("translation", r.affine().translation()))
                .put("levels", levels)
                .put("energy", new Json().put("total", r.energy().total())
                        .put("regularization", r.energy().regularization()).put("data", r.energy().data()))
                .put("pathLength", r.pathLength())
                .put("geodesicDistance", r.geodesicDistance())
                .put("jacobianMin", r.jacobianMin())
                .put("jacobianMax", r.jacobianMax())
                .put("folds", r.folds())
                .put("mseBefore", n.mseBefore())
                .put("mseAfter", n.mseAfter())
                .put("nccBefore", n.nccBefore())
                .put("nccAfter", n.nccAfter())
                .put("wallSeconds", r.seconds())
                .put("peakHeapBytes", peakHeapBytes());
    }

    /** Largest heap use seen by the JVM's memory pools (the peak memory of the run, if the JVM ran only it). */
    public static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
