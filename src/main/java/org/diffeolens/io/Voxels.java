package org.diffeolens.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Stored voxel bytes to float channels and back, streamed in chunks through bulk ByteBuffer views
 * (JTransforms style: flat arrays, buffers allocated once per call, nothing per voxel). Channels are
 * either planar (NIfTI: all of component 0, then component 1) or interleaved per voxel (MetaImage).
 */
final class Voxels {

    /** Elements converted per bulk read or write. */
    private static final int CHUNK = 1 << 15;

    private Voxels() {
    }

    /**
     * Reads channels.length * channels[0].length elements, storing {@code value * slope + inter}
     * (slope 1, inter 0 for none). Returns the number of bytes read: fewer than declared means the
     * stream ended early, and the caller words the error.
     */
    static long read(InputStream in, PixelType type, ByteOrder order, float[][] channels, boolean interleaved,
            double slope, double inter) throws IOException {
        int n = channels[0].length;
        int c = channels.length;
        long total = (long) n * c;
        int bytes = type.bytes();
        byte[] raw = new byte[CHUNK * bytes];
        ByteBuffer buf = ByteBuffer.wrap(raw).order(order);
        double[] values = new double[CHUNK];
        Cursor cursor = new Cursor(n, c, interleaved);
        boolean scaled = slope != 1 || inter != 0;
        long done = 0;
        while (done < total) {
            int k = (int) Math.min(CHUNK, total - done);
            int got = in.readNBytes(raw, 0, k * bytes);
            if (got < k * bytes) {
                return done * bytes + got;
            }
            buf.clear();
            decode(buf, type, k, values);
            if (scaled) {
                for (int i = 0; i < k; i++) {
                    values[i] = values[i] * slope + inter;
                }
            }
            cursor.scatter(values, k, channels);
            done += k;
        }
        return total * bytes;
    }

    /**
     * Writes every element of the channels as {@code type}: integer types are rounded to nearest and
     * clamped to the type's range (NaN becomes 0), so no value wraps around.
     */
    static void write(OutputStream out, PixelType type, ByteOrder order, float[][] channels, boolean interleaved)
            throws IOException {
        if (type == PixelType.RGB24) {
            throw new IllegalArgumentException("RGB24 is read-only; write a grayscale type");
        }
        int n = channels[0].length;
        int c = channels.length;
        long total = (long) n * c;
        int bytes = type.bytes();
        byte[] raw = new byte[CHUNK * bytes];
        ByteBuffer buf = ByteBuffer.wrap(raw).order(order);
        double[] values = new double[CHUNK];
        Cursor cursor = new Cursor(n, c, interleaved);
        long done = 0;
        while (done < total) {
            int k = (int) Math.min(CHUNK, total - done);
            cursor.gather(channels, values, k);
            buf.clear();
            encode(values, k, type, buf);
            out.write(raw, 0, k * bytes);
            done += k;
        }
    }

    /** Value of a float as stored in an integer type: rounded, clamped, NaN to 0. */
    static double toStored(double v, PixelType type) {
        if (!type.isInteger()) {
            return v;
        }
        if (Double.isNaN(v)) {
            return 0;
        }
        return Math.max(type.min(), Math.min(type.max(), Math.rint(v)));
    }

    private static void decode(ByteBuffer buf, PixelType type, int k, double[] v) {
        byte[] raw = buf.array();
        switch (type) {
            case UINT8 -> {
                for (int i = 0; i < k; i++) {
                    v[i] = raw[i] & 0xff;
                }
            }
            case INT8 -> {
                for (int i = 0; i < k; i++) {
                    v[i] = raw[i];
                }
            }
            case UINT16 -> {
                var s = buf.asShortBuffer();
                for (int i = 0; i < k; i++) {
                    v[i] = s.get(i) & 0xffff;
                }
            }
            case INT16 -> {
                var s = buf.asShortBuffer();
                for (int i = 0; i < k; i++) {
                    v[i] = s.get(i);
                }
            }
            case UINT32 -> {
                var s = buf.asIntBuffer();
                for (int i = 0; i < k; i++) {
                    v[i] = s.get(i) & 0xffffffffL;
                }
            }
            case INT32 -> {
                var s = buf.asIntBuffer();
                for (int i = 0; i < k; i++) {
                    v[i] = s.get(i);
                }
            }
            case FLOAT32 -> {
                var s = buf.asFloatBuffer();
                for (int i = 0; i < k; i++) {
                    v[i] = s.get(i);
                }
            }
            case FLOAT64 -> {
                var s = buf.asDoubleBuffer();
                for (int i = 0; i < k; i++) {
                    v[i] = s.get(i);
                }
            }
            case RGB24 -> {
                // ITU-R BT.601 luma, the weights of ImageJ's "weighted" RGB conversion.
                for (int i = 0; i < k; i++) {
                    v[i] = luminance(raw[3 * i] & 0xff, raw[3 * i + 1] & 0xff, raw[3 * i + 2] & 0xff);
                }
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    static double luminance(int r, int g, int b) {
        return 0.299 * r + 0.587 * g + 0.114 * b;
    }

    private static void encode(double[] v, int k, PixelType type, ByteBuffer buf) {
        byte[] raw = buf.array();
        switch (type) {
            case UINT8, INT8 -> {
                for (int i = 0; i < k; i++) {
                    raw[i] = (byte) (int) toStored(v[i], type);
                }
            }
            case UINT16, INT16 -> {
                var s = buf.asShortBuffer();
                for (int i = 0; i < k; i++) {
                    s.put(i, (short) (int) toStored(v[i], type));
                }
            }
            case UINT32, INT32 -> {
                var s = buf.asIntBuffer();
                for (int i = 0; i < k; i++) {
                    s.put(i, (int) (long) toStored(v[i], type));
                }
            }
            case FLOAT32 -> {
                var s = buf.asFloatBuffer();
                for (int i = 0; i < k; i++) {
                    s.put(i, (float) v[i]);
                }
            }
            case FLOAT64 -> {
                var s = buf.asDoubleBuffer();
                for (int i = 0; i < k; i++) {
                    s.put(i, v[i]);
                }
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    /** Walks the stored element order over (channel, voxel) without a division per element. */
    private static final class Cursor {
        private final int n;
        private final int c;
        private final boolean interleaved;
        private int channel;
        private int voxel;

        Cursor(int n, int c, boolean interleaved) {
            this.n = n;
            this.c = c;
            this.interleaved = interleaved;
        }

        void scatter(double[] values, int k, float[][] channels) {
            for (int i = 0; i < k; i++) {
                channels[channel][voxel] = (float) values[i];
                advance();
            }
        }

        void gather(float[][] channels, double[] values, int k) {
            for (int i = 0; i < k; i++) {
                values[i] = channels[channel][voxel];
                advance();
            }
        }

        private void advance() {
            if (interleaved) {
                if (++channel == c) {
                    channel = 0;
                    voxel++;
                }
            } else if (++voxel == n) {
                voxel = 0;
                channel++;
            }
        }
    }
}
