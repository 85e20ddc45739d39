package org.diffeolens.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.diffeolens.Fields;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Resampler.Interpolation;
import org.junit.jupiter.api.Test;

class ResamplingTest {

    private static final Parallel PAR = Parallel.of(2);

    @Test
    void identityResamplingReturnsTheField() {
        Grid g = new Grid(new int[] {9, 7, 5}, new double[] {1, 2, 3}, new double[] {5, -3, 2},
                rotationZ(0.4));
        ScalarField f = Fields.random(g, 3);
        ScalarField r = Resampler.resample(f, g, null, null, Interpolation.LINEAR, Border.ZERO, PAR);
        assertArrayEquals(f.data(), r.data(), 1e-12);
    }

    @Test
    void linearFunctionsAreReproducedExactlyAcrossGridsOfDifferentGeometry() {
        // linear interpolation is exact on affine functions of the world position
        Grid src = new Grid(new int[] {60, 60, 16}, new double[] {1, 1.5, 2}, new double[] {-30, -30, -4},
                rotationZ(0.3));
        Grid dst = new Grid(new int[] {7, 6, 5}, new double[] {2, 2.5, 3}, new double[] {1, 1, 1},
                rotationZ(-0.2));
        double[] a = {0.3, -0.7, 0.2};
        ScalarField f = worldLinear(src, a);
        ScalarField r = Resampler.resample(f, dst, null, null, Interpolation.LINEAR, Border.REPLICATE, PAR);
        ScalarField expected = worldLinear(dst, a);
        assertArrayEquals(expected.data(), r.data(), 1e-10);
    }

    @Test
    void aDisplacementPullsTheSourceBackAsTheConventionSays() {
        // warped(x) = moving(x + u(x)): a constant u of (2 mm, -1 mm) shifts the content by -u
        Grid g = Grid.of(new int[] {16, 12}, new double[] {1, 0.5});
        ScalarField moving = Fields.of2(g, (x, y) -> x * x + 3 * y);
        VectorField u = Fields.vector(g, (x, y, z) -> 2, (x, y, z) -> -1);
        ScalarField warped = Resampler.resample(moving, g, u, null, Interpolation.LINEAR, Border.REPLICATE, PAR);
        // at x = 4 mm, y = 3 mm the moving image is sampled at (6, 2) mm, both on grid points
        int i = 4 + 16 * 6;
        assertEquals(36 + 6, warped.data()[i], 1e-12);
    }

    @Test
    void affineMapsComposeWithTheDisplacementInWorldSpace() {
        Grid g = Grid.of(new int[] {10, 10}, new double[] {1, 1});
        double[] a = {0.5, 0.25};
        ScalarField f = worldLinear(g, a);
        AffineTransform t = new AffineTransform(new double[] {0.9, 0.1, -0.2, 1.1}, new double[] {0.5, -0.3});
        ScalarField r = Resampler.resample(f, g, null, t, Interpolation.LINEAR, Border.REPLICATE, PAR);
        for (int y = 2; y < 7; y++) {
            for (int x = 2; x < 7; x++) {
                double[] p = t.apply(new double[] {x, y});
                assertEquals(a[0] * p[0] + a[1] * p[1], r.data()[x + 10 * y], 1e-12);
            }
        }
    }

    @Test
    void nearestNeighbourKeepsTheLabelSet() {
        Grid g = Grid.of(new int[] {15, 11}, new double[] {1, 1});
        ScalarField labels = Fields.of2(g, (x, y) -> (int) (x / 4) + 3 * (int) (y / 4));
        Grid dst = Grid.of(new int[] {23, 17}, new double[] {0.63, 0.61});
        ScalarField r = Resampler.resample(labels, dst, null, null, Interpolation.NEAREST, Border.ZERO, PAR);
        Set<Double> in = new HashSet<>();
        for (double v : labels.data()) {
            in.add(v);
        }
        for (double v : r.data()) {
            assertTrue(in.contains(v) || v == 0);
        }
    }

    @Test
    void zeroBorderGivesZeroOutsideAndReplicateGivesTheEdge() {
        Grid g = Grid.of(new int[] {5, 5}, new double[] {1, 1});
        ScalarField f = Fields.of2(g, (x, y) -> 7);
        AffineTransform shift = AffineTransform.translation(10, 0);
        assertEquals(0, Resampler.resample(f, g, null, shift, Interpolation.LINEAR, Border.ZERO, PAR).data()[0]);
        assertEquals(7, Resampler.resample(f, g, null, shift, Interpolation.LINEAR, Border.REPLICATE, PAR).data()[0]);
    }

