package org.diffeolens.io;

import static org.diffeolens.io.TestImages.assertRefused;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.diffeolens.Tolerances;
import org.diffeolens.field.Grid;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of damaged files, each refused by {@link ImageFiles#read} with one ImageIOException that
 * names the file and says what is wrong, before any voxel array is allocated: never an
 * OutOfMemoryError or NegativeArraySizeException from a lying header.
 */
class DamagedFilesTest {

    @TempDir
    Path dir;

    /** A damaged file: its name, how to make it, and the phrase the message must hold. */
    private record Damage(String name, Maker maker, String phrase) {
    }

    @FunctionalInterface
    private interface Maker {
        void make(Path file) throws Exception;
    }

    @TestFactory
    List<DynamicTest> everyDamagedFileIsRefusedWithAMessageNamingIt() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Damage d : corpus()) {
            tests.add(dynamicTest(d.name() + ": " + d.phrase(), () -> {
                Path f = dir.resolve(d.name());
                d.maker().make(f);
                assertRefused(f, d.phrase(), () -> ImageFiles.read(f));
            }));
        }
        return tests;
    }

    private List<Damage> corpus() {
        List<Damage> c = new ArrayList<>();
        // ---- NIfTI
        c.add(new Damage("truncated.nii", f -> Files.write(f, Arrays.copyOf(
                new NiftiBytes().dims(10, 10, 10).file(new byte[1000]), 352 + 400)),
                "file is truncated: header declares 10x10x10 uint8 voxels (1000 bytes) but the file holds only "
                        + "400 bytes after the header"));
        c.add(new Damage("brain.nii", f -> Files.write(f, Arrays.copyOf(
                new NiftiBytes().dims(128, 128, 62).file(new byte[0]), 352 + 4000)),
                "header declares 128x128x62 uint8 voxels (1015808 bytes) but the file holds only 4000 bytes "
                        + "after the header"));
        c.add(new Damage("truncated.nii.gz", f -> {
            byte[] gz = Files.readAllBytes(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
            Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        }, "file is truncated: the gzip stream ends early"));
        c.add(new Damage("trailer-cut.nii.gz", f -> {
            byte[] gz = Files.readAllBytes(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
            Files.write(f, Arrays.copyOf(gz, gz.length - 4));
        }, "file is truncated"));
        c.add(new Damage("corrupt.nii.gz", f -> {
            byte[] gz = Files.readAllBytes(Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz"));
            Random r = new Random(42);
            for (int i = gz.length / 3; i < gz.length / 3 + 200; i++) {
                gz[i] = (byte) r.nextInt();
            }
            Files.write(f, gz);
        }, "corrupt data in the gzip stream"));
        c.add(new Damage("lying.nii.gz", f -> Files.write(f, NiftiBytes.gzip(
                new NiftiBytes().dims(1000, 1000, 500).type(16, 32).file(new byte[100]))),
                "compressed bytes cannot hold that many"));
        c.add(new Damage("magic.nii", f -> {
            NiftiBytes h = new NiftiBytes().dims(2, 2);
            h.magic = "xyz";
            Files.write(f, h.file(new byte[4]));
        }, "has no NIfTI-1 magic"));
        c.add(new Damage("notnifti.nii", f -> Files.writeString(f, "hello, this is text and not a header at all. "
                .repeat(20)), "not a NIfTI-1 file: sizeof_hdr is"));
        c.add(new Damage("huge.nii", f -> Files.write(f, new NiftiBytes().dims(32767, 32767, 32767).file(new byte[8])),
                "more than the 2147483639 a Java array holds"));
        c.add(new Damage("negative.nii", f -> Files.write(f, new NiftiBytes().dims(4, -5, 3).file(new byte[8])),
                "header has dim[2] = -5"));
        c.add(new Damage("complex.nii", f -> Files.write(f, new NiftiBytes().dims(2, 2).type(32, 64)
                .file(new byte[32])), "unsupported datatype 32 (complex64)"));
        c.add(new Damage("unknowntype.nii", f -> Files.write(f, new NiftiBytes().dims(2, 2).type(9999, 8)
                .file(new byte[4])), "unsupported datatype 9999"));
        c.add(new Damage("zerospacing.nii", f -> {
            NiftiBytes h = new NiftiBytes().dims(2, 2, 2);
            h.pixdim[1] = 0;
            Files.write(f, h.file(new byte[8]));
        }, "pixdim[1] = 0.0: the voxel spacing along x must be a positive number"));
        c.add(new Damage("nanspacing.nii", f -> {
            NiftiBytes h = new NiftiBytes().dims(2, 2, 2);
            h.pixdim[3] = Float.NaN;
            Files.write(f, h.file(new byte[8]));
        }, "pixdim[3] = NaN"));
        c.add(new Damage("series.nii", f -> Files.write(f, new NiftiBytes().dims(2, 2, 2, 3).file(new byte[24])),
                "is a series of 3 volumes"));
        c.add(new Damage("lonely.hdr", f -> {
            NiftiBytes h = new NiftiBytes().dims(2, 2);
            h.magic = "ni1";
            h.voxOffset = 0;
            Files.write(f, Arrays.copyOf(h.header(), 348));
        }, "its data file lonely.img does not exist"));
        c.add(new Damage("short.nii", f -> Files.write(f, new byte[100]), "too short for a NIfTI-1 header"));
        // ---- MetaImage
        c.add(new Damage("nodims.mha", f -> Files.writeString(f, "NDims = 2\nElementType = MET_UCHAR\n"
                + "ElementDataFile = LOCAL\n"), "header has no DimSize"));
        c.add(new Damage("noraw.mhd", f -> Files.writeString(f, "NDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\n"
                + "ElementDataFile = missing.raw\n"), "its data file missing.raw does not exist in "));
        c.add(new Damage("badtype.mha", f -> Files.writeString(f, "NDims = 2\nDimSize = 1 1\nElementType = MET_FOO\n"
                + "ElementDataFile = LOCAL\n"), "unsupported ElementType MET_FOO"));
        c.add(new Damage("sevendims.mha", f -> Files.writeString(f, "NDims = 7\nDimSize = 2 2 2 2 2 2 2\n"
                + "ElementType = MET_UCHAR\nElementDataFile = LOCAL\n"), "only 2D and 3D images are read"));
        c.add(new Damage("hugedims.mhd", f -> Files.writeString(f, "NDims = 3\nDimSize = 100000 100000 100000\n"
                + "ElementType = MET_FLOAT\nElementDataFile = hugedims.raw\n"), "a Java array holds"));
        c.add(new Damage("negspacing.mha", f -> Files.writeString(f, "NDims = 2\nDimSize = 1 1\n"
                + "ElementSpacing = -1 1\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n"),
                "the voxel spacing along x must be a positive number"));
        c.add(new Damage("shortraw.mhd", f -> {
            Files.writeString(f, "NDims = 2\nDimSize = 100 100\nElementType = MET_SHORT\n"
                    + "ElementDataFile = shortraw.raw\n");
            Files.write(f.resolveSibling("shortraw.raw"), new byte[5000]);
        }, "header declares 100x100 int16 voxels (20000 bytes) but the data file shortraw.raw holds only 5000 bytes"));
        c.add(new Damage("shortlocal.mha", f -> Files.writeString(f, "NDims = 2\nDimSize = 10 10\n"
                + "ElementType = MET_UCHAR\nElementDataFile = LOCAL\n" + "x".repeat(30)),
                "but the file holds only 30 bytes after the header"));
        c.add(new Damage("corrupt.mhd", f -> {
            Files.writeString(f, "NDims = 2\nDimSize = 64 64\nElementType = MET_UCHAR\nCompressedData = True\n"
                    + "ElementDataFile = corrupt.zraw\n");
            byte[] z = deflate(new byte[64 * 64]);
            for (int i = 2; i < z.length; i++) {
                z[i] = (byte) (z[i] ^ 0x5a);
            }
            Files.write(f.resolveSibling("corrupt.zraw"), z);
        }, "corrupt data in the zlib stream of corrupt.zraw"));
        c.add(new Damage("cutzraw.mhd", f -> {
            Files.writeString(f, "NDims = 2\nDimSize = 64 64\nElementType = MET_FLOAT\nCompressedData = True\n"
                    + "ElementDataFile = cutzraw.zraw\n");
            byte[] noise = new byte[64 * 64 * 4];
            new Random(1).nextBytes(noise);
            byte[] z = deflate(noise);
            Files.write(f.resolveSibling("cutzraw.zraw"), Arrays.copyOf(z, z.length / 2));
        }, "file is truncated: the zlib stream of cutzraw.zraw ends early"));
        c.add(new Damage("binary.mha", f -> {
            byte[] junk = new byte[2000];
            new Random(7).nextBytes(junk);
            junk[0] = 1;
            Files.write(f, junk);
        }, "not a MetaImage header"));
        // ---- everything else
        c.add(new Damage("noise.png", f -> {
            byte[] junk = new byte[4096];
            new Random(3).nextBytes(junk);
            Files.write(f, junk);
        }, "not an image this program reads"));
        c.add(new Damage("halfpng.png", f -> {
            byte[] png = Files.readAllBytes(Tolerances.testData("BrainProtonDensitySlice.png"));
            Files.write(f, Arrays.copyOf(png, png.length / 2));
        }, "cannot be decoded as PNG: the file is damaged or truncated"));
        c.add(new Damage("cut.tif", f -> {
            Grid g = Grid.of(32, 32, 4);
            ImageFiles.write(f, new ImageData(g, new float[][] {new float[g.voxelCount()]}, PixelType.FLOAT32));
            byte[] all = Files.readAllBytes(f);
            Files.write(f, Arrays.copyOf(all, all.length / 2));
        }, "file is truncated"));
        c.add(new Damage("empty.nii.gz", f -> Files.write(f, new byte[0]), "is empty (0 bytes)"));
        c.add(new Damage("folder.nii", Files::createDirectory, "is a folder, not an image file"));
        c.add(new Damage("absent.mha", f -> { }, "no such file"));
        return c;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    @Test
    void aHeaderNeedingMoreMemoryThanTheHeapIsRefusedBeforeAllocating() {
        Path f = dir.resolve("big.nii");
        long max = Runtime.getRuntime().maxMemory();
        long side = (long) Math.ceil(Math.cbrt(max / 4.0 * 1.5)); // 1.5 times the heap as floats
        long[] dims = {side, side, side};
        assertRefused(f, "this Java process may use", () -> HeaderChecks.checkMemory(f, dims, 1, PixelType.UINT8));
    }

    @Test
    void aBigEndianHeaderIsJudgedLikeALittleEndianOne() throws Exception {
        NiftiBytes h = new NiftiBytes().dims(64, 64);
        h.order = ByteOrder.BIG_ENDIAN;
        Path f = dir.resolve("be.nii");
        Files.write(f, Arrays.copyOf(h.file(new byte[0]), 352 + 10));
        assertRefused(f, "header declares 64x64 uint8 voxels (4096 bytes) but the file holds only 10 bytes",
                () -> ImageFiles.read(f));
    }
}
