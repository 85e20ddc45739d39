package org.diffeolens.nn.hopfield;

/**
 * The activation rho of a Hopfield network in bounded-state form (Hopfield 1984): the states s
 * are the units' firing rates in [0, 1] and the energy of a unit is G(s) with G' = rho^{-1}, so that
 * <pre>
 *   F(s) = sum_i G(s_i) - sum_k s_k W_k s_{k+1} - sum_k b_k . s_k,     dF/ds_i = rho^{-1}(s_i) - u_i
 * </pre>
 * (u_i the unit's net input) vanishes exactly where s_i = rho(u_i). One rho per unit is therefore
 * the exact minimizer of F over a whole layer given its neighbours (a layer has no connections of
 * its own, and G is strictly convex): the relaxation's block steps are exact and F never rises.
 */
public enum Rho {

    /**
     * rho(u) = clip(u, 0, 1) and G(s) = s^2/2 on [0, 1] (+infinity outside): on the box where
     * rho(s) = s this is Scellier and Bengio's energy 1/2 ||s||^2 - sum rho W rho - sum b rho, and
     * stationarity is the box-constrained (KKT) one, s = clip(u). A unit on a face has rho' = 0 and
     * carries neither EP's nudge (unless it pulls it back inside) nor an adjoint: with one-hot
     * targets on the faces, training pushes the outputs onto the face 0 and the gradient dies
     * (digits, Adam 1e-3: within the first epoch). Kept for the paper's energy and its tests.
     */
    HARD_SIGMOID("hard-sigmoid"),

    /**
     * rho(u) = 1 / (1 + exp(-(4u - 2))), the logistic with the hard sigmoid's slope 1 at u = 1/2:
     * G(s) = s/2 + (s ln s + (1 - s) ln(1 - s)) / 4 is smooth and strictly convex inside (0, 1),
     * so F is smooth and its equilibria move smoothly with the nudging (the O(beta^2) regime of EP);
     * rho' &gt; 0 everywhere, so no unit is ever cut off from the gradient. The training default.
     */
    SIGMOID("sigmoid");

    private final String cliName;

    Rho(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Rho parse(String s) {
        for (Rho r : values()) {
            if (r.cliName.equalsIgnoreCase(s) || r.name().equalsIgnoreCase(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("rho must be hard-sigmoid or sigmoid, got '" + s + "'");
    }

    /** rho(u). */
    public double apply(double u) {
        if (this == HARD_SIGMOID) {
            return u < 0 ? 0 : u > 1 ? 1 : u;
        }
        return 1 / (1 + Math.exp(2 - 4 * u));
    }

    /** rho'(u) read off s = rho(u): 1[0 &lt; s &lt; 1] (a unit on a face of the box is pinned), or 4 s (1 - s). */
    public double slope(double s) {
        if (this == HARD_SIGMOID) {
            return s > 0 && s < 1 ? 1 : 0;
        }
        return 4 * s * (1 - s);
    }

    /** G(s): +infinity outside [0, 1]. */
    public double primitive(double s) {
        if (!(s >= 0 && s <= 1)) {
            return Double.POSITIVE_INFINITY;
        }
        if (this == HARD_SIGMOID) {
            return 0.5 * s * s;
        }
        return 0.5 * s + 0.25 * (xLogX(s) + xLogX(1 - s));
    }

    private static double xLogX(double x) {
        return x == 0 ? 0 : x * Math.log(x);
    }

    /**
     * The least-norm element of the subdifferential of G(s) - u s: G'(s) - u inside the box (for
     * the hard sigmoid also on its faces where that points outward, 0 where the face holds the unit
     * against its pull), so it vanishes exactly at the (box-constrained) stationary points.
     */
    public double stationarity(double s, double u) {
        if (this == SIGMOID) {
            return 0.5 + 0.25 * Math.log(s / (1 - s)) - u;
        }
        double g = s - u;
        if (s <= 0) {
            return Math.min(g, 0);
        }
        if (s >= 1) {
            return Math.max(g, 0);
        }
        return g;
    }

    /**
     * The output unit's equilibrium under nudging: argmin_y G(y) - u y + b/2 (y - t)^2, i.e.
     * y = rho(u - b (y - t)). For the hard sigmoid it is clip((u + b t) / (1 + b)); for the logistic
     * Newton's method on the pre-activation v, psi(v) = v + b (rho(v) - t) - u, whose slope
     * 1 + b rho'(v) lies in [1 - |b|, 1 + |b|], so each step contracts the error by at least
     * 2|b| / (1 + |b|) &lt; 1 and converges from any start. Needs b &gt; -1 (strict convexity).
     */
    public double nudged(double u, double b, double t) {
        if (b == 0) {
            return apply(u);
        }
        if (this == HARD_SIGMOID) {
            return apply((u + b * t) / (1 + b));
        }
        double v = u;
        for (int i = 0; i < 100; i++) {
            double y = apply(v);
            double step = (v + b * (y - t) - u) / (1 + b * 4 * y * (1 - y));
            v -= step;
            if (Math.abs(step) <= 1e-15 * (1 + Math.abs(v))) {
                break;
            }
        }
        return apply(v);
    }
}
