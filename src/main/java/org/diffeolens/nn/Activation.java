package org.diffeolens.nn;

/** The nonlinearity of a layer, with its derivative read off its output (what the tape keeps). */
public enum Activation {
    RELU, TANH;

    public double apply(double u) {
        return this == RELU ? (u > 0 ? u : 0) : Math.tanh(u);
    }

    /** sigma'(u) from f = sigma(u): 1[f > 0] for ReLU, 1 - f^2 for tanh. */
    public double slopeAtOutput(double f) {
        return this == RELU ? (f > 0 ? 1 : 0) : 1 - f * f;
    }

    /** Variance gain of He/LeCun initialization: 2 for ReLU, 1 for tanh. */
    public double initGain() {
        return this == RELU ? 2 : 1;
    }

    public static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation must be relu or tanh, got '" + s + "'");
    }
}
