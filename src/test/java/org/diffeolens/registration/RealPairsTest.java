package org.diffeolens.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.AffineTransform;
import org.diffeolens.field.Border;
import org.diffeolens.field.Intensities;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Registration of the real pairs of test-data/, through the library's front door. */
class RealPairsTest {

    private static ScalarField read(String name) throws Exception {
        return ImageFiles.readScalar(Tolerances.testData(name));
    }

    @Test
    void bsplineWarpedBrainSliceIsRecoveredAcrossGridsOfDifferentSize() throws Exception {
        ScalarField fixed = read("BrainProtonDensitySlice.png");
        ScalarField moving = read("BrainProtonDensitySliceBSplined10.png");
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withThreads(2);
        RegistrationResult r = Registration.register(fixed, moving, p);
        ScalarField before = Resampler.resample(moving, fixed.grid(), null, null, Resampler.Interpolation.LINEAR,
                Border.ZERO, Parallel.of(2));
        ScalarField affineOnly = Resampler.resample(moving, fixed.grid(), null, r.affine(),
                Resampler.Interpolation.LINEAR, Border.ZERO, Parallel.of(2));
        double mseBefore = Intensities.meanSquaredDifference(before, fixed);
        double mseAffine = Intensities.meanSquaredDifference(affineOnly, fixed);
        double mseAfter = Intensities.meanSquaredDifference(r.warped(), fixed);
        System.out.printf("brain pair: MSE before %.1f, affine %.1f, after %.1f; Jacobian %.3f..%.3f; %.1f s%n",
                mseBefore, mseAffine, mseAfter, r.jacobianMin(), r.jacobianMax(), r.seconds());
        assertTrue(mseAfter < 0.15 * mseBefore, "MSE after " + mseAfter + " vs before " + mseBefore);
        // the diffeomorphic stage does the real work: it halves what the affine map leaves
        assertTrue(mseAfter < 0.5 * mseAffine, "MSE after " + mseAfter + " vs affine alone " + mseAffine);
        assertEquals(0, r.folds());
        assertEquals(fixed.grid(), r.warped().grid());
        assertEquals(moving.grid(), r.inverse().grid());
        assertInverseConsistent(r, fixed.grid(), moving.grid());
    }

    /**
     * y -> x = y + u_inv(y) (moving grid) followed by x -> x + u(x) (fixed grid) returns to y, where
     * both maps are defined inside the images: the inverse is the inverse of the total map, affine
     * pre-alignment included, across grids of different size.
     */
    static void assertInverseConsistent(RegistrationResult r, org.diffeolens.field.Grid fg,
                                        org.diffeolens.field.Grid mg) {
        org.diffeolens.field.Lattice lm = new org.diffeolens.field.Lattice(mg);
        org.diffeolens.field.Lattice lf = new org.diffeolens.field.Lattice(fg);
        double sum = 0;
        int n = 0;
        for (int y = 30; y < lm.ny - 30; y += 3) {
            for (int x = 30; x < lm.nx - 30; x += 3) {
                int i = x + lm.nx * y;
                double[] p = mg.indexToPhysical(new double[] {x, y});
                double[] q = {p[0] + r.inverse().component(0)[i], p[1] + r.inverse().component(1)[i]};
                double[] qi = fg.physicalToIndex(q);
                if (org.diffeolens.field.Sampler.outside(lf, qi[0], qi[1], 0)) {
                    continue;
                }
                double ux = org.diffeolens.field.Sampler.linear(r.displacement().component(0), lf, qi[0], qi[1], 0,
                        Border.REPLICATE);
                double uy = org.diffeolens.field.Sampler.linear(r.displacement().component(1), lf, qi[0], qi[1], 0,
                        Border.REPLICATE);
                sum += Math.hypot(q[0] + ux - p[0], q[1] + uy - p[1]);
                n++;
            }
        }
        assertTrue(n > 1000);
        // interpolating both maps: a small fraction of a voxel on average
        assertTrue(sum / n < 0.1, "mean |u(y + u_inv(y)) + u_inv(y)| = " + sum / n + " mm");
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void ratLungSlicesCorrelateBetterAfterTheDiffeomorphicStageThanAfterAffineAlone(Method method) throws Exception {
        ScalarField fixed = read("RatLungSlice1.mha");
        ScalarField moving = read("RatLungSlice2.mha");
        // a short schedule keeps the slower methods quick; the comparison is with the same affine map
        RegistrationParameters p = RegistrationParameters.defaultsFor(fixed.grid()).withMethod(method)
                .withMetric(SimilarityMetric.ncc(2)).withSigma(RegistrationParameters.DEFAULT_SIGMA_NCC)
                .withIterations(method == Method.SVF ? 100 : 30).withTimeSteps(method == Method.SVF ? 10 : 6)
                .withThreads(2);
        RegistrationResult r = Registration.register(fixed, moving, p);
        AffineTransform a = r.affine();
        ScalarField affineOnly = Resampler.resample(moving, fixed.grid(), null, a, Resampler.Interpolation.LINEAR,
                Border.ZERO, Parallel.of(2));
        double nccAffine = Intensities.correlation(affineOnly, fixed);
        double nccAfter = Intensities.correlation(r.warped(), fixed);
        System.out.printf("rat lung %s: NCC affine %.4f, after %.4f; Jacobian %.3f..%.3f; %.1f s%n", method,
                nccAffine, nccAfter, r.jacobianMin(), r.jacobianMax(), r.seconds());
        assertTrue(nccAfter > nccAffine, "NCC after " + nccAfter + " vs affine alone " + nccAffine);
        assertEquals(0, r.folds());
        assertTrue(r.jacobianMin() > 0);
    }
}
