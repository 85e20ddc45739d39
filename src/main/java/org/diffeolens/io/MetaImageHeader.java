package org.diffeolens.io;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.diffeolens.field.Matrices;

/**
 * The text header of a MetaImage file ("Key = Value" lines up to ElementDataFile, which must come
 * last), its key aliases, and the judgement of its values into a {@link Layout}.
 */
final class MetaImageHeader {

    static final String LOCAL = "LOCAL";

    /** What the header declares, checked. The geometry is already cut to the 2 or 3 axes kept. */
    record Layout(int[] size, double[] spacing, double[] origin, double[] direction, PixelType type, int channels,
            ByteOrder order, boolean compressed, long compressedSize, long headerSize, String dataFile,
            int headerLength) {
        long[] dims() {
            long[] d = new long[size.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = size[i];
            }
            return d;
        }
    }

    private final Path file;
    private final Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private int length = -1;

    private MetaImageHeader(Path file) {
        this.file = file;
    }

    /** Reads the lines of {@code head} (the start of the file) up to and including ElementDataFile. */
    static MetaImageHeader parse(Path file, byte[] head) throws ImageIOException {
        MetaImageHeader h = new MetaImageHeader(file);
        int pos = 0;
        int lineNo = 0;
        while (pos < head.length) {
            int end = pos;
            while (end < head.length && head[end] != '\n') {
                end++;
            }
            lineNo++;
            for (int i = pos; i < end; i++) {
                int b = head[i] & 0xff;
                if (b < 0x09 || (b > 0x0d && b < 0x20)) {
                    throw new ImageIOException(file, "not a MetaImage header: line " + lineNo
                            + " holds binary data before any ElementDataFile line");
                }
            }
            String line = new String(head, pos, end - pos, StandardCharsets.ISO_8859_1).strip();
            pos = Math.min(end + 1, head.length);
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ImageIOException(file, "not a MetaImage header: line " + lineNo + " is not 'Key = Value'");
            }
            String key = line.substring(0, eq).strip();
            h.values.put(key, line.substring(eq + 1).strip());
            if (key.equalsIgnoreCase("ElementDataFile")) {
                h.length = pos;
                return h;
            }
        }
        throw new ImageIOException(file, "MetaImage header has no ElementDataFile line (it must end the header)");
    }

    /** Judges the values: dimensions, type, geometry, data file. */
    Layout layout() throws ImageIOException {
        String objectType = first("ObjectType");
        if (objectType != null && !objectType.equalsIgnoreCase("Image")) {
            throw error("ObjectType = " + objectType + " is not an image");
        }
        String binary = first("BinaryData");
        if (binary != null && !bool("BinaryData", binary)) {
            throw error("ASCII voxel data (BinaryData = False) is not supported");
        }
        String dimText = first("DimSize");
        if (dimText == null) {
            throw error("header has no DimSize");
        }
        long[] dims = longs("DimSize", dimText);
        String ndimText = first("NDims");
        int n = ndimText == null ? dims.length : (int) longs("NDims", ndimText)[0];
        if (dims.length != n) {
            throw error("DimSize has " + dims.length + " values but NDims = " + n);
        }
        for (int a = 0; a < n; a++) {
            if (dims[a] < 1) {
                throw error("DimSize = " + dimText + ": every dimension must be at least 1");
            }
        }
        // Trailing axes of size 1 are dropped (4D+ files of one volume; single-slice 3D is a 2D image).
        int d = n;
        while (d > 2 && dims[d - 1] == 1) {
            d--;
        }
        if (n < 2 || d > 3) {
            throw error("NDims = " + n + " with DimSize = " + dimText + ": only 2D and 3D images are read");
        }
        PixelType type = elementType(first("ElementType"));
        int channels = 1;
        String ch = first("ElementNumberOfChannels");
        if (ch != null) {
            long c = longs("ElementNumberOfChannels", ch)[0];
            if (c < 1 || c > 1 << 16) {
                throw error("ElementNumberOfChannels = " + ch + " must be between 1 and 65536");
            }
            channels = (int) c;
        }
        double[] spacing = geometry(n, ones(n), "ElementSpacing", "ElementSize");
        for (int a = 0; a < d; a++) {
            if (!(spacing[a] > 0) || Double.isInfinite(spacing[a])) {
                throw error("ElementSpacing = " + first("ElementSpacing", "ElementSize")
                        + ": the voxel spacing along " + "xyz".charAt(a) + " must be a positive number");
            }
        }
        double[] origin = geometry(n, new double[n], "Offset", "Origin", "Position");
        double[] matrix = geometry(n * n, Matrices.identity(n), "TransformMatrix", "Rotation", "Orientation");
        // ITK's MetaImageIO: the i-th group of NDims numbers is the direction of voxel axis i, i.e. a
        // column of our row-major direction.
        double[] direction = new double[d * d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                direction[r * d + c] = matrix[c * n + r];
            }
        }
        if (d < n && Math.abs(Matrices.determinant(direction, d)) < 1e-6) {
            direction = Matrices.identity(d); // the kept block of a larger orientation can be singular: keep the axes
        }
        int[] size = new int[d];
        double[] sp = new double[d];
        double[] org = new double[d];
        for (int a = 0; a < d; a++) {
            size[a] = (int) Math.min(dims[a], Integer.MAX_VALUE);
            sp[a] = spacing[a];
            org[a] = origin[a];
        }
        String msb = first("BinaryDataByteOrderMSB", "ElementByteOrderMSB");
        ByteOrder order = msb != null && bool("BinaryDataByteOrderMSB", msb) ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN;
        String comp = first("CompressedData");
        boolean compressed = comp != null && bool("CompressedData", comp);
        String csize = first("CompressedDataSize");
        long compressedSize = csize == null ? -1 : longs("CompressedDataSize", csize)[0];
        String hsize = first("HeaderSize");
        long headerSize = hsize == null ? 0 : longs("HeaderSize", hsize)[0];
        if (headerSize < -1) {
            throw error("HeaderSize = " + hsize + " must be -1 (data at the end of the file) or at least 0");
        }
        String dataFile = first("ElementDataFile");
        if (dataFile.isEmpty()) {
            throw error("ElementDataFile is empty");
        }
        if (dataFile.equalsIgnoreCase("LIST") || dataFile.contains("%")) {
            throw error("ElementDataFile = " + dataFile + " (one data file per slice) is not supported");
        }
        long[] kept = new long[d];
        System.arraycopy(dims, 0, kept, 0, d);
        HeaderChecks.voxelCount(file, kept);
        return new Layout(size, sp, org, direction, type, channels, order, compressed, compressedSize, headerSize,
                dataFile, length);
    }

    // ---------------------------------------------------------------- element types

    static String elementTypeName(PixelType type) {
        return switch (type) {
            case UINT8 -> "MET_UCHAR";
            case INT8 -> "MET_CHAR";
            case UINT16 -> "MET_USHORT";
            case INT16 -> "MET_SHORT";
            case UINT32 -> "MET_UINT";
            case INT32 -> "MET_INT";
            case FLOAT32 -> "MET_FLOAT";
            case FLOAT64 -> "MET_DOUBLE";
            case RGB24 -> throw new IllegalArgumentException("MetaImage has no RGB24 element type");
        };
    }

    private PixelType elementType(String name) throws ImageIOException {
        if (name == null) {
            throw error("header has no ElementType");
        }
        // MET_UCHAR_ARRAY and the like are old spellings of multi-channel elements.
        String base = name.toUpperCase(Locale.ROOT).replaceFirst("_ARRAY$", "");
        for (PixelType t : PixelType.values()) {
            if (t != PixelType.RGB24 && elementTypeName(t).equals(base)) {
                return t;
            }
        }
        throw error("unsupported ElementType " + name + "; supported: MET_UCHAR, MET_CHAR, MET_USHORT, MET_SHORT, "
                + "MET_UINT, MET_INT, MET_FLOAT, MET_DOUBLE");
    }

    // ---------------------------------------------------------------- values

    private String first(String... keys) {
        for (String k : keys) {
            String v = values.get(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private double[] geometry(int count, double[] fallback, String... keys) throws ImageIOException {
        String text = first(keys);
        if (text == null) {
            return fallback;
        }
        double[] v = doubles(keys[0], text);
        if (v.length < count) {
            throw error(keys[0] + " = " + text + " has " + v.length + " values, " + count + " needed");
        }
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw error(keys[0] + " = " + text + " is not a list of finite numbers");
            }
        }
        return v;
    }

    private double[] doubles(String key, String text) throws ImageIOException {
        String[] parts = text.split("\\s+");
        double[] v = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                v[i] = Double.parseDouble(parts[i]);
            }
        } catch (NumberFormatException e) {
            throw error(key + " = " + text + " is not a list of numbers");
        }
        return v;
    }

    private long[] longs(String key, String text) throws ImageIOException {
        String[] parts = text.split("\\s+");
        long[] v = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                v[i] = Long.parseLong(parts[i]);
            }
        } catch (NumberFormatException e) {
            throw error(key + " = " + text + " is not a list of integers");
        }
        return v;
    }

    private boolean bool(String key, String text) throws ImageIOException {
        if (text.equalsIgnoreCase("True") || text.equals("1")) {
            return true;
        }
        if (text.equalsIgnoreCase("False") || text.equals("0")) {
            return false;
        }
        throw error(key + " = " + text + " is neither True nor False");
    }

    private ImageIOException error(String what) {
        return new ImageIOException(file, what);
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1);
        return v;
    }
}
