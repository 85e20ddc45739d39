package org.diffeolens.field;

/**
 * A grid's shape as hot loops want it: three extents (a 2D grid has nz = 1), the spacing and the
 * strides, so that one loop nest serves 2D and 3D. A "row" is a run of nx contiguous voxels; the
 * ny * nz rows are what loops split across threads (chunks of rows are slabs of the slowest axes).
 */
public final class Lattice {

    public final int dim;
    public final int nx;
    public final int ny;
    public final int nz;
    public final double hx;
    public final double hy;
    public final double hz;
    public final int voxels;

    public Lattice(Grid grid) {
        dim = grid.dim();
        nx = grid.size(0);
        ny = grid.size(1);
        nz = dim == 3 ? grid.size(2) : 1;
        hx = grid.spacing(0);
        hy = grid.spacing(1);
        hz = dim == 3 ? grid.spacing(2) : 1;
        voxels = grid.voxelCount();
    }

    /** Number of x-rows (ny * nz). */
    public int rows() {
        return ny * nz;
    }

    public int size(int axis) {
        return axis == 0 ? nx : axis == 1 ? ny : nz;
    }

    public double spacing(int axis) {
        return axis == 0 ? hx : axis == 1 ? hy : hz;
    }

    public int stride(int axis) {
        return axis == 0 ? 1 : axis == 1 ? nx : nx * ny;
    }

    /** Coordinate along an axis of the first voxel of a row (axis 1 or 2). */
    public int rowCoordinate(int row, int axis) {
        return axis == 1 ? row % ny : row / ny;
    }

    /** Number of lines of voxels along an axis (voxels / size(axis)). */
    public int lines(int axis) {
        return voxels / size(axis);
    }

    /** Flat index of the first voxel of line li along an axis (lines numbered x fastest). */
    public int lineStart(int axis, int li) {
        switch (axis) {
            case 0:
                return li * nx;
            case 1:
                return li % nx + nx * ny * (li / nx);
            default:
                return li;
        }
    }
}
