package org.diffeolens.field;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.DoubleArray;
import net.imglib2.type.numeric.real.DoubleType;

/**
 * A field of d-vectors on a d-dimensional grid: one flat array per component, components along
 * the voxel axes, in mm (CONVENTIONS.md). Displacements, velocities and gradients are these.
 */
public final class VectorField {

    private final Grid grid;
    private final double[][] components;

    public VectorField(Grid grid, double[][] components) {
        if (components.length != grid.dim()) {
            throw new IllegalArgumentException("a vector field on a " + grid.dim() + "D grid needs "
                    + grid.dim() + " components, got " + components.length);
        }
        for (double[] c : components) {
            if (c.length != grid.voxelCount()) {
                throw new IllegalArgumentException("component has " + c.length + " values, grid needs "
                        + grid.voxelCount());
            }
        }
        this.grid = grid;
        this.components = components;
    }

    public static VectorField zeros(Grid grid) {
        return new VectorField(grid, new double[grid.dim()][grid.voxelCount()]);
    }

    /** Widens float components (as read from a file) into a field on the grid. */
    public static VectorField of(Grid grid, float[][] values) {
        double[][] c = new double[values.length][];
        for (int k = 0; k < c.length; k++) {
            c[k] = ScalarField.of(grid, values[k]).data();
        }
        return new VectorField(grid, c);
    }

    public Grid grid() {
        return grid;
    }

    public int dim() {
        return components.length;
    }

    /** Backing array of one component (not a copy). */
    public double[] component(int c) {
        return components[c];
    }

    /** Backing arrays of all components (not copies). */
    public double[][] components() {
        return components;
    }

    public ScalarField componentField(int c) {
        return new ScalarField(grid, components[c]);
    }

    public ArrayImg<DoubleType, DoubleArray> img(int c) {
        return componentField(c).img();
    }

    /** The components narrowed to float, for writing files. */
    public float[][] toFloats() {
        float[][] f = new float[components.length][];
        for (int k = 0; k < f.length; k++) {
            f[k] = componentField(k).toFloats();
        }
        return f;
    }

    public VectorField copy() {
        double[][] c = new double[components.length][];
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
            for (double[] c : components) {
                s += c[i] * c[i];
            }
            m = Math.max(m, s);
        }
        return Math.sqrt(m);
    }

    /** Largest displacement in voxels: max over voxels of the norm of u_a / h_a. */
    public double maxNormInVoxels() {
        double m = 0;
        int n = grid.voxelCount();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int a = 0; a < components.length; a++) {
                double q = components[a][i] / grid.spacing(a);
                s += q * q;
            }
            m = Math.max(m, s);
        }
        return Math.sqrt(m);
    }

    /** L2 inner product sum_i <a_i, b_i> * voxel volume. */
    public static double dot(VectorField a, VectorField b) {
        double s = 0;
        for (int c = 0; c < a.dim(); c++) {
            double[] x = a.components[c];
            double[] y = b.components[c];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * y[i];
            }
        }
        return s * a.grid.voxelVolume();
    }
}
