package org.diffeolens.field;

/**
 * The eight (four in 2D) corners and weights of linear interpolation at one point, located once and
 * then used to read a value, the derivative of the interpolant along each voxel axis, or to
 * scatter (splat) a value back: the transpose of interpolation that adjoint sweeps need.
 * Outside the grid the field is extended by its border value, so the derivative across the
 * border is zero. Mutable scratch: one instance per thread, reused for every voxel; the lattice
 * constants (corner offsets, last cell) are computed once here, not per voxel.
 * <p>Every per-voxel method is short, with 2D and 3D bodies apart, so that HotSpot's C2 inlines
 * them into the calling loop (it does not inline a hot method of more than 325 bytes of bytecode:
 * a call per voxel costs more than the arithmetic).
 */
public final class LinearStencil {

    private final int nx;
    private final int ny;
    private final boolean flat;
    private final double maxX;
    private final double maxY;
    private final double maxZ;
    private final int lastX;
    private final int lastY;
    private final int lastZ;
    private final boolean extentX;
    private final boolean extentY;
    private final boolean extentZ;
    /** Offsets of the corners (x + 2 y + 4 z bits) from the lowest one; 0 along an axis of size 1. */
    private final int o1;
    private final int o2;
    private final int o3;
    private final int o4;
    private final int o5;
    private final int o6;
    private final int o7;
    private int base;
    private double fx;
    private double fy;
    private double fz;
    private boolean insideX;
    private boolean insideY;
    private boolean insideZ;
    private boolean weighted;
    private double w0;
    private double w1;
    private double w2;
    private double w3;
    private double w4;
    private double w5;
    private double w6;
    private double w7;

    public LinearStencil(Lattice l) {
        this.nx = l.nx;
        this.ny = l.ny;
        this.flat = l.nz == 1;
        this.maxX = l.nx - 1;
        this.maxY = l.ny - 1;
        this.maxZ = l.nz - 1;
        this.lastX = Math.max(l.nx - 2, 0);
        this.lastY = Math.max(l.ny - 2, 0);
        this.lastZ = Math.max(l.nz - 2, 0);
        this.extentX = l.nx > 1;
        this.extentY = l.ny > 1;
        this.extentZ = l.nz > 1;
        int dx = extentX ? 1 : 0;
        int dy = extentY ? l.nx : 0;
        int dz = extentZ ? l.nx * l.ny : 0;
        this.o1 = dx;
        this.o2 = dy;
        this.o3 = dy + dx;
        this.o4 = dz;
        this.o5 = dz + dx;
        this.o6 = dz + dy;
        this.o7 = dz + dy + dx;
    }

    /** Locates the continuous voxel index (x, y, z); z is ignored on a 2D lattice. */
    public void locate(double x, double y, double z) {
        insideX = x >= 0 && x <= maxX && extentX;
        insideY = y >= 0 && y <= maxY && extentY;
        insideZ = z >= 0 && z <= maxZ && extentZ;
        // clamp to the grid (a size-1 axis to 0), then take the cell's lower corner
        double cx = !extentX ? 0 : x < 0 ? 0 : x > maxX ? maxX : x;
        double cy = !extentY ? 0 : y < 0 ? 0 : y > maxY ? maxY : y;
        double cz = !extentZ ? 0 : z < 0 ? 0 : z > maxZ ? maxZ : z;
        int x0 = Math.min((int) cx, lastX);
        int y0 = Math.min((int) cy, lastY);
        int z0 = Math.min((int) cz, lastZ);
        fx = cx - x0;
        fy = cy - y0;
        fz = cz - z0;
        base = x0 + nx * (y0 + ny * z0);
        weighted = false;
    }

    /** Flat index of the lowest corner; {@link #splat} writes [base, base + extent()]. */
    public int base() {
        return base;
    }

    /** Offset of the highest corner from the lowest. */
    public int extent() {
        return o7;
    }

    public double value(double[] f) {
        return flat ? value2(f) : value3(f);
    }

