package org.diffeolens.nn;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element access to a contiguous ND4J array's native memory, read and written as double whatever
 * the storage (float32 for training, float64 for gradient checks), for the fused element-wise
 * kernels: one implementation serves both types, and each call site sees at most two classes,
 * which the JIT inlines.
 */
public abstract sealed class Flat {

    public abstract double get(int i);

    public abstract void set(int i, double v);

    public abstract int length();

    /** dst[0..n) = this[offset..offset+n); scratch holds at least n floats (used by float storage). */
    public abstract void read(int offset, double[] dst, int n, float[] scratch);

    /** this[offset..offset+n) = src[0..n). */
    public abstract void write(int offset, double[] src, int n, float[] scratch);

    public static Flat of(INDArray a) {
        if (a.isView() && a.elementWiseStride() != 1 || a.ordering() != 'c' && !a.isVector()) {
            throw new IllegalArgumentException("a contiguous c-order array is needed, got " + a.shapeInfoToString());
        }
        if (a.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array too long for one kernel: " + a.length());
        }
        int offset = (int) a.offset();
        int n = (int) a.length();
        var bytes = a.data().asNio().order(ByteOrder.nativeOrder());
        if (a.dataType() == DataType.FLOAT) {
            return new F(bytes.asFloatBuffer(), offset, n);
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new D(bytes.asDoubleBuffer(), offset, n);
        }
        throw new IllegalArgumentException("float or double arrays only, got " + a.dataType());
    }

    static final class F extends Flat {
        private final FloatBuffer b;
        private final int offset;
        private final int n;

        F(FloatBuffer b, int offset, int n) {
            this.b = b;
            this.offset = offset;
            this.n = n;
        }

        @Override
        public double get(int i) {
            return b.get(offset + i);
        }

        @Override
        public void set(int i, double v) {
            b.put(offset + i, (float) v);
        }

        @Override
        public int length() {
            return n;
        }

        @Override
        public void read(int at, double[] dst, int count, float[] scratch) {
            b.get(offset + at, scratch, 0, count);
            for (int i = 0; i < count; i++) {
                dst[i] = scratch[i];
            }
        }

        @Override
        public void write(int at, double[] src, int count, float[] scratch) {
            for (int i = 0; i < count; i++) {
                scratch[i] = (float) src[i];
            }
            b.put(offset + at, scratch, 0, count);
        }
    }

    static final class D extends Flat {
        private final DoubleBuffer b;
        private final int offset;
        private final int n;

        D(DoubleBuffer b, int offset, int n) {
            this.b = b;
            this.offset = offset;
            this.n = n;
        }

        @Override
        public double get(int i) {
            return b.get(offset + i);
        }

        @Override
        public void set(int i, double v) {
            b.put(offset + i, v);
        }

        @Override
        public int length() {
            return n;
        }

        @Override
        public void read(int at, double[] dst, int count, float[] scratch) {
            b.get(offset + at, dst, 0, count);
        }

        @Override
        public void write(int at, double[] src, int count, float[] scratch) {
            b.put(offset + at, src, 0, count);
        }
    }
}
