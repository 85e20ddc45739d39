package org.diffeolens.fiji;

/** A bad choice in a dialog or in macro options, worded for the user; the plugin shows it with IJ.error. */
final class UserError extends Exception {

    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message);
    }
}
