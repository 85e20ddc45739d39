package org.diffeolens.registration;

import org.diffeolens.field.VectorField;
import org.diffeolens.flow.Metric;
import org.diffeolens.kernel.Kernel;

/**
 * The V-metric on velocity controls: a covector c (dE/dv per voxel coefficient) becomes the
 * V-gradient K(c) / (voxel volume * weight), weight being the time step dt for a block of a path
 * (whose energy is sum_k dt/2 ||v_k||_V^2) and 1 for a stationary velocity. For E = 1/2||v||_V^2
 * + E_sim this is Beg's update direction v - K(b).
 */
public final class KernelMetric {

    private KernelMetric() {
    }

    public static Metric<VectorField> forVelocity(Kernel kernel) {
        return (covector, at) -> scaled(kernel, covector, 1);
    }

    public static Metric<VelocityPath> forPath(Kernel kernel) {
        return (covector, at) -> {
            int t = covector.timeSteps();
            VectorField[] out = new VectorField[t];
            for (int k = 0; k < t; k++) {
                out[k] = scaled(kernel, covector.step(k), 1.0 / t);
            }
            return new VelocityPath(out);
        };
    }

    private static VectorField scaled(Kernel kernel, VectorField covector, double weight) {
        VectorField out = kernel.applyK(covector);
        double s = 1 / (covector.grid().voxelVolume() * weight);
        for (double[] c : out.components()) {
            for (int i = 0; i < c.length; i++) {
                c[i] *= s;
            }
        }
        return out;
    }

    /** The L2 metric on momentum images: the covector divided by the voxel volume. */
    public static Metric<org.diffeolens.field.ScalarField> l2ForMomentum() {
        return (covector, at) -> {
            double s = 1 / covector.grid().voxelVolume();
            double[] g = covector.data();
            double[] out = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                out[i] = g[i] * s;
            }
            return new org.diffeolens.field.ScalarField(covector.grid(), out);
        };
    }
}
