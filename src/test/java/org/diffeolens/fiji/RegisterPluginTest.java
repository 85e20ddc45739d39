package org.diffeolens.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.Calibration;
import ij.plugin.Duplicator;
import java.awt.Rectangle;
import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.diffeolens.Tolerances;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.ImageJCodec;
import org.diffeolens.io.Json;
import org.diffeolens.output.DeformedGrid;
import org.diffeolens.output.RegistrationOutputs;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.Method;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.RegistrationResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diffeolens Register run as a macro runs it, {@code IJ.run("Diffeolens Register", options)}, in
 * the real ImageJ 1.x on the real image pairs of test-data/. The oracle is the library called
 * directly on the same pixels with the same parameters: the plugin holds no math, so its windows
 * must hold the library's numbers, not just exist. One thread on both sides makes the two runs the
 * same sequence of floating-point operations.
 */
class RegisterPluginTest {

    static final String FIXED = "BrainProtonDensitySlice.png";
    static final String MOVING = "BrainProtonDensitySliceBSplined10.png";
    static final String BASE = "BrainProtonDensitySliceBSplined10";
    /** Small settings: the test checks equality with the library, not registration quality. */
    static final String FAST = "levels=2 iterations=5 affine_iterations=5 time_steps=4 threads=1";

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        HeadlessImageJ.start();
        HeadlessImageJ.closeAll();
    }

    @AfterEach
    void close() {
        HeadlessImageJ.stop();
        IJ.resetEscape();
    }

    static RegistrationParameters fast() {
        return RegistrationParameters.defaults().withMethod(Method.SHOOTING).withLevels(2).withIterations(5)
                .withAffineIterations(5)
                .withTimeSteps(4).withThreads(1);
    }

    @Test
    void resultWindowsHoldTheLibraryResultOnTheBrainPair() throws Exception {
        ImagePlus fixedImp = HeadlessImageJ.open(FIXED);
        ImagePlus movingImp = HeadlessImageJ.open(MOVING);
        Path out = dir.resolve("brain");
        String error = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=" + FIXED + " moving=" + MOVING
                + " method=shooting " + FAST + " output=[" + out + "]");
        assertNull(error);

        ScalarField fixed = ImageJCodec.fromImagePlus(fixedImp, FIXED).asScalar(Path.of(FIXED));
        ScalarField moving = ImageJCodec.fromImagePlus(movingImp, MOVING).asScalar(Path.of(MOVING));
        RegistrationResult r = Registration.register(fixed, moving, fast());

        ImagePlus warped = window(BASE + ResultWindows.WARPED, 181, 217, 1, 1);
        ImagePlus jacobian = window(BASE + ResultWindows.JACOBIAN, 181, 217, 1, 1);
        ImagePlus grid = window(BASE + ResultWindows.GRID, 181, 217, 1, 1);
        ImagePlus displacement = window(BASE + ResultWindows.DISPLACEMENT, 181, 217, 2, 1);
        assertNotNull(HeadlessImageJ.image(BASE + ResultWindows.ENERGY), "energy plot");
        for (ImagePlus w : new ImagePlus[] {warped, jacobian, grid, displacement}) {
            assertSameCalibration(fixedImp.getCalibration(), w.getCalibration(), w.getTitle());
        }
        WindowPixels.assertEqual(r.warped().toFloats(), WindowPixels.channel(warped, 0), "warped");
        WindowPixels.assertEqual(r.jacobian().toFloats(), WindowPixels.channel(jacobian, 0), "jacobian");
        WindowPixels.assertEqual(DeformedGrid.lines(r.displacement(), moving.grid(), DeformedGrid.DEFAULT_STEP)
                .toFloats(), WindowPixels.channel(grid, 0), "grid");
        float[][] u = r.displacement().toFloats();
        for (int c = 0; c < 2; c++) {
            WindowPixels.assertEqual(u[c], WindowPixels.channel(displacement, c), "displacement " + c);
        }
        // the Jacobian's colours are centred on 1 and its calibration bar is in the overlay
        assertEquals(2.0, jacobian.getDisplayRangeMin() + jacobian.getDisplayRangeMax(), 4 * Tolerances.FLOAT_EPS);
        assertTrue(jacobian.getOverlay() != null && jacobian.getOverlay().size() > 3);

        // with an output folder, the CLI's files, with the same numbers and the dialog's parameters
        for (String name : new String[] {RegistrationOutputs.WARPED, RegistrationOutputs.DISPLACEMENT,
            RegistrationOutputs.INVERSE, RegistrationOutputs.JACOBIAN, RegistrationOutputs.MOMENTUM,
            RegistrationOutputs.AFFINE, RegistrationOutputs.SUMMARY, RegistrationOutputs.REPORT}) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        WindowPixels.assertEqual(ImageFiles.read(out.resolve(RegistrationOutputs.WARPED)).channels()[0],
                WindowPixels.channel(warped, 0), "warped.nii.gz");
        Map<?, ?> summary = (Map<?, ?>) Json.parse(Files.readString(out.resolve(RegistrationOutputs.SUMMARY)));
        Map<?, ?> params = (Map<?, ?>) summary.get("parameters");
        assertEquals("shooting", params.get("method"));
        assertEquals(2.0, params.get("levels"));
        assertEquals(4.0, params.get("timeSteps"));
        assertEquals(r.energy().total(), ((Map<?, ?>) summary.get("energy")).get("total"));
        assertTrue(((String) ((Map<?, ?>) summary.get("inputs")).get("fixed")).endsWith(FIXED));
    }

    @Test
    void stacksRegisterWithTheirCalibrationAsSpacing() throws Exception {
        // two overlapping 48x48x12 blocks of the real T1 volume (2 x 2 x 3 mm), a few voxels apart
        ImagePlus volume = HeadlessImageJ.openWithLibrary("KmeansTest_T1UCharRaw.nii.gz");
        ImagePlus fixedImp = block(volume, 40, 44, 24, "fixed block");
        ImagePlus movingImp = block(volume, 43, 42, 25, "moving block");
        volume.close();
        String error = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=[fixed block] moving=[moving block] "
                + "method=svf levels=2 iterations=2 time_steps=4 affine=translation affine_iterations=3 threads=1");
        assertNull(error);

        ImagePlus warped = window("moving block" + ResultWindows.WARPED, 48, 48, 1, 12);
        ImagePlus displacement = window("moving block" + ResultWindows.DISPLACEMENT, 48, 48, 3, 12);
        Calibration cal = warped.getCalibration();
        assertEquals(2.0, cal.pixelWidth);
        assertEquals(2.0, cal.pixelHeight);
        assertEquals(3.0, cal.pixelDepth);
        assertEquals("mm", cal.getUnit());
        assertSameCalibration(fixedImp.getCalibration(), displacement.getCalibration(), "displacement");

        ScalarField fixed = ImageJCodec.fromImagePlus(fixedImp, "fixed").asScalar(Path.of("fixed"));
        ScalarField moving = ImageJCodec.fromImagePlus(movingImp, "moving").asScalar(Path.of("moving"));
        assertEquals(3.0, fixed.grid().spacing(2));
        RegistrationResult r = Registration.register(fixed, moving, RegistrationParameters.defaultsFor(fixed.grid())
                .withMethod(Method.SVF).withLevels(2).withIterations(2).withTimeSteps(4)
                .withAffine(AffineModel.TRANSLATION).withAffineIterations(3).withThreads(1));
        WindowPixels.assertEqual(r.warped().toFloats(), WindowPixels.channel(warped, 0), "warped stack");
        VectorField u = r.displacement();
        for (int c = 0; c < 3; c++) {
            WindowPixels.assertEqual(u.toFloats()[c], WindowPixels.channel(displacement, c), "u" + c);
        }
    }

    private static ImagePlus block(ImagePlus volume, int x, int y, int z, String title) {
        volume.setRoi(new Rectangle(x, y, 48, 48));
        ImagePlus b = new Duplicator().run(volume, z + 1, z + 12);
        volume.deleteRoi();
        b.setTitle(title);
        b.show();
        return b;
    }

    @Test
    void badChoicesShowAnErrorThatNamesThemAndNothingElse() {
        assertTrue(HeadlessImageJ.run(RegisterPlugin.COMMAND, "").contains("Open two images first"));
        HeadlessImageJ.open(FIXED);
        HeadlessImageJ.open(MOVING);
        HeadlessImageJ.open("BrainT1Slice.png"); // RGB
        ImagePlus stack = IJ.createImage("a stack", "32-bit ramp", 64, 64, 5);
        stack.show();
        int open = HeadlessImageJ.openImageCount();

        String rgb = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=" + FIXED + " moving=BrainT1Slice.png");
        assertTrue(rgb.contains("'BrainT1Slice.png' (the moving image) is an RGB image"), rgb);
        assertTrue(rgb.contains("Image > Type"), rgb);

        String dims = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=" + FIXED + " moving=[a stack]");
        assertTrue(dims.contains("is a 2D image and 'a stack' is a 3D stack of 5 slices"), dims);

        String missing = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=nothing.png moving=" + MOVING);
        assertTrue(missing.contains("there is no open image 'nothing.png'"), missing);
        assertTrue(missing.contains(FIXED + ", " + MOVING), missing);

        String typo = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=" + FIXED + " moving=" + MOVING
                + " time-steps=4");
        assertTrue(typo.contains("unknown option 'time-steps'") && typo.contains("time_steps"), typo);

        String number = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=" + FIXED + " moving=" + MOVING
                + " alpha=nine");
        assertEquals("alpha=nine is not a number.", number);

        String range = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=" + FIXED + " moving=" + MOVING
                + " levels=0");
        assertTrue(range.contains("levels must be in [1, 10], got 0"), range);

        String gaussian = HeadlessImageJ.run(RegisterPlugin.COMMAND, "fixed=" + FIXED + " moving=" + MOVING
                + " kernel=gaussian");
        assertTrue(gaussian.contains("kernel=gaussian needs kernel_width > 0"), gaussian);

        assertEquals(open, HeadlessImageJ.openImageCount(), "no window may appear after an error");
    }

    @Test
    void escapeStopsTheRunAndLeavesNoResult() throws Exception {
        HeadlessImageJ.open(FIXED);
        HeadlessImageJ.open(MOVING);
        int open = HeadlessImageJ.openImageCount();
        Path out = dir.resolve("stopped");
        AtomicReference<String> error = new AtomicReference<>();
        // far more work than the test waits for: only Esc can end it in time
        String options = "fixed=" + FIXED + " moving=" + MOVING + " levels=1 iterations=100000 tolerance=0 "
                + "time_steps=4 affine=none threads=1 output=[" + out + "]";
        Thread run = new Thread(() -> error.set(HeadlessImageJ.run(RegisterPlugin.COMMAND, options)));
        run.start();
        Thread.sleep(1500);
        assertTrue(run.isAlive(), "the run ended before Esc");
        long pressed = System.nanoTime();
        IJ.setKeyDown(KeyEvent.VK_ESCAPE);
        run.join(60_000);
        assertFalse(run.isAlive(), "Esc did not stop the run");
        assertTrue((System.nanoTime() - pressed) * 1e-9 < 30, "Esc took too long");
        assertNull(error.get());
        assertEquals(open, HeadlessImageJ.openImageCount(), "a stopped run shows no window");
        assertFalse(Files.exists(out), "a stopped run writes nothing");
        assertFalse(IJ.escapePressed(), "Esc is reset for the next command");
    }

    private static ImagePlus window(String title, int width, int height, int channels, int slices) {
        ImagePlus imp = HeadlessImageJ.image(title);
        assertNotNull(imp, "no window '" + title + "'");
        assertEquals(width, imp.getWidth(), title);
        assertEquals(height, imp.getHeight(), title);
        assertEquals(channels, imp.getNChannels(), title);
        assertEquals(slices, imp.getNSlices(), title);
        assertEquals(32, imp.getBitDepth(), title);
        return imp;
    }

    static void assertSameCalibration(Calibration expected, Calibration actual, String what) {
        assertEquals(expected.getUnit(), actual.getUnit(), what);
        assertEquals(expected.pixelWidth, actual.pixelWidth, what);
        assertEquals(expected.pixelHeight, actual.pixelHeight, what);
        assertEquals(expected.pixelDepth, actual.pixelDepth, what);
        assertEquals(expected.xOrigin, actual.xOrigin, what);
        assertEquals(expected.yOrigin, actual.yOrigin, what);
        assertEquals(expected.zOrigin, actual.zOrigin, what);
    }

    static String testData(String name) {
        return Tolerances.testData(name).toString();
    }
}
