package org.diffeolens.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.diffeolens.nn.EpochRecord;
import org.diffeolens.nn.TrainingListener;

/**
 * What `diffeolens train` shows while it runs: a progress bar per epoch (batch loss and rate) when
 * writing to a terminal, and one line per epoch always (unless quiet).
 */
final class TrainProgress implements TrainingListener {

    private final PrintWriter out;
    private final PrintStream terminal;
    private Plan plan;
    private ProgressBar bar;

    /** terminal: where the bars go (null: no bars, e.g. not a TTY or in tests). */
    TrainProgress(PrintWriter out, PrintStream terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onStart(Plan p) {
        this.plan = p;
    }

    @Override
    public void onStep(int epoch, int step, double batchLoss, double learningRate) {
        if (terminal == null) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + plan.config().epochs())
                    .setInitialMax(plan.stepsPerEpoch()).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(terminal)).setUnit(" batches", 1).build();
        }
        bar.stepTo(step);
        bar.setExtraMessage(String.format("loss %.4f, lr %.2e", batchLoss, learningRate));
    }

    @Override
    public void onEpochEnd(EpochRecord r, EpochState state) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        if (out != null) {
            out.printf("epoch %d/%d  train loss %.4f  test loss %.4f  test accuracy %.2f %%  %.1f s (+%.1f s test)%n",
                    r.epoch(), plan.config().epochs(), r.trainLoss(), r.testLoss(), 100 * r.testAccuracy(), r.seconds(),
                    r.evalSeconds());
            out.flush();
        }
    }

    @Override
    public void onFinish(org.diffeolens.nn.TrainingResult result) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
