package org.diffeolens.registration;

import org.diffeolens.field.Grid;
import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.Minimizer;

/** Progress of a registration, for progress bars (CLI), ImageJ's status line (plugin) and the lens. */
public interface RegistrationListener {

    /** A stage ("affine" or the method's name) starts a pyramid level (0 = coarsest). */
    default void onLevel(String stage, int level, int levels, Grid grid, int maxIterations) {
    }

    /** An iteration of the current level finished. */
    default void onIteration(String stage, int level, int iteration, Energy energy) {
    }

    /**
     * A level's minimizer is about to run {@code flow} (a {@link GeodesicShooting}, {@link Lddmm},
     * {@link StationaryVelocity} or {@link AffineAlignment}) on {@code context}'s grid: the place to
     * attach minimizer listeners, such as the lens's trajectory recorders. The context is null for
     * the affine stage.
     */
    default void onMinimizer(String stage, int level, FlowContext context, Minimizer<?> minimizer,
                             ControlledFlow<?, ?> flow) {
    }

    RegistrationListener NONE = new RegistrationListener() {
    };

    /** Both listeners, in order. */
    static RegistrationListener both(RegistrationListener a, RegistrationListener b) {
        return new RegistrationListener() {
            @Override
            public void onLevel(String stage, int level, int levels, Grid grid, int maxIterations) {
                a.onLevel(stage, level, levels, grid, maxIterations);
                b.onLevel(stage, level, levels, grid, maxIterations);
            }

            @Override
            public void onIteration(String stage, int level, int iteration, Energy energy) {
                a.onIteration(stage, level, iteration, energy);
                b.onIteration(stage, level, iteration, energy);
            }

            @Override
            public void onMinimizer(String stage, int level, FlowContext context, Minimizer<?> minimizer,
                                    ControlledFlow<?, ?> flow) {
                a.onMinimizer(stage, level, context, minimizer, flow);
                b.onMinimizer(stage, level, context, minimizer, flow);
            }
        };
    }
}
