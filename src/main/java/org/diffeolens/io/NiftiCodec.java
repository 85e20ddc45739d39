package org.diffeolens.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.diffeolens.field.Grid;

/**
 * NIfTI-1 images: {@code .nii} and {@code .nii.gz} (single file, magic "n+1") and, on read,
 * {@code .hdr} + {@code .img} pairs (magic "ni1"). Either byte order is read; little-endian is
 * written. Scalar images are 2D or 3D; vector fields are 5D (dim[4] = 1, dim[5] = components,
 * intent 1007), their components stored unchanged. Geometry: see {@link NiftiGeometry}.
 * Compression is recognised by the gzip magic bytes, not the name.
 */
public final class NiftiCodec {

    private static final int BUFFER = 1 << 16;
    private static final int NIFTI_MAX_DIM = Short.MAX_VALUE;

    /** What the header declares, checked: grid shape, components, stored type, spacing. */
    private record Shape(int[] size, int components, PixelType type, double[] spacing) {
        long[] dims() {
            long[] d = new long[size.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = size[i];
            }
            return d;
        }
    }

    private NiftiCodec() {
    }

    public static ImageData read(Path file) throws ImageIOException {
        HeaderChecks.requireReadableFile(file);
        boolean gz = isGzip(file);
        try (InputStream in = open(file, gz)) {
            byte[] bytes = in.readNBytes(NiftiHeader.SIZE);
            if (bytes.length < NiftiHeader.SIZE) {
                throw new ImageIOException(file, "too short for a NIfTI-1 header: " + bytes.length
                        + (gz ? " bytes after decompression" : " bytes") + ", at least 348 needed");
            }
            NiftiHeader h = NiftiHeader.parse(file, bytes);
            Shape shape = shape(file, h);
            Grid grid = NiftiGeometry.grid(shape.size(), shape.spacing(),
                    NiftiGeometry.read(h, h.spatialUnitToMm()));
            if (h.magic.equals("ni1")) {
                return readPair(file, h, shape, grid);
            }
            long offset = Math.max(NiftiHeader.SINGLE_FILE_DATA_OFFSET, dataOffset(file, h));
            long declared = HeaderChecks.dataBytes(grid.voxelCount(), shape.components(), shape.type());
            long fileSize = HeaderChecks.size(file);
            if (gz) {
                HeaderChecks.checkCompressedCanHold(file, shape.dims(), shape.components(), shape.type(),
                        declared, offset, fileSize);
            } else {
                HeaderChecks.checkDataPresent(file, shape.dims(), shape.components(), shape.type(), declared,
                        fileSize - offset, "the file holds only {n} bytes after the header");
            }
            HeaderChecks.checkMemory(file, shape.dims(), shape.components(), shape.type());
            long skipped = NiftiHeader.SIZE + skip(in, offset - NiftiHeader.SIZE);
            return readVoxels(file, in, h, shape, grid, declared, skipped < offset,
                    gz ? "the decompressed file holds only {n} bytes after the header"
                            : "the file holds only {n} bytes after the header");
        } catch (IOException e) {
            throw gz ? HeaderChecks.compressedStreamError(file, "gzip stream", e)
                    : new ImageIOException(file, "cannot be read: " + AtomicFiles.describe(e), e);
        }
    }

