package org.diffeolens.nn.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (LeCun's MNIST format, also Fashion-MNIST's), gzip-compressed or not: a magic
 * number 0x0000TTNN (TT = element type, NN = number of dimensions), NN big-endian int32 sizes,
 * then the elements in row-major order. Only unsigned bytes (type 0x08) are supported, which is
 * what image and label files hold.
 */
public final class IdxReader {

    /** The dimensions and the unsigned-byte elements of an IDX file. */
    public record IdxArray(int[] dimensions, byte[] data) {

        public int count() {
            return dimensions[0];
        }

        /** Elements per item (the product of all dimensions but the first). */
        public int itemSize() {
            int s = 1;
            for (int i = 1; i < dimensions.length; i++) {
                s *= dimensions[i];
            }
            return s;
        }

        public int unsigned(long i) {
            return data[(int) i] & 0xff;
        }
    }

    private static final int UNSIGNED_BYTE = 0x08;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private IdxReader() {
    }

    public static IdxArray read(Path file) throws IOException {
        try (InputStream raw = open(file); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xff;
            int rank = magic & 0xff;
            if ((magic >>> 16) != 0 || rank == 0) {
                throw new DataFormatException(file, String.format("not an IDX file (magic number 0x%08x)", magic));
            }
            if (type != UNSIGNED_BYTE) {
                throw new DataFormatException(file, String.format("IDX element type 0x%02x is not supported "
                        + "(only unsigned bytes, 0x08)", type));
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new DataFormatException(file, "IDX dimension " + i + " is negative (" + dims[i] + ")");
                }
                total *= dims[i];
                if (total > MAX_ELEMENTS) {
                    throw new DataFormatException(file, "IDX array too large (" + total + "+ elements)");
                }
            }
            byte[] data = new byte[(int) total];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new DataFormatException(file, "truncated: the header promises " + total + " elements", e);
            }
            if (in.read() != -1) {
                throw new DataFormatException(file, "trailing bytes after the " + total + " elements the header promises");
            }
            return new IdxArray(dims, data);
        } catch (EOFException e) {
            throw new DataFormatException(file, "truncated IDX header", e);
        } catch (ZipException e) {
            throw new DataFormatException(file, "damaged gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /** The file's bytes, decompressed when it starts with the gzip magic number. */
    static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such data file (run test-data/fetch-datasets.sh)");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                in.close();
                throw new DataFormatException(file, "damaged gzip header (" + e.getMessage() + ")", e);
            }
        }
        return in;
    }
}
