package org.diffeolens.cli;

import java.io.PrintWriter;
import org.diffeolens.io.ImageIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line front door: parses, calls the library, reports. Exit codes: 0 ok, 2 bad input
 * or usage (the message names the file or parameter), 1 internal error.
 */
@Command(name = "diffeolens",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Diffeomorphic image registration (LDDMM, geodesic shooting, stationary velocity fields)",
            "and a geometric lens on network training, over one optimization engine.",
            ""},
        subcommands = {RegisterCommand.class, ApplyCommand.class, JacobianCommand.class, TrainCommand.class,
            LensCommand.class, AccelerationCommand.class, InfoCommand.class, ConvertCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Run 'diffeolens COMMAND --help' for the options of a command.",
            "Exit codes: 0 success, 2 bad input or usage, 1 internal error."})
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        // ImageJ reads PNG and TIFF through AWT classes; a command line needs no display for them.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests and the launcher). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, err));
        return cl.execute(args);
    }

    /** One clear line for bad input; a short internal-error report otherwise. */
    static int report(Exception ex, PrintWriter err) {
        if (ex instanceof ImageIOException || ex instanceof BadInputException) {
            err.println("diffeolens: error: " + ex.getMessage());
            return EXIT_BAD_INPUT;
        }
        if (ex instanceof IllegalArgumentException) {
            err.println("diffeolens: error: invalid parameter: " + ex.getMessage());
            return EXIT_BAD_INPUT;
        }
        err.println("diffeolens: internal error: " + ex);
        if (Boolean.getBoolean("diffeolens.debug")) {
            ex.printStackTrace(err);
        } else {
            err.println("(run with -Ddiffeolens.debug=true for the stack trace, and please report it)");
        }
        return EXIT_INTERNAL;
    }
}
