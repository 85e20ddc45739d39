package org.diffeolens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.lens.EpochLens;
import org.diffeolens.lens.TrainingTrajectory;
import org.diffeolens.nn.Activation;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.EpochRecord;
import org.diffeolens.nn.NetworkSpec;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Trainer;
import org.diffeolens.nn.TrainingConfig;
import org.diffeolens.nn.TrainingListener;
import org.diffeolens.nn.TrainingResult;
import org.diffeolens.nn.data.DataFormatException;
import org.diffeolens.nn.data.DataSets;
import org.diffeolens.nn.data.TrainTest;
import org.diffeolens.nn.report.CurvesPlot;
import org.diffeolens.nn.report.TrainingSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffeolens train}: trains a residual network on Fashion-MNIST or scikit-learn's digits
 * and writes, into --out, the model (model.ckpt), a checkpoint after every epoch
 * (checkpoint-epoch&lt;N&gt;.ckpt, for --resume), summary.json and curves.png (both rewritten
 * after every epoch). Parses, calls the library, reports; no math here.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a residual network (a discretized flow x_{k+1} = x_k + h f(x_k, W_k)) through the "
                + "shared optimization interface.")
public final class TrainCommand implements Callable<Integer> {

    /** Exit codes: success, internal failure, bad input (message names the file or parameter). */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    @Option(names = "--dataset", required = true, description = "fashion-mnist or digits")
    String dataset;

    @Option(names = "--data-dir", description = "folder with the data files (default: test-data/datasets/<dataset>, "
            + "then the Debian package's folder)")
    Path dataDir;

    @Option(names = "--out", required = true, description = "output folder")
    Path outDir;

    @Option(names = "--net", description = "conv or dense (default: conv)")
    String kind = "conv";

    @Option(names = "--depth", description = "residual blocks N (default: ${DEFAULT-VALUE})")
    int depth = 3;

    @Option(names = "--width", description = "channels (conv) or features (dense) of the state (default: ${DEFAULT-VALUE})")
    int width = 32;

    @Option(names = "--step", description = "step h of the flow (default: 1/depth)")
    Double step;

    @Option(names = "--activation", description = "relu or tanh (default: ${DEFAULT-VALUE})")
    String activation = "relu";

    @Option(names = "--input-stride", description = "stride of the input convolution (default: 2 for 28x28 images, 1 for 8x8)")
    Integer inputStride;

    @Option(names = "--no-norm", description = "no channel normalization in the convolutional blocks")
    boolean noNorm;

    @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs = 5;

    @Option(names = "--batch-size", description = "mini-batch size (default: ${DEFAULT-VALUE})")
    int batchSize = 128;

    @Option(names = "--optimizer", description = "sgd, momentum or adam (default: ${DEFAULT-VALUE})")
    String optimizer = "adam";

    @Option(names = "--lr", description = "learning rate (default: 2e-3 for adam, 0.05 for momentum, 0.1 for sgd)")
    Double learningRate;

    @Option(names = "--momentum", description = "momentum of the heavy-ball optimizer (default: ${DEFAULT-VALUE})")
    double momentum = 0.9;

    @Option(names = "--schedule", description = "learning-rate schedule: constant, cosine or step (default: ${DEFAULT-VALUE})")
    String schedule = "cosine";

    @Option(names = "--weight-decay", description = "lambda of the energy lambda/2 ||W||^2 (default: ${DEFAULT-VALUE})")
    double weightDecay = 0;

    @Option(names = "--seed", description = "seed of the initial weights and the shuffles (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--threads", description = "threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--resume", description = "continue the run of a checkpoint file (its network and settings; "
            + "the options above are ignored)")
    Path resume;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    @Option(names = "--trajectory", description = "metric the recorded path of the weights is measured in: euclidean, "
            + "or fisher as well (the Fisher metric on 128 training samples: a forward and a tangent pass of them per "
            + "step) (default: ${DEFAULT-VALUE})")
    String trajectory = "euclidean";

    @Option(names = "--lens", description = "after every epoch, write the lens's figures into --out: the path of the "
            + "weights, the block sensitivity (1000 test samples) and the top of the Fisher spectrum (256 training "
            + "samples), with lens.json")
    boolean lens;

    private PrintWriter stdout;
    private PrintWriter stderr;
    /** Progress bars on stderr: null decides by whether the JVM has a console. */
    private Boolean terminal;