    private double value2(double[] f) {
        int i = base;
        double a = f[i] + fx * (f[i + o1] - f[i]);
        double b = f[i + o2] + fx * (f[i + o3] - f[i + o2]);
        return a + fy * (b - a);
    }

    private double value3(double[] f) {
        int i = base;
        double c00 = f[i] + fx * (f[i + o1] - f[i]);
        double c10 = f[i + o2] + fx * (f[i + o3] - f[i + o2]);
        double c01 = f[i + o4] + fx * (f[i + o5] - f[i + o4]);
        double c11 = f[i + o6] + fx * (f[i + o7] - f[i + o6]);
        double c0 = c00 + fy * (c10 - c00);
        double c1 = c01 + fy * (c11 - c01);
        return c0 + fz * (c1 - c0);
    }

    /** d f / d x (per voxel index unit) of the interpolant; zero outside the grid along x. */
    public double derivativeX(double[] f) {
        if (!insideX) {
            return 0;
        }
        int i = base;
        double a = f[i + o1] - f[i];
        double b = f[i + o3] - f[i + o2];
        double s0 = a + fy * (b - a);
        if (flat) {
            return s0;
        }
        double c = f[i + o5] - f[i + o4];
        double e = f[i + o7] - f[i + o6];
        double s1 = c + fy * (e - c);
        return s0 + fz * (s1 - s0);
    }

    public double derivativeY(double[] f) {
        if (!insideY) {
            return 0;
        }
        int i = base;
        double a = f[i + o2] - f[i];
        double b = f[i + o3] - f[i + o1];
        double s0 = a + fx * (b - a);
        if (flat) {
            return s0;
        }
        double c = f[i + o6] - f[i + o4];
        double e = f[i + o7] - f[i + o5];
        double s1 = c + fx * (e - c);
        return s0 + fz * (s1 - s0);
    }

    public double derivativeZ(double[] f) {
        if (!insideZ || flat) {
            return 0;
        }
        int i = base;
        double a = f[i + o4] - f[i];
        double b = f[i + o5] - f[i + o1];
        double c = f[i + o6] - f[i + o2];
        double e = f[i + o7] - f[i + o3];
        double s0 = a + fx * (b - a);
        double s1 = c + fx * (e - c);
        return s0 + fy * (s1 - s0);
    }

    /** Derivative along a voxel axis (0, 1, 2). */
    public double derivative(double[] f, int axis) {
        return axis == 0 ? derivativeX(f) : axis == 1 ? derivativeY(f) : derivativeZ(f);
    }

    /**
     * All derivatives at once into g[0..2] (per voxel index unit; g[2] = 0 in 2D), reading each
     * corner once: the same numbers as {@link #derivativeX}, {@link #derivativeY} and
     * {@link #derivativeZ}, operation for operation.
     */
    public void gradient(double[] f, double[] g) {
        if (flat) {
            gradient2(f, g);
        } else {
            gradient3(f, g);
        }
    }

    private void gradient2(double[] f, double[] g) {
        int i = base;
        double f0 = f[i];
        double f1 = f[i + o1];
        double f2 = f[i + o2];
        double f3 = f[i + o3];
        double ax = f1 - f0;
        double ay = f2 - f0;
        g[0] = insideX ? ax + fy * ((f3 - f2) - ax) : 0;
        g[1] = insideY ? ay + fx * ((f3 - f1) - ay) : 0;
        g[2] = 0;
    }

    private void gradient3(double[] f, double[] g) {
        int i = base;
        gradientFromCorners(f[i], f[i + o1], f[i + o2], f[i + o3], f[i + o4], f[i + o5], f[i + o6], f[i + o7], g);
    }

    /**
     * The gradient of the interpolant of sum_c w[c] f[c] (c < count) into g, per voxel index unit:
     * by linearity sum_c w[c] (gradient of f[c]), with one gradient's arithmetic.
     */
    public void gradientOfSum(double[][] f, double[] w, int count, double[] g) {
        if (flat) {
            gradientOfSum2(f, w, count, g);
        } else {
            gradientOfSum3(f, w, count, g);
        }
    }

