package org.diffeolens.registration;

import java.util.Locale;

/** The diffeomorphic methods of the engine. */
public enum Method {
    /** Geodesic shooting from an initial scalar momentum (Vialard et al. 2012). */
    SHOOTING,
    /** Time-varying velocity fields (Beg et al. 2005). */
    LDDMM,
    /** A stationary velocity field and its exponential (Arsigny et al. 2006). */
    SVF;

    public static Method parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("method must be shooting, lddmm or svf, got '" + name + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
