package org.diffeolens.nn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Reads scikit-learn's 8x8 handwritten digits (sklearn/datasets/data/digits.csv.gz, the UCI
 * optical-recognition test set): one sample a line, 64 pixel counts 0..16 in row-major order,
 * then the label 0..9, comma-separated, no header. Pixels are scaled to [0, 1].
 */
public final class DigitsCsv {

    public static final int SIDE = 8;
    public static final int PIXELS = SIDE * SIDE;
    public static final int CLASSES = 10;
    private static final int MAX_PIXEL = 16;

    private DigitsCsv() {
    }

    public static Dataset read(Path file) throws IOException {
        FloatArrayBuilder features = new FloatArrayBuilder();
        IntArrayBuilder labels = new IntArrayBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(IdxReader.open(file), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length != PIXELS + 1) {
                    throw new DataFormatException(file, "line " + lineNo + " has " + f.length + " fields, expected "
                            + (PIXELS + 1) + " (64 pixels and a label)");
                }
                for (int i = 0; i <= PIXELS; i++) {
                    double v;
                    try {
                        v = Double.parseDouble(f[i].trim());
                    } catch (NumberFormatException e) {
                        throw new DataFormatException(file, "line " + lineNo + ", field " + (i + 1) + ": '" + f[i]
                                + "' is not a number", e);
                    }
                    int max = i < PIXELS ? MAX_PIXEL : CLASSES - 1;
                    if (!(v >= 0 && v <= max) || v != Math.rint(v)) {
                        throw new DataFormatException(file, "line " + lineNo + ", field " + (i + 1) + ": " + f[i]
                                + (i < PIXELS ? " is not a pixel count 0..16" : " is not a label 0..9"));
                    }
                    if (i < PIXELS) {
                        features.add((float) (v / MAX_PIXEL));
                    } else {
                        labels.add((int) v);
                    }
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new DataFormatException(file, "damaged or truncated gzip stream (" + e.getMessage() + ")", e);
        }
        if (labels.size() == 0) {
            throw new DataFormatException(file, "no samples");
        }
        return new Dataset("digits", features.toArray(), labels.toArray(), new int[] {SIDE, SIDE, 1}, CLASSES);
    }

    static final class FloatArrayBuilder {
        private float[] a = new float[1 << 16];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    static final class IntArrayBuilder {
        private int[] a = new int[1 << 10];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
