package org.diffeolens.io;

/** Voxel data types the codecs read; writers write FLOAT32 unless told otherwise. */
public enum PixelType {
    UINT8(1, 0, 255),
    INT8(1, -128, 127),
    UINT16(2, 0, 65535),
    INT16(2, -32768, 32767),
    UINT32(4, 0, 4294967295.0),
    INT32(4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    FLOAT32(4, -Float.MAX_VALUE, Float.MAX_VALUE),
    FLOAT64(8, -Double.MAX_VALUE, Double.MAX_VALUE),
    /** Read-only: three uint8 channels, converted to luminance on read. */
    RGB24(3, 0, 255);

    private final int bytes;
    private final double min;
    private final double max;

    PixelType(int bytes, double min, double max) {
        this.bytes = bytes;
        this.min = min;
        this.max = max;
    }

    public int bytes() {
        return bytes;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64;
    }
}
