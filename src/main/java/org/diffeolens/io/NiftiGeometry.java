package org.diffeolens.io;

import org.diffeolens.field.Grid;
import org.diffeolens.field.Matrices;

/**
 * NIfTI orientation (RAS world, qform quaternion or sform affine) to our grid geometry (ITK's LPS
 * world, origin plus direction columns) and back. LPS = diag(-1, -1, 1) RAS.
 */
final class NiftiGeometry {

    /** Origin and direction cosines in LPS, 3D. */
    record Orientation(double[] origin, double[] direction) {
    }

    private NiftiGeometry() {
    }

    /**
     * ITK's priority: the sform when sform_code > 0, else the qform when qform_code > 0, else the
     * NIfTI "method 1" affine diag(pixdim) in RAS, which is diag(-1, -1, 1) in LPS. A form whose
     * matrix is singular is skipped for the next one.
     */
    static Orientation read(NiftiHeader h, double unitToMm) {
        Orientation o = null;
        if (h.sformCode > 0) {
            o = fromSform(h);
        }
        if (o == null && h.qformCode > 0) {
            o = fromQform(h);
        }
        if (o == null) {
            o = new Orientation(new double[3], new double[] {-1, 0, 0, 0, -1, 0, 0, 0, 1});
        }
        double[] origin = o.origin();
        for (int i = 0; i < 3; i++) {
            origin[i] *= unitToMm;
        }
        return o;
    }

