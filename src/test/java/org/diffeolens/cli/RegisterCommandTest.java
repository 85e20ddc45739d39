package org.diffeolens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.diffeolens.Tolerances;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.Json;
import org.diffeolens.io.PixelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** register, apply and jacobian as a user runs them, on real files. */
class RegisterCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static String data(String name) {
        return Tolerances.testData(name).toString();
    }

    /** A quick schedule: the outputs, not the quality, are under test here. */
    private Run registerLung(Path out, String method) {
        return run("register", "--fixed", data("RatLungSlice1.mha"), "--moving", data("RatLungSlice2.mha"),
                "--out", out.toString(), "--method", method, "--levels", "2", "--iterations", "15",
                "--time-steps", "4", "--threads", "2", "--quiet");
    }

    @Test
    void registerWritesEveryOutputAndApplyReproducesTheWarpedImage() throws Exception {
        Path out = dir.resolve("lung");
        Run r = registerLung(out, "shooting");
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("warped.nii.gz", "displacement.nii.gz", "inverse.nii.gz", "jacobian.nii.gz",
                "momentum.nii.gz", "affine.txt", "summary.json", "report.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        ImageData fixed = ImageFiles.read(Tolerances.testData("RatLungSlice1.mha"));
        ImageData warped = ImageFiles.read(out.resolve("warped.nii.gz"));
        VectorField u = ImageFiles.readVector(out.resolve("displacement.nii.gz"));
        assertTrue(warped.grid().sameGeometry(fixed.grid(), 1e-6));
        assertTrue(u.grid().sameGeometry(fixed.grid(), 1e-6));
        assertEquals(2, u.dim());

        Path applied = dir.resolve("applied.nii.gz");
        Run a = run("apply", "--displacement", out.resolve("displacement.nii.gz").toString(),
                "--moving", data("RatLungSlice2.mha"), "--out", applied.toString());
        assertEquals(0, a.code(), a.err());
        // same map, same interpolation: equal up to the float32 rounding of the stored displacement
        // (a change of 1e-7 relative in a position moves a linear interpolant by at most |grad| * that)
        float[] w = warped.channels()[0];
        float[] p = ImageFiles.read(applied).channels()[0];
        double worst = 0;
        for (int i = 0; i < w.length; i++) {
            worst = Math.max(worst, Math.abs(w[i] - p[i]));
        }
        assertTrue(worst < 1e-3, "apply vs warped.nii.gz: " + worst + " (intensities 0..255)");

        Path jac = dir.resolve("jac.nii.gz");
        Run j = run("jacobian", out.resolve("displacement.nii.gz").toString(), jac.toString());
        assertEquals(0, j.code(), j.err());
        assertTrue(j.out().contains("0 folds"), j.out());
        assertArrayEquals(ImageFiles.read(out.resolve("jacobian.nii.gz")).channels()[0],
                ImageFiles.read(jac).channels()[0], 1e-4f);
    }

    @Test
    void displacementIsAFiveDimensionalNiftiVectorImageWithTheFixedGeometry() throws Exception {
        Path out = dir.resolve("svf");
        assertEquals(0, registerLung(out, "svf").code());
        ImageData d = ImageFiles.read(out.resolve("displacement.nii.gz"));
        assertEquals(2, d.channelCount());
        assertTrue(Files.size(out.resolve("velocity.nii.gz")) > 0);
        // the raw header, as nibabel would read it: dim = [5, nx, ny, 1, 1, 2], intent_code 1007 (VECTOR)
        byte[] h = new byte[348];
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(out.resolve("displacement.nii.gz")))) {
            assertEquals(348, in.readNBytes(h, 0, 348));
        }
        var b = java.nio.ByteBuffer.wrap(h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        short[] dim = new short[8];
        for (int i = 0; i < 8; i++) {
            dim[i] = b.getShort(40 + 2 * i);
        }
        assertArrayEquals(new short[] {5, 128, 128, 1, 1, 2}, java.util.Arrays.copyOf(dim, 6));
        assertEquals(1007, b.getShort(68));
    }

    @Test
    void summaryRecordsEveryParameterAndTheEnergies() throws Exception {
        Path out = dir.resolve("lddmm");
        assertEquals(0, registerLung(out, "lddmm").code());
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) Json.parse(Files.readString(out.resolve("summary.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) s.get("parameters");
        for (String k : List.of("method", "metric", "alpha", "gamma", "order", "sigma", "timeSteps", "levels",
                "iterations", "affine")) {
            assertTrue(p.containsKey(k), k);
        }
        assertEquals("lddmm", p.get("method"));
        assertEquals(4.0, ((Number) p.get("timeSteps")).doubleValue());
        assertTrue(((Number) s.get("mseAfter")).doubleValue() < ((Number) s.get("mseBefore")).doubleValue());
        assertEquals(0.0, ((Number) s.get("folds")).doubleValue());
        assertTrue(((Number) s.get("geodesicDistance")).doubleValue() > 0);
        assertTrue(((List<?>) s.get("levels")).size() >= 3, "affine and deformable levels are logged");
        try (Stream<Path> files = Files.list(out.resolve("path"))) {
            assertEquals(4, files.count(), "one velocity per time step");
        }
    }

    @Test
    void badInputsFailWithOneLineAndExitTwoAndWriteNothing() throws Exception {
        Path out = dir.resolve("none");
        Run missing = run("register", "--fixed", dir.resolve("absent.nii").toString(), "--moving",
                data("RatLungSlice2.mha"), "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("absent.nii"), missing.err());
        assertEquals(1, missing.err().lines().count(), missing.err());

        Run dims = run("register", "--fixed", data("KmeansTest_T1UCharRaw.nii.gz"), "--moving",
                data("RatLungSlice2.mha"), "--out", out.toString());
        assertEquals(2, dims.code());
        assertTrue(dims.err().contains("3D") && dims.err().contains("2D"), dims.err());

        Run alpha = run("register", "--fixed", data("RatLungSlice1.mha"), "--moving", data("RatLungSlice2.mha"),
                "--out", out.toString(), "--alpha", "-1");
        assertEquals(2, alpha.code());
        assertTrue(alpha.err().contains("alpha") && alpha.err().contains("-1"), alpha.err());

        Run method = run("register", "--fixed", data("RatLungSlice1.mha"), "--moving", data("RatLungSlice2.mha"),
                "--out", out.toString(), "--method", "demons");
        assertEquals(2, method.code());
        assertTrue(method.err().contains("demons"), method.err());
        assertFalse(Files.exists(out), "nothing is written when the inputs are refused");

        Path nan = dir.resolve("nan.mha");
        ImageData lung = ImageFiles.read(Tolerances.testData("RatLungSlice1.mha"));
        float[] values = lung.channels()[0].clone();
        values[100] = Float.NaN;
        ImageFiles.write(nan, new ImageData(lung.grid(), new float[][] {values}, PixelType.FLOAT32));
        Run bad = run("register", "--fixed", nan.toString(), "--moving", data("RatLungSlice2.mha"), "--out",
                out.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("nan.mha") && bad.err().contains("NaN"), bad.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void applyWithNearestNeighbourKeepsLabels() throws Exception {
        Path out = dir.resolve("lung");
        assertEquals(0, registerLung(out, "svf").code());
        Path labels = dir.resolve("labels.mha");
        ImageData lung = ImageFiles.read(Tolerances.testData("RatLungSlice2.mha"));
        float[] l = new float[lung.channels()[0].length];
        for (int i = 0; i < l.length; i++) {
            l[i] = lung.channels()[0][i] > 100 ? 7 : 2;
        }
        ImageFiles.write(labels, new ImageData(lung.grid(), new float[][] {l}, PixelType.UINT8), PixelType.UINT8,
                List.of());
        Path warped = dir.resolve("labels-warped.nii.gz");
        Run a = run("apply", "--displacement", out.resolve("displacement.nii.gz").toString(), "--moving",
                labels.toString(), "--out", warped.toString(), "--interpolation", "nearest");
        assertEquals(0, a.code(), a.err());
        ScalarField w = ImageFiles.readScalar(warped);
        for (double v : w.data()) {
            assertTrue(v == 7 || v == 2 || v == 0, "label " + v);
        }
    }
}
