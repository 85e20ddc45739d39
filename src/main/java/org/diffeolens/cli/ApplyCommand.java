package org.diffeolens.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Border;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.PixelType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** diffeolens apply: pull an image through a saved displacement (antsApplyTransforms, transformix). */
@Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Apply a saved displacement to an image: out(x) = moving(x + u(x)) on the displacement's grid.",
            "", "Use nearest-neighbour interpolation for label maps. The output keeps the displacement's geometry",
            "(the fixed image's grid of the registration that wrote it)."})
final class ApplyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--displacement"}, required = true, paramLabel = "FILE",
            description = "displacement field (displacement.nii.gz of a registration)")
    Path displacement;

    @Option(names = {"-m", "--moving"}, required = true, paramLabel = "FILE", description = "image to warp")
    Path moving;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "warped image to write")
    Path out;

    @Option(names = "--interpolation", paramLabel = "KIND", defaultValue = "linear",
            description = "linear or nearest (default: ${DEFAULT-VALUE})")
    String interpolation;

    @Override
    public Integer call() throws Exception {
        Resampler.Interpolation interp = switch (interpolation.trim().toLowerCase(Locale.ROOT)) {
            case "linear" -> Resampler.Interpolation.LINEAR;
            case "nearest" -> Resampler.Interpolation.NEAREST;
            default -> throw new BadInputException("--interpolation must be linear or nearest, got '"
                    + interpolation + "'");
        };
        VectorField u = ImageFiles.readVector(displacement);
        ImageData movingData = ImageFiles.read(moving);
        ScalarField m = movingData.asScalar(moving);
        if (m.grid().dim() != u.grid().dim()) {
            throw new BadInputException(moving + " is " + m.grid().dim() + "D but the displacement " + displacement
                    + " is " + u.grid().dim() + "D");
        }
        ScalarField warped = Resampler.resample(m, u.grid(), u, null, interp, Border.ZERO, Parallel.allCores());
        PixelType type = interp == Resampler.Interpolation.NEAREST ? movingData.storedType() : PixelType.FLOAT32;
        if (type == PixelType.RGB24) {
            type = PixelType.FLOAT32;
        }
        ImageFiles.write(out, ImageData.of(warped), type, List.of(displacement, moving));
        spec.commandLine().getOut().println("wrote " + out);
        return Main.EXIT_OK;
    }
}
