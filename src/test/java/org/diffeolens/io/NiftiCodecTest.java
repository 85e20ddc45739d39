package org.diffeolens.io;

import static org.diffeolens.io.TestImages.GEOMETRY_TOL;
import static org.diffeolens.io.TestImages.assertSameChannels;
import static org.diffeolens.io.TestImages.assertSameGeometry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.diffeolens.Tolerances;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Matrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NiftiCodecTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = "RGB24", mode = EnumSource.Mode.EXCLUDE)
    void everyWritableTypeRoundTripsExactlyThroughNiiAndNiiGz(PixelType type) throws Exception {
        Grid grid = TestImages.rotatedGrid3();
        float[] values = TestImages.valuesFor(type, grid.voxelCount());
        ImageData data = new ImageData(grid, new float[][] {values}, PixelType.FLOAT32);
        for (String name : new String[] {"a.nii", "a.nii.gz"}) {
            Path f = dir.resolve(name);
            NiftiCodec.write(f, data, type, List.of());
            ImageData back = NiftiCodec.read(f);
            assertEquals(type, back.storedType(), name);
            assertArrayEquals(values, back.channels()[0], name);
            assertSameGeometry(grid, back.grid(), GEOMETRY_TOL);
        }
    }

    @Test
    void integerTypesAreRoundedAndClampedOnWrite() throws Exception {
        Grid grid = Grid.of(6, 2);
        float[] v = {1.4f, 1.6f, -3f, 300f, Float.NaN, 254.5f, 0, 0, 0, 0, 0, 0};
        Path f = dir.resolve("c.nii");
        NiftiCodec.write(f, new ImageData(grid, new float[][] {v}, PixelType.FLOAT32), PixelType.UINT8, List.of());
        float[] back = NiftiCodec.read(f).channels()[0];
        // rint rounds halves to even: 254.5 -> 254.
        assertArrayEquals(new float[] {1, 2, 0, 255, 0, 254}, Arrays.copyOf(back, 6));
        NiftiCodec.write(f, new ImageData(grid, new float[][] {v}, PixelType.FLOAT32), PixelType.INT8, List.of());
        assertArrayEquals(new float[] {1, 2, -3, 127, 0, 127}, Arrays.copyOf(NiftiCodec.read(f).channels()[0], 6));
    }

    /** One datatype written by hand: code, bits, the stored values and the floats they must read as. */
    private record Case(int code, int bits, PixelType type, double[] stored, float[] expected) {
    }

    private static List<Case> datatypeCases() {
        return List.of(
                new Case(2, 8, PixelType.UINT8, new double[] {0, 1, 200, 255}, new float[] {0, 1, 200, 255}),
                new Case(256, 8, PixelType.INT8, new double[] {-128, -1, 0, 127}, new float[] {-128, -1, 0, 127}),
                new Case(4, 16, PixelType.INT16, new double[] {-32768, -2, 300, 32767},
                        new float[] {-32768, -2, 300, 32767}),
                new Case(512, 16, PixelType.UINT16, new double[] {0, 1, 40000, 65535},
                        new float[] {0, 1, 40000, 65535}),
                new Case(8, 32, PixelType.INT32, new double[] {-2147483648.0, -5, 70000, 16777216},
                        new float[] {-2147483648f, -5, 70000, 16777216}),
                new Case(768, 32, PixelType.UINT32, new double[] {0, 3, 4294967040.0, 16777215},
                        new float[] {0, 3, 4294967040f, 16777215}),
                new Case(16, 32, PixelType.FLOAT32, new double[] {-1.5, 0, 3.25e10, 1e-30},
                        new float[] {-1.5f, 0, 3.25e10f, 1e-30f}),
                new Case(64, 64, PixelType.FLOAT64, new double[] {-2.5, 0.125, 1e30, Math.PI},
                        new float[] {-2.5f, 0.125f, (float) 1e30, (float) Math.PI}),
                // RGB24: 3 bytes a voxel, read as luminance 0.299 R + 0.587 G + 0.114 B.
                new Case(128, 24, PixelType.RGB24, new double[] {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30},
                        new float[] {(float) 76.245, (float) 149.685, (float) 29.07,
                            (float) (0.299 * 10 + 0.587 * 20 + 0.114 * 30)}));
    }

    private static byte[] encode(Case c, ByteOrder order) {
        // RGB24 lists its three bytes a voxel one by one; other types list one value a voxel.
        int bytesPerValue = c.type() == PixelType.RGB24 ? 1 : c.bits() / 8;
        ByteBuffer b = ByteBuffer.allocate(c.stored().length * bytesPerValue).order(order);
        for (double v : c.stored()) {
            switch (c.type()) {
                case UINT8, INT8, RGB24 -> b.put((byte) (long) v);
                case UINT16, INT16 -> b.putShort((short) (long) v);
                case UINT32, INT32 -> b.putInt((int) (long) v);
                case FLOAT32 -> b.putFloat((float) v);
                case FLOAT64 -> b.putDouble(v);
            }
        }
        return b.array();
    }

    @Test
    void everyDatatypeReadsInBothByteOrders() throws Exception {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (Case c : datatypeCases()) {
                NiftiBytes h = new NiftiBytes().dims(2, 2).type(c.code(), c.bits());
                h.order = order;
                String what = c.type() + " " + order;
                Path f = dir.resolve(c.type() + "-" + order + ".nii");
                Files.write(f, h.file(encode(c, order)));
                ImageData d = NiftiCodec.read(f);
                assertEquals(c.type(), d.storedType(), what);
                assertArrayEquals(c.expected(), d.channels()[0], what);
                Path gz = dir.resolve(c.type() + "-" + order + ".nii.gz");
                Files.write(gz, NiftiBytes.gzip(h.file(encode(c, order))));
                assertArrayEquals(c.expected(), NiftiCodec.read(gz).channels()[0], what + " gz");
            }
        }
    }

    @Test
    void sclSlopeAndInterceptScaleValuesAndZeroSlopeMeansNone() throws Exception {
        byte[] data = {0, 10, (byte) 200, (byte) 255};
        NiftiBytes h = new NiftiBytes().dims(2, 2);
        h.sclSlope = 0.5f;
        h.sclInter = -10f;
        Path f = dir.resolve("scaled.nii");
        Files.write(f, h.file(data));
        ImageData d = NiftiCodec.read(f);
        assertArrayEquals(new float[] {-10, -5, 90, 117.5f}, d.channels()[0]);
        assertEquals(PixelType.UINT8, d.storedType());
        h.sclSlope = 0;
        Files.write(f, h.file(data));
        assertArrayEquals(new float[] {0, 10, 200, 255}, NiftiCodec.read(f).channels()[0]);
    }

    @Test
    void voxOffsetBeyondTheHeaderIsHonoured() throws Exception {
        NiftiBytes h = new NiftiBytes().dims(2, 1);
        h.voxOffset = 400;
        Path f = dir.resolve("offset.nii");
        Files.write(f, h.file(new byte[] {7, 9}));
        assertArrayEquals(new float[] {7, 9}, NiftiCodec.read(f).channels()[0]);
    }

    @Test
    void rotated3dGeometrySurvivesSformQformAndMethod1Paths() throws Exception {
        Grid grid = TestImages.rotatedGrid3();
        ImageData data = new ImageData(grid, new float[][] {new float[grid.voxelCount()]}, PixelType.FLOAT32);
        Path f = dir.resolve("g.nii");
        NiftiCodec.write(f, data, PixelType.FLOAT32, List.of());
        assertSameGeometry(grid, NiftiCodec.read(f).grid(), GEOMETRY_TOL);

        setCodes(f, 1, 0); // qform only
        ImageData q = NiftiCodec.read(f);
        assertSameGeometry(grid, q.grid(), GEOMETRY_TOL);
        assertEquals(1, q.qformCode());
        assertEquals(0, q.sformCode());

        setCodes(f, 0, 2); // sform only, code kept
        ImageData s = NiftiCodec.read(f);
        assertSameGeometry(grid, s.grid(), GEOMETRY_TOL);
        assertEquals(2, s.sformCode());

        setCodes(f, 0, 0); // NIfTI method 1: diag(pixdim) in RAS = diag(-1, -1, 1) in LPS, origin 0
        Grid plain = NiftiCodec.read(f).grid();
        assertArrayEquals(grid.spacing(), plain.spacing(), 1e-6);
        assertArrayEquals(new double[3], plain.origin(), 0);
        assertArrayEquals(new double[] {-1, 0, 0, 0, -1, 0, 0, 0, 1}, plain.direction(), 0);
    }

    @Test
    void reflectedDirectionUsesQfacAndSurvivesTheQform() throws Exception {
        double[] mirrorZ = {1, 0, 0, 0, 1, 0, 0, 0, -1};
        double[] reflect = Matrices.multiply(TestImages.rotation(0.1, 0.2, 0.3), mirrorZ, 3, 3, 3);
        Grid grid = TestImages.rotatedGrid3().withDirection(reflect);
        Path f = dir.resolve("r.nii");
        NiftiCodec.write(f, new ImageData(grid, new float[][] {new float[grid.voxelCount()]}, PixelType.FLOAT32),
                PixelType.FLOAT32, List.of());
        setCodes(f, 1, 0);
        assertSameGeometry(grid, NiftiCodec.read(f).grid(), GEOMETRY_TOL);
    }

    @Test
    void twoDimensionalGridSurvivesSformAndQform() throws Exception {
        for (double[] dir2 : new double[][] {TestImages.rotation2(0.4), {1, 0, 0, -1}, {-1, 0, 0, -1}}) {
            Grid grid = TestImages.rotatedGrid2().withDirection(dir2);
            float[] v = TestImages.ramp(grid.voxelCount(), -5, 5, false);
            Path f = dir.resolve("two.nii.gz");
            ImageData data = new ImageData(grid, new float[][] {v}, PixelType.FLOAT32);
            NiftiCodec.write(f, data, PixelType.FLOAT32, List.of());
            ImageData back = NiftiCodec.read(f);
            assertEquals(2, back.grid().dim());
            assertSameGeometry(grid, back.grid(), GEOMETRY_TOL);
            assertArrayEquals(v, back.channels()[0]);
            Path plain = dir.resolve("two.nii");
            Files.write(plain, gunzip(f));
            setCodes(plain, 1, 0);
            assertSameGeometry(grid, NiftiCodec.read(plain).grid(), GEOMETRY_TOL);
        }
    }

    @Test
    void vectorFieldsAreWrittenAs5dWithIntentVector() throws Exception {
        for (Grid grid : new Grid[] {TestImages.rotatedGrid2(), TestImages.rotatedGrid3()}) {
            int d = grid.dim();
            float[][] comps = new float[d][];
            for (int c = 0; c < d; c++) {
                comps[c] = TestImages.ramp(grid.voxelCount(), -c - 1.5, c + 2.25, false);
            }
            Path f = dir.resolve("field" + d + ".nii");
            NiftiCodec.write(f, new ImageData(grid, comps, PixelType.FLOAT32), PixelType.FLOAT32, List.of());
            ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(5, h.getShort(40), "dim[0]");
            assertEquals(d == 3 ? grid.size(2) : 1, h.getShort(46), "dim[3]");
            assertEquals(1, h.getShort(48), "dim[4]");
            assertEquals(d, h.getShort(50), "dim[5]");
            assertEquals(1007, h.getShort(68), "intent_code");
            ImageData back = NiftiCodec.read(f);
            assertSameChannels(comps, back.channels());
            assertSameGeometry(grid, back.grid(), GEOMETRY_TOL);
            assertEquals(d, back.asVector(f).dim());
        }
    }

    @Test
    void analyzeStylePairIsReadFromTheImgBesideTheHdr() throws Exception {
        NiftiBytes h = new NiftiBytes().dims(3, 2).type(4, 16);
        h.magic = "ni1";
        h.voxOffset = 0;
        h.order = ByteOrder.BIG_ENDIAN;
        h.pixdim[1] = 0.5f;
        h.pixdim[2] = 2f;
        Files.write(dir.resolve("pair.hdr"), Arrays.copyOf(h.header(), 348));
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        for (short s : new short[] {-1, 2, 300, -400, 5, 32767}) {
            data.putShort(s);
        }
        Files.write(dir.resolve("pair.img"), data.array());
        ImageData d = NiftiCodec.read(dir.resolve("pair.hdr"));
        assertArrayEquals(new float[] {-1, 2, 300, -400, 5, 32767}, d.channels()[0]);
        assertArrayEquals(new double[] {0.5, 2}, d.grid().spacing(), 0);
    }

    @Test
    void spatialUnitsInMetresOrMicronsBecomeMillimetres() throws Exception {
        NiftiBytes h = new NiftiBytes().dims(2, 2);
        h.pixdim[1] = 0.002f;
        h.pixdim[2] = 0.003f;
        h.xyztUnits = 1; // metres
        Path f = dir.resolve("metres.nii");
        Files.write(f, h.file(new byte[4]));
        assertArrayEquals(new double[] {2, 3}, NiftiCodec.read(f).grid().spacing(), 1e-6);
        h.pixdim[1] = 500f;
        h.pixdim[2] = 250f;
        h.xyztUnits = 3; // microns
        Files.write(f, h.file(new byte[4]));
        assertArrayEquals(new double[] {0.5, 0.25}, NiftiCodec.read(f).grid().spacing(), 1e-9);
    }

    /**
     * The ITK-written 3D T1 volume. Reference numbers from nibabel 5.0.0:
     * {@code python3 -c "import nibabel as n; i=n.load('KmeansTest_T1UCharRaw.nii.gz'); d=i.get_fdata();
     * print(i.header['datatype'], d.min(), d.max(), repr(d.mean()), d[64,64,31], i.affine)"}
     * gives datatype 4 (int16, although the name says UChar), 0, 255, 19.229813114289314, 97 and the
     * RAS affine [[-2,0,0,0],[0,0,3,-254],[0,2,0,0]].
     */
    @Test
    void readsItkKmeansT1Volume() throws Exception {
        Path f = Tolerances.testData("KmeansTest_T1UCharRaw.nii.gz");
        ImageData d = NiftiCodec.read(f);
        Grid g = d.grid();
        assertArrayEquals(new int[] {128, 128, 62}, g.size());
        assertArrayEquals(new double[] {2, 2, 3}, g.spacing(), 0);
        assertEquals(PixelType.INT16, d.storedType());
        assertEquals(2, d.qformCode());
        assertEquals(1, d.sformCode());
        double[] s = TestImages.stats(d.channels()[0]);
        assertEquals(0, s[0], 0);
        assertEquals(255, s[1], 0);
        assertEquals(19.229813114289314, s[2], 19.229813114289314 * 1e-6);
        assertEquals(97, d.channels()[0][g.index(64, 64, 31)], 0);
        // LPS = diag(-1, -1, 1) RAS: columns (1,0,0), (0,0,1), (0,-1,0); origin (0, 254, 0).
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, -1, 0, 1, 0}, g.direction(), 1e-12);
        assertArrayEquals(new double[] {0, 254, 0}, g.origin(), 1e-12);
    }

    private static void setCodes(Path f, int qform, int sform) throws IOException {
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort(252, (short) qform);
        bb.putShort(254, (short) sform);
        Files.write(f, b);
    }

    private static byte[] gunzip(Path f) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            return in.readAllBytes();
        }
    }
}
