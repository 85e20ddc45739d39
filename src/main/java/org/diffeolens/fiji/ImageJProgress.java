package org.diffeolens.fiji;

import ij.IJ;
import java.util.Locale;
import org.diffeolens.field.Grid;
import org.diffeolens.flow.Energy;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.RegistrationListener;
import org.diffeolens.registration.RegistrationParameters;

/**
 * A registration's progress on ImageJ's progress bar and status line: the stage, the pyramid
 * level, the iteration and the energy, and a reminder that Esc stops the run.
 */
final class ImageJProgress implements RegistrationListener {

    private final String command;
    private final int totalLevels;
    private int levelsStarted;
    private int maxIterations;
    private String stageLevel = "";
    private String voxels = "";

    ImageJProgress(String command, RegistrationParameters p) {
        this.command = command;
        boolean affine = p.affine() != AffineModel.NONE && p.affineIterations() > 0;
        int deformable = p.iterations() > 0 ? p.levels() : 0;
        this.totalLevels = Math.max(1, (affine ? p.levels() : 0) + deformable);
    }

    @Override
    public void onLevel(String stage, int level, int levels, Grid grid, int maxIterations) {
        this.maxIterations = Math.max(1, maxIterations);
        int[] size = grid.size();
        StringBuilder dims = new StringBuilder();
        for (int a = 0; a < size.length; a++) {
            dims.append(a == 0 ? "" : "x").append(size[a]);
        }
        stageLevel = String.format(Locale.ROOT, "%s: %s level %d/%d", command, stage, level + 1, levels);
        voxels = dims + " voxels";
        IJ.showStatus(stageLevel + ", " + voxels + " (Esc stops)");
        IJ.showProgress(levelsStarted / (double) totalLevels);
        levelsStarted++;
    }

    @Override
    public void onIteration(String stage, int level, int iteration, Energy energy) {
        // the numbers first: the progress bar covers the end of the status line
        IJ.showStatus(String.format(Locale.ROOT, "%s, iteration %d/%d, E = %.4g, %s (Esc stops)", stageLevel,
                iteration, maxIterations, energy.total(), voxels));
        double within = Math.min(1, iteration / (double) maxIterations);
        IJ.showProgress(Math.min(0.999, (levelsStarted - 1 + within) / totalLevels));
    }

    /** Hides the progress bar; called however the run ended. */
    void finish() {
        IJ.showProgress(1.0);
    }
}
