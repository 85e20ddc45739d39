package org.diffeolens.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Writes NIfTI-1 files byte by byte at the offsets of nifti1.h, independently of the codec, so that
 * tests can make big-endian files, unusual datatypes and damaged headers.
 */
final class NiftiBytes {

    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    int sizeofHdr = 348;
    short[] dim = {3, 1, 1, 1, 1, 1, 1, 1};
    short intentCode;
    short datatype = 2;
    short bitpix = 8;
    float[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
    float voxOffset = 352;
    float sclSlope;
    float sclInter;
    byte xyztUnits = 2;
    short qformCode;
    short sformCode;
    float[] quatern = new float[3];
    float[] qoffset = new float[3];
    float[][] srow = new float[3][4];
    String magic = "n+1";

    NiftiBytes dims(int... d) {
        dim = new short[] {(short) d.length, 1, 1, 1, 1, 1, 1, 1};
        for (int i = 0; i < d.length; i++) {
            dim[i + 1] = (short) d[i];
        }
        return this;
    }

    NiftiBytes type(int code, int bits) {
        datatype = (short) code;
        bitpix = (short) bits;
        return this;
    }

    /** The 348-byte header plus the 4-byte extension flag. */
    byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(352).order(order);
        b.putInt(0, sizeofHdr);
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
        b.put(123, xyztUnits);
        b.putShort(252, qformCode);
        b.putShort(254, sformCode);
        for (int i = 0; i < 3; i++) {
            b.putFloat(256 + 4 * i, quatern[i]);
            b.putFloat(268 + 4 * i, qoffset[i]);
            for (int j = 0; j < 4; j++) {
                b.putFloat(280 + 16 * i + 4 * j, srow[i][j]);
            }
        }
        byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < m.length && i < 4; i++) {
            b.put(344 + i, m[i]);
        }
        return b.array();
    }

    /** Header, padding up to vox_offset, then the data bytes. */
    byte[] file(byte[] data) {
        byte[] h = header();
        int offset = Math.max(352, (int) voxOffset);
        byte[] f = new byte[offset + data.length];
        System.arraycopy(h, 0, f, 0, h.length);
        System.arraycopy(data, 0, f, offset, data.length);
        return f;
    }

    static byte[] gzip(byte[] bytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
