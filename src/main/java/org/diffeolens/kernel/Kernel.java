package org.diffeolens.kernel;

import org.diffeolens.field.Grid;
import org.diffeolens.field.VectorField;

/**
 * The V-metric of velocity fields: a positive self-adjoint operator L and its inverse, the
 * kernel K = L^{-1} (CONVENTIONS.md), with ||v||_V^2 = <L v, v>_{L2}. Applied to each component.
 * Instances hold FFT plans and buffers: one per grid and per thread of work, not shared.
 */
public interface Kernel {

    Grid grid();

    /** out = K in, component by component; in and out may be the same arrays. */
    void applyK(double[][] in, double[][] out);

    /** out = L in, component by component; in and out may be the same arrays. */
    void applyL(double[][] in, double[][] out);

    /**
     * out = -K in: the velocity of a momentum covector in the flows' sign convention (v = -K m).
     * Kernels with a multiplier fold the sign into it, saving a pass over the field.
     */
    default void applyNegativeK(double[][] in, double[][] out) {
        applyK(in, out);
        for (double[] c : out) {
            for (int i = 0; i < c.length; i++) {
                c[i] = -c[i];
            }
        }
    }

    /** Eigenvalue of K at a frequency index (the multiplier applied in Fourier space). */
    double eigenvalueK(int flatFrequencyIndex);

    /** Short description with the parameters, for summaries and logs. */
    String describe();

    default VectorField applyK(VectorField v) {
        VectorField out = VectorField.zeros(v.grid());
        applyK(v.components(), out.components());
        return out;
    }

    default VectorField applyL(VectorField v) {
        VectorField out = VectorField.zeros(v.grid());
        applyL(v.components(), out.components());
        return out;
    }

    /** ||v||_V^2 = <L v, v>_{L2} (voxel volume included). */
    default double normSquared(VectorField v) {
        return VectorField.dot(applyL(v), v);
    }

    /** <m, K m>_{L2}: the squared V-norm of v = K m for a momentum covector density m. */
    default double dualNormSquared(VectorField m) {
        return VectorField.dot(applyK(m), m);
    }
}
