package org.diffeolens.io;

import static org.diffeolens.io.TestImages.GEOMETRY_TOL;
import static org.diffeolens.io.TestImages.assertRefused;
import static org.diffeolens.io.TestImages.assertSameGeometry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.diffeolens.Tolerances;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryTestDataFormatThroughTheFrontDoor() throws Exception {
        assertArrayEquals(new int[] {181, 217}, ImageFiles.read(Tolerances.testData("BrainProtonDensitySlice.png"))
                .grid().size());
        assertArrayEquals(new int[] {128, 128},
                ImageFiles.read(Tolerances.testData("RatLungSlice1.mha")).grid().size());
        assertArrayEquals(new int[] {221, 257},
                ImageFiles.read(Tolerances.testData("BrainProtonDensitySliceShifted13x17y.mhd")).grid().size());
        ScalarField t1 = ImageFiles.readScalar(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
        assertArrayEquals(new int[] {128, 128, 62}, t1.grid().size());
        assertArrayEquals(new double[] {2, 2, 3}, t1.grid().spacing(), 0);
    }

    @Test
    void everyOutputFormatRoundTripsAndNamesAreCaseInsensitive() throws Exception {
        Grid grid = Grid.of(new int[] {5, 4}, new double[] {0.5, 2});
        float[] v = TestImages.ramp(20, 0, 250, true);
        ImageData data = new ImageData(grid, new float[][] {v}, PixelType.FLOAT32);
        for (String name : new String[] {"a.nii", "b.NII.GZ", "c.mha", "d.MHD", "e.tif", "f.TIFF", "g.png"}) {
            Path f = dir.resolve(name);
            assertTrue(ImageFiles.isSupportedOutput(f), name);
            ImageFiles.write(f, data, PixelType.UINT8, List.of());
            ImageData back = ImageFiles.read(f);
            assertArrayEquals(v, back.channels()[0], name);
            if (!name.endsWith("png")) {
                assertSameGeometry(grid, back.grid(), GEOMETRY_TOL);
            }
        }
    }

    @Test
    void compressedMetaImageIsSmallerAndReadsTheSame() throws Exception {
        Grid grid = Grid.of(64, 64);
        ImageData data = new ImageData(grid, new float[][] {new float[grid.voxelCount()]}, PixelType.FLOAT32);
        ImageFiles.write(dir.resolve("plain.mha"), data, PixelType.FLOAT32, List.of(), false);
        ImageFiles.write(dir.resolve("small.mha"), data, PixelType.FLOAT32, List.of(), true);
        assertTrue(Files.size(dir.resolve("small.mha")) * 10 < Files.size(dir.resolve("plain.mha")));
        assertArrayEquals(data.channels()[0], ImageFiles.read(dir.resolve("small.mha")).channels()[0]);
    }

    @Test
    void unknownOutputExtensionIsAClearError() {
        Path f = dir.resolve("out.jpg");
        assertFalse(ImageFiles.isSupportedOutput(f));
        assertFalse(ImageFiles.isSupportedOutput(dir.resolve("noextension")));
        ImageData data = new ImageData(Grid.of(2, 2), new float[][] {new float[4]}, PixelType.FLOAT32);
        assertRefused(f, "must end in .nii, .nii.gz, .mha, .mhd, .tif, .tiff or .png", () -> ImageFiles.write(f, data));
        assertThrows(IllegalArgumentException.class, () -> ImageFiles.write(dir.resolve("x.nii"), data,
                PixelType.RGB24, List.of()));
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKeepsItsBytes() throws Exception {
        Path input = dir.resolve("in.nii.gz");
        Files.copy(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"), input);
        byte[] before = Files.readAllBytes(input);
        ImageData data = ImageFiles.read(input);
        assertRefused(input, "refusing to overwrite the input", () ->
                ImageFiles.write(input, data, PixelType.FLOAT32, List.of(input)));
        assertArrayEquals(before, Files.readAllBytes(input));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left");
        }
    }

    @Test
    void theDataFileOfAnInputMetaImageIsProtectedToo() throws Exception {
        Files.copy(Tolerances.testData("RatLungSlice1.mha"), dir.resolve("RatLungSlice1.mha"));
        Files.copy(Tolerances.testData("RatLungSlice1.raw"), dir.resolve("RatLungSlice1.raw"));
        Path input = dir.resolve("RatLungSlice1.mha");
        byte[] raw = Files.readAllBytes(dir.resolve("RatLungSlice1.raw"));
        ImageData data = ImageFiles.read(input);
        Path out = dir.resolve("RatLungSlice1.mhd"); // would write RatLungSlice1.raw
        assertRefused(dir.resolve("RatLungSlice1.raw"), "refusing to overwrite the input", () ->
                ImageFiles.write(out, data, PixelType.FLOAT32, List.of(input)));
        assertArrayEquals(raw, Files.readAllBytes(dir.resolve("RatLungSlice1.raw")));
        assertFalse(Files.exists(out));
    }

    @Test
    void aMetaImagePairThatCannotBeCompletedLeavesNeitherFileNorTemporaryFile() throws Exception {
        Files.createDirectory(dir.resolve("pair.raw")); // the data file's name is taken by a folder
        ImageData data = new ImageData(Grid.of(2, 2), new float[][] {new float[4]}, PixelType.FLOAT32);
        assertRefused(dir.resolve("pair.raw"), "is a folder", () -> ImageFiles.write(dir.resolve("pair.mhd"), data));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("pair.raw"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void scalarAndVectorReadersCheckTheComponentCount() throws Exception {
        Grid grid = Grid.of(3, 2);
        Path f = dir.resolve("field.nii");
        ImageFiles.write(f, ImageData.of(VectorField.zeros(grid)));
        VectorField v = ImageFiles.readVector(f);
        assertEquals(2, v.dim());
        assertRefused(f, "expected a scalar image, found 2 components", () -> ImageFiles.readScalar(f));
        Path s = dir.resolve("scalar.nii");
        ImageFiles.write(s, ImageData.of(ScalarField.zeros(grid)));
        assertRefused(s, "expected a 2-component vector field", () -> ImageFiles.readVector(s));
    }
}
