package org.diffeolens.registration;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.AffineTransform;
import org.diffeolens.field.Border;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.LinearStencil;
import org.diffeolens.field.Matrices;
import org.diffeolens.field.ScalarField;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.DoubleArraySpace;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.Metric;
import org.diffeolens.flow.VectorSpace;

/**
 * Affine pre-alignment as a flow over the parameters of an {@link AffineModel}: the moving image
 * (on its own grid) is pulled back onto the fixed grid through T(theta), and the similarity's
 * covector is carried to the parameters by the chain rule through the interpolant's gradient.
 * It runs through the same Minimizer as the diffeomorphic methods.
 */
public final class AffineAlignment implements ControlledFlow<double[], AffineAlignment.Trajectory> {

    /** The parameters, the map and the resampled moving image. */
    public static final class Trajectory {
        final double[] theta;
        final AffineTransform transform;
        final double[] warped;
        final Energy energy;

        Trajectory(double[] theta, AffineTransform transform, double[] warped, Energy energy) {
            this.theta = theta;
            this.transform = transform;
            this.warped = warped;
            this.energy = energy;
        }
    }

    private final AffineModel model;
    private final Grid fixedGrid;
    private final ScalarField moving;
    private final Similarity similarity;
    private final double[] centre;
    private final Parallel parallel;
    private final int d;

    public AffineAlignment(AffineModel model, Grid fixedGrid, ScalarField moving, Similarity similarity,
                           double[] centre, Parallel parallel) {
        if (model == AffineModel.NONE) {
            throw new IllegalArgumentException("affine model NONE has no parameters to align");
        }
        this.model = model;
        this.fixedGrid = fixedGrid;
        this.moving = moving;
        this.similarity = similarity;
        this.centre = centre.clone();
        this.parallel = parallel;
        this.d = fixedGrid.dim();
    }

    /** T(p) = A(theta) (p - c) + c + t as a world affine map. */
    public AffineTransform transform(double[] theta) {
        double[] a = model.matrix(theta, d);
        double[] ac = Matrices.multiply(a, centre, d, d, 1);
        double[] t = new double[d];
        int off = model.linearParameters(d);
        for (int i = 0; i < d; i++) {
            t[i] = centre[i] - ac[i] + theta[off + i];
        }
        return new AffineTransform(a, t);
    }

    /** Parameters of a pure translation by t (mm) in this model. */
    public double[] translationParameters(double[] t) {
        double[] theta = new double[model.parameters(d)];
        System.arraycopy(t, 0, theta, model.linearParameters(d), d);
        return theta;
    }

    @Override
    public Trajectory forward(double[] theta) {
        AffineTransform tr = transform(theta);
        double[] warped = org.diffeolens.field.Resampler.resample(moving, fixedGrid, null, tr,
                org.diffeolens.field.Resampler.Interpolation.LINEAR, Border.REPLICATE, parallel).data();
        return new Trajectory(theta.clone(), tr, warped, new Energy(0, similarity.value(warped)));
    }

    @Override
    public Energy energy(Trajectory t) {
        return t.energy;
    }

