package org.diffeolens;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;

/** Test fixtures: fields filled from functions of the physical voxel position, and random fields. */
public final class Fields {

    private Fields() {
    }

    /** A function of the voxel's position in mm along the voxel axes (origin at voxel 0). */
    @FunctionalInterface
    public interface Function3 {
        double at(double x, double y, double z);
    }

    public static ScalarField of(Grid g, Function3 f) {
        Lattice l = new Lattice(g);
        double[] d = new double[l.voxels];
        for (int z = 0; z < l.nz; z++) {
            for (int y = 0; y < l.ny; y++) {
                for (int x = 0; x < l.nx; x++) {
                    d[x + l.nx * (y + l.ny * z)] = f.at(x * l.hx, y * l.hy, g.dim() == 3 ? z * l.hz : 0);
                }
            }
        }
        return new ScalarField(g, d);
    }

    public static ScalarField of2(Grid g, DoubleBinaryOperator f) {
        return of(g, (x, y, z) -> f.applyAsDouble(x, y));
    }

    public static VectorField vector(Grid g, Function3... components) {
        double[][] c = new double[g.dim()][];
        for (int k = 0; k < c.length; k++) {
            c[k] = of(g, components[k]).data();
        }
        return new VectorField(g, c);
    }

    public static ScalarField random(Grid g, long seed) {
        Random r = new Random(seed);
        double[] d = new double[g.voxelCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextGaussian();
        }
        return new ScalarField(g, d);
    }

    public static VectorField randomVector(Grid g, long seed) {
        double[][] c = new double[g.dim()][];
        for (int k = 0; k < c.length; k++) {
            c[k] = random(g, seed + 7919L * k).data();
        }
        return new VectorField(g, c);
    }

    /** A smooth bump exp(-|x - c|^2 / (2 w^2)) centred at c (mm). */
    public static Function3 gaussianBump(double cx, double cy, double cz, double w) {
        return (x, y, z) -> Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz)) / (2 * w * w));
    }

    public static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    public static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
