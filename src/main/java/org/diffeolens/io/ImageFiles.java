package org.diffeolens.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;

/**
 * The front door of io: picks the codec from the file name (case-insensitive) and protects inputs.
 * Reads {@code .nii}, {@code .nii.gz}, {@code .hdr} (+ .img), {@code .mha}, {@code .mhd} and
 * everything ImageJ opens; writes {@code .nii}, {@code .nii.gz}, {@code .mha}, {@code .mhd},
 * {@code .tif}, {@code .tiff} and 2D {@code .png}.
 */
public final class ImageFiles {

    private enum Format { NIFTI, METAIMAGE, TIFF, PNG, IMAGEJ }

    private ImageFiles() {
    }

    public static ImageData read(Path file) throws ImageIOException {
        HeaderChecks.requireReadableFile(file);
        return switch (format(file)) {
            case NIFTI -> NiftiCodec.read(file);
            case METAIMAGE -> MetaImageCodec.read(file);
            default -> ImageJCodec.read(file);
        };
    }

    /** A scalar image; a file with several components per voxel is refused with its name. */
    public static ScalarField readScalar(Path file) throws ImageIOException {
        return read(file).asScalar(file);
    }

    /** A displacement or velocity field: d components on a d-dimensional grid. */
    public static VectorField readVector(Path file) throws ImageIOException {
        return read(file).asVector(file);
    }

    /** Writes float32 (8-bit for PNG), with no inputs to protect. */
    public static void write(Path out, ImageData data) throws ImageIOException {
        write(out, data, PixelType.FLOAT32, List.of());
    }

    /**
     * Writes {@code data} as {@code type} (integer types rounded and clamped to their range) in the
     * format of the output name, never replacing one of {@code inputs} or their data files.
     */
    public static void write(Path out, ImageData data, PixelType type, Collection<Path> inputs)
            throws ImageIOException {
        write(out, data, type, inputs, false);
    }

    /** As above; {@code compress} zlib-compresses MetaImage data (.nii.gz is compressed by its name). */
    public static void write(Path out, ImageData data, PixelType type, Collection<Path> inputs, boolean compress)
            throws ImageIOException {
        if (type == PixelType.RGB24) {
            throw new IllegalArgumentException("RGB24 cannot be written; choose a grayscale type");
        }
        if (!isSupportedOutput(out)) {
            throw new ImageIOException(out, "cannot write this format: the output name must end in .nii, .nii.gz, "
                    + ".mha, .mhd, .tif, .tiff or .png");
        }
        List<Path> protectedFiles = withDataFiles(inputs);
        switch (format(out)) {
            case NIFTI -> NiftiCodec.write(out, data, type, protectedFiles);
            case METAIMAGE -> MetaImageCodec.write(out, data, type, compress, protectedFiles);
            case TIFF -> ImageJCodec.writeTiff(out, data, type, protectedFiles);
            case PNG -> ImageJCodec.writePng(out, data, type, protectedFiles);
            default -> throw new IllegalStateException("no writer for " + out);
        }
    }

    /** Whether {@link #write} knows the output's format from its name. */
    public static boolean isSupportedOutput(Path out) {
        String n = lowerName(out);
        return n.endsWith(".nii") || n.endsWith(".nii.gz") || n.endsWith(".mha") || n.endsWith(".mhd")
                || n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".png");
    }

    private static Format format(Path file) {
        String n = lowerName(file);
        if (n.endsWith(".nii") || n.endsWith(".nii.gz") || n.endsWith(".hdr") || n.endsWith(".hdr.gz")) {
            return Format.NIFTI;
        }
        if (n.endsWith(".mha") || n.endsWith(".mhd")) {
            return Format.METAIMAGE;
        }
        if (n.endsWith(".tif") || n.endsWith(".tiff")) {
            return Format.TIFF;
        }
        if (n.endsWith(".png")) {
            return Format.PNG;
        }
        return Format.IMAGEJ;
    }

    private static String lowerName(Path file) {
        Path name = file.getFileName();
        return name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * The inputs plus the files their headers point to (a MetaImage's .raw, an .hdr's .img): writing
     * out.mhd must not replace the raw data of an input in.mha either.
     */
    private static List<Path> withDataFiles(Collection<Path> inputs) {
        List<Path> all = new ArrayList<>(inputs);
        for (Path in : inputs) {
            String n = lowerName(in);
            if ((n.endsWith(".mha") || n.endsWith(".mhd")) && Files.isRegularFile(in)) {
                Path data = MetaImageCodec.dataFileOf(in);
                if (data != null) {
                    all.add(data);
                }
            } else if (n.endsWith(".hdr") || n.endsWith(".hdr.gz")) {
                all.add(NiftiCodec.imageFileOf(in));
            }
        }
        return all;
    }
}
