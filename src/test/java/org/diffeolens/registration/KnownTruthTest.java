package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Fields;
import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Border;
import org.diffeolens.field.Displacements;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Lattice;
import org.diffeolens.field.Pyramid;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageFiles;
import org.junit.jupiter.api.Test;

/**
 * Known-truth recovery: a real image is warped by a smooth diffeomorphism psi = id + w, so that
 * moving = fixed o psi; registering moving back onto fixed must find u = psi^{-1} - id. The
 * end-point error is measured where the image has content (intensity above 10% of its range):
 * in flat background no method can see the deformation, only the prior fills it in.
 * The default method and parameters are used (stationary velocity field, alpha scaled to the
 * voxel size), without the affine stage, since the true map has no affine part.
 */
class KnownTruthTest {

    private static final Parallel PAR = Parallel.of(2);

    @Test
    void defaultRegistrationRecoversAKnownWarpOfARealSliceIn2D() throws Exception {
        ScalarField fixed = ImageFiles.readScalar(Tolerances.testData("BrainProtonDensitySlice.png"));
        Grid g = fixed.grid();
        double cx = 90;
        double cy = 108;
        VectorField w = Fields.vector(g,
                (x, y, z) -> 3.0 * Math.sin(2 * Math.PI * y / 110) * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * 60.0 * 60.0)),
                (x, y, z) -> -2.5 * Math.sin(2 * Math.PI * x / 95) * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * 60.0 * 60.0)));
        // the truth has no affine part: the diffeomorphic stage alone is under test
        Recovery r = recover(fixed, w, RegistrationParameters.defaultsFor(g).withAffine(AffineModel.NONE));
        assertTrue(r.meanEndPointError < 0.5, "mean end-point error " + r.meanEndPointError + " voxel");
        assertTrue(r.result.jacobianMin() > 0, "no folds: min Jacobian " + r.result.jacobianMin());
    }

    @Test
    void defaultRegistrationRecoversAKnownWarpOfARealVolumeIn3D() throws Exception {
        ScalarField full = ImageFiles.readScalar(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
        // half resolution (64 x 64 x 31 at 4 x 4 x 6 mm) keeps the test quick; the anatomy is still real
        ScalarField fixed = Pyramid.downsample(full, 2, PAR);
        Grid g = fixed.grid();
        Lattice l = new Lattice(g);
        double cx = 0.5 * (l.nx - 1) * l.hx;
        double cy = 0.5 * (l.ny - 1) * l.hy;
        double cz = 0.5 * (l.nz - 1) * l.hz;
        double s = 70;
        Fields.Function3 envelope = (x, y, z) -> Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz)) / (2 * s * s));
        VectorField w = Fields.vector(g,
                (x, y, z) -> 5.0 * Math.sin(2 * Math.PI * y / 200) * envelope.at(x, y, z),
                (x, y, z) -> -4.0 * Math.sin(2 * Math.PI * z / 150) * envelope.at(x, y, z),
                (x, y, z) -> 4.0 * Math.cos(2 * Math.PI * x / 220) * envelope.at(x, y, z));
        Recovery r = recover(fixed, w, RegistrationParameters.defaultsFor(g).withAffine(AffineModel.NONE).withLevels(2));
        assertTrue(r.meanEndPointError < 0.5, "mean end-point error " + r.meanEndPointError + " voxel");
        assertTrue(r.result.jacobianMin() > 0, "no folds: min Jacobian " + r.result.jacobianMin());
    }

    record Recovery(RegistrationResult result, double meanEndPointError) {
    }

    static Recovery recover(ScalarField fixed, VectorField w, RegistrationParameters p) {
        Grid g = fixed.grid();
        ScalarField moving = Resampler.resample(fixed, g, w, null, Resampler.Interpolation.LINEAR, Border.REPLICATE, PAR);
        VectorField truth = Displacements.invert(w, 100, 1e-6, PAR);
        RegistrationResult r = Registration.register(fixed, moving, p.withThreads(2));
        double lo = fixed.min();
        double threshold = lo + 0.1 * (fixed.max() - lo);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < g.voxelCount(); i++) {
            if (fixed.data()[i] <= threshold) {
                continue;
            }
            double e2 = 0;
            for (int a = 0; a < g.dim(); a++) {
                double d = (r.displacement().component(a)[i] - truth.component(a)[i]) / g.spacing(a);
                e2 += d * d;
            }
            sum += Math.sqrt(e2);
            n++;
        }
        double before = 0;
        for (int i = 0; i < g.voxelCount(); i++) {
            if (fixed.data()[i] > threshold) {
                double e2 = 0;
                for (int a = 0; a < g.dim(); a++) {
                    double d = truth.component(a)[i] / g.spacing(a);
                    e2 += d * d;
                }
                before += Math.sqrt(e2);
            }
        }
        System.out.printf("known truth %s: mean |u_true| %.3f voxel, end-point error %.3f voxel, Jacobian %.3f..%.3f, %.1f s%n",
                p.method(), before / n, sum / n, r.jacobianMin(), r.jacobianMax(), r.seconds());
        assertEquals(g, r.displacement().grid());
        return new Recovery(r, sum / n);
    }
}