    /**
     * dE/dA_rc = sum_x wBar(x) g_r(x) (p(x) - c)_c and dE/dt_r = sum_x wBar(x) g_r(x), with g the
     * world gradient of the moving interpolant at T(p(x)); then through dA/dtheta.
     */
    @Override
    public double[] gradient(Trajectory t) {
        double[] wBar = new double[t.warped.length];
        similarity.valueAndGradient(t.warped, wBar);
        Grid mg = moving.grid();
        Lattice ml = new Lattice(mg);
        Lattice fl = new Lattice(fixedGrid);
        // world -> moving index, and its transpose for the chain rule of the gradient
        double[] toIndex = Matrices.inverse(mg.direction(), d);
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                toIndex[r * d + c] /= mg.spacing(r);
            }
        }
        double[] toIndexT = Matrices.transpose(toIndex, d, d);
        double[] mo = mg.origin();
        double[] mdata = moving.data();
        int chunks = parallel.chunks(fl.rows());
        double[][] partial = new double[chunks][d * d + d];
        parallel.chunked(fl.rows(), (chunk, r0, r1) -> {
            LinearStencil st = new LinearStencil(ml);
            double[] idx = new double[d];
            double[] gi = new double[d];
            double[] acc = partial[chunk];
            for (int row = r0; row < r1; row++) {
                for (int x = 0; x < fl.nx; x++) {
                    int i = row * fl.nx + x;
                    double w = wBar[i];
                    if (w == 0) {
                        continue;
                    }
                    idx[0] = x;
                    idx[1] = row % fl.ny;
                    if (d == 3) {
                        idx[2] = row / fl.ny;
                    }
                    double[] p = fixedGrid.indexToPhysical(idx);
                    double[] y = t.transform.apply(p);
                    double qx = 0;
                    double qy = 0;
                    double qz = 0;
                    for (int c = 0; c < d; c++) {
                        qx += toIndex[c] * (y[c] - mo[c]);
                        qy += toIndex[d + c] * (y[c] - mo[c]);
                        if (d == 3) {
                            qz += toIndex[6 + c] * (y[c] - mo[c]);
                        }
                    }
                    st.locate(qx, qy, qz);
                    for (int a = 0; a < d; a++) {
                        gi[a] = st.derivative(mdata, a);
                    }
                    for (int r = 0; r < d; r++) {
                        double g = 0;
                        for (int a = 0; a < d; a++) {
                            g += toIndexT[r * d + a] * gi[a];
                        }
                        g *= w;
                        for (int c = 0; c < d; c++) {
                            acc[r * d + c] += g * (p[c] - centre[c]);
                        }
                        acc[d * d + r] += g;
                    }
                }
            }
        });
        double[] sum = new double[d * d + d];
        for (double[] p : partial) {
            for (int k = 0; k < sum.length; k++) {
                sum[k] += p[k];
            }
        }
        int lin = model.linearParameters(d);
        double[] grad = new double[model.parameters(d)];
        double[][] dA = model.matrixDerivatives(t.theta, d);
        for (int j = 0; j < lin; j++) {
            double s = 0;
            for (int k = 0; k < d * d; k++) {
                s += sum[k] * dA[j][k];
            }
            grad[j] = s;
        }
        for (int r = 0; r < d; r++) {
            grad[lin + r] = sum[d * d + r];
        }
        return grad;
    }

    @Override
    public VectorSpace<double[]> space() {
        return DoubleArraySpace.INSTANCE;
    }

    /**
     * Rescales the linear parameters against the translations: a change of a matrix entry (or an
     * angle) by e moves points by about e R (R the RMS distance of the fixed grid from the centre),
     * a translation by e moves them by e, so the metric divides the linear block by R^2.
     */
    public Metric<double[]> metric() {
        double r2 = 0;
        double[] half = new double[d];
        double[] idx = new double[d];
        for (int a = 0; a < d; a++) {
            idx[a] = 0.5 * (fixedGrid.size(a) - 1);
            half[a] = 0.5 * fixedGrid.size(a) * fixedGrid.spacing(a);
            r2 += half[a] * half[a] / 3; // variance of a uniform spread over the extent
        }
        final double scale = 1 / Math.max(r2, 1e-12);
        final int lin = model.linearParameters(d);
        return (g, at) -> {
            double[] out = g.clone();
            for (int j = 0; j < lin; j++) {
                out[j] *= scale;
            }
            return out;
        };
    }

    /**
     * The centre of mass of an image's intensities above its minimum, in world coordinates: the
     * moments initialization pairs the two centres with a translation (ITK's MOMENTS mode).
     */
    public static double[] centreOfMass(ScalarField f) {
        Grid g = f.grid();
        Lattice l = new Lattice(g);
        double min = f.min();
        double[] sum = new double[3];
        double mass = 0;
        double[] data = f.data();
        for (int i = 0; i < l.voxels; i++) {
            double w = data[i] - min;
            if (w <= 0) {
                continue;
            }
            sum[0] += w * (i % l.nx);
            sum[1] += w * ((i / l.nx) % l.ny);
            sum[2] += w * (i / (l.nx * l.ny));
            mass += w;
        }
        double[] idx = new double[g.dim()];
        for (int a = 0; a < idx.length; a++) {
            idx[a] = mass > 0 ? sum[a] / mass : 0.5 * (g.size(a) - 1);
        }
        return g.indexToPhysical(idx);
    }
}
