package org.diffeolens.lens;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.diffeolens.io.AtomicFiles;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.Json;

/**
 * Writes the lens's results into a run folder: lens.json keeps one section per diagnostic (so
 * several runs of the lens accumulate in it) and each figure is a PNG beside it. All files of one
 * diagnostic are written to temporary files and renamed together.
 */
public final class LensOutput {

    private LensOutput() {
    }

    public static void write(Path dir, String section, Json json, Map<String, BufferedImage> figures)
            throws ImageIOException {
        Path file = dir.resolve("lens.json");
        Json all = new Json();
        if (Files.isRegularFile(file)) {
            try {
                if (!(Json.parse(Files.readString(file)) instanceof Map<?, ?> previous)) {
                    throw new ImageIOException(file, "is not a JSON object (remove it to start a new lens.json)");
                }
                all = Json.of(previous);
            } catch (IOException e) {
                throw new ImageIOException(file, "cannot be read: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new ImageIOException(file, "is not valid JSON (remove it to start a new lens.json): "
                        + e.getMessage(), e);
            }
        }
        all.put(section, json);
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        for (Map.Entry<String, BufferedImage> f : figures.entrySet()) {
            byte[] png = png(f.getValue());
            files.put(dir.resolve(f.getKey()), out -> out.write(png));
        }
        String text = all.toPrettyString();
        files.put(file, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        AtomicFiles.writeAll(files, List.of());
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", b)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
