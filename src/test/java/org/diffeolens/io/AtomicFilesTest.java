package org.diffeolens.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheBytesAndLeavesNoTemporaryFile() throws Exception {
        Path out = dir.resolve("a.txt");
        AtomicFiles.writeString(out, "hello", List.of());
        assertEquals("hello", Files.readString(out));
        AtomicFiles.writeString(out, "replaced", List.of());
        assertEquals("replaced", Files.readString(out));
        assertEquals(List.of("a.txt"), listing(dir));
    }

    @Test
    void aFailureMidWriteLeavesNeitherTargetNorTemporaryFile() throws Exception {
        Path out = dir.resolve("half.nii");
        ImageIOException e = assertThrows(ImageIOException.class, () -> AtomicFiles.write(out, o -> {
            o.write(new byte[100_000]);
            throw new IOException("disk full");
        }, List.of()));
        assertTrue(e.getMessage().contains("half.nii") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(List.of(), listing(dir));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(out, o -> {
            o.write(1);
            throw new IllegalStateException("bug");
        }, List.of()));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void aFailureKeepsTheOldContentOfTheTarget() throws Exception {
        Path out = dir.resolve("keep.txt");
        Files.writeString(out, "old");
        assertThrows(ImageIOException.class, () -> AtomicFiles.write(out, o -> {
            o.write("new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("interrupted");
        }, List.of()));
        assertEquals("old", Files.readString(out));
        assertEquals(List.of("keep.txt"), listing(dir));
    }

    @Test
    void severalFilesAreRenamedOnlyWhenAllAreComplete() throws Exception {
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(dir.resolve("x.raw"), o -> o.write(new byte[] {1, 2, 3}));
        files.put(dir.resolve("x.mhd"), o -> {
            throw new IOException("header failed");
        });
        assertThrows(ImageIOException.class, () -> AtomicFiles.writeAll(files, List.of()));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void anInputIsNeverOverwritten() throws Exception {
        Path input = dir.resolve("in.nii");
        byte[] original = {9, 8, 7};
        Files.write(input, original);
        for (Path sameFile : new Path[] {input, dir.resolve("sub/../in.nii"), dir.resolve(".").resolve("in.nii")}) {
            TestImages.assertRefused(input, "refusing to overwrite the input", () ->
                    AtomicFiles.writeString(sameFile, "x", List.of(input)));
        }
        Path link = dir.resolve("link.nii");
        Files.createSymbolicLink(link, input);
        TestImages.assertRefused(link, "refusing to overwrite the input", () ->
                AtomicFiles.writeString(link, "x", List.of(input)));
        assertArrayEquals(original, Files.readAllBytes(input));
        // A path that does not exist yet is compared by name.
        Path future = dir.resolve("missing.nii");
        TestImages.assertRefused(future, "refusing", () -> AtomicFiles.writeString(future, "x", List.of(future)));
        assertFalse(Files.exists(future));
    }

    @Test
    void missingOutputFoldersAreCreatedAndFilesInTheWayAreReported() throws Exception {
        Path out = dir.resolve("results/run1/summary.json");
        AtomicFiles.writeString(out, "{}", List.of());
        assertEquals("{}", Files.readString(out));
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file");
        Path under = blocker.resolve("out.nii");
        TestImages.assertRefused(under, "a file of that name is in the way", () ->
                AtomicFiles.writeString(under, "x", List.of()));
        TestImages.assertRefused(dir, "is a folder", () -> AtomicFiles.writeString(dir, "x", List.of()));
    }
}
