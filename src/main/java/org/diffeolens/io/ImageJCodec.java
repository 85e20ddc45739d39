package org.diffeolens.io;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.io.TiffDecoder;
import ij.io.TiffEncoder;
import ij.measure.Calibration;
import ij.process.ImageProcessor;
import ij.process.LUT;
import java.awt.Color;
import java.awt.Graphics;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.File;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.diffeolens.field.Grid;

/**
 * Everything ImageJ 1.x opens (PNG, TIFF, JPEG, GIF, BMP, PGM, DICOM, FITS...), headless. Calibration
 * is the geometry: spacing from pixelWidth/Height/Depth in mm, origin = -xOrigin * pixelWidth;
 * ImageJ has no orientation, so the direction is the identity and is dropped on write. 8-bit and
 * 16-bit images keep their raw pixel values (a grayscale palette PNG reads as its gray levels),
 * RGB becomes luminance. Stacks are 3D, hyperstack channels become components.
 *
 * <p>PNG, JPEG and BMP are decoded with javax.imageio and handed to ImageJ's {@code ImagePlus}, as
 * ImageJ's own Opener does for PNG, because a damaged file then raises an exception we can word
 * instead of a message ImageJ prints to standard output. TIFF headers are read with ImageJ's
 * TiffDecoder first, for the same reason and to detect truncated pixel data.
 */
public final class ImageJCodec {

    private ImageJCodec() {
    }

    public static ImageData read(Path file) throws ImageIOException {
        HeaderChecks.requireReadableFile(file);
        Opener opener = new Opener();
        opener.setSilentMode(true);
        String path = file.toAbsolutePath().toString();
        int kind = opener.getFileType(path);
        ImagePlus imp = switch (kind) {
            case Opener.PNG, Opener.JPEG, Opener.BMP ->
                    decodeWithImageIO(file, Opener.types[kind].toUpperCase(Locale.ROOT));
            case Opener.TIFF, Opener.TIFF_AND_DICOM -> openTiff(file, opener);
            case Opener.GIF, Opener.PGM, Opener.DICOM, Opener.FITS, Opener.ZIP -> opener.openImage(path);
            default -> throw new ImageIOException(file, "not an image this program reads: neither NIfTI, MetaImage "
                    + "nor a format ImageJ recognises (" + describeKind(kind) + ")");
        };
        if (imp == null || imp.getWidth() == 0) {
            throw new ImageIOException(file, "ImageJ could not open it as " + Opener.types[kind]
                    + "; the file is damaged or a variant ImageJ does not read");
        }
        return fromImagePlus(imp, file);
    }

    private static String describeKind(int kind) {
        return kind == Opener.UNKNOWN ? "unknown contents" : Opener.types[kind] + " file";
    }

