package org.diffeolens.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.diffeolens.flow.DiagonalMetric;
import org.diffeolens.flow.LayerMetric;
import org.diffeolens.flow.Metric;

/**
 * Which {@link Metric} raises the trainer's gradient: the identity, paper 004's layer metric (a
 * stiffness per layer; +infinity freezes a layer), its co-gradient form (stiffness over a damped
 * diagonal Fisher curvature, {@link FisherDiagonal}), or the natural gradient ({@link FisherMetric},
 * stiffness over it). Stiffness is keyed by layer index in network order (0 input layer, 1..N
 * blocks, N + 1 head); layers not listed have stiffness 1.
 */
public record MetricSettings(Kind kind, double damping, Map<Integer, Double> stiffness) {

    /** The metrics, by CLI name. */
    public enum Kind {
        IDENTITY("identity"), LAYER("layer"), COGRADIENT("cogradient"), FISHER("fisher");

        private final String cliName;

        Kind(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.cliName.equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("metric must be identity, layer, cogradient or fisher, got '" + s + "'");
        }
    }

    /** Default Tikhonov damping gamma of the Fisher and co-gradient metrics. */
    public static final double DEFAULT_DAMPING = 1e-2;

    public MetricSettings {
        if (kind == null) {
            throw new IllegalArgumentException("metric kind must be given");
        }
        if (!(damping > 0) || Double.isInfinite(damping)) {
            throw new IllegalArgumentException("damping must be finite and > 0, got " + damping);
        }
        stiffness = Collections.unmodifiableMap(new TreeMap<>(stiffness));
        for (Map.Entry<Integer, Double> e : stiffness.entrySet()) {
            if (e.getKey() < 0) {
                throw new IllegalArgumentException("layer index must be >= 0, got " + e.getKey());
            }
            if (!(e.getValue() > 0)) {
                throw new IllegalArgumentException("stiffness of layer " + e.getKey()
                        + " must be > 0 (infinity freezes it), got " + e.getValue());
            }
        }
        if (kind == Kind.IDENTITY && !stiffness.isEmpty()) {
            throw new IllegalArgumentException("stiffness or frozen layers need --metric layer, cogradient or fisher, "
                    + "not identity");
        }
    }

    public static MetricSettings identity() {
        return new MetricSettings(Kind.IDENTITY, DEFAULT_DAMPING, Map.of());
    }

    public MetricSettings withStiffness(int layer, double s) {
        Map<Integer, Double> m = new TreeMap<>(stiffness);
        m.put(layer, s);
        return new MetricSettings(kind, damping, m);
    }

    /** The same settings with these layers frozen (stiffness +infinity). */
    public MetricSettings freezing(int... layers) {
        MetricSettings m = this;
        for (int l : layers) {
            m = m.withStiffness(l, Double.POSITIVE_INFINITY);
        }
        return m;
    }

    /**
     * The metric for a network (fails naming the layer when an index does not exist). The Fisher
     * metrics read a residual network's layer statistics; the layer metric suits any network.
     */
    public Metric<Parameters> build(Classifier network) {
        Metric<Parameters> within = switch (kind) {
            case IDENTITY, LAYER -> Metric.identity(ParameterSpace.INSTANCE);
            case COGRADIENT -> new DiagonalMetric<>(ParameterSpace.INSTANCE, new FisherDiagonal(residual(network)),
                    damping);
            case FISHER -> new FisherMetric(residual(network), damping);
        };
        if (stiffness.isEmpty()) {
            return within;
        }
        LayerBlocks blocks = new LayerBlocks(network.layout());
        double[] s = new double[blocks.blockCount()];
        java.util.Arrays.fill(s, 1);
        for (Map.Entry<Integer, Double> e : stiffness.entrySet()) {
            s[blocks.indexOf(Integer.toString(e.getKey()))] = e.getValue();
        }
        return new LayerMetric<>(blocks, s, within);
    }

    private ResidualNetwork residual(Classifier network) {
        if (network instanceof ResidualNetwork r) {
            return r;
        }
        throw new IllegalArgumentException("the " + kind.cliName() + " metric needs a residual network (conv or dense), "
                + "not a " + network.architecture().family() + " network");
    }

    /** Settings as key-value pairs (checkpoint header, summary.json). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", kind.cliName());
        if (kind == Kind.COGRADIENT || kind == Kind.FISHER) {
            m.put("damping", damping);
        }
        List<Integer> frozen = new ArrayList<>();
        Map<String, Object> finite = new LinkedHashMap<>();
        for (Map.Entry<Integer, Double> e : stiffness.entrySet()) {
            if (e.getValue() == Double.POSITIVE_INFINITY) {
                frozen.add(e.getKey());
            } else {
                finite.put(Integer.toString(e.getKey()), e.getValue());
            }
        }
        if (!frozen.isEmpty()) {
            m.put("frozenLayers", frozen);
        }
        if (!finite.isEmpty()) {
            m.put("stiffness", finite);
        }
        return m;
    }

    /** Settings as flat strings (the checkpoint header): stiffness as "layer=value,..." with Infinity for frozen. */
    public Map<String, String> asStrings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("metric", kind.cliName());
        m.put("damping", Double.toString(damping));
        List<String> s = new ArrayList<>();
        stiffness.forEach((k, v) -> s.add(k + "=" + v));
        m.put("stiffness", String.join(",", s));
        return m;
    }

    /** The inverse of {@link #asStrings} (absent keys: the identity, as before there was a choice). */
    public static MetricSettings parse(UnaryOperator<String> get) {
        String k = get.apply("metric");
        if (k == null) {
            return identity();
        }
        String d = get.apply("damping");
        Map<Integer, Double> s = new TreeMap<>();
        String list = get.apply("stiffness");
        if (list != null && !list.isBlank()) {
            for (String pair : list.split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("stiffness entries are layer=value, got '" + pair + "'");
                }
                s.put(Integer.parseInt(kv[0].trim()), Double.parseDouble(kv[1].trim()));
            }
        }
        return new MetricSettings(Kind.parse(k), d == null ? DEFAULT_DAMPING : Double.parseDouble(d), s);
    }
}
