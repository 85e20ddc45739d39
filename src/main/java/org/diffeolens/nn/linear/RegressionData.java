package org.diffeolens.nn.linear;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The small regression tables of scikit-learn (Debian's python3-sklearn, sklearn/datasets/data/):
 * diabetes (442 patients, 10 measurements -> disease progression) and wine (178 wines, 13
 * measurements -> cultivar, as a one-hot 3-output regression). Features and targets are
 * standardized (mean 0, standard deviation 1 per column).
 */
public final class RegressionData {

    private RegressionData() {
    }

    /** Reads diabetes_data_raw.csv.gz and diabetes_target.csv.gz from a folder. */
    public static LpRegression diabetes(Path folder, double p) throws IOException {
        List<double[]> x = rows(folder.resolve("diabetes_data_raw.csv.gz"), " ", 10);
        List<double[]> y = rows(folder.resolve("diabetes_target.csv.gz"), " ", 1);
        if (x.size() != y.size()) {
            throw new IOException(folder + ": diabetes has " + x.size() + " feature rows but " + y.size() + " targets");
        }
        return build(x, y, p);
    }

    /** Reads wine_data.csv (a header line, 13 features and the class index per row). */
    public static LpRegression wine(Path folder, double p) throws IOException {
        Path file = folder.resolve("wine_data.csv");
        List<double[]> all = rows(file, ",", 14);
        List<double[]> x = new ArrayList<>();
        List<double[]> y = new ArrayList<>();
        for (double[] r : all) {
            double[] f = new double[13];
            System.arraycopy(r, 0, f, 0, 13);
            int c = (int) r[13];
            if (c < 0 || c > 2) {
                throw new IOException(file + ": class index " + r[13] + " is not 0, 1 or 2");
            }
            double[] t = new double[3];
            t[c] = 1;
            x.add(f);
            y.add(t);
        }
        return build(x, y, p);
    }

    private static LpRegression build(List<double[]> x, List<double[]> y, double p) {
        int n = x.size();
        int in = x.get(0).length;
        int out = y.get(0).length;
        double[] xs = standardized(x, in);
        double[] ys = standardized(y, out);
        return new LpRegression(xs, ys, n, in, out, p);
    }

    private static double[] standardized(List<double[]> rows, int cols) {
        int n = rows.size();
        double[] out = new double[n * cols];
        for (int c = 0; c < cols; c++) {
            double mean = 0;
            for (double[] r : rows) {
                mean += r[c];
            }
            mean /= n;
            double var = 0;
            for (double[] r : rows) {
                var += (r[c] - mean) * (r[c] - mean);
            }
            double sd = Math.sqrt(var / n);
            for (int i = 0; i < n; i++) {
                out[i * cols + c] = sd > 0 ? (rows.get(i)[c] - mean) / sd : 0;
            }
        }
        return out;
    }

    /** Numeric rows of a (gzipped) text table; a first line that is not numbers is a header. */
    static List<double[]> rows(Path file, String separator, int columns) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not found (run test-data/fetch-datasets.sh, or install python3-sklearn)");
        }
        List<double[]> rows = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                line = line.trim();
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split(separator.equals(" ") ? "\\s+" : separator);
                double[] v = new double[columns];
                try {
                    if (parts.length < columns) {
                        throw new NumberFormatException("too few columns");
                    }
                    for (int c = 0; c < columns; c++) {
                        v[c] = Double.parseDouble(parts[c]);
                    }
                } catch (NumberFormatException e) {
                    if (number == 1) {
                        continue; // header
                    }
                    throw new IOException(file + ": line " + number + " is not " + columns + " numbers: '"
                            + (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "'");
                }
                rows.add(v);
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": no data rows");
        }
        return rows;
    }
}
