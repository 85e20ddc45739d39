package org.diffeolens.field;

/**
 * Linear and nearest-neighbour sampling of a flat array at a continuous voxel index, the inner
 * step of every warp, composition and semi-Lagrangian advection. Static and allocation-free so
 * the JIT inlines it into the calling loop. A 2D grid has nz = 1 and z is ignored.
 */
public final class Sampler {

    private Sampler() {
    }

    /** Trilinear (bilinear in 2D) interpolation at (x, y, z) in voxel units. */
    public static double linear(double[] f, Lattice l, double x, double y, double z, Border border) {
        if (border == Border.ZERO && outside(l, x, y, z)) {
            return 0;
        }
        return l.nz == 1 ? bilinear(f, l.nx, l.ny, x, y) : trilinear(f, l.nx, l.ny, l.nz, x, y, z);
    }

    /** Nearest-neighbour sampling (label maps): rounds half up. */
    public static double nearest(double[] f, Lattice l, double x, double y, double z, Border border) {
        if (border == Border.ZERO && outside(l, x, y, z)) {
            return 0;
        }
        int ix = clamp((int) Math.floor(x + 0.5), l.nx);
        int iy = clamp((int) Math.floor(y + 0.5), l.ny);
        int iz = l.nz == 1 ? 0 : clamp((int) Math.floor(z + 0.5), l.nz);
        return f[ix + l.nx * (iy + l.ny * iz)];
    }

    /** Outside the grid by more than a hair (so points on the last voxel are inside despite round-off). */
    public static boolean outside(Lattice l, double x, double y, double z) {
        final double eps = 1e-6;
        return x < -eps || x > l.nx - 1 + eps || y < -eps || y > l.ny - 1 + eps
                || (l.nz > 1 && (z < -eps || z > l.nz - 1 + eps));
    }

    static int clamp(int i, int n) {
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }

    static double bilinear(double[] f, int nx, int ny, double x, double y) {
        x = x < 0 ? 0 : x > nx - 1 ? nx - 1 : x;
        y = y < 0 ? 0 : y > ny - 1 ? ny - 1 : y;
        int x0 = Math.min((int) x, Math.max(nx - 2, 0));
        int y0 = Math.min((int) y, Math.max(ny - 2, 0));
        double fx = x - x0;
        double fy = y - y0;
        int dx = nx > 1 ? 1 : 0;
        int dy = ny > 1 ? nx : 0;
        int i = x0 + nx * y0;
        double a = f[i] + fx * (f[i + dx] - f[i]);
        double b = f[i + dy] + fx * (f[i + dy + dx] - f[i + dy]);
        return a + fy * (b - a);
    }

    static double trilinear(double[] f, int nx, int ny, int nz, double x, double y, double z) {
        x = x < 0 ? 0 : x > nx - 1 ? nx - 1 : x;
        y = y < 0 ? 0 : y > ny - 1 ? ny - 1 : y;
        z = z < 0 ? 0 : z > nz - 1 ? nz - 1 : z;
        int x0 = Math.min((int) x, Math.max(nx - 2, 0));
        int y0 = Math.min((int) y, Math.max(ny - 2, 0));
        int z0 = Math.min((int) z, Math.max(nz - 2, 0));
        double fx = x - x0;
        double fy = y - y0;
        double fz = z - z0;
        int dx = nx > 1 ? 1 : 0;
        int dy = ny > 1 ? nx : 0;
        int dz = nz > 1 ? nx * ny : 0;
        int i = x0 + nx * (y0 + ny * z0);
        double c00 = f[i] + fx * (f[i + dx] - f[i]);
        double c10 = f[i + dy] + fx * (f[i + dy + dx] - f[i + dy]);
        double c01 = f[i + dz] + fx * (f[i + dz + dx] - f[i + dz]);
        double c11 = f[i + dz + dy] + fx * (f[i + dz + dy + dx] - f[i + dz + dy]);
        double c0 = c00 + fy * (c10 - c00);
        double c1 = c01 + fy * (c11 - c01);
        return c0 + fz * (c1 - c0);
    }
}
