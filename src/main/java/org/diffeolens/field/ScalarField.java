package org.diffeolens.field;

import java.util.Arrays;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.DoubleArray;
import net.imglib2.loops.LoopBuilder;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A scalar field (an image, a momentum, a Jacobian map) on a grid: one flat array, x fastest, plus
 * the grid's geometry. The engine computes in double precision (as ITK and ANTs keep their
 * deformation fields), so that discrete adjoints can be checked against finite differences;
 * images enter and leave as float through {@link #fromImg} and {@link #toFloatImg}.
 * {@link #img()} views the same memory as an ImgLib2 image.
 */
public final class ScalarField {

    private final Grid grid;
    private final double[] data;

    public ScalarField(Grid grid, double[] data) {
        if (data.length != grid.voxelCount()) {
            throw new IllegalArgumentException("data has " + data.length + " values, grid needs " + grid.voxelCount());
        }
        this.grid = grid;
        this.data = data;
    }

    public static ScalarField zeros(Grid grid) {
        return new ScalarField(grid, new double[grid.voxelCount()]);
    }

    /** Widens float samples (as read from a file) into a field on the grid. */
    public static ScalarField of(Grid grid, float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return new ScalarField(grid, d);
    }

    /** Copies an ImgLib2 image of matching size (FloatType or any real type) into a new field on the grid. */
    public static ScalarField fromImg(Grid grid, RandomAccessibleInterval<? extends RealType<?>> img) {
        for (int a = 0; a < grid.dim(); a++) {
            if (img.dimension(a) != grid.size(a)) {
                throw new IllegalArgumentException("image dimension " + a + " is " + img.dimension(a)
                        + ", grid has " + grid.size(a));
            }
        }
        ScalarField f = zeros(grid);
        LoopBuilder.setImages(img, f.img()).forEachPixel((a, b) -> b.set(a.getRealDouble()));
        return f;
    }

    public Grid grid() {
        return grid;
    }

    /** The backing array (not a copy): hot loops read and write it directly. */
    public double[] data() {
        return data;
    }

    /** A zero-copy ImgLib2 view of this field. */
    public ArrayImg<DoubleType, DoubleArray> img() {
        return ArrayImgs.doubles(data, dims(grid));
    }

    /** A float copy as an ImgLib2 image, the type images have outside the engine (CONVENTIONS.md). */
    public ArrayImg<FloatType, ?> toFloatImg() {
        return ArrayImgs.floats(toFloats(), dims(grid));
    }

    /** The values narrowed to float, for writing files. */
    public float[] toFloats() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return f;
    }

    static long[] dims(Grid grid) {
        long[] dims = new long[grid.dim()];
        for (int a = 0; a < dims.length; a++) {
            dims[a] = grid.size(a);
        }
        return dims;
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

    public double get(int index) {
        return data[index];
    }

    public double min() {
        double m = Double.POSITIVE_INFINITY;
        for (double v : data) {
            m = Math.min(m, v);
        }
        return m;
    }

    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : data) {
            m = Math.max(m, v);
        }
        return m;
    }

    public double mean() {
        double s = 0;
        for (double v : data) {
            s += v;
        }
        return s / data.length;
    }

    /** L2 inner product sum_i a_i b_i * voxel volume. */
    public static double dot(ScalarField a, ScalarField b) {
        double[] x = a.data;
        double[] y = b.data;
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s * a.grid.voxelVolume();
    }

    /** True when every value is finite (no NaN or infinity). */
    public boolean isFinite() {
        for (double v : data) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ScalarField[" + Arrays.toString(grid.size()) + "]";
    }
}
