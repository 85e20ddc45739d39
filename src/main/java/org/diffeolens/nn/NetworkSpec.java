package org.diffeolens.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The architecture of a residual classifier, validated at the door:
 * <pre>
 *   x_0     = input layer(u)                   conv (kernel, stride) or dense, activation
 *   x_{k+1} = x_k + h f(x_k, W_k)              k = 0..depth-1, the flow's time steps
 *   logits  = head(x_depth)                    dense on the flattened state
 * </pre>
 * f is a 3x3 'same' convolution with channel normalization and the activation ({@link Kind#CONV}),
 * or a dense layer with the activation ({@link Kind#DENSE}). {@code width} is the state's channels
 * (conv) or features (dense); {@code step} is h (1/depth integrates the flow to time 1).
 */
public record NetworkSpec(Kind kind, int[] inputShape, int classes, int width, int depth, double step,
                          Activation activation, int stemKernel, int stemStride, boolean normalized)
        implements Architecture {

    /** The family name a checkpoint records. */
    public static final String FAMILY = "residual";

    public enum Kind {
        CONV, DENSE;

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("network kind must be conv or dense, got '" + s + "'");
        }
    }

    public NetworkSpec {
        if (kind == null || activation == null) {
            throw new IllegalArgumentException("kind and activation must be given");
        }
        if (inputShape == null || inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("input shape must be {height, width, channels} >= 1, got "
                    + Arrays.toString(inputShape));
        }
        inputShape = inputShape.clone();
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be >= 0, got " + depth);
        }
        if (!(step > 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("step h must be finite and > 0, got " + step);
        }
        if (kind == Kind.CONV && (stemKernel < 1 || stemStride < 1)) {
            throw new IllegalArgumentException("input convolution needs kernel >= 1 and stride >= 1, got kernel "
                    + stemKernel + ", stride " + stemStride);
        }
    }

    /** A convolutional residual network: 3x3 input convolution with the given stride, h = 1/depth. */
    public static NetworkSpec conv(int[] inputShape, int classes, int width, int depth, int stemStride) {
        return new NetworkSpec(Kind.CONV, inputShape, classes, width, depth, 1.0 / Math.max(1, depth),
                Activation.RELU, 3, stemStride, true);
    }

    /** A dense residual network, h = 1/depth. */
    public static NetworkSpec dense(int[] inputShape, int classes, int width, int depth, Activation activation) {
        return new NetworkSpec(Kind.DENSE, inputShape, classes, width, depth, 1.0 / Math.max(1, depth), activation,
                1, 1, false);
    }

    /** The default Fashion-MNIST network (docs/train-fashion-mnist.json): conv, 32 channels at 14x14, 3 blocks. */
    public static NetworkSpec fashionMnistDefault() {
        return conv(new int[] {28, 28, 1}, 10, 32, 3, 2);
    }

    public NetworkSpec withDepth(int newDepth) {
        return new NetworkSpec(kind, inputShape, classes, width, newDepth, 1.0 / Math.max(1, newDepth), activation,
                stemKernel, stemStride, normalized);
    }

    public NetworkSpec withStep(double h) {
        return new NetworkSpec(kind, inputShape, classes, width, depth, h, activation, stemKernel, stemStride, normalized);
    }

    public NetworkSpec withActivation(Activation a) {
        return new NetworkSpec(kind, inputShape, classes, width, depth, step, a, stemKernel, stemStride, normalized);
    }

    public NetworkSpec withNormalization(boolean on) {
        return new NetworkSpec(kind, inputShape, classes, width, depth, step, activation, stemKernel, stemStride, on);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public ParameterLayout layout() {
        return new ResidualNetwork(this).layout();
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", kind.name());
        m.put("inputShape", String.join(",", Arrays.stream(inputShape).mapToObj(Integer::toString).toList()));
        m.put("classes", Integer.toString(classes));
        m.put("width", Integer.toString(width));
        m.put("depth", Integer.toString(depth));
        m.put("step", Double.toString(step));
        m.put("activation", activation.name());
        m.put("stemKernel", Integer.toString(stemKernel));
        m.put("stemStride", Integer.toString(stemStride));
        m.put("normalized", Boolean.toString(normalized));
        return m;
    }

    /** The spec whose {@link #settings()} these are. */
    public static NetworkSpec fromSettings(Map<String, String> s) {
        return new NetworkSpec(Kind.valueOf(need(s, "kind")),
                Arrays.stream(need(s, "inputShape").split(",")).mapToInt(Integer::parseInt).toArray(),
                Integer.parseInt(need(s, "classes")), Integer.parseInt(need(s, "width")),
                Integer.parseInt(need(s, "depth")), Double.parseDouble(need(s, "step")),
                Activation.valueOf(need(s, "activation")), Integer.parseInt(need(s, "stemKernel")),
                Integer.parseInt(need(s, "stemStride")), Boolean.parseBoolean(need(s, "normalized")));
    }

    private static String need(Map<String, String> s, String key) {
        return Architecture.setting(s, key, FAMILY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s && kind == s.kind && Arrays.equals(inputShape, s.inputShape)
                && classes == s.classes && width == s.width && depth == s.depth
                && Double.compare(step, s.step) == 0 && activation == s.activation && stemKernel == s.stemKernel
                && stemStride == s.stemStride && normalized == s.normalized;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, Arrays.hashCode(inputShape), classes, width, depth, step, activation,
                stemKernel, stemStride, normalized);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " residual network: input " + Arrays.toString(inputShape) + ", width "
                + width + ", depth " + depth + ", h " + step + ", " + activation.name().toLowerCase()
                + (kind == Kind.CONV ? ", stem " + stemKernel + "x" + stemKernel + "/" + stemStride
                + (normalized ? ", channel norm" : "") : "") + ", " + classes + " classes";
    }
}
