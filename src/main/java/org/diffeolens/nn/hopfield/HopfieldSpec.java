package org.diffeolens.nn.hopfield;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffeolens.nn.Architecture;
import org.diffeolens.nn.ParameterLayout;

/**
 * A layered Hopfield network (Scellier and Bengio 2017), validated at the door: the input x (a
 * flattened image) is clamped, the hidden layers h_1..h_L and the output y are free, and
 * neighbouring layers are coupled by W_0..W_L with biases b_1..b_{L+1}. Its forward pass is the
 * relaxation to the free equilibrium, so the solver's budget belongs here: at most
 * {@code relaxationIterations} sweeps, stopped when no unit moves by more than
 * {@code relaxationTolerance} in a sweep.
 */
public record HopfieldSpec(int[] inputShape, int[] hidden, int classes, Rho rho, int relaxationIterations,
                           double relaxationTolerance) implements Architecture {

    /** The family name a checkpoint records. */
    public static final String FAMILY = "hopfield";

    public HopfieldSpec {
        if (inputShape == null || inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("input shape must be {height, width, channels} >= 1, got "
                    + Arrays.toString(inputShape));
        }
        if (hidden == null || hidden.length < 1 || Arrays.stream(hidden).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("hidden layers must be one or more sizes >= 1, got "
                    + Arrays.toString(hidden));
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (rho == null) {
            throw new IllegalArgumentException("rho must be given");
        }
        if (relaxationIterations < 1) {
            throw new IllegalArgumentException("relaxation iterations must be >= 1, got " + relaxationIterations);
        }
        if (!(relaxationTolerance > 0) || Double.isInfinite(relaxationTolerance)) {
            throw new IllegalArgumentException("relaxation tolerance must be finite and > 0, got " + relaxationTolerance);
        }
        inputShape = inputShape.clone();
        hidden = hidden.clone();
    }

    /**
     * The logistic rho, up to 100 sweeps to 1e-4: the digits and Fashion-MNIST default (the hard
     * sigmoid pins units on the faces of its box, where they carry no gradient; see {@link Rho}).
     */
    public static HopfieldSpec of(int[] inputShape, int classes, int... hidden) {
        return new HopfieldSpec(inputShape, hidden, classes, Rho.SIGMOID, 100, 1e-4);
    }

    public HopfieldSpec withRho(Rho r) {
        return new HopfieldSpec(inputShape, hidden, classes, r, relaxationIterations, relaxationTolerance);
    }

    public HopfieldSpec withRelaxation(int iterations, double tolerance) {
        return new HopfieldSpec(inputShape, hidden, classes, rho, iterations, tolerance);
    }

    /** Units of layer k: 0 the input, 1..L the hidden layers, L+1 the output. */
    public int units(int k) {
        if (k == 0) {
            return inputShape[0] * inputShape[1] * inputShape[2];
        }
        return k <= hidden.length ? hidden[k - 1] : classes;
    }

    /** Free layers: the hidden layers and the output. */
    public int freeLayers() {
        return hidden.length + 1;
    }

    @Override
    public String family() {
        return FAMILY;
    }

    /** W_k [n_k, n_{k+1}] (decays) for k = 0..L, b_k [n_k] for k = 1..L+1. */
    @Override
    public ParameterLayout layout() {
        ParameterLayout.Builder b = new ParameterLayout.Builder();
        for (int k = 0; k < freeLayers(); k++) {
            b.add("W" + k, true, units(k), units(k + 1));
            b.add("b" + (k + 1), false, units(k + 1));
        }
        return b.build();
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inputShape", join(inputShape));
        m.put("hidden", join(hidden));
        m.put("classes", Integer.toString(classes));
        m.put("rho", rho.name());
        m.put("relaxationIterations", Integer.toString(relaxationIterations));
        m.put("relaxationTolerance", Double.toString(relaxationTolerance));
        return m;
    }

    /** The "network" object of a training summary. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", FAMILY);
        m.put("inputShape", inputShape.clone());
        m.put("hidden", hidden.clone());
        m.put("classes", classes);
        m.put("rho", rho.cliName());
        m.put("relaxationIterations", relaxationIterations);
        m.put("relaxationTolerance", relaxationTolerance);
        m.put("parameters", layout().length());
        return m;
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** The spec whose {@link #settings()} these are. */
    public static HopfieldSpec fromSettings(Map<String, String> s) {
        return new HopfieldSpec(ints(need(s, "inputShape")), ints(need(s, "hidden")),
                Integer.parseInt(need(s, "classes")), Rho.valueOf(need(s, "rho")),
                Integer.parseInt(need(s, "relaxationIterations")), Double.parseDouble(need(s, "relaxationTolerance")));
    }

    private static String need(Map<String, String> s, String key) {
        return Architecture.setting(s, key, FAMILY);
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static String join(int[] a) {
        return String.join(",", Arrays.stream(a).mapToObj(Integer::toString).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HopfieldSpec h && Arrays.equals(inputShape, h.inputShape) && Arrays.equals(hidden, h.hidden)
                && classes == h.classes && rho == h.rho && relaxationIterations == h.relaxationIterations
                && Double.compare(relaxationTolerance, h.relaxationTolerance) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hidden) + Arrays.hashCode(inputShape) + classes;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Hopfield ").append(units(0));
        for (int h : hidden) {
            s.append('-').append(h);
        }
        return s.append('-').append(classes).append(", rho ").append(rho.cliName()).append(", relaxation <= ")
                .append(relaxationIterations).append(" sweeps to ").append(relaxationTolerance).toString();
    }
}