    @Test
    void composingADisplacementWithItsInverseGivesTheIdentity() {
        Grid g = Grid.of(new int[] {40, 36}, new double[] {1, 1.2});
        VectorField u = Fields.vector(g,
                (x, y, z) -> 2.0 * Math.sin(2 * Math.PI * y / 43.2),
                (x, y, z) -> 1.5 * Math.cos(2 * Math.PI * x / 40));
        VectorField inv = Displacements.invert(u, 50, 1e-8, PAR);
        VectorField id = Displacements.compose(u, inv, PAR);
        Lattice l = new Lattice(g);
        double worst = 0;
        for (int y = 4; y < 32; y++) {
            for (int x = 4; x < 36; x++) {
                int i = x + 40 * y;
                worst = Math.max(worst, Math.hypot(id.component(0)[i] / l.hx, id.component(1)[i] / l.hy));
            }
        }
        // linear interpolation of a smooth field: error ~ h^2 |u''| / 8 ~ 0.01 voxel here
        assertTrue(worst < 0.02, "max residual " + worst + " voxel");
    }

    @Test
    void foldingATranslationIntoADisplacementGivesAConstantField() {
        Grid g = new Grid(new int[] {6, 5}, new double[] {1, 2}, new double[] {0, 0}, rotationZ2(Math.PI / 2));
        VectorField w = Displacements.withAffine(null, g, AffineTransform.translation(3, 4));
        // world (3, 4) expressed along voxel axes rotated by 90 degrees: D^T (3, 4) = (4, -3)
        for (int i = 0; i < g.voxelCount(); i++) {
            assertEquals(4, w.component(0)[i], 1e-12);
            assertEquals(-3, w.component(1)[i], 1e-12);
        }
    }

    @Test
    void pyramidLevelsKeepThePhysicalExtentAndCentre() {
        Grid g = new Grid(new int[] {181, 217}, new double[] {1, 1}, new double[] {10, 20}, Matrices.identity(2));
        Grid c = Pyramid.shrink(g, 4);
        assertEquals(46, c.size(0));
        assertEquals(55, c.size(1));
        for (int a = 0; a < 2; a++) {
            double fineCentre = g.origin()[a] + 0.5 * (g.size(a) - 1) * g.spacing(a);
            double coarseCentre = c.origin()[a] + 0.5 * (c.size(a) - 1) * c.spacing(a);
            assertEquals(fineCentre, coarseCentre, 1e-9);
            assertEquals(g.size(a) * g.spacing(a), c.size(a) * c.spacing(a), 1e-9);
        }
    }

    @Test
    void downsamplingKeepsAConstantAndALinearRampInside() {
        Grid g = Grid.of(new int[] {32, 24, 16}, new double[] {1, 1, 2});
        ScalarField ramp = Fields.of(g, (x, y, z) -> 2 * x - y + 0.5 * z);
        ScalarField coarse = Pyramid.downsample(ramp, 2, PAR);
        Grid cg = coarse.grid();
        // symmetric smoothing keeps a linear function away from the border (3 sigma = 3 voxels)
        for (int z = 2; z < 6; z++) {
            for (int y = 2; y < 10; y++) {
                for (int x = 2; x < 14; x++) {
                    double[] p = cg.indexToPhysical(new double[] {x, y, z});
                    assertEquals(2 * p[0] - p[1] + 0.5 * p[2],
                            coarse.data()[x + 16 * (y + 12 * z)], 1e-9);
                }
            }
        }
    }

    @Test
    void gaussianSmoothingKeepsTheMassAndHasVarianceSigmaSquared() {
        Grid g = Grid.of(new int[] {61, 5}, new double[] {0.5, 1});
        ScalarField delta = ScalarField.zeros(g);
        for (int y = 0; y < 5; y++) {
            delta.data()[30 + 61 * y] = 1;
        }
        ScalarField s = GaussianSmoothing.smooth(delta, new double[] {2.0, 0}, PAR);
        double mass = 0;
        double var = 0;
        for (int x = 0; x < 61; x++) {
            double w = s.data()[x + 61 * 2];
            mass += w;
            var += w * Math.pow((x - 30) * 0.5, 2);
        }
        assertEquals(1, mass, 1e-12);
        // sampled Gaussian truncated at 3 sigma: variance within 3% of sigma^2
        assertEquals(4.0, var, 0.03 * 4);
    }

    static ScalarField worldLinear(Grid g, double[] a) {
        Lattice l = new Lattice(g);
        double[] d = new double[l.voxels];
        for (int i = 0; i < l.voxels; i++) {
            double[] idx = g.dim() == 3
                    ? new double[] {i % l.nx, (i / l.nx) % l.ny, i / (l.nx * l.ny)}
                    : new double[] {i % l.nx, i / l.nx};
            double[] p = g.indexToPhysical(idx);
            double s = 0;
            for (int k = 0; k < g.dim(); k++) {
                s += a[k] * p[k];
            }
            d[i] = s;
        }
        return new ScalarField(g, d);
    }

    static double[] rotationZ(double t) {
        return new double[] {Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1};
    }

    static double[] rotationZ2(double t) {
        return new double[] {Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)};
    }
}
