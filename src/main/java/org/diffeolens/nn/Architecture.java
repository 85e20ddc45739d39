package org.diffeolens.nn;

import java.util.Map;

/**
 * What a {@link Checkpoint} records of a network so that a run can be resumed: the family that
 * rebuilds it ({@code residual}, {@code hopfield}), its settings as text, and the layout of its
 * parameters. Each family reads its own settings back ({@link Checkpoint#load(java.nio.file.Path,
 * Map)} takes the readers), so this package knows no family but its own.
 */
public interface Architecture {

    /** The family's name, as a checkpoint stores it. */
    String family();

    /** The settings that rebuild this architecture, keys without dots' meaning to anyone else. */
    Map<String, String> settings();

    /** Where each parameter tensor lives in the flat control. */
    ParameterLayout layout();

    /** Per-sample input shape {height, width, channels}. */
    int[] inputShape();

    int classes();

    /** Setting {@code key} of a family's settings, or a message naming what is missing. */
    static String setting(Map<String, String> settings, String key, String family) {
        String v = settings.get(key);
        if (v == null) {
            throw new IllegalArgumentException(family + " network settings lack '" + key + "'");
        }
        return v;
    }
}
