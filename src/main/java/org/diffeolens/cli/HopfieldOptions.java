package org.diffeolens.cli;

import org.diffeolens.nn.hopfield.HopfieldSpec;
import org.diffeolens.nn.hopfield.Rho;
import picocli.CommandLine.Option;

/** The options of {@code diffeolens train --net hopfield}: its layers, activation and relaxation. */
final class HopfieldOptions {

    @Option(names = "--hidden", split = ",", paramLabel = "N[,N...]",
            description = "hidden layer sizes of --net hopfield (default: 256)")
    int[] hidden = {256};

    @Option(names = "--rho", description = "activation of --net hopfield: hard-sigmoid or sigmoid (default: ${DEFAULT-VALUE})")
    String rho = "sigmoid";

    @Option(names = "--relaxation-iterations",
            description = "most block Gauss-Seidel sweeps of a relaxation (default: ${DEFAULT-VALUE})")
    int relaxationIterations = 100;

    @Option(names = "--relaxation-tolerance",
            description = "a relaxation stops when no unit moves more than this in a sweep (default: ${DEFAULT-VALUE})")
    double relaxationTolerance = 1e-4;

    HopfieldSpec spec(int[] inputShape, int classes) {
        return new HopfieldSpec(inputShape, hidden, classes, Rho.parse(rho), relaxationIterations, relaxationTolerance);
    }
}
