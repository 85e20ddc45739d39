package org.diffeolens.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.diffeolens.field.Grid;
import org.diffeolens.flow.Energy;
import org.diffeolens.registration.RegistrationListener;

/**
 * A progress bar per pyramid level on a terminal; one line per level when the output is not a
 * terminal (CI logs); nothing with --quiet.
 */
final class Progress implements RegistrationListener, AutoCloseable {

    private final boolean quiet;
    private final boolean terminal;
    private final PrintWriter out;
    private ProgressBar bar;
    private String label;
    private Energy last;

    Progress(boolean quiet, PrintWriter out) {
        this.quiet = quiet;
        this.terminal = System.console() != null;
        this.out = out;
    }

    @Override
    public void onLevel(String stage, int level, int levels, Grid grid, int maxIterations) {
        if (quiet) {
            return;
        }
        finishLevel();
        label = String.format(Locale.ROOT, "%s %d/%d %s", stage, level + 1, levels, Text.join(grid.size(), "x"));
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(Math.max(1, maxIterations))
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate().build();
        }
    }

    @Override
    public void onIteration(String stage, int level, int iteration, Energy energy) {
        last = energy;
        if (bar != null) {
            bar.stepTo(iteration);
            bar.setExtraMessage(String.format(Locale.ROOT, "E=%.4g", energy.total()));
        }
    }

    private void finishLevel() {
        if (bar != null) {
            bar.close();
            bar = null;
        } else if (label != null && !terminal && last != null) {
            out.printf(Locale.ROOT, "%s: E = %.6g (reg %.4g, data %.4g)%n", label, last.total(),
                    last.regularization(), last.data());
        }
        label = null;
    }

    @Override
    public void close() {
        if (!quiet) {
            finishLevel();
        }
    }
}
