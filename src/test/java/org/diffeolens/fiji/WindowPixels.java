package org.diffeolens.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.ImageStack;
import org.diffeolens.Tolerances;

/** The pixels of a result window, laid out as the library's fields are (x fastest, then y, then z). */
final class WindowPixels {

    private WindowPixels() {
    }

    static float[] channel(ImagePlus imp, int channel) {
        int plane = imp.getWidth() * imp.getHeight();
        int slices = imp.getNSlices();
        float[] out = new float[plane * slices];
        ImageStack stack = imp.getStack();
        for (int z = 0; z < slices; z++) {
            float[] p = (float[]) stack.getProcessor(imp.getStackIndex(channel + 1, z + 1, 1)).convertToFloat()
                    .getPixels();
            System.arraycopy(p, 0, out, z * plane, plane);
        }
        return out;
    }

    /**
     * Equal to float round-off relative to the largest value: the window and the library hold the
     * same doubles narrowed to float, so any larger difference is a different computation.
     */
    static void assertEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": voxel count");
        double max = 0;
        for (float v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = Tolerances.FLOAT_ROUNDOFF * Math.max(1e-30, max);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (worst > tol) {
            throw new AssertionError(what + ": voxel " + at + " is " + actual[at] + ", the library gives "
                    + expected[at] + " (tolerance " + tol + ")");
        }
    }
}