    /** The grid for the first d axes: upper-left d x d of the direction, first d origin coordinates. */
    static Grid grid(int[] size, double[] spacing, Orientation o) {
        int d = size.length;
        double[] dir = new double[d * d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                dir[r * d + c] = o.direction()[r * 3 + c];
            }
        }
        if (Math.abs(Matrices.determinant(dir, d)) < 1e-6) {
            // The 2D block of a 3D orientation can be singular (a slice seen edge-on): keep the axes.
            dir = Matrices.identity(d);
        }
        double[] origin = new double[d];
        System.arraycopy(o.origin(), 0, origin, 0, d);
        return new Grid(size, spacing, origin, dir);
    }

    private static Orientation fromSform(NiftiHeader h) {
        double[] dir = new double[9];
        double[] origin = new double[3];
        for (int c = 0; c < 3; c++) {
            double norm = 0;
            for (int r = 0; r < 3; r++) {
                norm += (double) h.srow[r][c] * h.srow[r][c];
            }
            norm = Math.sqrt(norm);
            if (!(norm > 0) || !Double.isFinite(norm)) {
                return null;
            }
            for (int r = 0; r < 3; r++) {
                dir[r * 3 + c] = lps(r) * h.srow[r][c] / norm;
            }
        }
        for (int r = 0; r < 3; r++) {
            origin[r] = lps(r) * h.srow[r][3];
        }
        if (!finite(origin) || Math.abs(Matrices.determinant(dir, 3)) < 1e-6) {
            return null;
        }
        return new Orientation(origin, dir);
    }

    /** nifti1_io's quatern_to_mat44: rotation from (b, c, d), a = sqrt(1 - b^2 - c^2 - d^2), qfac on z. */
    private static Orientation fromQform(NiftiHeader h) {
        double b = h.quaternB;
        double c = h.quaternC;
        double d = h.quaternD;
        double a = 1 - (b * b + c * c + d * d);
        if (a < 1e-7) {
            // b, c, d describe a 180 degree rotation: renormalize them, as nifti1_io does.
            double s = 1 / Math.sqrt(b * b + c * c + d * d);
            b *= s;
            c *= s;
            d *= s;
            a = 0;
        } else {
            a = Math.sqrt(a);
        }
        double qfac = h.pixdim[0] < 0 ? -1 : 1;
        double[] r = {
            a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
            2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
            2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b};
        double[] dir = new double[9];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                dir[row * 3 + col] = lps(row) * r[row * 3 + col] * (col == 2 ? qfac : 1);
            }
        }
        double[] origin = {-h.qoffset[0], -h.qoffset[1], h.qoffset[2]};
        if (!finite(dir) || !finite(origin)) {
            return null;
        }
        return new Orientation(origin, dir);
    }

    /** Fills pixdim, qform and sform of the header from the grid (2D grids become one z slice). */
    static void write(Grid g, NiftiHeader h) {
        int dim = g.dim();
        double[] spacing = {1, 1, 1};
        double[] origin = new double[3];
        double[] dir = Matrices.identity(3);
        double[] gd = g.direction();
        for (int r = 0; r < dim; r++) {
            spacing[r] = g.spacing(r);
            origin[r] = g.origin()[r];
            for (int c = 0; c < dim; c++) {
                dir[r * 3 + c] = gd[r * dim + c];
            }
        }
        // To RAS: flip the first two rows.
        for (int r = 0; r < 3; r++) {
            origin[r] *= lps(r);
            for (int c = 0; c < 3; c++) {
                dir[r * 3 + c] *= lps(r);
            }
        }
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                h.srow[r][c] = (float) (dir[r * 3 + c] * spacing[c]);
            }
            h.srow[r][3] = (float) origin[r];
            h.qoffset[r] = (float) origin[r];
            h.pixdim[r + 1] = (float) spacing[r];
        }
        double[] rot = nearestRotation(dir);
        double qfac = 1;
        if (Matrices.determinant(rot, 3) < 0) {
            qfac = -1;
            for (int r = 0; r < 3; r++) {
                rot[r * 3 + 2] = -rot[r * 3 + 2];
            }
        }
        h.pixdim[0] = (float) qfac;
        double[] q = quaternion(rot);
        h.quaternB = (float) q[0];
        h.quaternC = (float) q[1];
        h.quaternD = (float) q[2];
    }

    /**
     * The orthogonal factor of the polar decomposition (Higham's iteration X = (X + X^-T) / 2): a
     * quaternion holds a rotation only, so a sheared direction is written to the qform as its
     * nearest orthogonal matrix (the sform keeps it exactly).
     */
    static double[] nearestRotation(double[] m) {
        double[] x = m.clone();
        for (int it = 0; it < 100; it++) {
            double[] invT = Matrices.transpose(Matrices.inverse(x, 3), 3, 3);
            double change = 0;
            for (int i = 0; i < 9; i++) {
                double next = 0.5 * (x[i] + invT[i]);
                change = Math.max(change, Math.abs(next - x[i]));
                x[i] = next;
            }
            if (change < 1e-15) {
                break;
            }
        }
        return x;
    }

    /** nifti1_io's mat44_to_quatern for a proper rotation: (b, c, d) with a >= 0. */
    static double[] quaternion(double[] r) {
        double r11 = r[0];
        double r12 = r[1];
        double r13 = r[2];
        double r21 = r[3];
        double r22 = r[4];
        double r23 = r[5];
        double r31 = r[6];
        double r32 = r[7];
        double r33 = r[8];
        double a = r11 + r22 + r33 + 1;
        double b;
        double c;
        double d;
        if (a > 0.5) {
            a = 0.5 * Math.sqrt(a);
            b = 0.25 * (r32 - r23) / a;
            c = 0.25 * (r13 - r31) / a;
            d = 0.25 * (r21 - r12) / a;
        } else {
            double xd = 1 + r11 - (r22 + r33);
            double yd = 1 + r22 - (r11 + r33);
            double zd = 1 + r33 - (r11 + r22);
            if (xd > 1) {
                b = 0.5 * Math.sqrt(xd);
                c = 0.25 * (r12 + r21) / b;
                d = 0.25 * (r13 + r31) / b;
                a = 0.25 * (r32 - r23) / b;
            } else if (yd > 1) {
                c = 0.5 * Math.sqrt(yd);
                b = 0.25 * (r12 + r21) / c;
                d = 0.25 * (r23 + r32) / c;
                a = 0.25 * (r13 - r31) / c;
            } else {
                d = 0.5 * Math.sqrt(zd);
                b = 0.25 * (r13 + r31) / d;
                c = 0.25 * (r23 + r32) / d;
                a = 0.25 * (r21 - r12) / d;
            }
            if (a < 0) {
                b = -b;
                c = -c;
                d = -d;
            }
        }
        return new double[] {b, c, d};
    }

    private static double lps(int row) {
        return row < 2 ? -1 : 1;
    }

    private static boolean finite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
