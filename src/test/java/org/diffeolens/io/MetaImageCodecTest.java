package org.diffeolens.io;

import static org.diffeolens.io.TestImages.assertSameChannels;
import static org.diffeolens.io.TestImages.assertSameGeometry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.diffeolens.Tolerances;
import org.diffeolens.field.Grid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MetaImageCodecTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = "RGB24", mode = EnumSource.Mode.EXCLUDE)
    void everyTypeRoundTripsExactlyThroughMhaMhdAndCompressedData(PixelType type) throws Exception {
        for (Grid grid : new Grid[] {TestImages.rotatedGrid3(), TestImages.rotatedGrid2()}) {
            float[] values = TestImages.valuesFor(type, grid.voxelCount());
            ImageData data = new ImageData(grid, new float[][] {values}, PixelType.FLOAT32);
            for (String name : new String[] {"a.mha", "b.mhd"}) {
                for (boolean compressed : new boolean[] {false, true}) {
                    Path f = dir.resolve(name);
                    MetaImageCodec.write(f, data, type, compressed, List.of());
                    ImageData back = MetaImageCodec.read(f);
                    String what = name + " compressed=" + compressed + " " + grid.dim() + "D";
                    assertEquals(type, back.storedType(), what);
                    assertArrayEquals(values, back.channels()[0], what);
                    // MetaImage stores geometry as decimal text of doubles: exact.
                    assertSameGeometry(grid, back.grid(), 1e-15);
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("a.mha", "b.mhd", "b.raw", "b.zraw"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void channelsAreInterleavedPerVoxel() throws Exception {
        Grid grid = Grid.of(2, 1);
        float[][] comps = {{1, 2}, {10, 20}};
        Path f = dir.resolve("v.mhd");
        MetaImageCodec.write(f, new ImageData(grid, comps, PixelType.FLOAT32), PixelType.FLOAT32, false, List.of());
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("v.raw"))).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new float[] {1, 10, 2, 20},
                new float[] {raw.getFloat(0), raw.getFloat(4), raw.getFloat(8), raw.getFloat(12)});
        assertTrue(Files.readString(f).contains("ElementNumberOfChannels = 2\n"));
        assertSameChannels(comps, MetaImageCodec.read(f).channels());
    }

    @Test
    void vectorFieldRoundTripsWithItsGeometry() throws Exception {
        Grid grid = TestImages.rotatedGrid3();
        float[][] comps = new float[3][];
        for (int c = 0; c < 3; c++) {
            comps[c] = TestImages.ramp(grid.voxelCount(), -1 - c, 2 + c, false);
        }
        Path f = dir.resolve("field.mha");
        MetaImageCodec.write(f, new ImageData(grid, comps, PixelType.FLOAT32), PixelType.FLOAT32, true, List.of());
        ImageData back = MetaImageCodec.read(f);
        assertSameChannels(comps, back.channels());
        assertSameGeometry(grid, back.grid(), 1e-15);
    }

    @Test
    void transformMatrixListsTheDirectionOfEachVoxelAxisInTurn() throws Exception {
        // The convention of ITK's file BrainProtonDensitySliceBorder20DirectionPlus30.mhd: a rotation by
        // +30 degrees is written "0.866 0.5 -0.5 0.866", i.e. axis x points to (cos, sin).
        Grid grid = Grid.of(3, 2).withDirection(TestImages.rotation2(Math.toRadians(30)));
        Path f = dir.resolve("rot.mhd");
        MetaImageCodec.write(f, new ImageData(grid, new float[][] {new float[6]}, PixelType.FLOAT32),
                PixelType.UINT8, false, List.of());
        String header = Files.readString(f);
        String line = header.lines().filter(l -> l.startsWith("TransformMatrix")).findFirst().orElseThrow();
        String[] v = line.substring(line.indexOf('=') + 1).trim().split(" ");
        assertEquals(Math.cos(Math.PI / 6), Double.parseDouble(v[0]), 1e-15);
        assertEquals(0.5, Double.parseDouble(v[1]), 1e-15);
        assertEquals(-0.5, Double.parseDouble(v[2]), 1e-15);
        assertEquals(Math.cos(Math.PI / 6), Double.parseDouble(v[3]), 1e-15);
        assertTrue(header.endsWith("ElementDataFile = rot.raw\n"), header);
    }

    @Test
    void readsBigEndianDataAndKeyAliases() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(16 + 8).order(ByteOrder.BIG_ENDIAN);
        data.position(16); // HeaderSize = 16 bytes to skip in the data file
        for (short s : new short[] {-2, 1000, 32767, -32768}) {
            data.putShort(s);
        }
        Files.write(dir.resolve("be.dat"), data.array());
        String header = String.join("\n", "ObjectType = Image", "NDims = 2", "DimSize = 2 2",
                "ElementSize = 0.5 4", "Origin = 1 -2", "Rotation = 0 1 -1 0", "ElementByteOrderMSB = True",
                "HeaderSize = 16", "ElementType = MET_SHORT", "ElementDataFile = be.dat", "");
        Path f = dir.resolve("be.mhd");
        Files.writeString(f, header);
        ImageData d = MetaImageCodec.read(f);
        assertArrayEquals(new float[] {-2, 1000, 32767, -32768}, d.channels()[0]);
        assertArrayEquals(new double[] {0.5, 4}, d.grid().spacing(), 0);
        assertArrayEquals(new double[] {1, -2}, d.grid().origin(), 0);
        // axis x along (0, 1), axis y along (-1, 0): columns of the direction.
        assertArrayEquals(new double[] {0, -1, 1, 0}, d.grid().direction(), 0);
    }

    @Test
    void headerSizeMinusOneMeansTheDataEndsTheFile() throws Exception {
        byte[] data = {99, 99, 99, 1, 2, 3, 4, 5, 6};
        Files.write(dir.resolve("tail.raw"), data);
        Path f = dir.resolve("tail.mhd");
        Files.writeString(f, "NDims = 2\nDimSize = 3 2\nHeaderSize = -1\nElementType = MET_UCHAR\n"
                + "ElementDataFile = tail.raw\n");
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, MetaImageCodec.read(f).channels()[0]);
    }

    @Test
    void trailingAxesOfSizeOneAreDropped() throws Exception {
        Path f = dir.resolve("flat.mha");
        byte[] head = ("NDims = 4\nDimSize = 3 2 1 1\nElementSpacing = 2 3 4 5\nOffset = 1 2 3 4\n"
                + "ElementType = MET_CHAR\nElementDataFile = LOCAL\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + 6];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(new byte[] {-1, -2, -3, 4, 5, 6}, 0, all, head.length, 6);
        Files.write(f, all);
        ImageData d = MetaImageCodec.read(f);
        assertArrayEquals(new int[] {3, 2}, d.grid().size());
        assertArrayEquals(new double[] {2, 3}, d.grid().spacing(), 0);
        assertArrayEquals(new double[] {1, 2}, d.grid().origin(), 0);
        assertArrayEquals(new float[] {-1, -2, -3, 4, 5, 6}, d.channels()[0]);
    }

    /**
     * ITK's RatLungSlice1 (an .mha header with a detached .raw). Reference numbers from
     * {@code numpy.fromfile('RatLungSlice1.raw', numpy.uint8)}: min 0, max 255, mean
     * 52.32891845703125, and 2 at x = 5, y = 7.
     */
    @Test
    void readsItkRatLungSlice() throws Exception {
        ImageData d = MetaImageCodec.read(Tolerances.testData("RatLungSlice1.mha"));
        assertArrayEquals(new int[] {128, 128}, d.grid().size());
        assertArrayEquals(new double[] {1, 1}, d.grid().spacing(), 0);
        assertEquals(PixelType.UINT8, d.storedType());
        double[] s = TestImages.stats(d.channels()[0]);
        assertArrayEquals(new double[] {0, 255}, new double[] {s[0], s[1]}, 0);
        assertEquals(52.32891845703125, s[2], 52.32891845703125 * 1e-6);
        assertEquals(2, d.channels()[0][d.grid().index(5, 7)], 0);
    }

    /**
     * ITK's zlib-compressed slice with TransformMatrix = 0.8660254 0.5 -0.5 0.8660254: a rotation by
     * +30 degrees. Reference statistics from {@code numpy.frombuffer(zlib.decompress(...), numpy.uint8)}:
     * min 1, max 249, mean 85.60144021691286.
     */
    @Test
    void readsItkCompressedSliceWithRotatedDirection() throws Exception {
        ImageData d = MetaImageCodec.read(Tolerances.testData("BrainProtonDensitySliceBorder20DirectionPlus30.mhd"));
        Grid g = d.grid();
        assertArrayEquals(new int[] {221, 257}, g.size());
        double c = 0.8660254;
        assertArrayEquals(new double[] {c, -0.5, 0.5, c}, g.direction(), 1e-15);
        // The +30 degree rotation: voxel axis x points to (cos 30, sin 30) in the world.
        double[] x1 = g.indexToPhysical(new double[] {1, 0});
        assertArrayEquals(new double[] {Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)}, x1, 1e-7);
        double[] s = TestImages.stats(d.channels()[0]);
        assertArrayEquals(new double[] {1, 249}, new double[] {s[0], s[1]}, 0);
        assertEquals(85.60144021691286, s[2], 85.60144021691286 * 1e-6);
    }

    @Test
    void readsItkShiftedSliceWithDetachedRaw() throws Exception {
        ImageData d = MetaImageCodec.read(Tolerances.testData("BrainProtonDensitySliceShifted13x17y.mhd"));
        assertArrayEquals(new int[] {221, 257}, d.grid().size());
        assertArrayEquals(new double[] {1, 0, 0, 1}, d.grid().direction(), 0);
        double[] s = TestImages.stats(d.channels()[0]);
        // numpy on the .raw: min 1, max 249, mean 85.60144021691286 (the shift moves border pixels only).
        assertArrayEquals(new double[] {1, 249}, new double[] {s[0], s[1]}, 0);
        assertEquals(85.60144021691286, s[2], 85.60144021691286 * 1e-6);
    }
}
