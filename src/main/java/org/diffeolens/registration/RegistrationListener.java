package org.diffeolens.registration;

import org.diffeolens.field.Grid;
import org.diffeolens.flow.Energy;

/** Progress of a registration, for progress bars (CLI), ImageJ's status line (plugin) and the lens. */
public interface RegistrationListener {

    /** A stage ("affine" or the method's name) starts a pyramid level (0 = coarsest). */
    default void onLevel(String stage, int level, int levels, Grid grid, int maxIterations) {
    }

    /** An iteration of the current level finished. */
    default void onIteration(String stage, int level, int iteration, Energy energy) {
    }

    RegistrationListener NONE = new RegistrationListener() {
    };
}
