package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.AffineTransform;
import org.diffeolens.field.Border;
import org.diffeolens.field.GaussianSmoothing;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Intensities;
import org.diffeolens.field.Pyramid;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.FiniteDifferences;
import org.diffeolens.io.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AffineAlignmentTest {

    private static final Parallel PAR = Parallel.of(2);

    static ScalarField slice() throws Exception {
        ScalarField f = ImageFiles.readScalar(Tolerances.testData("BrainProtonDensitySlice.png"));
        return GaussianSmoothing.smooth(Intensities.normalize(Pyramid.downsample(f, 2, PAR)), 2.0, PAR);
    }

    @ParameterizedTest
    @EnumSource(value = AffineModel.class, names = {"TRANSLATION", "RIGID", "AFFINE"})
    void affineGradientMatchesFiniteDifferences(AffineModel model) throws Exception {
        ScalarField fixed = slice();
        AffineTransform truth = new AffineTransform(new double[] {0.98, 0.08, -0.06, 1.03}, new double[] {3, -2});
        ScalarField moving = Resampler.resample(fixed, fixed.grid(), null, truth.inverse(),
                Resampler.Interpolation.LINEAR, Border.REPLICATE, PAR);
        double[] centre = AffineAlignment.centreOfMass(fixed);
        AffineAlignment flow = new AffineAlignment(model, fixed.grid(), moving,
                new SumOfSquaredDifferences(fixed, 0.1), centre, PAR);
        double[] theta = new double[model.parameters(2)];
        for (int j = 0; j < theta.length; j++) {
            theta[j] = 0.01 * (j + 1) * (j % 2 == 0 ? 1 : -1) + (j >= model.linearParameters(2) ? 0.7 : 0);
        }
        double[] adjoint = new Adjoint<double[]>().evaluate(flow, theta).gradient();
        double[] fd = new FiniteDifferences<double[]>(1e-7).evaluate(flow, theta).gradient();
        for (int j = 0; j < theta.length; j++) {
            assertEquals(fd[j], adjoint[j], 1e-5 * Math.abs(fd[j]) + 1e-8, model + " parameter " + j);
        }
    }

    @Test
    void rigidAlignmentRecoversAKnownRotationAndTranslationOfARealSlice() throws Exception {
        ScalarField fixed = ImageFiles.readScalar(Tolerances.testData("BrainProtonDensitySlice.png"));
        Grid g = fixed.grid();
        double angle = Math.toRadians(7);
        double[] c = g.indexToPhysical(new double[] {90, 108});
        double[] a = {Math.cos(angle), -Math.sin(angle), Math.sin(angle), Math.cos(angle)};
        double[] t = {c[0] - (a[0] * c[0] + a[1] * c[1]) + 4.5, c[1] - (a[2] * c[0] + a[3] * c[1]) - 6};
        AffineTransform truth = new AffineTransform(a, t);
        // moving(y) = fixed(T^-1 y): registering it back must find T (fixed -> moving points)
        ScalarField moving = Resampler.resample(fixed, g, null, truth.inverse(), Resampler.Interpolation.LINEAR,
                Border.ZERO, PAR);
        RegistrationParameters p = RegistrationParameters.defaultsFor(g).withAffine(AffineModel.RIGID)
                .withIterations(0).withThreads(2);
        AffineTransform found = Registration.register(fixed, moving, p).affine();
        double worst = 0;
        for (double[] q : new double[][] {{40, 40}, {140, 40}, {40, 180}, {140, 180}, {90, 108}}) {
            double[] x = g.indexToPhysical(q);
            double[] y1 = truth.apply(x);
            double[] y2 = found.apply(x);
            worst = Math.max(worst, Math.hypot(y1[0] - y2[0], y1[1] - y2[1]));
        }
        // a quarter voxel: see the 3D test for the interpolation bias of a synthetic moving image
        assertTrue(worst < 0.25, "rigid map off by " + worst + " mm at the corners of the brain");
        assertEquals(1, found.determinant(), 1e-9, "a rigid map keeps areas");
    }

    @Test
    void affineAlignmentRecoversAKnownShearAndScaleIn3D() throws Exception {
        ScalarField fixed = ImageFiles.readScalar(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
        Grid g = fixed.grid();
        double[] c = AffineAlignment.centreOfMass(fixed);
        double[] a = {1.05, 0.03, 0, -0.02, 0.97, 0.04, 0.01, 0, 1.02};
        double[] ac = org.diffeolens.field.Matrices.multiply(a, c, 3, 3, 1);
        double[] t = {c[0] - ac[0] + 3, c[1] - ac[1] - 4, c[2] - ac[2] + 2};
        AffineTransform truth = new AffineTransform(a, t);
        ScalarField moving = Resampler.resample(fixed, g, null, truth.inverse(), Resampler.Interpolation.LINEAR,
                Border.ZERO, PAR);
        RegistrationParameters p = RegistrationParameters.defaultsFor(g).withAffine(AffineModel.AFFINE)
                .withIterations(0).withThreads(2);
        AffineTransform found = Registration.register(fixed, moving, p).affine();
        double worst = 0;
        for (double[] q : new double[][] {{32, 32, 16}, {96, 32, 16}, {32, 96, 48}, {96, 96, 48}, {64, 64, 31}}) {
            double[] x = g.indexToPhysical(q);
            double[] y1 = truth.apply(x);
            double[] y2 = found.apply(x);
            worst = Math.max(worst, Math.sqrt(Math.pow(y1[0] - y2[0], 2) + Math.pow(y1[1] - y2[1], 2)
                    + Math.pow(y1[2] - y2[2], 2)));
        }
        // a quarter of the smallest voxel (2 mm): the moving image was made by linear interpolation,
        // whose position-dependent blur biases the SSD optimum by a fraction of a voxel (0.36 mm here;
        // 0.87 mm on the same volume at half resolution)
        assertTrue(worst < 0.5, "affine map off by " + worst + " mm");
    }
}
