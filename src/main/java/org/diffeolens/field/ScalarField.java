package org.diffeolens.field;

import java.util.Arrays;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A scalar field (an image) on a grid: one flat float array, x fastest, plus the grid's geometry.
 * {@link #img()} views the same memory as an ImgLib2 image, so ImgLib2 algorithms and our flat
 * hot loops share one copy of the data.
 */
public final class ScalarField {

    private final Grid grid;
    private final float[] data;

    public ScalarField(Grid grid, float[] data) {
        if (data.length != grid.voxelCount()) {
            throw new IllegalArgumentException("data has " + data.length + " values, grid needs " + grid.voxelCount());
        }
        this.grid = grid;
        this.data = data;
    }

    public static ScalarField zeros(Grid grid) {
        return new ScalarField(grid, new float[grid.voxelCount()]);
    }

    /** Copies an ImgLib2 image of matching size into a new field on the grid. */
    public static ScalarField fromImg(Grid grid, net.imglib2.RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> img) {
        ScalarField f = zeros(grid);
        var out = f.img();
        net.imglib2.loops.LoopBuilder.setImages(img, out).forEachPixel((a, b) -> b.setReal(a.getRealDouble()));
        return f;
    }

    public Grid grid() {
        return grid;
    }

    /** The backing array (not a copy): hot loops read and write it directly. */
    public float[] data() {
        return data;
    }

    /** A zero-copy ImgLib2 view of this field. */
    public ArrayImg<FloatType, FloatArray> img() {
        int d = grid.dim();
        long[] dims = new long[d];
        for (int a = 0; a < d; a++) {
            dims[a] = grid.size(a);
        }
        return ArrayImgs.floats(data, dims);
    }

    public ScalarField copy() {
        return new ScalarField(grid, data.clone());
    }

    /** Same values on another grid of the same shape (geometry replaced). */
    public ScalarField withGrid(Grid other) {
        if (!other.sameShape(grid)) {
            throw new IllegalArgumentException("grid shapes differ: " + grid + " vs " + other);
        }
        return new ScalarField(other, data);
    }

    public float get(int index) {
        return data[index];
    }

    public double min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : data) {
            m = Math.min(m, v);
        }
        return m;
    }

    public double max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            m = Math.max(m, v);
        }
        return m;
    }

    public double mean() {
        double s = 0;
        for (float v : data) {
            s += v;
        }
        return s / data.length;
    }

    @Override
    public String toString() {
        return "ScalarField[" + Arrays.toString(grid.size()) + "]";
    }
}
