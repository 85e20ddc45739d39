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
import org.diffeolens.Tolerances;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.Json;
import org.diffeolens.io.PixelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    /** Exit code and the two streams of one run. */
    private record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
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

    @Test
    void infoPrintsDimensionsAndSpacingOfEveryTestDataFormat() {
        String[][] expected = {
            {"BrainProtonDensitySlice.png", "181 x 217", "1 x 1 mm", "uint8"},
            {"BrainT1Slice.png", "181 x 217", "1 x 1 mm", "rgb24"},
            {"RatLungSlice1.mha", "128 x 128", "1 x 1 mm", "uint8"},
            {"BrainProtonDensitySliceBorder20DirectionPlus30.mhd", "221 x 257", "1 x 1 mm", "uint8"},
            {"BrainProtonDensitySliceShifted13x17y.mhd", "221 x 257", "1 x 1 mm", "uint8"},
            {"KmeansTest_T1UCharRaw.nii.gz", "128 x 128 x 62", "2 x 2 x 3 mm", "int16"}};
        for (String[] e : expected) {
            Run r = run("info", data(e[0]));
            assertEquals(0, r.code(), e[0] + ": " + r.err());
            assertTrue(r.out().contains("dimensions  " + e[1] + "\n"), r.out());
            assertTrue(r.out().contains("spacing     " + e[2] + "\n"), r.out());
            assertTrue(r.out().contains("datatype    " + e[3] + "\n"), r.out());
            assertEquals("", r.err());
        }
        assertTrue(run("info", data("BrainProtonDensitySliceBorder20DirectionPlus30.mhd")).out()
                .contains("direction   [0.866025 -0.5; 0.5 0.866025]"));
    }

    @Test
    void infoJsonParsesBackWithTheRightNumbers() {
        Run r = run("info", "--json", data("KmeansTest_T1UCharRaw.nii.gz"));
        assertEquals(0, r.code(), r.err());
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out());
        assertEquals(List.of(128.0, 128.0, 62.0), m.get("dimensions"));
        assertEquals(List.of(2.0, 2.0, 3.0), m.get("spacing"));
        assertEquals(List.of(0.0, 254.0, 0.0), m.get("origin"));
        assertEquals("int16", m.get("datatype"));
        assertEquals(1.0, m.get("components"));
        assertEquals(0.0, m.get("min"));
        assertEquals(255.0, m.get("max"));
        // nibabel 5.0.0: mean of the volume 19.229813114289314 (see NiftiCodecTest)
        assertEquals(19.229813114289314, (Double) m.get("mean"), 19.229813114289314 * 1e-9);
    }

    @Test
    void convertChainPngNiftiMetaImageTiffKeepsValuesAndSpacing() throws Exception {
        ImageData png = ImageFiles.read(Tolerances.testData("BrainProtonDensitySlice.png"));
        String nii = dir.resolve("brain.nii.gz").toString();
        String mha = dir.resolve("brain.mha").toString();
        String tif = dir.resolve("brain.tif").toString();
        assertEquals(0, run("convert", data("BrainProtonDensitySlice.png"), nii).code());
        Run r2 = run("convert", nii, mha, "--compress");
        assertEquals(0, r2.code(), r2.err());
        assertTrue(r2.out().startsWith("wrote " + mha + " (181x217, uint8)"), r2.out());
        assertEquals(0, run("convert", mha, tif).code());
        for (String f : new String[] {nii, mha, tif}) {
            ImageData d = ImageFiles.read(Path.of(f));
            assertEquals(PixelType.UINT8, d.storedType(), f);
            assertArrayEquals(png.channels()[0], d.channels()[0], f);
            assertArrayEquals(new double[] {1, 1}, d.grid().spacing(), 0, f);
        }
    }

    @Test
    void convertKeepsThe3dGeometryAndHonoursType() throws Exception {
        Path mhd = dir.resolve("t1.mhd");
        Run r = run("convert", data("KmeansTest_T1UCharRaw.nii.gz"), mhd.toString(), "--type", "float32");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("t1.raw")));
        ImageData in = ImageFiles.read(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
        ImageData out = ImageFiles.read(mhd);
        assertEquals(PixelType.FLOAT32, out.storedType());
        assertTrue(in.grid().sameGeometry(out.grid(), 1e-12), out.grid().toString());
        assertArrayEquals(in.channels()[0], out.channels()[0]);
    }

    @Test
    void missingAndDamagedFilesGiveExitTwoAndOneLineNamingTheFile() throws Exception {
        Path missing = dir.resolve("nothere.nii.gz");
        Run r = run("info", missing.toString());
        assertEquals(2, r.code());
        assertEquals(List.of("diffeolens: error: " + missing + ": no such file"), r.errLines());
        assertEquals("", r.out());

        Path damaged = dir.resolve("damaged.nii.gz");
        byte[] gz = Files.readAllBytes(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
        Files.write(damaged, java.util.Arrays.copyOf(gz, 5000));
        Run d = run("convert", damaged.toString(), dir.resolve("x.nii").toString());
        assertEquals(2, d.code());
        assertEquals(1, d.errLines().size(), d.err());
        assertTrue(d.err().startsWith("diffeolens: error: " + damaged + ": file is truncated"), d.err());
        assertFalse(Files.exists(dir.resolve("x.nii")));
    }

    @Test
    void convertRefusesToReplaceItsInputAndUnknownFormatsAndTypes() throws Exception {
        Path in = dir.resolve("in.mha");
        assertEquals(0, run("convert", data("RatLungSlice1.mha"), in.toString()).code());
        byte[] before = Files.readAllBytes(in);
        Run same = run("convert", in.toString(), in.toString());
        assertEquals(2, same.code());
        assertTrue(same.err().contains("refusing to overwrite the input file"), same.err());
        assertArrayEquals(before, Files.readAllBytes(in));

        Run ext = run("convert", in.toString(), dir.resolve("out.xyz").toString());
        assertEquals(2, ext.code());
        assertTrue(ext.err().contains("out.xyz: cannot write this format"), ext.err());

        Run type = run("convert", in.toString(), dir.resolve("o.nii").toString(), "--type", "complex");
        assertEquals(2, type.code());
        assertTrue(type.err().contains("--type complex is not a type"), type.err());

        Run compress = run("convert", in.toString(), dir.resolve("o.nii").toString(), "--compress");
        assertEquals(2, compress.code());
        assertTrue(compress.err().contains("--compress applies to .mha and .mhd outputs"), compress.err());
    }

    @Test
    void helpExitsZeroAndAMissingCommandIsAUsageError() {
        Run help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("info") && help.out().contains("convert"), help.out());
        assertEquals(0, run("info", "--help").code());
        assertEquals(2, run().code());
        assertEquals(2, run("nosuchcommand").code());
    }
}
