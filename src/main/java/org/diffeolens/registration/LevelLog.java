package org.diffeolens.registration;

import java.util.List;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.MinimizationResult.StopReason;

/**
 * What one pyramid level of one stage did: its grid size, the energy at every iteration (index 0
 * is the start), why it stopped, and its wall time.
 */
public record LevelLog(String stage, int level, int[] size, double[] spacing, int iterations, StopReason stopReason,
                       List<Energy> energies, double seconds) {
}
