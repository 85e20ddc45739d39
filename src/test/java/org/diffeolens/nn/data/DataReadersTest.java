package org.diffeolens.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.diffeolens.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class DataReadersTest {

    private static final Path DATA = Tolerances.testData("datasets");

    private static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt((type << 8) | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(raw);
        }
        return b.toByteArray();
    }

    @Test
    void fashionMnistHasItsDocumentedSizesAndBalancedClasses() throws IOException {
        Dataset[] d = FashionMnist.read(DATA.resolve("fashion-mnist"));
        assertEquals(60_000, d[0].size());
        assertEquals(10_000, d[1].size());
        assertArrayEquals(new int[] {28, 28, 1}, d[0].sampleShape());
        int[] counts = new int[10];
        for (int i = 0; i < d[1].size(); i++) {
            counts[d[1].label(i)]++;
        }
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, counts, "the test set has 1,000 images of each class");
        // first training label of Fashion-MNIST is 9 (ankle boot); pixels are grey levels in [0, 1]
        assertEquals(9, d[0].label(0));
        float max = 0;
        for (int i = 0; i < 784; i++) {
            max = Math.max(max, d[0].feature(0, i));
        }
        assertEquals(1.0f, max, 0, "the first image reaches full white");
    }

    @Test
    void digitsHave1797SamplesOf8x8WithPixelsInUnitRange() throws IOException {
        Dataset d = DigitsCsv.read(DATA.resolve("digits/digits.csv.gz"));
        assertEquals(1797, d.size());
        assertArrayEquals(new int[] {8, 8, 1}, d.sampleShape());
        assertEquals(0, d.label(0));
        // first digit's first row: 0 0 5 13 9 1 0 0 (in 16ths)
        assertEquals(5 / 16f, d.feature(0, 2), 0);
        assertEquals(13 / 16f, d.feature(0, 3), 0);
    }

    @Test
    void idxReadsPlainAndGzippedFiles(@TempDir Path dir) throws IOException {
        byte[] raw = idx(0x08, new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, (byte) 250});
        Path plain = Files.write(dir.resolve("a.idx"), raw);
        Path zipped = Files.write(dir.resolve("a.idx.gz"), gzip(raw));
        for (Path p : new Path[] {plain, zipped}) {
            IdxReader.IdxArray a = IdxReader.read(p);
            assertArrayEquals(new int[] {2, 3}, a.dimensions());
            assertEquals(3, a.itemSize());
            assertEquals(250, a.unsigned(5));
        }
    }

    @Test
    void damagedIdxFilesFailWithAMessageNamingFileAndFault(@TempDir Path dir) throws IOException {
        byte[] good = idx(0x08, new int[] {4, 2}, new byte[8]);
        Path truncated = Files.write(dir.resolve("truncated.idx"), Arrays.copyOf(good, good.length - 3));
        assertFault(truncated, "truncated");
        Path header = Files.write(dir.resolve("header.idx"), Arrays.copyOf(good, 6));
        assertFault(header, "truncated");
        Path magic = Files.write(dir.resolve("magic.idx"), "hello world, not idx".getBytes(StandardCharsets.US_ASCII));
        assertFault(magic, "not an IDX file");
        Path floats = Files.write(dir.resolve("floats.idx"), idx(0x0d, new int[] {1}, new byte[4]));
        assertFault(floats, "not supported");
        byte[] extra = Arrays.copyOf(good, good.length + 2);
        assertFault(Files.write(dir.resolve("extra.idx"), extra), "trailing");
        byte[] z = gzip(good);
        assertFault(Files.write(dir.resolve("cut.idx.gz"), Arrays.copyOf(z, z.length / 2)), "");
        z[z.length / 2] ^= 0x5a;
        assertFault(Files.write(dir.resolve("flipped.idx.gz"), z), "");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> IdxReader.read(dir.resolve("none.idx")));
        assertTrue(missing.getMessage().contains("none.idx"));
    }

    private static void assertFault(Path file, String words) {
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(file), file.toString());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void damagedDigitsFilesFailWithLineAndField(@TempDir Path dir) throws IOException {
        String row = "0,".repeat(64) + "3\n";
        Path shortRow = Files.writeString(dir.resolve("short.csv"), row + "1,2,3\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DigitsCsv.read(shortRow));
        assertTrue(e.getMessage().contains("short.csv") && e.getMessage().contains("line 2"), e.getMessage());
        Path word = Files.writeString(dir.resolve("word.csv"), row.replaceFirst("0", "x"));
        e = assertThrows(DataFormatException.class, () -> DigitsCsv.read(word));
        assertTrue(e.getMessage().contains("field 1") && e.getMessage().contains("'x'"), e.getMessage());
        Path label = Files.writeString(dir.resolve("label.csv"), "0,".repeat(64) + "12\n");
        e = assertThrows(DataFormatException.class, () -> DigitsCsv.read(label));
        assertTrue(e.getMessage().contains("label"), e.getMessage());
        Path pixel = Files.writeString(dir.resolve("pixel.csv"), "17," + "0,".repeat(63) + "1\n");
        e = assertThrows(DataFormatException.class, () -> DigitsCsv.read(pixel));
        assertTrue(e.getMessage().contains("0..16"), e.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.csv"), "\n");
        assertThrows(DataFormatException.class, () -> DigitsCsv.read(empty));
    }

    @Test
    void batchesFollowTheOrder() {
        float[] f = new float[4 * 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = i;
        }
        Dataset d = new Dataset("t", f, new int[] {0, 1, 2, 1}, new int[] {1, 2, 1}, 3);
        Batch b = d.batch(new int[] {3, 0, 2, 1}, 0, 2, DataType.DOUBLE);
        assertArrayEquals(new int[] {1, 0}, b.labels());
        assertArrayEquals(new long[] {2, 1, 2, 1}, b.inputs().shape());
        assertEquals(6.0, b.inputs().getDouble(0, 0, 0, 0), 0);
        assertEquals(DataType.DOUBLE, b.inputs().dataType());
        assertThrows(IllegalArgumentException.class, () -> d.batch(new int[] {0, 1}, 1, 3, DataType.FLOAT));
    }

    @Test
    void aSeededSplitIsAPartition() {
        Dataset d = new Dataset("t", new float[10], new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, new int[] {1, 1, 1}, 2);
        Dataset[] s = d.split(3, 5);
        assertEquals(7, s[0].size());
        assertEquals(3, s[1].size());
        Dataset[] again = d.split(3, 5);
        for (int i = 0; i < 3; i++) {
            assertEquals(s[1].label(i), again[1].label(i));
        }
        assertThrows(IllegalArgumentException.class, () -> d.split(10, 1));
    }
}
