package org.diffeolens.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Matrices;
import org.junit.jupiter.api.function.Executable;

/** Grids, values and assertions shared by the io tests. */
final class TestImages {

    /** Geometry round trips store spacing, origin and direction cosines as float32 in some formats. */
    static final double GEOMETRY_TOL = 1e-6;

    private TestImages() {
    }

    /** Rotation R = Rz(c) Ry(b) Rx(a), row-major. */
    static double[] rotation(double a, double b, double c) {
        double[] rx = {1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)};
        double[] ry = {Math.cos(b), 0, Math.sin(b), 0, 1, 0, -Math.sin(b), 0, Math.cos(b)};
        double[] rz = {Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1};
        return Matrices.multiply(rz, Matrices.multiply(ry, rx, 3, 3, 3), 3, 3, 3);
    }

    static double[] rotation2(double angle) {
        return new double[] {Math.cos(angle), -Math.sin(angle), Math.sin(angle), Math.cos(angle)};
    }

    /** A 3D grid with odd sizes, anisotropic spacing, a float-exact origin and a rotated direction. */
    static Grid rotatedGrid3() {
        return new Grid(new int[] {7, 5, 3}, new double[] {0.8, 1.25, 2.5}, new double[] {-12.5, 30.25, 7.75},
                rotation(0.3, -0.2, 0.7));
    }

    static Grid rotatedGrid2() {
        return new Grid(new int[] {9, 4}, new double[] {0.5, 1.5}, new double[] {3.25, -8.5}, rotation2(0.4));
    }

    /** n values from lo to hi, rounded to integers when integral, both ends included. */
    static float[] ramp(int n, double lo, double hi, boolean integral) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x = lo + (hi - lo) * i / (n - 1);
            v[i] = (float) (integral ? Math.rint(x) + 0.0 : x); // + 0.0 turns -0.0 into 0.0
        }
        if (integral) {
            v[0] = (float) lo;
            v[n - 1] = (float) hi;
        }
        return v;
    }

    /** Values exactly representable in the type (and in float), spanning its range where float can. */
    static float[] valuesFor(PixelType type, int n) {
        return switch (type) {
            case UINT32 -> ramp(n, 0, 1 << 24, true);
            case INT32 -> ramp(n, -(1 << 24), 1 << 24, true);
            case FLOAT32, FLOAT64 -> ramp(n, -3.5e6, 1.25e7, false);
            default -> ramp(n, type.min(), type.max(), true);
        };
    }

    static double[] stats(float[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        return new double[] {min, max, sum / v.length};
    }

    static void assertSameGeometry(Grid expected, Grid actual, double tol) {
        assertTrue(expected.sameGeometry(actual, tol), "expected " + expected + "\n but got " + actual);
    }

    static void assertSameChannels(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length, "components");
        for (int c = 0; c < expected.length; c++) {
            assertArrayEquals(expected[c], actual[c], "component " + c);
        }
    }

    /** The call fails with an ImageIOException naming the file and saying what is wrong. */
    static ImageIOException assertRefused(Path file, String phrase, Executable call) {
        ImageIOException e = assertThrows(ImageIOException.class, call);
        String m = e.getMessage();
        assertTrue(m.contains(file.getFileName().toString()), "message should name " + file.getFileName() + ": " + m);
        assertTrue(m.contains(phrase), "message should say '" + phrase + "': " + m);
        assertTrue(m.indexOf('\n') < 0, "one line: " + m);
        return e;
    }
}
