package org.diffeolens.cli;

import org.diffeolens.nn.hopfield.HopfieldSpec;
import org.diffeolens.nn.hopfield.Rho;
import picocli.CommandLine.Option;

/** The options of {@code diffeolens train --net hopfield} and of its equilibrium-propagation estimator. */
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

    @Option(names = "--beta", description = "nudging strength of --gradient ep (default: ${DEFAULT-VALUE})")
    double beta = 0.01;

    @Option(names = "--one-sided", description = "--gradient ep nudges one way (+beta) instead of both (+-beta)")
    boolean oneSided;

    /** The nudging strength, checked: -beta must keep the output's energy convex (beta &lt; 1) when nudged both ways. */
    double beta() {
        if (!(beta > 0) || Double.isInfinite(beta) || !oneSided && beta >= 1) {
            throw new IllegalArgumentException("--beta must be > 0" + (oneSided ? "" : " and < 1 when nudging both ways "
                    + "(the output's energy at -beta must stay convex)") + ", got " + beta);
        }
        return beta;
    }

    HopfieldSpec spec(int[] inputShape, int classes) {
        return new HopfieldSpec(inputShape, hidden, classes, Rho.parse(rho), relaxationIterations, relaxationTolerance);
    }
}