    /** Opener.openUsingImageIO without its error dialog: alpha and custom 8-bit images are flattened onto white. */
    private static ImagePlus decodeWithImageIO(Path file, String format) throws ImageIOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ImageIOException(file, "cannot be decoded as " + format + ": the file is damaged or truncated ("
                    + why + ")", e);
        }
        if (img == null) {
            throw new ImageIOException(file, "cannot be decoded as " + format + ": no decoder accepts it");
        }
        boolean custom8Bit = img.getType() == BufferedImage.TYPE_CUSTOM && img.getSampleModel().getDataType() == 0;
        if (img.getColorModel().hasAlpha() || custom8Bit) {
            BufferedImage flat = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
            Graphics g = flat.getGraphics();
            g.setColor(Color.white);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.drawImage(img, 0, 0, null);
            g.dispose();
            img = flat;
        }
        return new ImagePlus(file.getFileName().toString(), img);
    }

    private static ImagePlus openTiff(Path file, Opener opener) throws ImageIOException {
        String folder = file.toAbsolutePath().getParent().toString() + File.separator;
        String name = file.getFileName().toString();
        FileInfo[] info;
        try {
            info = new TiffDecoder(folder, name).getTiffInfo();
        } catch (IOException | RuntimeException e) {
            throw new ImageIOException(file, "not a readable TIFF: " + e.getMessage(), e);
        }
        if (info == null || info.length == 0) {
            throw new ImageIOException(file, "TIFF holds no image");
        }
        long size = HeaderChecks.size(file);
        for (FileInfo fi : info) {
            long end = tiffDataEnd(fi);
            if (end > size) {
                throw new ImageIOException(file, "file is truncated: its TIFF directory places "
                        + fi.width + "x" + fi.height + (fi.nImages > 1 ? "x" + fi.nImages : "")
                        + " pixels up to byte " + end + " but the file holds only " + size + " bytes");
            }
        }
        return opener.openImage(folder, name);
    }

    /** End of the pixel data of one TIFF directory, from its strips or its contiguous images. */
    private static long tiffDataEnd(FileInfo fi) {
        long end = 0;
        if (fi.stripOffsets != null && fi.stripLengths != null && fi.nImages <= 1) {
            for (int i = 0; i < fi.stripOffsets.length && i < fi.stripLengths.length; i++) {
                end = Math.max(end, (fi.stripOffsets[i] & 0xffffffffL) + (fi.stripLengths[i] & 0xffffffffL));
            }
            return end;
        }
        if (fi.compression > FileInfo.COMPRESSION_NONE) {
            return 0; // compressed stacks: ImageJ checks them itself
        }
        long image = (long) fi.width * fi.height * fi.getBytesPerPixel();
        int n = Math.max(1, fi.nImages);
        return fi.getOffset() + n * image + (n - 1) * fi.getGap();
    }

    // ---------------------------------------------------------------- ImagePlus <-> ImageData

    /** The pixels and calibration of an ImageJ image; {@code name} names it in error messages. */
    public static ImageData fromImagePlus(ImagePlus imp, String name) throws ImageIOException {
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            file = Path.of("image");
        }
        return fromImagePlus(imp, file);
    }

    static ImageData fromImagePlus(ImagePlus imp, Path file) throws ImageIOException {
        int w = imp.getWidth();
        int h = imp.getHeight();
        int nc = imp.getNChannels();
        int nz = imp.getNSlices();
        int nt = imp.getNFrames();
        boolean framesAsSlices = nz == 1 && nt > 1; // plain stacks sometimes open as time series
        if (nt > 1 && !framesAsSlices) {
            throw new ImageIOException(file, "is a time series (" + nt + " frames of " + nz
                    + " slices); only single 2D/3D images are read");
        }
        int depth = framesAsSlices ? nt : nz;
        Calibration cal = imp.getCalibration();
        ImageProcessor ip = imp.getProcessor();
        int bits = imp.getBitDepth();
        // An 8-bit image with a colour palette (not a gray ramp or a smooth pseudo-colour LUT) holds
        // indices, not intensities: its colours are turned to luminance.
        boolean palette = bits == 8 && !imp.isComposite() && ip.isColorLut() && !ip.isPseudoColorLut();
        float[] lutLuminance = palette ? luminance(ip.getLut()) : null;
        boolean signed16 = bits == 16 && cal.isSigned16Bit();
        PixelType stored = switch (bits) {
            case 8 -> palette ? PixelType.RGB24 : PixelType.UINT8;
            case 16 -> signed16 ? PixelType.INT16 : PixelType.UINT16;
            case 24 -> PixelType.RGB24;
            default -> PixelType.FLOAT32;
        };
        long[] dims = depth > 1 ? new long[] {w, h, depth} : new long[] {w, h};
        HeaderChecks.voxelCount(file, dims);
        HeaderChecks.checkMemory(file, dims, nc, stored);
        int plane = w * h;
        float[][] channels = new float[nc][plane * depth];
        ImageStack stack = imp.getStack();
        for (int c = 0; c < nc; c++) {
            for (int z = 0; z < depth; z++) {
                int index = framesAsSlices ? imp.getStackIndex(c + 1, 1, z + 1) : imp.getStackIndex(c + 1, z + 1, 1);
                copyPlane(stack.getPixels(index), channels[c], z * plane, lutLuminance, signed16 ? -32768 : 0);
            }
        }
        return new ImageData(grid(file, cal, dims), channels, stored);
    }

    private static void copyPlane(Object pixels, float[] dst, int offset, float[] lut, int shift) {
        if (pixels instanceof byte[] b) {
            for (int i = 0; i < b.length; i++) {
                dst[offset + i] = lut != null ? lut[b[i] & 0xff] : b[i] & 0xff;
            }
        } else if (pixels instanceof short[] s) {
            for (int i = 0; i < s.length; i++) {
                dst[offset + i] = (s[i] & 0xffff) + shift;
            }
        } else if (pixels instanceof float[] f) {
            System.arraycopy(f, 0, dst, offset, f.length);
        } else if (pixels instanceof int[] rgb) {
            for (int i = 0; i < rgb.length; i++) {
                int p = rgb[i];
                dst[offset + i] = (float) Voxels.luminance((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff);
            }
        } else {
            throw new IllegalStateException("unexpected ImageJ pixel array " + pixels.getClass());
        }
    }

    private static float[] luminance(LUT lut) {
        float[] v = new float[256];
        for (int i = 0; i < Math.min(256, lut.getMapSize()); i++) {
            v[i] = (float) Voxels.luminance(lut.getRed(i), lut.getGreen(i), lut.getBlue(i));
        }
        return v;
    }

    private static Grid grid(Path file, Calibration cal, long[] dims) throws ImageIOException {
        int d = dims.length;
        double scale = unitToMm(cal.getUnit());
        boolean pixels = Double.isNaN(scale);
        double[] widths = {cal.pixelWidth, cal.pixelHeight, cal.pixelDepth};
        double[] origins = {cal.xOrigin, cal.yOrigin, cal.zOrigin};
        int[] size = new int[d];
        double[] spacing = new double[d];
        double[] origin = new double[d];
        for (int a = 0; a < d; a++) {
            size[a] = (int) dims[a];
            spacing[a] = pixels ? 1 : widths[a] * scale;
            if (!(spacing[a] > 0) || Double.isInfinite(spacing[a])) {
                throw new ImageIOException(file, "its calibration gives a pixel " + "size along " + "xyz".charAt(a)
                        + " of " + widths[a] + "; it must be a positive number");
            }
            origin[a] = -origins[a] * spacing[a];
            if (!Double.isFinite(origin[a])) {
                throw new ImageIOException(file, "its calibration origin along " + "xyz".charAt(a) + " is "
                        + origins[a]);
            }
            origin[a] += 0.0; // no -0.0 from a zero origin
        }
        return Grid.of(size, spacing).withOrigin(origin);
    }

    /** mm per calibration unit; NaN for "pixel" (uncalibrated). An unknown unit is read as mm. */
    static double unitToMm(String unit) {
        if (unit == null) {
            return Double.NaN;
        }
        return switch (unit.trim().toLowerCase(Locale.ROOT)) {
            case "", "pixel", "pixels" -> Double.NaN;
            case "nm", "nanometer", "nanometre" -> 1e-6;
            case "\u00b5m", "um", "micron", "microns", "micrometer", "micrometre" -> 1e-3;
            case "cm", "centimeter", "centimetre" -> 10;
            case "m", "meter", "metre" -> 1000;
            case "inch", "inches", "in" -> 25.4;
            default -> 1; // mm, millimeter, and units we cannot convert
        };
    }

    /** A 32-bit ImageJ image (hyperstack for several components) calibrated in mm from the grid. */
    public static ImagePlus toImagePlus(ImageData data) {
        return toImagePlus(data, "image", PixelType.FLOAT32);
    }

    public static ImagePlus toImagePlus(ImageData data, String title) {
        return toImagePlus(data, title, PixelType.FLOAT32);
    }

    /** type UINT8 or UINT16 gives 8- or 16-bit pixels (rounded and clamped), anything else 32-bit. */
    public static ImagePlus toImagePlus(ImageData data, String title, PixelType type) {
        Grid g = data.grid();
        int w = g.size(0);
        int h = g.size(1);
        int depth = g.dim() == 3 ? g.size(2) : 1;
        int nc = data.channelCount();
        int plane = w * h;
        ImageStack stack = new ImageStack(w, h);
        for (int z = 0; z < depth; z++) {
            for (int c = 0; c < nc; c++) { // ImageJ's order: channel fastest, then slice
                stack.addSlice(null, plane(data.channels()[c], z * plane, plane, type));
            }
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(nc, depth, 1);
        if (nc > 1) {
            imp.setOpenAsHyperStack(true);
        }
        Calibration cal = imp.getCalibration();
        cal.setUnit("mm");
        cal.pixelWidth = g.spacing(0);
        cal.pixelHeight = g.spacing(1);
        cal.pixelDepth = g.dim() == 3 ? g.spacing(2) : 1;
        double[] o = g.origin();
        cal.xOrigin = -o[0] / g.spacing(0) + 0.0;
        cal.yOrigin = -o[1] / g.spacing(1) + 0.0;
        cal.zOrigin = g.dim() == 3 ? -o[2] / g.spacing(2) + 0.0 : 0;
        imp.resetDisplayRange();
        return imp;
    }

    private static Object plane(float[] src, int from, int n, PixelType type) {
        switch (type) {
            case UINT8 -> {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) (int) Voxels.toStored(src[from + i], PixelType.UINT8);
                }
                return b;
            }
            case UINT16 -> {
                short[] s = new short[n];
                for (int i = 0; i < n; i++) {
                    s[i] = (short) (int) Voxels.toStored(src[from + i], PixelType.UINT16);
                }
                return s;
            }
            default -> {
                float[] f = new float[n];
                System.arraycopy(src, from, f, 0, n);
                return f;
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * TIFF through ImageJ's TiffEncoder with FileSaver's description (calibration, stack layout):
     * 8-bit for UINT8, 16-bit for UINT16, else 32-bit float. The direction is not stored.
     */
    public static void writeTiff(Path out, ImageData data, PixelType type, Collection<Path> inputs)
            throws ImageIOException {
        PixelType t = type == PixelType.UINT8 || type == PixelType.UINT16 ? type : PixelType.FLOAT32;
        ImagePlus imp = toImagePlus(data, out.getFileName().toString(), t);
        FileInfo fi = imp.getFileInfo();
        fi.description = new FileSaver(imp).getDescriptionString();
        AtomicFiles.write(out, o -> new TiffEncoder(fi).write(o), inputs);
    }

    /** PNG of a 2D scalar image: 16-bit gray for UINT16, else 8-bit gray; values rounded and clamped. */
    public static void writePng(Path out, ImageData data, PixelType type, Collection<Path> inputs)
            throws ImageIOException {
        Grid g = data.grid();
        if (g.dim() != 2) {
            throw new ImageIOException(out, "PNG holds 2D images only; write .tif, .nii.gz or .mha for this "
                    + g.dim() + "D grid");
        }
        if (data.channelCount() != 1) {
            throw new ImageIOException(out, "PNG holds one component per pixel, not " + data.channelCount()
                    + "; write .nii.gz or .mha for a vector field");
        }
        boolean wide = type == PixelType.UINT16;
        BufferedImage img = new BufferedImage(g.size(0), g.size(1),
                wide ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        Object target = wide ? ((DataBufferUShort) img.getRaster().getDataBuffer()).getData()
                : ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        Object pixels = plane(data.channels()[0], 0, g.voxelCount(), wide ? PixelType.UINT16 : PixelType.UINT8);
        System.arraycopy(pixels, 0, target, 0, g.voxelCount());
        AtomicFiles.write(out, o -> {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
            if (!writers.hasNext()) {
                throw new IOException("this Java runtime has no PNG writer");
            }
            ImageWriter writer = writers.next();
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(o)) {
                writer.setOutput(ios);
                writer.write(img);
            } finally {
                writer.dispose();
            }
        }, inputs);
    }
}
