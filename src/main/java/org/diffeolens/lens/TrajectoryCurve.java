package org.diffeolens.lens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One recorded optimization path for the figures and lens.json: path length, path energy and
 * distance from the start after each recorded iteration, under one metric, with the totals.
 */
public record TrajectoryCurve(String name, double[] iterations, double[] pathLengths, double[] pathEnergies,
                              double[] distances) {

    /** Most points a curve keeps in summary.json: enough for a figure, not a file of numbers. */
    static final int MAX_POINTS = 501;

    /** The recorder's per-iteration arrays, thinned to at most MAX_POINTS evenly spaced iterations (the last kept). */
    public static TrajectoryCurve of(String name, TrajectoryRecorder<?> r) {
        double[] length = r.pathLengths();
        int n = length.length;
        int m = Math.min(n, MAX_POINTS);
        int[] keep = new int[m];
        for (int j = 0; j < m; j++) {
            keep[j] = m == 1 ? 0 : (int) Math.round(j * (n - 1) / (double) (m - 1));
        }
        return new TrajectoryCurve(name, pick(null, keep), pick(length, keep), pick(r.pathEnergies(), keep),
                pick(r.distances(), keep));
    }

    private static double[] pick(double[] values, int[] keep) {
        double[] out = new double[keep.length];
        for (int j = 0; j < keep.length; j++) {
            out[j] = values == null ? keep[j] : values[keep[j]];
        }
        return out;
    }

    public double pathLength() {
        return last(pathLengths);
    }

    public double pathEnergy() {
        return last(pathEnergies);
    }

    public double distanceFromStart() {
        return last(distances);
    }

    private static double last(double[] a) {
        return a.length == 0 ? 0 : a[a.length - 1];
    }

    /** As a JSON object (maps, lists and arrays for either JSON writer of the project). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", name);
        m.put("pathLength", pathLength());
        m.put("pathEnergy", pathEnergy());
        m.put("distanceFromStart", distanceFromStart());
        m.put("iterations", iterations);
        m.put("pathLengths", pathLengths);
        m.put("pathEnergies", pathEnergies);
        m.put("distances", distances);
        return m;
    }

    /** Back from parsed JSON (lists of numbers); a missing pathEnergies (older files) reads as NaN. */
    public static TrajectoryCurve fromMap(String name, Map<?, ?> m) {
        double[] lengths = numbers(m.get("pathLengths"));
        double[] iterations = m.containsKey("iterations") ? numbers(m.get("iterations")) : index(lengths.length);
        double[] energies = m.containsKey("pathEnergies") ? numbers(m.get("pathEnergies")) : nan(lengths.length);
        return new TrajectoryCurve(name, iterations, lengths, energies, numbers(m.get("distances")));
    }

    static double[] numbers(Object o) {
        if (o instanceof double[] d) {
            return d.clone();
        }
        if (!(o instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a list of numbers, got " + o);
        }
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = list.get(i) instanceof Number x ? x.doubleValue() : Double.NaN;
        }
        return d;
    }

    private static double[] index(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return d;
    }

    private static double[] nan(int n) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, Double.NaN);
        return d;
    }
}
