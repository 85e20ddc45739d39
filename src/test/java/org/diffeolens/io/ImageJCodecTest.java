package org.diffeolens.io;

import static org.diffeolens.io.TestImages.assertSameChannels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;
import java.nio.file.Path;
import java.util.List;
import org.diffeolens.Tolerances;
import org.diffeolens.field.Grid;
import org.diffeolens.field.Matrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageJCodecTest {

    @TempDir
    Path dir;

    /**
     * ITK's 8-bit palette PNG whose palette is the gray ramp. Reference numbers from decoding the
     * PNG's IDAT with Python's zlib and the PNG filters by hand: min 0, max 251, mean
     * 123.7392621636072, 236 at (x 100, y 120) and 183 at (50, 60).
     */
    @Test
    void readsGrayPalettePngAsItsGrayLevels() throws Exception {
        ImageData d = ImageJCodec.read(Tolerances.testData("BrainProtonDensitySlice.png"));
        Grid g = d.grid();
        assertArrayEquals(new int[] {181, 217}, g.size());
        assertArrayEquals(new double[] {1, 1}, g.spacing(), 0);
        assertArrayEquals(new double[] {0, 0}, g.origin(), 0);
        assertEquals(PixelType.UINT8, d.storedType());
        float[] v = d.channels()[0];
        double[] s = TestImages.stats(v);
        assertArrayEquals(new double[] {0, 251}, new double[] {s[0], s[1]}, 0);
        assertEquals(123.7392621636072, s[2], 123.7392621636072 * 1e-6);
        assertEquals(236, v[g.index(100, 120)], 0);
        assertEquals(183, v[g.index(50, 60)], 0);
    }

    /** An 8-bit grayscale (not palette) PNG; same reference method: mean 85.34063418842544, 225 at (100, 120). */
    @Test
    void readsGrayscalePng() throws Exception {
        ImageData d = ImageJCodec.read(Tolerances.testData("BrainProtonDensitySliceBSplined10.png"));
        assertArrayEquals(new int[] {221, 257}, d.grid().size());
        double[] s = TestImages.stats(d.channels()[0]);
        assertArrayEquals(new double[] {0, 245}, new double[] {s[0], s[1]}, 0);
        assertEquals(85.34063418842544, s[2], 85.34063418842544 * 1e-6);
        assertEquals(225, d.channels()[0][d.grid().index(100, 120)], 0);
    }

    /** An RGB PNG with equal channels: luminance equals the gray level (min 0, max 214, mean 68.07933396135142). */
    @Test
    void readsRgbPngAsLuminance() throws Exception {
        ImageData d = ImageJCodec.read(Tolerances.testData("BrainT1Slice.png"));
        assertEquals(PixelType.RGB24, d.storedType());
        assertEquals(1, d.channelCount());
        double[] s = TestImages.stats(d.channels()[0]);
        assertArrayEquals(new double[] {0, 214}, new double[] {s[0], s[1]}, 1e-4);
        assertEquals(68.07933396135142, s[2], 68.07933396135142 * 1e-6);
        assertEquals(51, d.channels()[0][d.grid().index(100, 120)], 1e-4);
    }

    @Test
    void theShiftedMetaImageIsThePngShiftedBy13And17Pixels() throws Exception {
        ImageData png = ImageJCodec.read(Tolerances.testData("BrainProtonDensitySliceBorder20.png"));
        ImageData shifted = MetaImageCodec.read(Tolerances.testData("BrainProtonDensitySliceShifted13x17y.mhd"));
        ImageData rotated =
                MetaImageCodec.read(Tolerances.testData("BrainProtonDensitySliceBorder20DirectionPlus30.mhd"));
        Grid g = png.grid();
        assertArrayEquals(g.size(), shifted.grid().size());
        float[] a = png.channels()[0];
        float[] b = shifted.channels()[0];
        int compared = 0;
        for (int y = 17; y < g.size(1); y++) {
            for (int x = 13; x < g.size(0); x++) {
                assertEquals(a[g.index(x - 13, y - 17)], b[g.index(x, y)], 0, "at " + x + "," + y);
                compared++;
            }
        }
        assertEquals((221 - 13) * (257 - 17), compared);
        // The compressed, rotated file holds the same pixels as the bordered PNG.
        assertArrayEquals(a, rotated.channels()[0]);
    }

    @Test
    void tiffRoundTripKeepsValuesSpacingAndOriginIn2dAnd3d() throws Exception {
        Grid g3 = new Grid(new int[] {5, 4, 3}, new double[] {0.8, 1.25, 2.5}, new double[] {-12.5, 30.25, 7.75},
                Matrices.identity(3));
        Grid g2 = new Grid(new int[] {6, 5}, new double[] {0.3, 2.5}, new double[] {4, -1.5},
                Matrices.identity(2));
        for (Grid g : new Grid[] {g3, g2}) {
            for (PixelType type : new PixelType[] {PixelType.FLOAT32, PixelType.UINT8, PixelType.UINT16}) {
                float[] v = type == PixelType.FLOAT32 ? TestImages.ramp(g.voxelCount(), -3.5, 1e4, false)
                        : TestImages.valuesFor(type, g.voxelCount());
                Path f = dir.resolve("t.tif");
                ImageJCodec.writeTiff(f, new ImageData(g, new float[][] {v}, PixelType.FLOAT32), type, List.of());
                ImageData back = ImageJCodec.read(f);
                String what = g.dim() + "D " + type;
                assertEquals(type, back.storedType(), what);
                assertArrayEquals(v, back.channels()[0], what);
                assertArrayEquals(g.size(), back.grid().size(), what);
                for (int a = 0; a < g.dim(); a++) {
                    double s = g.spacing(a);
                    // TIFF keeps x and y resolution as rationals n / 1e6 pixels per unit, truncated:
                    // 1/s is off by up to 1e-6, so s by up to s^2 * 1e-6 (and the origin by as much relatively).
                    double tol = s * s * 1e-6 + Tolerances.DOUBLE_ROUNDOFF;
                    assertEquals(s, back.grid().spacing(a), tol, what + " spacing " + a);
                    assertEquals(g.origin()[a], back.grid().origin()[a], Math.abs(g.origin()[a]) * s * 1e-6 + 1e-12,
                            what + " origin " + a);
                }
            }
        }
    }

    @Test
    void hyperstackChannelsRoundTripThroughTiff() throws Exception {
        Grid g = Grid.of(new int[] {4, 3, 2}, new double[] {1, 1, 2});
        float[][] comps = {TestImages.ramp(24, -1, 1, false), TestImages.ramp(24, 5, 50, false),
            TestImages.ramp(24, 0, 0.5, false)};
        Path f = dir.resolve("field.tiff");
        ImageJCodec.writeTiff(f, new ImageData(g, comps, PixelType.FLOAT32), PixelType.FLOAT32, List.of());
        ImageData back = ImageJCodec.read(f);
        assertArrayEquals(g.size(), back.grid().size());
        assertSameChannels(comps, back.channels());
    }

    @Test
    void imagePlusConversionKeepsCalibrationExactly() throws Exception {
        Grid g = new Grid(new int[] {3, 2, 2}, new double[] {0.7, 1.3, 2.9}, new double[] {1.1, -2.2, 3.3},
                Matrices.identity(3));
        float[][] comps = {TestImages.ramp(12, -1, 1, false), TestImages.ramp(12, 7, 9, false)};
        ImagePlus imp = ImageJCodec.toImagePlus(new ImageData(g, comps, PixelType.FLOAT32), "field");
        assertEquals(2, imp.getNChannels());
        assertEquals(2, imp.getNSlices());
        assertEquals("mm", imp.getCalibration().getUnit());
        ImageData back = ImageJCodec.fromImagePlus(imp, "field");
        assertSameChannels(comps, back.channels());
        TestImages.assertSameGeometry(g, back.grid(), 1e-15);
    }

    @Test
    void calibrationUnitsAreConvertedToMillimetres() throws Exception {
        ImagePlus imp = new ImagePlus("um", new ByteProcessor(2, 2));
        Calibration cal = imp.getCalibration();
        cal.setUnit("micron");
        cal.pixelWidth = 500;
        cal.pixelHeight = 250;
        cal.xOrigin = 2; // pixels
        ImageData d = ImageJCodec.fromImagePlus(imp, "um.tif");
        assertArrayEquals(new double[] {0.5, 0.25}, d.grid().spacing(), 1e-12);
        assertArrayEquals(new double[] {-1, 0}, d.grid().origin(), 1e-12);
        cal.setUnit("pixel");
        assertArrayEquals(new double[] {1, 1}, ImageJCodec.fromImagePlus(imp, "px.tif").grid().spacing(), 0);
    }

    @Test
    void colourPaletteBecomesLuminanceAndSigned16BitIsShifted() throws Exception {
        byte[] r = new byte[256];
        byte[] gr = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) (i * 37);
            gr[i] = (byte) (255 - i);
            b[i] = (byte) (i * 101);
        }
        ByteProcessor bp = new ByteProcessor(2, 1, new byte[] {3, (byte) 200});
        bp.setLut(new LUT(r, gr, b));
        ImageData d = ImageJCodec.fromImagePlus(new ImagePlus("palette", bp), "palette.gif");
        assertEquals(PixelType.RGB24, d.storedType());
        assertEquals((float) Voxels.luminance(3 * 37 & 255, 252, 3 * 101 & 255), d.channels()[0][0], 0);
        assertEquals((float) Voxels.luminance(200 * 37 & 255, 55, 200 * 101 & 255), d.channels()[0][1], 0);

        ImagePlus signed = new ImagePlus("s16", new ShortProcessor(2, 1, new short[] {0, (short) 40000}, null));
        signed.getCalibration().setSigned16BitCalibration();
        ImageData s = ImageJCodec.fromImagePlus(signed, "s16.tif");
        assertEquals(PixelType.INT16, s.storedType());
        assertArrayEquals(new float[] {-32768, 40000 - 32768}, s.channels()[0]);
    }

    @Test
    void pngWritesRoundAndClampToEightOrSixteenBits() throws Exception {
        Grid g = Grid.of(4, 1);
        float[] v = {-5, 12.4f, 12.6f, 300};
        Path f = dir.resolve("p.png");
        ImageJCodec.writePng(f, new ImageData(g, new float[][] {v}, PixelType.FLOAT32), PixelType.FLOAT32, List.of());
        ImageData back = ImageJCodec.read(f);
        assertEquals(PixelType.UINT8, back.storedType());
        assertArrayEquals(new float[] {0, 12, 13, 255}, back.channels()[0]);
        ImageJCodec.writePng(f, new ImageData(g, new float[][] {{-1, 1000, 65535, 70000}}, PixelType.FLOAT32),
                PixelType.UINT16, List.of());
        ImageData wide = ImageJCodec.read(f);
        assertEquals(PixelType.UINT16, wide.storedType());
        assertArrayEquals(new float[] {0, 1000, 65535, 65535}, wide.channels()[0]);
        Grid g3 = Grid.of(2, 2, 2);
        TestImages.assertRefused(f, "PNG holds 2D images only", () -> ImageJCodec.writePng(f,
                new ImageData(g3, new float[][] {new float[8]}, PixelType.FLOAT32), PixelType.UINT8, List.of()));
    }
}
