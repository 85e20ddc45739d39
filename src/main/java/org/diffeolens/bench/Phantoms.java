package org.diffeolens.bench;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Border;
import org.diffeolens.field.GaussianSmoothing;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;

/**
 * Deterministic synthetic registration pairs with the structure of a head scan: a bright skull
 * shell around soft tissue with a few inner structures of different contrast and a mild texture,
 * smoothed by one voxel; the moving image is the fixed one pulled back through a known smooth
 * displacement (a few Gaussian bumps), so a registration has something real to recover.
 */
public final class Phantoms {

    private Phantoms() {
    }

    /** A head-like phantom on g (2D or 3D), intensities in about [0, 1]. */
    public static ScalarField head(Grid g, Parallel parallel) {
        int d = g.dim();
        int nx = g.size(0);
        int ny = g.size(1);
        int nz = d == 3 ? g.size(2) : 1;
        double[] out = new double[g.voxelCount()];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double u = 2.0 * x / (nx - 1) - 1;
                    double v = 2.0 * y / (ny - 1) - 1;
                    double w = d == 3 ? 2.0 * z / (nz - 1) - 1 : 0;
                    out[x + nx * (y + ny * z)] = headValue(u, v, w);
                }
            }
        }
        return GaussianSmoothing.smooth(new ScalarField(g, out), g.spacing(0), parallel);
    }

    private static double headValue(double u, double v, double w) {
        double r = ellipsoid(u, v, w, 0.0, 0.0, 0.0, 0.78, 0.88, 0.72);
        if (r > 1) {
            return 0;
        }
        if (r > 0.88) {
            return 0.95; // skull
        }
        double value = 0.45 + 0.04 * Math.sin(9 * u + 3 * w) * Math.cos(7 * v);
        if (ellipsoid(u, v, w, 0.0, 0.05, 0.0, 0.55, 0.62, 0.5) < 1) {
            value = 0.7 + 0.03 * Math.sin(13 * v + 5 * u);    // white matter
        }
        if (ellipsoid(u, v, w, -0.16, -0.05, 0.05, 0.08, 0.25, 0.12) < 1
                || ellipsoid(u, v, w, 0.16, -0.05, 0.05, 0.08, 0.25, 0.12) < 1) {
            value = 0.12; // ventricles
        }
        if (ellipsoid(u, v, w, 0.0, 0.45, -0.1, 0.22, 0.12, 0.2) < 1) {
            value = 0.55;
        }
        if (ellipsoid(u, v, w, -0.35, 0.3, 0.2, 0.1, 0.1, 0.1) < 1) {
            value = 0.88;
        }
        return value;
    }

    private static double ellipsoid(double u, double v, double w, double cu, double cv, double cw,
                                    double ru, double rv, double rw) {
        double a = (u - cu) / ru;
        double b = (v - cv) / rv;
        double c = (w - cw) / rw;
        return Math.sqrt(a * a + b * b + c * c);
    }

    /**
     * A smooth displacement (mm) of at most about amplitude voxels: three Gaussian bumps of width
     * 1/6 of the grid, pushing in different directions.
     */
    public static VectorField deformation(Grid g, double amplitudeVoxels) {
        int d = g.dim();
        int nx = g.size(0);
        int ny = g.size(1);
        int nz = d == 3 ? g.size(2) : 1;
        double[][] centres = {{0.35, 0.4, 0.45}, {0.65, 0.55, 0.5}, {0.45, 0.7, 0.6}};
        double[][] pushes = {{1, 0.5, -0.3}, {-0.6, 0.8, 0.4}, {0.3, -0.9, 0.6}};
        double width = Math.max(nx, ny) / 6.0;
        double[][] u = new double[d][g.voxelCount()];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = x + nx * (y + ny * z);
                    for (int j = 0; j < centres.length; j++) {
                        double dx = x - centres[j][0] * nx;
                        double dy = y - centres[j][1] * ny;
                        double dz = d == 3 ? z - centres[j][2] * nz : 0;
                        double bump = amplitudeVoxels * Math.exp(-(dx * dx + dy * dy + dz * dz) / (2 * width * width));
                        for (int a = 0; a < d; a++) {
                            u[a][i] += bump * pushes[j][a] * g.spacing(a);
                        }
                    }
                }
            }
        }
        return new VectorField(g, u);
    }

    /** fixed pulled back through the known deformation: moving(x) = fixed(x + u(x)). */
    public static ScalarField deformed(ScalarField fixed, VectorField u, Parallel parallel) {
        return Resampler.resample(fixed, fixed.grid(), u, null, Resampler.Interpolation.LINEAR, Border.REPLICATE,
                parallel);
    }
}
