package org.diffeolens.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipException;

/**
 * Checks a header against its file before any voxel array is allocated, so that a lying header
 * ends in one message a user can act on instead of an OutOfMemoryError or a
 * NegativeArraySizeException. Messages are shared by the codecs so that they read alike.
 */
final class HeaderChecks {

    /** The largest Java array (a few header words below Integer.MAX_VALUE). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Deflate cannot expand its input by more than about 1032:1 (zlib technical notes). */
    private static final long DEFLATE_MAX_RATIO = 1032;

    private HeaderChecks() {
    }

    /** The file exists, is a regular readable file and is not empty. */
    static void requireReadableFile(Path file) throws ImageIOException {
        String problem = unreadable(file);
        if (problem != null) {
            throw new ImageIOException(file, problem);
        }
    }

    /** The same for the data file a header names; the message names the header the user gave. */
    static void requireDataFile(Path header, Path data) throws ImageIOException {
        String problem = unreadable(data);
        if (problem != null) {
            throw new ImageIOException(header, "its data file " + data.getFileName() + " "
                    + problem.replace("no such file", "does not exist in " + data.toAbsolutePath().getParent()));
        }
    }

    private static String unreadable(Path file) {
        if (Files.isDirectory(file)) {
            return "is a folder, not an image file";
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (!Files.isRegularFile(file)) {
            return "is not a regular file";
        }
        if (!Files.isReadable(file)) {
            return "cannot be read: permission denied";
        }
        try {
            return Files.size(file) == 0 ? "is empty (0 bytes)" : null;
        } catch (IOException e) {
            return "cannot be read: " + AtomicFiles.describe(e);
        }
    }

    static long size(Path file) throws ImageIOException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ImageIOException(file, "cannot be read: " + AtomicFiles.describe(e), e);
        }
    }

    /** "128x128x62" */
    static String shape(long[] dims) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append('x');
            }
            b.append(dims[i]);
        }
        return b.toString();
    }

    static String typeName(PixelType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** "128x128x62 uint8 voxels" or "64x64 float32 voxels with 2 components" */
    static String voxels(long[] dims, PixelType type, int components) {
        String s = shape(dims) + " " + typeName(type) + " voxels";
        return components > 1 ? s + " with " + components + " components" : s;
    }

    /**
     * Number of voxels of one channel; refuses products that a Java array cannot hold. The
     * product is formed in double so that it cannot overflow whatever the header says.
     */
    static int voxelCount(Path file, long[] dims) throws ImageIOException {
        double n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n > MAX_ARRAY) {
            throw new ImageIOException(file, "header declares " + shape(dims) + " voxels (" + String.format(Locale.ROOT,
                    "%.4g", n) + "), more than the " + MAX_ARRAY + " a Java array holds; the header is damaged "
                    + "or the image must be split");
        }
        return (int) n;
    }

    /** Bytes of voxel data the header declares; the caller has checked voxelCount first. */
    static long dataBytes(int voxelCount, int components, PixelType type) {
        return (long) voxelCount * components * type.bytes();
    }

    /** The float arrays the image needs must fit in the largest heap this JVM may have. */
    static void checkMemory(Path file, long[] dims, int components, PixelType type) throws ImageIOException {
        double bytes = 4.0 * components;
        for (long d : dims) {
            bytes *= d;
        }
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new ImageIOException(file, "header declares " + voxels(dims, type, components) + ", which need "
                    + mib(bytes) + " MiB of memory as float, more than the " + mib(max)
                    + " MiB this Java process may use (raise -Xmx, or the header is damaged)");
        }
    }

    /** Uncompressed data: the bytes after the data offset must cover what the header declares (see truncated). */
    static void checkDataPresent(Path file, long[] dims, int components, PixelType type, long declared,
            long available, String where) throws ImageIOException {
        if (available < declared) {
            throw truncated(file, dims, components, type, declared, Math.max(0, available), where);
        }
    }

    /**
     * Compressed data cannot expand beyond deflate's maximum ratio, which bounds what a small file
     * can hold before a single byte is inflated.
     */
    static void checkCompressedCanHold(Path file, long[] dims, int components, PixelType type, long declared,
            long offset, long compressedBytes) throws ImageIOException {
        if (compressedBytes * DEFLATE_MAX_RATIO + 1024 < offset + declared) {
            throw new ImageIOException(file, "file is truncated or its header is wrong: header declares "
                    + voxels(dims, type, components) + " (" + declared + " bytes) but " + compressedBytes
                    + " compressed bytes cannot hold that many");
        }
    }

    /**
     * "file is truncated: header declares ... but {where}", where {@code where} says what holds how
     * much, with {n} standing for the bytes available: "the file holds only {n} bytes after the header".
     */
    static ImageIOException truncated(Path file, long[] dims, int components, PixelType type, long declared,
            long available, String where) {
        return new ImageIOException(file, "file is truncated: header declares " + voxels(dims, type, components)
                + " (" + declared + " bytes) but " + where.replace("{n}", Long.toString(available)));
    }

    /**
     * Words for a failure inside a compressed stream ({@code stream}: "gzip stream", "zlib stream of
     * a.zraw"): truncated, corrupt, or a plain I/O error.
     */
    static ImageIOException compressedStreamError(Path file, String stream, IOException e) {
        if (e instanceof EOFException) {
            return new ImageIOException(file, "file is truncated: the " + stream + " ends early", e);
        }
        if (e instanceof ZipException) {
            return new ImageIOException(file, "corrupt data in the " + stream + " (" + e.getMessage() + ")", e);
        }
        return new ImageIOException(file, "cannot be read: " + AtomicFiles.describe(e), e);
    }

    private static long mib(double bytes) {
        return (long) Math.ceil(bytes / (1 << 20));
    }
}
