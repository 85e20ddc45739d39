package org.diffeolens.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest (Implementation-Version), or "development" when run from classes. */
public final class Version implements IVersionProvider {

    public static String current() {
        return org.diffeolens.Diffeolens.version();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"diffeolens " + current(), "Java " + System.getProperty("java.version")};
    }
}
