package org.diffeolens.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Border;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.ImageJCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apply Diffeolens Transform... and Jacobian of Displacement... on a saved displacement, through
 * IJ.run; the oracle is the library's Resampler and Differential on the field read back from the
 * same file (so float32 storage rounds both sides alike).
 */
class ApplyAndJacobianPluginTest {

    static final String MOVING = RegisterPluginTest.MOVING;

    @TempDir
    Path dir;

    private Path displacementFile;
    private VectorField u;

    @BeforeEach
    void start() throws Exception {
        HeadlessImageJ.start();
        HeadlessImageJ.closeAll();
        // a smooth displacement of a few mm on the fixed image's grid, saved as a registration saves it
        Grid g = Grid.of(new int[] {181, 217}, new double[] {1, 1});
        double[][] c = new double[2][g.voxelCount()];
        for (int y = 0; y < 217; y++) {
            for (int x = 0; x < 181; x++) {
                c[0][x + 181 * y] = 20 + 3 * Math.sin(x / 17.0) * Math.cos(y / 23.0);
                c[1][x + 181 * y] = 20 - 2.5 * Math.cos(x / 29.0) * Math.sin(y / 13.0);
            }
        }
        displacementFile = dir.resolve("displacement.nii.gz");
        ImageFiles.write(displacementFile, ImageData.of(new VectorField(g, c)));
        u = ImageFiles.readVector(displacementFile);
    }

    @AfterEach
    void close() {
        HeadlessImageJ.stop();
    }

    @Test
    void nearestNeighbourKeepsLabelValuesAndTheirType() throws Exception {
        ImagePlus labels = HeadlessImageJ.open(MOVING); // 8-bit: each grey level stands for a label here
        String error = HeadlessImageJ.run(ApplyTransformPlugin.COMMAND, "image=" + MOVING + " displacement=["
                + displacementFile + "] interpolation=nearest");
        assertNull(error);
        ImagePlus out = HeadlessImageJ.image(RegisterPluginTest.BASE + "_transformed");
        assertNotNull(out);
        assertEquals(8, out.getBitDepth(), "nearest keeps an 8-bit label image 8-bit");
        assertEquals(181, out.getWidth());
        assertEquals(217, out.getHeight());
        ScalarField in = ImageJCodec.fromImagePlus(labels, MOVING).asScalar(Path.of(MOVING));
        ScalarField expected = Resampler.resample(in, u.grid(), u, null, Resampler.Interpolation.NEAREST,
                Border.ZERO, Parallel.serial());
        WindowPixels.assertEqual(expected.toFloats(), WindowPixels.channel(out, 0), "nearest");
        Set<Float> values = new HashSet<>();
        for (float v : WindowPixels.channel(labels, 0)) {
            values.add(v);
        }
        values.add(0f); // outside the image
        for (float v : WindowPixels.channel(out, 0)) {
            assertTrue(values.contains(v), "nearest made a new value " + v);
        }
    }

    @Test
    void linearInterpolationEqualsTheLibrarysResampling() throws Exception {
        ImagePlus imp = HeadlessImageJ.open(MOVING);
        assertNull(HeadlessImageJ.run(ApplyTransformPlugin.COMMAND, "image=" + MOVING + " displacement=["
                + displacementFile + "]"));
        ImagePlus out = HeadlessImageJ.image(RegisterPluginTest.BASE + "_transformed");
        assertEquals(32, out.getBitDepth());
        ScalarField in = ImageJCodec.fromImagePlus(imp, MOVING).asScalar(Path.of(MOVING));
        ScalarField expected = Resampler.resample(in, u.grid(), u, null, Resampler.Interpolation.LINEAR,
                Border.ZERO, Parallel.serial());
        WindowPixels.assertEqual(expected.toFloats(), WindowPixels.channel(out, 0), "linear");
        assertEquals("mm", out.getCalibration().getUnit(), "the displacement's geometry");
    }

    @Test
    void jacobianWindowEqualsTheLibrarysDeterminant() {
        assertNull(HeadlessImageJ.run(JacobianPlugin.COMMAND, "displacement=[" + displacementFile + "]"));
        ImagePlus j = HeadlessImageJ.image("displacement_jacobian");
        assertNotNull(j);
        ScalarField expected = new Differential(u.grid(), Parallel.serial()).jacobianDeterminant(u);
        WindowPixels.assertEqual(expected.toFloats(), WindowPixels.channel(j, 0), "jacobian");
        // ImageJ keeps a 32-bit display range in float
        assertEquals(2.0, j.getDisplayRangeMin() + j.getDisplayRangeMax(), 4 * Tolerances.FLOAT_EPS,
                "colours centred on 1");
        assertNotNull(j.getOverlay(), "calibration bar");
    }

    @Test
    void aMissingOrMismatchedDisplacementIsAnErrorThatNamesIt() {
        HeadlessImageJ.open(MOVING);
        String none = HeadlessImageJ.run(ApplyTransformPlugin.COMMAND, "image=" + MOVING);
        assertTrue(none.startsWith("Choose a displacement file"), none);
        String missing = HeadlessImageJ.run(JacobianPlugin.COMMAND, "displacement=[" + dir.resolve("nope.nii.gz")
                + "]");
        assertTrue(missing.contains("nope.nii.gz"), missing);
        IJ.createImage("stack", "8-bit ramp", 30, 30, 4).show();
        String dims = HeadlessImageJ.run(ApplyTransformPlugin.COMMAND, "image=stack displacement=["
                + displacementFile + "]");
        assertEquals("'stack' is 3D but the displacement is 2D.", dims);
        String scalar = HeadlessImageJ.run(ApplyTransformPlugin.COMMAND, "image=" + MOVING + " displacement=["
                + RegisterPluginTest.testData(MOVING) + "]");
        assertTrue(scalar.contains("expected a 2-component vector field"), scalar);
    }
}
