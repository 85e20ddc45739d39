package org.diffeolens.output;

import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.Matrices;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;

/**
 * The deformed grid of a registration, as bUnwarpJ and BigWarp show theirs: the lines of a regular
 * grid of the moving image (every {@code step} moving voxels along x and along y) pulled back onto
 * the fixed grid through the displacement. Where a line bends, the registration moved the moving
 * image. Used by report.png and by the Fiji plugin's grid window, so both draw the same lines.
 */
public final class DeformedGrid {

    /** Grid lines every this many moving voxels. */
    public static final int DEFAULT_STEP = 8;

    private DeformedGrid() {
    }

    /**
     * Line weights on the displacement's grid: 1 where x + u(x) falls on a grid line of the moving
     * image, falling linearly to 0 one moving voxel away from it (an antialiased line one voxel
     * wide). Every z-slice of a 3D grid gets its own x and y lines, as ImageJ shows a stack.
     */
    public static ScalarField lines(VectorField u, Grid movingGrid, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("grid step must be >= 1 voxel, got " + step);
        }
        Grid g = u.grid();
        int d = g.dim();
        if (movingGrid.dim() != d) {
            throw new IllegalArgumentException("the displacement is " + d + "D and the moving grid "
                    + movingGrid.dim() + "D");
        }
        Lattice l = new Lattice(g);
        double[] dir = g.direction();
        double[] toMoving = Matrices.inverse(movingGrid.direction(), d);
        double[] mo = movingGrid.origin();
        double[] out = new double[l.voxels];
        double[] idx = new double[d];
        for (int z = 0; z < l.nz; z++) {
            for (int y = 0; y < l.ny; y++) {
                for (int x = 0; x < l.nx; x++) {
                    int i = x + l.nx * (y + l.ny * z);
                    idx[0] = x;
                    idx[1] = y;
                    if (d == 3) {
                        idx[2] = z;
                    }
                    double[] p = g.indexToPhysical(idx);
                    double near = 0;
                    for (int a = 0; a < 2; a++) {
                        // moving-voxel coordinate a of the world point p + D u(i)
                        double q = 0;
                        for (int c = 0; c < d; c++) {
                            double world = p[c];
                            for (int k = 0; k < d; k++) {
                                world += dir[c * d + k] * u.component(k)[i];
                            }
                            q += toMoving[a * d + c] * (world - mo[c]);
                        }
                        double v = q / movingGrid.spacing(a) / step;
                        double dist = Math.abs(v - Math.rint(v)) * step;
                        near = Math.max(near, Math.max(0, 1 - dist));
                    }
                    out[i] = near;
                }
            }
        }
        return new ScalarField(g, out);
    }
}
