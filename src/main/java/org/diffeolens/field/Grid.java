package org.diffeolens.field;

import java.util.Arrays;

/**
 * A regular grid of 2 or 3 dimensions with its physical geometry: size in voxels, spacing (mm),
 * origin (mm, physical position of voxel 0) and direction cosines (columns = voxel axes in world
 * coordinates). World coordinates follow ITK's LPS convention; NIfTI's RAS is converted at I/O.
 * Voxel data is stored x fastest: index = x + size[0] * (y + size[1] * z).
 */
public final class Grid {

    private final int[] size;
    private final double[] spacing;
    private final double[] origin;
    private final double[] direction; // d x d, row-major: direction[r * d + c]
    private final int voxelCount;

    public Grid(int[] size, double[] spacing, double[] origin, double[] direction) {
        int d = size.length;
        if (d < 2 || d > 3) {
            throw new IllegalArgumentException("grid must have 2 or 3 dimensions, got " + d);
        }
        if (spacing.length != d || origin.length != d || direction.length != d * d) {
            throw new IllegalArgumentException("spacing, origin and direction must match dimension " + d
                    + ": got " + spacing.length + ", " + origin.length + ", " + direction.length);
        }
        long n = 1;
        for (int a = 0; a < d; a++) {
            if (size[a] < 1) {
                throw new IllegalArgumentException("size[" + a + "] must be >= 1, got " + size[a]);
            }
            if (!(spacing[a] > 0) || Double.isInfinite(spacing[a])) {
                throw new IllegalArgumentException("spacing[" + a + "] must be finite and > 0, got " + spacing[a]);
            }
            if (!Double.isFinite(origin[a])) {
                throw new IllegalArgumentException("origin[" + a + "] must be finite, got " + origin[a]);
            }
            n *= size[a];
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("grid " + Arrays.toString(size) + " has " + n
                    + " voxels, more than a Java array holds");
        }
        for (double v : direction) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("direction must be finite: " + Arrays.toString(direction));
            }
        }
        if (Math.abs(Matrices.determinant(direction, d)) < 1e-6) {
            throw new IllegalArgumentException("direction matrix is singular: " + Arrays.toString(direction));
        }
        this.size = size.clone();
        this.spacing = spacing.clone();
        this.origin = origin.clone();
        this.direction = direction.clone();
        this.voxelCount = (int) n;
    }

    /** Grid with unit spacing, zero origin and identity direction. */
    public static Grid of(int... size) {
        double[] spacing = new double[size.length];
        Arrays.fill(spacing, 1.0);
        return new Grid(size, spacing, new double[size.length], Matrices.identity(size.length));
    }

    /** Grid with the given spacing, zero origin and identity direction. */
    public static Grid of(int[] size, double[] spacing) {
        return new Grid(size, spacing, new double[size.length], Matrices.identity(size.length));
    }

    public int dim() {
        return size.length;
    }

    public int size(int axis) {
        return size[axis];
    }

    public int[] size() {
        return size.clone();
    }

    public double spacing(int axis) {
        return spacing[axis];
    }

    public double[] spacing() {
        return spacing.clone();
    }

    public double[] origin() {
        return origin.clone();
    }

    /** Row-major d x d direction cosine matrix. */
    public double[] direction() {
        return direction.clone();
    }

    public int voxelCount() {
        return voxelCount;
    }

    /** Distance in the flat array between neighbours along an axis. */
    public int stride(int axis) {
        int s = 1;
        for (int a = 0; a < axis; a++) {
            s *= size[a];
        }
        return s;
    }

    /** Volume of one voxel in mm^d (area in 2D). */
    public double voxelVolume() {
        double v = 1;
        for (double h : spacing) {
            v *= h;
        }
        return v;
    }

    public int index(int x, int y) {
        return x + size[0] * y;
    }

    public int index(int x, int y, int z) {
        return x + size[0] * (y + size[1] * z);
    }

    /** Physical (world) position of a continuous voxel index: origin + D * diag(spacing) * index. */
    public double[] indexToPhysical(double[] index) {
        int d = dim();
        double[] p = new double[d];
        for (int r = 0; r < d; r++) {
            double s = origin[r];
            for (int c = 0; c < d; c++) {
                s += direction[r * d + c] * spacing[c] * index[c];
            }
            p[r] = s;
        }
        return p;
    }

    /** Continuous voxel index of a physical point (inverse of indexToPhysical). */
    public double[] physicalToIndex(double[] point) {
        int d = dim();
        double[] inv = Matrices.inverse(direction, d);
        double[] idx = new double[d];
        for (int r = 0; r < d; r++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += inv[r * d + c] * (point[c] - origin[c]);
            }
            idx[r] = s / spacing[r];
        }
        return idx;
    }

    /** Same number of voxels along every axis (geometry may differ). */
    public boolean sameShape(Grid other) {
        return Arrays.equals(size, other.size);
    }

    /** Same shape and the same geometry within tol (relative to spacing, absolute in origin mm and direction). */
    public boolean sameGeometry(Grid other, double tol) {
        if (!sameShape(other)) {
            return false;
        }
        for (int a = 0; a < dim(); a++) {
            if (Math.abs(spacing[a] - other.spacing[a]) > tol * spacing[a]
                    || Math.abs(origin[a] - other.origin[a]) > tol) {
                return false;
            }
        }
        for (int i = 0; i < direction.length; i++) {
            if (Math.abs(direction[i] - other.direction[i]) > tol) {
                return false;
            }
        }
        return true;
    }

    /** The same geometry with another size and spacing (origin and direction kept). */
    public Grid resized(int[] newSize, double[] newSpacing) {
        return new Grid(newSize, newSpacing, origin, direction);
    }

    public Grid withOrigin(double[] newOrigin) {
        return new Grid(size, spacing, newOrigin, direction);
    }

    public Grid withDirection(double[] newDirection) {
        return new Grid(size, spacing, origin, newDirection);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grid g && Arrays.equals(size, g.size) && Arrays.equals(spacing, g.spacing)
                && Arrays.equals(origin, g.origin) && Arrays.equals(direction, g.direction);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(size) * 31 + Arrays.hashCode(spacing);
    }

    @Override
    public String toString() {
        return "Grid[size=" + Arrays.toString(size) + ", spacing=" + Arrays.toString(spacing)
                + ", origin=" + Arrays.toString(origin) + ", direction=" + Arrays.toString(direction) + "]";
    }
}
