package org.diffeolens;

/** Facts about this build, for summaries and --version. */
public final class Diffeolens {

    private Diffeolens() {
    }

    /** Version from the jar manifest (Implementation-Version), or "development" when run from classes. */
    public static String version() {
        String v = Diffeolens.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
