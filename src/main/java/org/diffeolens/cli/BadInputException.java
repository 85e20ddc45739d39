package org.diffeolens.cli;

/** A user-facing error about the inputs of a command (exit code 2), already worded for the user. */
public final class BadInputException extends Exception {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}
