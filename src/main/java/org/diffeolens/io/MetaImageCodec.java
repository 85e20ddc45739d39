package org.diffeolens.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Matrices;

/**
 * MetaImage (ITK's MetaIO): {@code .mha} with the voxels after the header (ElementDataFile = LOCAL)
 * or {@code .mhd} with a detached {@code .raw} (or zlib-compressed {@code .zraw}) file. World
 * coordinates are LPS already. Multi-channel voxels are interleaved in the file.
 */
public final class MetaImageCodec {

    /** Longest header looked at: real headers are a few hundred bytes. */
    private static final int MAX_HEADER = 1 << 16;
    private static final int BUFFER = 1 << 16;

    private MetaImageCodec() {
    }

    public static ImageData read(Path file) throws ImageIOException {
        HeaderChecks.requireReadableFile(file);
        MetaImageHeader.Layout lay = MetaImageHeader.parse(file, head(file)).layout();
        Grid grid = grid(file, lay);
        boolean local = lay.dataFile().equalsIgnoreCase(MetaImageHeader.LOCAL);
        Path data = local ? file : file.resolveSibling(lay.dataFile());
        if (!local) {
            HeaderChecks.requireDataFile(file, data);
        }
        long size = HeaderChecks.size(data);
        long declared = HeaderChecks.dataBytes(grid.voxelCount(), lay.channels(), lay.type());
        String name = local ? "the file" : "the data file " + data.getFileName();
        long start = (local ? lay.headerLength() : 0) + Math.max(0, lay.headerSize());
        if (lay.headerSize() == -1) {
            if (lay.compressed()) {
                throw new ImageIOException(file, "HeaderSize = -1 (data at the end of the file) cannot be used "
                        + "with compressed data");
            }
            start = size - declared;
            long first = local ? lay.headerLength() : 0;
            if (start < first) {
                throw HeaderChecks.truncated(file, lay.dims(), lay.channels(), lay.type(), declared, size - first,
                        name + " holds only {n} bytes" + (local ? " after the header" : ""));
            }
        }
        long available = size - start;
        if (lay.compressed()) {
            if (lay.compressedSize() >= 0) {
                if (available < lay.compressedSize()) {
                    throw new ImageIOException(file, "file is truncated: CompressedDataSize = " + lay.compressedSize()
                            + " but " + name + " holds only " + Math.max(0, available) + " bytes of compressed data");
                }
                available = lay.compressedSize();
            }
            HeaderChecks.checkCompressedCanHold(file, lay.dims(), lay.channels(), lay.type(), declared, 0, available);
        } else {
            HeaderChecks.checkDataPresent(file, lay.dims(), lay.channels(), lay.type(), declared, available,
                    name + " holds only {n} bytes" + (local ? " after the header" : ""));
        }
        HeaderChecks.checkMemory(file, lay.dims(), lay.channels(), lay.type());
        float[][] channels = new float[lay.channels()][grid.voxelCount()];
        try (InputStream raw = Files.newInputStream(data)) {
            raw.skipNBytes(start);
            InputStream in = lay.compressed()
                    ? new InflaterInputStream(new BoundedStream(raw, available), new Inflater(), BUFFER)
                    : new BufferedInputStream(raw, BUFFER);
            long got = Voxels.read(in, lay.type(), lay.order(), channels, true, 1, 0);
            if (got < declared) {
                throw HeaderChecks.truncated(file, lay.dims(), lay.channels(), lay.type(), declared, got,
                        (lay.compressed() ? "the decompressed data of " : "") + name + " holds only {n} bytes");
            }
            if (lay.compressed()) {
                // Reading to the end makes zlib check its Adler-32: damage that still inflates is caught.
                in.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            String of = local ? "" : " of " + data.getFileName();
            throw lay.compressed() ? HeaderChecks.compressedStreamError(file, "zlib stream" + of, e)
                    : new ImageIOException(file, "cannot read" + of + ": " + AtomicFiles.describe(e), e);
        }
        return new ImageData(grid, channels, lay.type());
    }

    private static Grid grid(Path file, MetaImageHeader.Layout lay) throws ImageIOException {
        int d = lay.size().length;
        double[] direction = lay.direction();
        if (Math.abs(Matrices.determinant(direction, d)) < 1e-6) {
            throw new ImageIOException(file, "TransformMatrix is singular: " + Arrays.toString(direction));
        }
        return new Grid(lay.size(), lay.spacing(), lay.origin(), direction);
    }

    private static byte[] head(Path file) throws ImageIOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(MAX_HEADER);
        } catch (IOException e) {
            throw new ImageIOException(file, "cannot be read: " + AtomicFiles.describe(e), e);
        }
    }

    /**
     * The data file a MetaImage header names, or null for LOCAL data or a header that cannot be
     * parsed: writers must not replace it when the header is an input.
     */
    static Path dataFileOf(Path header) {
        try {
            MetaImageHeader.Layout lay = MetaImageHeader.parse(header, head(header)).layout();
            return lay.dataFile().equalsIgnoreCase(MetaImageHeader.LOCAL) ? null
                    : header.resolveSibling(lay.dataFile());
        } catch (ImageIOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code .mha} (voxels after the header) or {@code .mhd} plus {@code .raw} ({@code .zraw}
     * when compressed), the two files renamed into place together. Compressed data is deflated in
     * memory first, because CompressedDataSize must precede it in the header.
     */
    public static void write(Path out, ImageData data, PixelType type, boolean compressed, Collection<Path> inputs)
            throws ImageIOException {
        String name = out.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        boolean local = lower.endsWith(".mha");
        if (!local && !lower.endsWith(".mhd")) {
            throw new ImageIOException(out, "a MetaImage file name must end in .mha or .mhd");
        }
        Path rawFile = local ? null
                : out.resolveSibling(name.substring(0, name.length() - 4) + (compressed ? ".zraw" : ".raw"));
        byte[] deflated = compressed ? deflate(data, type) : null;
        String header = header(data, type, deflated, local ? MetaImageHeader.LOCAL : rawFile.getFileName().toString());
        byte[] headerBytes = header.getBytes(StandardCharsets.ISO_8859_1);
        AtomicFiles.Content voxels = o -> {
            if (deflated != null) {
                o.write(deflated);
            } else {
                Voxels.write(o, type, ByteOrder.LITTLE_ENDIAN, data.channels(), true);
            }
        };
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        if (local) {
            files.put(out, o -> {
                o.write(headerBytes);
                voxels.writeTo(o);
            });
        } else {
            files.put(rawFile, voxels); // data first: the header is renamed into place last
            files.put(out, o -> o.write(headerBytes));
        }
        AtomicFiles.writeAll(files, inputs);
    }

    private static byte[] deflate(ImageData data, PixelType type) throws ImageIOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater();
        try (DeflaterOutputStream z = new DeflaterOutputStream(bytes, deflater, BUFFER)) {
            Voxels.write(z, type, ByteOrder.LITTLE_ENDIAN, data.channels(), true);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory compression failed", e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    private static String header(ImageData data, PixelType type, byte[] deflated, String dataFile) {
        Grid g = data.grid();
        int d = g.dim();
        // TransformMatrix lists the direction of voxel axis i as its i-th group: our columns.
        double[] tm = Matrices.transpose(g.direction(), d, d);
        StringBuilder b = new StringBuilder();
        line(b, "ObjectType", "Image");
        line(b, "NDims", Integer.toString(d));
        line(b, "BinaryData", "True");
        line(b, "BinaryDataByteOrderMSB", "False");
        line(b, "CompressedData", deflated != null ? "True" : "False");
        if (deflated != null) {
            line(b, "CompressedDataSize", Long.toString(deflated.length));
        }
        line(b, "TransformMatrix", numbers(tm));
        line(b, "Offset", numbers(g.origin()));
        line(b, "CenterOfRotation", numbers(new double[d]));
        line(b, "ElementSpacing", numbers(g.spacing()));
        StringBuilder dims = new StringBuilder();
        for (int a = 0; a < d; a++) {
            dims.append(a > 0 ? " " : "").append(g.size(a));
        }
        line(b, "DimSize", dims.toString());
        if (data.channelCount() > 1) {
            line(b, "ElementNumberOfChannels", Integer.toString(data.channelCount()));
        }
        line(b, "ElementType", MetaImageHeader.elementTypeName(type));
        line(b, "ElementDataFile", dataFile);
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(key).append(" = ").append(value).append('\n');
    }

    /** Shortest text that reads back to the same double; integers without ".0". */
    private static String numbers(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(' ');
            }
            double x = v[i] == 0 ? 0 : v[i]; // no "-0"
            b.append(x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x));
        }
        return b.toString();
    }

    /** At most {@code limit} bytes of a stream: compressed data ends where CompressedDataSize says. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long limit) {
            this.in = new BufferedInputStream(in, BUFFER);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
