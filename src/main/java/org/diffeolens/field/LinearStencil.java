package org.diffeolens.field;

/**
 * The eight (four in 2D) corners and weights of linear interpolation at one point, located once and
 * then used to read a value, the derivative of the interpolant along each voxel axis, or to
 * scatter (splat) a value back: the transpose of interpolation that adjoint sweeps need.
 * Outside the grid the field is extended by its border value, so the derivative across the
 * border is zero. Mutable scratch: one instance per thread, reused for every voxel.
 */
public final class LinearStencil {

    private final int nx;
    private final int ny;
    private final int nz;
    private int base;
    private int dx;
    private int dy;
    private int dz;
    private double fx;
    private double fy;
    private double fz;
    private boolean insideX;
    private boolean insideY;
    private boolean insideZ;

    public LinearStencil(Lattice l) {
        this.nx = l.nx;
        this.ny = l.ny;
        this.nz = l.nz;
    }

    /** Locates the continuous voxel index (x, y, z); z is ignored on a 2D lattice. */
    public void locate(double x, double y, double z) {
        insideX = x >= 0 && x <= nx - 1 && nx > 1;
        insideY = y >= 0 && y <= ny - 1 && ny > 1;
        insideZ = z >= 0 && z <= nz - 1 && nz > 1;
        int x0 = axis(x, nx);
        int y0 = axis(y, ny);
        int z0 = nz == 1 ? 0 : axis(z, nz);
        fx = nx == 1 ? 0 : clamp(x, nx) - x0;
        fy = ny == 1 ? 0 : clamp(y, ny) - y0;
        fz = nz == 1 ? 0 : clamp(z, nz) - z0;
        dx = nx > 1 ? 1 : 0;
        dy = ny > 1 ? nx : 0;
        dz = nz > 1 ? nx * ny : 0;
        base = x0 + nx * (y0 + ny * z0);
    }

    private static double clamp(double x, int n) {
        return x < 0 ? 0 : x > n - 1 ? n - 1 : x;
    }

    private static int axis(double x, int n) {
        if (n == 1) {
            return 0;
        }
        double c = clamp(x, n);
        int i = (int) c;
        return Math.min(i, n - 2);
    }

    public double value(double[] f) {
        int i = base;
        if (nz == 1) {
            double a = f[i] + fx * (f[i + dx] - f[i]);
            double b = f[i + dy] + fx * (f[i + dy + dx] - f[i + dy]);
            return a + fy * (b - a);
        }
        double c00 = f[i] + fx * (f[i + dx] - f[i]);
        double c10 = f[i + dy] + fx * (f[i + dy + dx] - f[i + dy]);
        double c01 = f[i + dz] + fx * (f[i + dz + dx] - f[i + dz]);
        double c11 = f[i + dz + dy] + fx * (f[i + dz + dy + dx] - f[i + dz + dy]);
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
        double a = f[i + dx] - f[i];
        double b = f[i + dy + dx] - f[i + dy];
        double s0 = a + fy * (b - a);
        if (nz == 1) {
            return s0;
        }
        double c = f[i + dz + dx] - f[i + dz];
        double e = f[i + dz + dy + dx] - f[i + dz + dy];
        double s1 = c + fy * (e - c);
        return s0 + fz * (s1 - s0);
    }

    public double derivativeY(double[] f) {
        if (!insideY) {
            return 0;
        }
        int i = base;
        double a = f[i + dy] - f[i];
        double b = f[i + dy + dx] - f[i + dx];
        double s0 = a + fx * (b - a);
        if (nz == 1) {
            return s0;
        }
        double c = f[i + dz + dy] - f[i + dz];
        double e = f[i + dz + dy + dx] - f[i + dz + dx];
        double s1 = c + fx * (e - c);
        return s0 + fz * (s1 - s0);
    }

    public double derivativeZ(double[] f) {
        if (!insideZ || nz == 1) {
            return 0;
        }
        int i = base;
        double a = f[i + dz] - f[i];
        double b = f[i + dz + dx] - f[i + dx];
        double c = f[i + dz + dy] - f[i + dy];
        double e = f[i + dz + dy + dx] - f[i + dy + dx];
        double s0 = a + fx * (b - a);
        double s1 = c + fx * (e - c);
        return s0 + fy * (s1 - s0);
    }

    /** Derivative along a voxel axis (0, 1, 2). */
    public double derivative(double[] f, int axis) {
        return axis == 0 ? derivativeX(f) : axis == 1 ? derivativeY(f) : derivativeZ(f);
    }

    /** acc += w * (interpolation weights): the transpose of {@link #value}. */
    public void splat(double[] acc, double w) {
        int i = base;
        double wx0 = 1 - fx;
        double wy0 = 1 - fy;
        if (nz == 1) {
            acc[i] += w * wx0 * wy0;
            acc[i + dx] += w * fx * wy0;
            acc[i + dy] += w * wx0 * fy;
            acc[i + dy + dx] += w * fx * fy;
            return;
        }
        double wz0 = 1 - fz;
        acc[i] += w * wx0 * wy0 * wz0;
        acc[i + dx] += w * fx * wy0 * wz0;
        acc[i + dy] += w * wx0 * fy * wz0;
        acc[i + dy + dx] += w * fx * fy * wz0;
        acc[i + dz] += w * wx0 * wy0 * fz;
        acc[i + dz + dx] += w * fx * wy0 * fz;
        acc[i + dz + dy] += w * wx0 * fy * fz;
        acc[i + dz + dy + dx] += w * fx * fy * fz;
    }
}
