package org.diffeolens.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes output files so that a failed or interrupted run leaves no half-written file: the bytes go
 * to a hidden temporary file in the target folder ({@code .name.NNNN.tmp}), are forced to disk, and
 * the temporary file is then renamed over the target in one atomic step. On any failure the
 * temporary file is deleted. An output never replaces one of the inputs of the run.
 *
 * <p>A missing target folder is created (with its parents): outputs go to folders the user named,
 * as ANTs and elastix do. A path that exists but is not a folder is reported as an error.
 */
public final class AtomicFiles {

    /** Produces the bytes of one file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes one file atomically, refusing to replace any of {@code inputs}. */
    public static void write(Path target, Content content, Collection<Path> inputs) throws ImageIOException {
        Map<Path, Content> one = new LinkedHashMap<>();
        one.put(target, content);
        writeAll(one, inputs);
    }

    /** Writes a UTF-8 text file atomically (summary.json and the like). */
    public static void writeString(Path target, String text, Collection<Path> inputs) throws ImageIOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)), inputs);
    }

    /**
     * Writes several files that belong together (a MetaImage header and its raw data): all are
     * written to temporary files first and renamed only when every one of them is complete, in the
     * map's order, so a reader that finds the last one (the header) also finds the others.
     */
    public static void writeAll(Map<Path, Content> targets, Collection<Path> inputs) throws ImageIOException {
        for (Path target : targets.keySet()) {
            refuseInputs(target, inputs);
            prepareFolder(target);
        }
        List<Path> temps = new ArrayList<>();
        Path current = null;
        try {
            for (Map.Entry<Path, Content> e : targets.entrySet()) {
                current = e.getKey();
                Path temp = createTemp(current);
                temps.add(temp);
                writeSynced(temp, e.getValue());
            }
            int i = 0;
            for (Path target : targets.keySet()) {
                current = target;
                move(temps.get(i), target);
                temps.set(i, null);
                i++;
            }
        } catch (IOException e) {
            deleteAll(temps, e);
            throw new ImageIOException(current, "cannot write: " + describe(e), e);
        } catch (RuntimeException | Error e) {
            deleteAll(temps, e);
            throw e;
        }
    }

    /**
     * Refuses an output path that is one of the inputs: the same file when both exist (hard links
     * and symbolic links included), else the same normalized absolute path.
     */
    public static void refuseInputs(Path target, Collection<Path> inputs) throws ImageIOException {
        Path t = target.toAbsolutePath().normalize();
        for (Path input : inputs) {
            Path in = input.toAbsolutePath().normalize();
            boolean same;
            if (Files.exists(t) && Files.exists(in)) {
                try {
                    same = Files.isSameFile(t, in);
                } catch (IOException e) {
                    same = t.equals(in);
                }
            } else {
                same = t.equals(in);
            }
            if (same) {
                throw new ImageIOException(target, "refusing to overwrite the input file " + input
                        + "; choose another output name");
            }
        }
    }

    private static void prepareFolder(Path target) throws ImageIOException {
        if (Files.isDirectory(target)) {
            throw new ImageIOException(target, "is a folder; give a file name for the output");
        }
        Path folder = target.toAbsolutePath().getParent();
        if (folder == null || Files.isDirectory(folder)) {
            return;
        }
        try {
            Files.createDirectories(folder);
        } catch (FileAlreadyExistsException e) {
            throw new ImageIOException(target, "cannot create the output folder " + folder
                    + ": a file of that name is in the way", e);
        } catch (IOException e) {
            throw new ImageIOException(target, "cannot create the output folder " + folder + ": " + describe(e), e);
        }
    }

    private static Path createTemp(Path target) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        return Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
    }

    private static void writeSynced(Path temp, Content content) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some network file systems cannot rename atomically; a plain replace is the best left.
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteAll(List<Path> temps, Throwable cause) {
        for (Path temp : temps) {
            if (temp == null) {
                continue;
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** The cause of an I/O failure in words, without the exception class names. */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder (" + e.getMessage() + ")";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