    private void gradientOfSum2(double[][] f, double[] w, int count, double[] g) {
        int i = base;
        double f0 = 0;
        double f1 = 0;
        double f2 = 0;
        double f3 = 0;
        for (int c = 0; c < count; c++) {
            double[] a = f[c];
            double s = w[c];
            f0 += s * a[i];
            f1 += s * a[i + o1];
            f2 += s * a[i + o2];
            f3 += s * a[i + o3];
        }
        double ax = f1 - f0;
        double ay = f2 - f0;
        g[0] = insideX ? ax + fy * ((f3 - f2) - ax) : 0;
        g[1] = insideY ? ay + fx * ((f3 - f1) - ay) : 0;
        g[2] = 0;
    }

    private void gradientOfSum3(double[][] f, double[] w, int count, double[] g) {
        int i = base;
        double f0 = 0;
        double f1 = 0;
        double f2 = 0;
        double f3 = 0;
        double f4 = 0;
        double f5 = 0;
        double f6 = 0;
        double f7 = 0;
        for (int c = 0; c < count; c++) {
            double[] a = f[c];
            double s = w[c];
            f0 += s * a[i];
            f1 += s * a[i + o1];
            f2 += s * a[i + o2];
            f3 += s * a[i + o3];
            f4 += s * a[i + o4];
            f5 += s * a[i + o5];
            f6 += s * a[i + o6];
            f7 += s * a[i + o7];
        }
        gradientFromCorners(f0, f1, f2, f3, f4, f5, f6, f7, g);
    }

    private void gradientFromCorners(double f0, double f1, double f2, double f3, double f4, double f5, double f6,
                                     double f7, double[] g) {
        double sx0 = (f1 - f0) + fy * ((f3 - f2) - (f1 - f0));
        double sx1 = (f5 - f4) + fy * ((f7 - f6) - (f5 - f4));
        double sy0 = (f2 - f0) + fx * ((f3 - f1) - (f2 - f0));
        double sy1 = (f6 - f4) + fx * ((f7 - f5) - (f6 - f4));
        double sz0 = (f4 - f0) + fx * ((f5 - f1) - (f4 - f0));
        double sz1 = (f6 - f2) + fx * ((f7 - f3) - (f6 - f2));
        g[0] = insideX ? sx0 + fz * (sx1 - sx0) : 0;
        g[1] = insideY ? sy0 + fz * (sy1 - sy0) : 0;
        g[2] = insideZ ? sz0 + fy * (sz1 - sz0) : 0;
    }

    /** acc += w * (interpolation weights): the transpose of {@link #value}. */
    public void splat(double[] acc, double w) {
        if (!weighted) {
            weights();
        }
        if (flat) {
            splat2(acc, w);
        } else {
            splat3(acc, w);
        }
    }

    /** The corner weights of this location, once for all the fields splatted here. */
    private void weights() {
        double wx0 = 1 - fx;
        double wy0 = 1 - fy;
        double wz0 = flat ? 1 : 1 - fz;
        double wz1 = flat ? 0 : fz;
        double a = wx0 * wy0;
        double b = fx * wy0;
        double c = wx0 * fy;
        double d = fx * fy;
        w0 = a * wz0;
        w1 = b * wz0;
        w2 = c * wz0;
        w3 = d * wz0;
        w4 = a * wz1;
        w5 = b * wz1;
        w6 = c * wz1;
        w7 = d * wz1;
        weighted = true;
    }

    private void splat2(double[] acc, double w) {
        int i = base;
        acc[i] += w * w0;
        acc[i + o1] += w * w1;
        acc[i + o2] += w * w2;
        acc[i + o3] += w * w3;
    }

    private void splat3(double[] acc, double w) {
        int i = base;
        acc[i] += w * w0;
        acc[i + o1] += w * w1;
        acc[i + o2] += w * w2;
        acc[i + o3] += w * w3;
        acc[i + o4] += w * w4;
        acc[i + o5] += w * w5;
        acc[i + o6] += w * w6;
        acc[i + o7] += w * w7;
    }
}
