package org.diffeolens.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.PixelType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** diffeolens convert IN OUT: any supported format to any other, geometry kept. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert an image between formats, keeping its geometry (spacing, origin, direction).", "",
            "The output format follows OUT's extension: .nii, .nii.gz, .mha, .mhd, .tif, .tiff, .png.",
            "TIFF stores uint8, uint16 or float32 and no direction; PNG stores 2D uint8 or uint16.",
            "The output is written to a temporary file and renamed, and never replaces IN."})
final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "image to read")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "image to write")
    Path out;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "stored type of OUT: uint8, int8, uint16, int16, int32, float32, float64 "
                    + "(default: the type of IN, float32 for RGB)")
    String type;

    @Option(names = "--compress", description = "zlib-compress MetaImage data (.mha, or .mhd with a .zraw file); "
            + "NIfTI is compressed by naming OUT .nii.gz")
    boolean compress;

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (compress && !name.endsWith(".mha") && !name.endsWith(".mhd")) {
            throw new BadInputException("--compress applies to .mha and .mhd outputs; name OUT .nii.gz for "
                    + "compressed NIfTI");
        }
        PixelType requested = type == null ? null : parseType(type);
        ImageData data = ImageFiles.read(in);
        PixelType target = requested == null ? defaultType(data.storedType()) : requested;
        ImageFiles.write(out, data, target, List.of(in), compress);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (%s, %s)%n", out,
                Text.join(data.grid().size(), "x"), target.name().toLowerCase(Locale.ROOT));
        return Main.EXIT_OK;
    }

    private static PixelType defaultType(PixelType stored) {
        return stored == PixelType.RGB24 ? PixelType.FLOAT32 : stored;
    }

    private static PixelType parseType(String name) throws BadInputException {
        try {
            PixelType t = PixelType.valueOf(name.toUpperCase(Locale.ROOT));
            if (t == PixelType.RGB24) {
                throw new BadInputException("--type rgb24 cannot be written; choose a grayscale type");
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--type " + name + " is not a type; choose one of uint8, int8, uint16, "
                    + "int16, uint32, int32, float32, float64");
        }
    }
}