    /** Runs the command as the CLI would; for tests and for Main's subcommand hook. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        TrainCommand command = new TrainCommand();
        command.stdout = out;
        command.stderr = err;
        command.terminal = false;
        command.originalArgs = List.of(args);
        return commandLine(command, out, err).execute(args);
    }

    /** The picocli command line for Main to add as a subcommand. */
    public static CommandLine commandLine(TrainCommand command, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("diffeolens train: internal error: " + e);
            return FAILED;
        });
        return cl;
    }

    public static void main(String[] args) {
        TrainCommand command = new TrainCommand();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        command.stdout = out;
        command.stderr = err;
        command.originalArgs = List.of(args);
        System.exit(commandLine(command, out, err).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = stdout != null ? stdout : new PrintWriter(System.out, true);
        PrintWriter err = stderr != null ? stderr : new PrintWriter(System.err, true);
        try {
            return train(out);
        } catch (IllegalArgumentException e) {
            err.println("diffeolens train: " + e.getMessage());
            return BAD_INPUT;
        } catch (NoSuchFileException e) {
            err.println("diffeolens train: " + e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "no such file"));
            return BAD_INPUT;
        } catch (DataFormatException e) {
            err.println("diffeolens train: " + e.getMessage());
            return BAD_INPUT;
        } catch (IOException | UncheckedIOException e) {
            err.println("diffeolens train: " + e.getMessage());
            return FAILED;
        }
    }

    private int train(PrintWriter out) throws IOException {
        long start = System.nanoTime();
        TrainTest data = load();
        int[] shape = data.train().sampleShape();
        NetworkSpec spec = spec(shape, data.train().classes());
        TrainingConfig config = config();
        Checkpoint from = null;
        if (resume != null) {
            from = Checkpoint.load(resume);
            spec = from.spec();
            config = from.config();
        }
        ResidualNetwork network = new ResidualNetwork(spec);
        Files.createDirectories(outDir);
        if (!quiet) {
            out.println("diffeolens train: " + data.train() + ", test " + data.test().size() + " samples");
            out.println(network.describe());
            out.flush();
        }
        Trainer trainer = new Trainer(network, config);
        TrainingTrajectory path = new TrainingTrajectory(network, data.train(),
                TrainingTrajectory.Metric.parse(trajectory), Parallel.of(config.threads()));
        trainer.addListener(path).addMinimizerListener(path);
        String title = spec.kind().name().toLowerCase() + " residual net on " + dataset + ": depth " + spec.depth()
                + ", width " + spec.width() + ", " + config.optimizer().cliName() + " lr " + config.learningRate();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("command", "diffeolens train " + String.join(" ", originalArgs()));
        extra.put("environment", environment());
        final NetworkSpec s = spec;
        final TrainingConfig c = config;
        Checkpoint[] last = {from};
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord record, EpochState state) {
                try {
                    last[0] = state.checkpoint();
                    last[0].save(outDir.resolve("checkpoint-epoch" + record.epoch() + ".ckpt"));
                    extra.put("trajectory", path.toMap());
                    writeReports(data, s, c, network, last[0].history(), title, extra);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        if (lens) {
            trainer.addListener(new EpochLens(outDir, network, data, path, config, title, Parallel.of(config.threads())));
        }
        if (!quiet) {
            boolean bars = terminal != null ? terminal : System.console() != null;
            trainer.addListener(new TrainProgress(out, bars ? System.err : null));
        }
        // an interrupted run continues from its last checkpoint-epoch<N>.ckpt with --resume
        TrainingResult result = from == null ? trainer.fit(data.train(), data.test())
                : trainer.resume(from, data.train(), data.test());
        if (last[0] != null) {
            // the model is the last completed epoch's checkpoint (it also resumes)
            last[0].save(outDir.resolve("model.ckpt"));
        }
        extra.put("wallSeconds", (System.nanoTime() - start) / 1e9);
        extra.put("trajectory", path.toMap());
        writeReports(data, spec, config, network, result.epochs(), title, extra);
        if (!quiet) {
            out.printf("test accuracy %.2f %% after %d epochs; wrote %s%n", 100 * result.last().testAccuracy(),
                    result.epochs().size(), outDir.toAbsolutePath());
            out.flush();
        }
        return OK;
    }

    private List<String> originalArgs = List.of();

    private List<String> originalArgs() {
        return originalArgs;
    }

    private void writeReports(TrainTest data, NetworkSpec spec, TrainingConfig config, ResidualNetwork network,
                              List<EpochRecord> epochs, String title, Map<String, Object> extra) throws IOException {
        TrainingSummary.write(outDir.resolve("summary.json"), TrainingSummary.of(dataset, data.train().size(),
                data.test().size(), spec, network.layout().length(), config, epochs, extra));
        CurvesPlot.write(outDir.resolve("curves.png"), title, epochs);
    }

    private TrainTest load() throws IOException {
        if (!DataSets.NAMES.contains(dataset)) {
            throw new IllegalArgumentException("--dataset must be fashion-mnist or digits, got '" + dataset + "'");
        }
        return DataSets.load(dataset, dataDir);
    }

    private NetworkSpec spec(int[] shape, int classes) {
        NetworkSpec.Kind k = NetworkSpec.Kind.parse(kind);
        Activation a = Activation.parse(activation);
        if (depth < 0) {
            throw new IllegalArgumentException("--depth must be >= 0, got " + depth);
        }
        double h = step != null ? step : 1.0 / Math.max(1, depth);
        int stride = inputStride != null ? inputStride : (shape[0] >= 16 ? 2 : 1);
        return new NetworkSpec(k, shape, classes, width, depth, h, a, 3, stride, !noNorm);
    }

    private TrainingConfig config() {
        TrainingConfig.OptimizerKind o = TrainingConfig.OptimizerKind.parse(optimizer);
        double lr = learningRate != null ? learningRate : switch (o) {
            case ADAM -> 2e-3;
            case MOMENTUM -> 0.05;
            case SGD -> 0.1;
        };
        return new TrainingConfig(epochs, batchSize, seed, o, lr, momentum, TrainingConfig.Schedule.parse(schedule),
                weightDecay, threads);
    }

    private static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java", System.getProperty("java.version"));
        m.put("nd4j", "1.0.0-M2.1 nd4j-native linux-x86_64");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"));
        return m;
    }
}
