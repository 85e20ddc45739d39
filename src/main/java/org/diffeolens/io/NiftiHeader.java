package org.diffeolens.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The fields of a NIfTI-1 header that images need, at their offsets in the 348-byte struct of
 * nifti1.h. Parsing only decodes; {@link NiftiCodec} judges the values.
 */
final class NiftiHeader {

    static final int SIZE = 348;
    /** Header plus the 4-byte extension flag: where single-file (n+1) data may start. */
    static final int SINGLE_FILE_DATA_OFFSET = 352;
    static final short INTENT_VECTOR = 1007;
    /** NIFTI_UNITS_MM in xyzt_units. */
    static final byte UNITS_MM = 2;

    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    final short[] dim = new short[8];
    short intentCode;
    short datatype;
    short bitpix;
    final float[] pixdim = new float[8];
    float voxOffset;
    float sclSlope;
    float sclInter;
    byte xyztUnits;
    String descrip = "";
    short qformCode;
    short sformCode;
    float quaternB;
    float quaternC;
    float quaternD;
    final float[] qoffset = new float[3];
    final float[][] srow = new float[3][4];
    String magic = "";

    /** Reads the header from its first 348 bytes; the byte order comes from sizeof_hdr. */
    static NiftiHeader parse(Path file, byte[] bytes) throws ImageIOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        NiftiHeader h = new NiftiHeader();
        int sizeLe = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int sizeBe = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (sizeLe == SIZE) {
            h.order = ByteOrder.LITTLE_ENDIAN;
        } else if (sizeBe == SIZE) {
            h.order = ByteOrder.BIG_ENDIAN;
        } else if (sizeLe == 540 || sizeBe == 540) {
            throw new ImageIOException(file, "is a NIfTI-2 file, which is not supported; convert it to NIfTI-1");
        } else {
            throw new ImageIOException(file, "not a NIfTI-1 file: sizeof_hdr is " + sizeLe + ", expected 348");
        }
        b.order(h.order);
        for (int i = 0; i < 8; i++) {
            h.dim[i] = b.getShort(40 + 2 * i);
            h.pixdim[i] = b.getFloat(76 + 4 * i);
        }
        h.intentCode = b.getShort(68);
        h.datatype = b.getShort(70);
        h.bitpix = b.getShort(72);
        h.voxOffset = b.getFloat(108);
        h.sclSlope = b.getFloat(112);
        h.sclInter = b.getFloat(116);
        h.xyztUnits = b.get(123);
        h.descrip = text(bytes, 148, 80);
        h.qformCode = b.getShort(252);
        h.sformCode = b.getShort(254);
        h.quaternB = b.getFloat(256);
        h.quaternC = b.getFloat(260);
        h.quaternD = b.getFloat(264);
        for (int i = 0; i < 3; i++) {
            h.qoffset[i] = b.getFloat(268 + 4 * i);
            for (int j = 0; j < 4; j++) {
                h.srow[i][j] = b.getFloat(280 + 16 * i + 4 * j);
            }
        }
        h.magic = text(bytes, 344, 4);
        return h;
    }

    /** The 352 bytes of a single-file header with an empty extension flag. */
    byte[] toBytes() {
        byte[] bytes = new byte[SINGLE_FILE_DATA_OFFSET];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        b.putInt(0, SIZE);
        bytes[38] = 'r'; // "regular", as nifti1_io writes it
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, dim[i]);
            b.putFloat(76 + 4 * i, pixdim[i]);
        }
        b.putShort(68, intentCode);
        b.putShort(70, datatype);
        b.putShort(72, bitpix);
        b.putFloat(108, voxOffset);
        b.putFloat(112, sclSlope);
        b.putFloat(116, sclInter);
        bytes[123] = xyztUnits;
        putText(bytes, 148, 80, descrip);
        b.putShort(252, qformCode);
        b.putShort(254, sformCode);
        b.putFloat(256, quaternB);
        b.putFloat(260, quaternC);
        b.putFloat(264, quaternD);
        for (int i = 0; i < 3; i++) {
            b.putFloat(268 + 4 * i, qoffset[i]);
            for (int j = 0; j < 4; j++) {
                b.putFloat(280 + 16 * i + 4 * j, srow[i][j]);
            }
        }
        putText(bytes, 344, 4, magic);
        return bytes;
    }

    /** NIfTI-1 datatype code of a pixel type (DT_UINT8 = 2 ... DT_UINT32 = 768). */
    static short code(PixelType type) {
        return switch (type) {
            case UINT8 -> 2;
            case INT16 -> 4;
            case INT32 -> 8;
            case FLOAT32 -> 16;
            case FLOAT64 -> 64;
            case RGB24 -> 128;
            case INT8 -> 256;
            case UINT16 -> 512;
            case UINT32 -> 768;
        };
    }

    /** The pixel type of a datatype code, or null for codes images here cannot hold. */
    static PixelType type(int code) {
        for (PixelType t : PixelType.values()) {
            if (code(t) == code) {
                return t;
            }
        }
        return null;
    }

    /** Names of the NIfTI-1 datatypes we refuse, for the error message. */
    static String codeName(int code) {
        return switch (code) {
            case 0 -> "DT_UNKNOWN";
            case 1 -> "binary (1 bit)";
            case 32 -> "complex64";
            case 1024 -> "int64";
            case 1280 -> "uint64";
            case 1536 -> "float128";
            case 1792 -> "complex128";
            case 2048 -> "complex256";
            case 2304 -> "RGBA32";
            default -> "unknown code";
        };
    }

    /** mm per unit of xyzt_units' spatial part: metres and microns are converted to mm. */
    double spatialUnitToMm() {
        return switch (xyztUnits & 7) {
            case 1 -> 1000.0;
            case 3 -> 0.001;
            default -> 1.0; // 2 = mm, 0 = unknown (read as mm, as ITK does)
        };
    }

    private static String text(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.ISO_8859_1);
    }

    private static void putText(byte[] bytes, int offset, int length, String s) {
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, bytes, offset, Math.min(length, t.length));
    }
}