    /** Analyze-style pair: the voxels are in the .img beside the .hdr. */
    private static ImageData readPair(Path header, NiftiHeader h, Shape shape, Grid grid) throws ImageIOException {
        Path img = imageFileOf(header);
        HeaderChecks.requireDataFile(header, img);
        long offset = dataOffset(header, h);
        long declared = HeaderChecks.dataBytes(grid.voxelCount(), shape.components(), shape.type());
        boolean gz = isGzip(img);
        long size = HeaderChecks.size(img);
        String where = "the data file " + img.getFileName() + " holds only {n} bytes after byte " + offset;
        if (gz) {
            HeaderChecks.checkCompressedCanHold(header, shape.dims(), shape.components(), shape.type(),
                    declared, offset, size);
        } else {
            HeaderChecks.checkDataPresent(header, shape.dims(), shape.components(), shape.type(), declared,
                    size - offset, where);
        }
        HeaderChecks.checkMemory(header, shape.dims(), shape.components(), shape.type());
        try (InputStream in = open(img, gz)) {
            long skipped = skip(in, offset);
            return readVoxels(header, in, h, shape, grid, declared, skipped < offset, where);
        } catch (IOException e) {
            String of = " of " + img.getFileName();
            throw gz ? HeaderChecks.compressedStreamError(header, "gzip stream" + of, e)
                    : new ImageIOException(header, "cannot read" + of + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static ImageData readVoxels(Path file, InputStream in, NiftiHeader h, Shape shape, Grid grid,
            long declared, boolean endedBeforeData, String where) throws IOException, ImageIOException {
        if (endedBeforeData) {
            throw HeaderChecks.truncated(file, shape.dims(), shape.components(), shape.type(), declared, 0, where);
        }
        float[][] channels = new float[shape.components()][grid.voxelCount()];
        double slope = h.sclSlope;
        double inter = h.sclInter;
        if (slope == 0 || !Double.isFinite(slope)) {
            slope = 1; // scl_slope 0 means "no scaling" (nifti1.h)
            inter = 0;
        } else if (!Double.isFinite(inter)) {
            inter = 0;
        }
        long got = Voxels.read(in, shape.type(), h.order, channels, false, slope, inter);
        if (got < declared) {
            throw HeaderChecks.truncated(file, shape.dims(), shape.components(), shape.type(), declared, got, where);
        }
        if (in instanceof GZIPInputStream) {
            // Reading to the end makes gzip check its CRC: damage that still inflates is caught.
            in.transferTo(OutputStream.nullOutputStream());
        }
        return new ImageData(grid, channels, shape.type(), h.qformCode, h.sformCode);
    }

    /** Judges the header: magic, dimensions, datatype, spacing. */
    private static Shape shape(Path file, NiftiHeader h) throws ImageIOException {
        if (!h.magic.equals("n+1") && !h.magic.equals("ni1")) {
            throw new ImageIOException(file, "has no NIfTI-1 magic ('n+1' or 'ni1') at byte 344: an Analyze 7.5 "
                    + "file or a damaged header, which is not supported");
        }
        int rank = h.dim[0];
        if (rank < 1 || rank > 7) {
            throw new ImageIOException(file, "header has dim[0] = " + rank + ", expected 2 to 7 dimensions");
        }
        if (rank == 1) {
            throw new ImageIOException(file, "is a 1D image (dim[0] = 1); only 2D and 3D images are read");
        }
        for (int i = 1; i <= rank; i++) {
            if (h.dim[i] < 1) {
                throw new ImageIOException(file, "header has dim[" + i + "] = " + h.dim[i]
                        + "; every dimension must be at least 1");
            }
        }
        int nz = rank >= 3 ? h.dim[3] : 1;
        int nt = rank >= 4 ? h.dim[4] : 1;
        int nc = rank >= 5 ? h.dim[5] : 1;
        for (int i = 6; i <= rank; i++) {
            if (h.dim[i] > 1) {
                throw new ImageIOException(file, "header has dim[" + i + "] = " + h.dim[i]
                        + "; dimensions beyond the 5th are not supported");
            }
        }
        if (nt > 1) {
            throw new ImageIOException(file, "is a series of " + nt + " volumes (dim[4] = " + nt
                    + "); only single 2D/3D images and vector fields (dim[5]) are read");
        }
        PixelType type = NiftiHeader.type(h.datatype);
        if (type == null) {
            throw new ImageIOException(file, "unsupported datatype " + h.datatype + " ("
                    + NiftiHeader.codeName(h.datatype) + "); supported: uint8, int8, uint16, int16, uint32, "
                    + "int32, float32, float64 and RGB24");
        }
        if (type == PixelType.RGB24 && nc > 1) {
            throw new ImageIOException(file, "RGB24 voxels with " + nc + " components are not supported");
        }
        int d = rank == 2 || nz == 1 ? 2 : 3;
        int[] size = d == 2 ? new int[] {h.dim[1], h.dim[2]} : new int[] {h.dim[1], h.dim[2], nz};
        double unit = h.spatialUnitToMm();
        double[] spacing = new double[d];
        for (int a = 0; a < d; a++) {
            double s = Math.abs(h.pixdim[a + 1]) * unit;
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new ImageIOException(file, "header has pixdim[" + (a + 1) + "] = " + h.pixdim[a + 1]
                        + ": the voxel spacing along " + "xyz".charAt(a) + " must be a positive number");
            }
            spacing[a] = s;
        }
        Shape shape = new Shape(size, nc, type, spacing);
        HeaderChecks.voxelCount(file, shape.dims());
        return shape;
    }

    private static long dataOffset(Path file, NiftiHeader h) throws ImageIOException {
        double v = h.voxOffset;
        if (!(v >= 0) || v > Long.MAX_VALUE / 2) {
            throw new ImageIOException(file, "header has vox_offset = " + h.voxOffset
                    + "; the data offset must be a non-negative number");
        }
        return (long) v;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code data} as a single-file NIfTI-1 image, gzip-compressed when the name ends in
     * .gz. Integer types are rounded and clamped to their range.
     */
    public static void write(Path out, ImageData data, PixelType type, Collection<Path> inputs)
            throws ImageIOException {
        if (type == PixelType.RGB24) {
            throw new IllegalArgumentException("RGB24 cannot be written; choose a grayscale type");
        }
        NiftiHeader h = header(out, data, type);
        boolean gz = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        AtomicFiles.write(out, os -> {
            OutputStream o = gz ? new GZIPOutputStream(os, BUFFER) : os;
            o.write(h.toBytes());
            Voxels.write(o, type, h.order, data.channels(), false);
            if (o instanceof GZIPOutputStream g) {
                g.finish();
            }
        }, inputs);
    }

    private static NiftiHeader header(Path out, ImageData data, PixelType type) throws ImageIOException {
        Grid g = data.grid();
        for (int a = 0; a < g.dim(); a++) {
            if (g.size(a) > NIFTI_MAX_DIM) {
                throw new ImageIOException(out, "the grid has " + g.size(a) + " voxels along axis " + a
                        + ", more than NIfTI-1's limit of " + NIFTI_MAX_DIM);
            }
        }
        int c = data.channelCount();
        if (c > NIFTI_MAX_DIM) {
            throw new ImageIOException(out, c + " components per voxel exceed NIfTI-1's limit of " + NIFTI_MAX_DIM);
        }
        NiftiHeader h = new NiftiHeader();
        Arrays.fill(h.dim, (short) 1);
        Arrays.fill(h.pixdim, 1f);
        h.dim[0] = (short) (c > 1 ? 5 : g.dim());
        for (int a = 0; a < g.dim(); a++) {
            h.dim[a + 1] = (short) g.size(a);
        }
        if (c > 1) {
            h.dim[5] = (short) c;
            h.intentCode = NiftiHeader.INTENT_VECTOR;
        }
        h.datatype = NiftiHeader.code(type);
        h.bitpix = (short) (8 * type.bytes());
        h.voxOffset = NiftiHeader.SINGLE_FILE_DATA_OFFSET;
        h.sclSlope = 1;
        h.sclInter = 0;
        h.xyztUnits = NiftiHeader.UNITS_MM;
        h.descrip = "diffeolens";
        // A geometry is always written: a code of 0 would make readers ignore it.
        h.qformCode = (short) (data.qformCode() > 0 ? data.qformCode() : 1);
        h.sformCode = (short) (data.sformCode() > 0 ? data.sformCode() : 1);
        NiftiGeometry.write(g, h);
        h.magic = "n+1";
        return h;
    }

    // ---------------------------------------------------------------- helpers

    /** The .img of an .hdr (.img.gz of .hdr.gz), keeping the case of the extension. */
    static Path imageFileOf(Path header) {
        String name = header.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf(".hdr");
        String ext = name.substring(at + 1, at + 4);
        String img = ext.equals("HDR") ? "IMG" : "img";
        return header.resolveSibling(name.substring(0, at + 1) + img + name.substring(at + 4));
    }

    private static boolean isGzip(Path file) throws ImageIOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        } catch (IOException e) {
            throw new ImageIOException(file, "cannot be read: " + AtomicFiles.describe(e), e);
        }
    }

    private static InputStream open(Path file, boolean gz) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return gz ? new GZIPInputStream(raw, BUFFER) : new BufferedInputStream(raw, BUFFER);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** Skips n bytes; returns how many were there. */
    private static long skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    break;
                }
                s = 1;
            }
            left -= s;
        }
        return n - left;
    }
}
