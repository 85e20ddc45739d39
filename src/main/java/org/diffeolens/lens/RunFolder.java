package org.diffeolens.lens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.Json;

/** Which kind of run a folder holds, read off its summary.json: the lens's first question. */
public enum RunFolder {
    REGISTRATION, TRAINING;

    /** The kind of run in dir; the message names the file and what a run folder holds when it is neither. */
    public static RunFolder of(Path dir) throws ImageIOException {
        Map<?, ?> summary = summary(dir);
        if ("diffeolens register".equals(summary.get("tool"))) {
            return REGISTRATION;
        }
        if (summary.get("network") instanceof Map<?, ?> && summary.get("training") instanceof Map<?, ?>
                && summary.get("dataset") instanceof String) {
            return TRAINING;
        }
        throw new ImageIOException(dir, "neither a registration folder (summary.json of 'diffeolens register') nor a "
                + "training folder (summary.json and model.ckpt of 'diffeolens train')");
    }

    /** DIR/summary.json as a JSON object. */
    static Map<?, ?> summary(Path dir) throws ImageIOException {
        Path file = dir.resolve("summary.json");
        if (!Files.isRegularFile(file)) {
            throw new ImageIOException(file, "not found: --run names the output folder of 'diffeolens register' "
                    + "or 'diffeolens train'");
        }
        try {
            if (Json.parse(Files.readString(file)) instanceof Map<?, ?> m) {
                return m;
            }
            throw new ImageIOException(file, "is not a JSON object, so not the summary of a run");
        } catch (IOException e) {
            throw new ImageIOException(file, "cannot be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ImageIOException(file, "is not valid JSON: " + e.getMessage(), e);
        }
    }
}
