package org.diffeolens.field;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A field of d-vectors on a d-dimensional grid: one flat float array per component, components
 * along the voxel axes, in mm (CONVENTIONS.md). Displacements, velocities and gradients are these.
 */
public final class VectorField {

    private final Grid grid;
    private final float[][] components;

    public VectorField(Grid grid, float[][] components) {
        if (components.length != grid.dim()) {
            throw new IllegalArgumentException("a vector field on a " + grid.dim() + "D grid needs "
                    + grid.dim() + " components, got " + components.length);
        }
        for (float[] c : components) {
            if (c.length != grid.voxelCount()) {
                throw new IllegalArgumentException("component has " + c.length + " values, grid needs "
                        + grid.voxelCount());
            }
        }
        this.grid = grid;
        this.components = components;
    }

    public static VectorField zeros(Grid grid) {
        float[][] c = new float[grid.dim()][grid.voxelCount()];
        return new VectorField(grid, c);
    }

    public Grid grid() {
        return grid;
    }

    public int dim() {
        return components.length;
    }

    /** Backing array of one component (not a copy). */
    public float[] component(int c) {
        return components[c];
    }

    /** Backing arrays of all components (not copies). */
    public float[][] components() {
        return components;
    }

    public ScalarField componentField(int c) {
        return new ScalarField(grid, components[c]);
    }

    public ArrayImg<FloatType, FloatArray> img(int c) {
        return componentField(c).img();
    }

    public VectorField copy() {
        float[][] c = new float[components.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = components[i].clone();
        }
        return new VectorField(grid, c);
    }

    public VectorField withGrid(Grid other) {
        if (!other.sameShape(grid)) {
            throw new IllegalArgumentException("grid shapes differ: " + grid + " vs " + other);
        }
        return new VectorField(other, components);
    }

    /** Largest Euclidean norm of a vector in the field (mm). */
    public double maxNorm() {
        double m = 0;
        int n = grid.voxelCount();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (float[] c : components) {
                s += (double) c[i] * c[i];
            }
            m = Math.max(m, s);
        }
        return Math.sqrt(m);
    }

    /** L2 inner product sum_i <a_i, b_i> * voxel volume. */
    public static double dot(VectorField a, VectorField b) {
        double s = 0;
        for (int c = 0; c < a.dim(); c++) {
            float[] x = a.components[c];
            float[] y = b.components[c];
            for (int i = 0; i < x.length; i++) {
                s += (double) x[i] * y[i];
            }
        }
        return s * a.grid.voxelVolume();
    }
}
