package org.diffeolens.io;

import java.nio.file.Path;

/**
 * A file could not be read or written. The message always names the file and what is wrong with
 * it, in words a user can act on; front doors print it and exit with code 2.
 */
public class ImageIOException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ImageIOException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ImageIOException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
