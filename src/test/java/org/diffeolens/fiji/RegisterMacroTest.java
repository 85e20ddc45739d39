package org.diffeolens.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javassist.ClassPool;
import net.imagej.patcher.LegacyEnvironment;
import net.imglib2.RandomAccessibleInterval;
import org.diffeolens.Tolerances;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Border;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.output.RegistrationOutputs;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationResult;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visnow.jlargearrays.LargeArray;

/**
 * The macro of the test resources, register-batch.ijm, run the way a user runs it without a
 * display: a new JVM, ImageJ 1.x patched for headless use as Fiji's launcher does
 * ({@code ImageJ --headless -batch}), and an ImageJ folder whose plugins/ holds Diffeolens_.jar
 * (plugins.config and the classes) beside the engine's dependencies, as the install steps lay it
 * out. ImageJ finds the commands by itself, from the jar's plugins.config.
 */
class RegisterMacroTest {

    @TempDir
    Path dir;

    @Test
    void batchMacroRegistersAppliesAndWritesWhatTheLibraryComputes() throws Exception {
        Path imagej = installedImageJ(dir.resolve("ImageJ"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path macro = dir.resolve("register-batch.ijm");
        try (var in = RegisterMacroTest.class.getResourceAsStream("register-batch.ijm")) {
            Files.copy(in, macro);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djava.awt.headless=true", "-Xmx2g",
                "-Dplugins.dir=" + imagej, "-cp", String.join(File.pathSeparator, jar(FijiHeadless.class),
                jar(LegacyEnvironment.class), jar(ClassPool.class)), FijiHeadless.class.getName(),
                jar(IJ.class), jar(LegacyEnvironment.class), jar(ClassPool.class), macro.toString(),
                Tolerances.testData("") + "," + out));
        Process p = new ProcessBuilder(cmd).directory(imagej.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the macro did not finish");
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("register-batch.ijm: "), "the macro stopped early:\n" + log);
        assertTrue(log.contains("Diffeolens Register (Diffeolens "), "no summary in the Log:\n" + log);
        assertTrue(log.contains("to repeat: run(\"Diffeolens Register\""), log);

        // the same run through the library, in this JVM
        ScalarField fixed = ImageFiles.readScalar(Tolerances.testData(RegisterPluginTest.FIXED));
        ScalarField moving = ImageFiles.readScalar(Tolerances.testData(RegisterPluginTest.MOVING));
        RegistrationResult r = Registration.register(fixed, moving, RegisterPluginTest.fast());
        WindowPixels.assertEqual(r.warped().toFloats(), pixels(out.resolve("warped-window.tif"), 0), "warped");
        WindowPixels.assertEqual(r.jacobian().toFloats(), pixels(out.resolve("jacobian-window.tif"), 0), "jacobian");
        for (int c = 0; c < 2; c++) {
            WindowPixels.assertEqual(r.displacement().toFloats()[c], pixels(out.resolve("displacement-window.tif"), c),
                    "displacement " + c);
        }
        Path register = out.resolve("register");
        for (String name : new String[] {RegistrationOutputs.WARPED, RegistrationOutputs.DISPLACEMENT,
            RegistrationOutputs.INVERSE, RegistrationOutputs.JACOBIAN, RegistrationOutputs.SUMMARY,
            RegistrationOutputs.REPORT}) {
            assertTrue(Files.isRegularFile(register.resolve(name)), name);
        }
        VectorField saved = ImageFiles.readVector(register.resolve(RegistrationOutputs.DISPLACEMENT));
        ScalarField transformed = Resampler.resample(moving, saved.grid(), saved, null,
                Resampler.Interpolation.LINEAR, Border.ZERO, Parallel.serial());
        WindowPixels.assertEqual(transformed.toFloats(), pixels(out.resolve("transformed.tif"), 0), "transformed");
        WindowPixels.assertEqual(new Differential(saved.grid(), Parallel.serial()).jacobianDeterminant(saved)
                .toFloats(), pixels(out.resolve("jacobian-of-displacement.tif"), 0), "jacobian of displacement");
    }

    /**
     * An ImageJ folder as the install steps leave it: plugins/Diffeolens_.jar with plugins.config
     * and the compiled classes, and the engine's dependency jars beside it.
     */
    static Path installedImageJ(Path root) throws IOException, URISyntaxException {
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        Path classes = Path.of(RegisterPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (OutputStream o = Files.newOutputStream(plugins.resolve("Diffeolens_.jar"));
             JarOutputStream jar = new JarOutputStream(o);
             Stream<Path> files = Files.walk(classes)) {
            jar.putNextEntry(new JarEntry("plugins.config"));
            jar.write(Files.readAllBytes(HeadlessImageJ.PLUGINS_CONFIG));
            jar.closeEntry();
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        for (Class<?> c : new Class<?>[] {RandomAccessibleInterval.class, DoubleFFT_1D.class, LargeArray.class}) {
            Path j = Path.of(jar(c));
            Files.copy(j, plugins.resolve(j.getFileName()));
        }
        return root;
    }

    static String jar(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] pixels(Path tiff, int channel) {
        ImagePlus imp = IJ.openImage(tiff.toString());
        assertTrue(imp != null, "ImageJ cannot open " + tiff);
        return WindowPixels.channel(imp, channel);
    }
}
