package org.diffeolens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.lens.EpochLens;
import org.diffeolens.lens.TrainingTrajectory;
import org.diffeolens.nn.Activation;
import org.diffeolens.nn.Architecture;
import org.diffeolens.nn.Checkpoint;
import org.diffeolens.nn.Classifier;
import org.diffeolens.nn.EpochRecord;
import org.diffeolens.nn.GradientSettings;
import org.diffeolens.nn.LayerBlocks;
import org.diffeolens.nn.MetricSettings;
import org.diffeolens.nn.NetworkSpec;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Trainer;
import org.diffeolens.nn.TrainingConfig;
import org.diffeolens.nn.TrainingListener;
import org.diffeolens.nn.TrainingResult;
import org.diffeolens.nn.data.DataFormatException;
import org.diffeolens.nn.data.DataSets;
import org.diffeolens.nn.data.TrainTest;
import org.diffeolens.nn.hopfield.HopfieldNetwork;
import org.diffeolens.nn.hopfield.HopfieldSpec;
import org.diffeolens.nn.report.CurvesPlot;
import org.diffeolens.nn.report.TrainingSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code diffeolens train}: trains a residual network or a layered Hopfield network on
 * Fashion-MNIST or scikit-learn's digits, with the gradient by the adjoint or by equilibrium
 * propagation, and writes, into --out, the model (model.ckpt), a checkpoint after every epoch
 * (checkpoint-epoch&lt;N&gt;.ckpt, for --resume), summary.json and curves.png (both rewritten
 * after every epoch). With two estimators (--gradient adjoint,ep) it trains the same network
 * from the same weights on the same batches with each, into a subfolder per estimator, and
 * summary.json and curves.png compare them. Parses, calls the library, reports; no math here.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a residual network (a discretized flow x_{k+1} = x_k + h f(x_k, W_k)) or a layered "
                + "Hopfield network through the shared optimization interface.")
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

    @Option(names = "--net", description = "conv, dense or hopfield (default: conv)")
    String kind = "conv";

    @Mixin
    HopfieldOptions hopfield = new HopfieldOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

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

    @Option(names = "--gradient", split = ",", paramLabel = "adjoint|ep",
            description = "gradient estimator: adjoint (backpropagation; for hopfield the adjoint of the equilibrium) "
                    + "or ep (equilibrium propagation); both (adjoint,ep) trains one run with each and compares them "
                    + "(default: adjoint)")
    List<String> gradients = List.of("adjoint");

    @Option(names = "--beta", description = "ep: nudging strength (default: 1e-3 per sample for residual nets, "
            + "0.01 for hopfield)")
    Double beta;

    @Option(names = "--one-sided", description = "ep: nudge one way only (error O(beta) instead of O(beta^2), "
            + "one relaxation less)")
    boolean oneSided;

    @Option(names = "--metric", description = "metric raising the gradient: identity, layer (per-layer stiffness), "
            + "cogradient (damped diagonal Fisher) or fisher (K-FAC natural gradient) (default: ${DEFAULT-VALUE})")
    String metric = "identity";

    @Option(names = "--damping", description = "cogradient, fisher: Tikhonov damping (default: 1e-2)")
    Double damping;

    @Option(names = "--freeze", split = ",", description = "layers to freeze, by index (0 input layer, 1..N blocks, "
            + "N+1 head) or name (stem, block0, head)")
    List<String> freeze = new ArrayList<>();

    @Option(names = "--stiffness", split = ",", description = "per-layer stiffness as layer=value (update divided "
            + "by it), e.g. 0=10,head=0.5")
    List<String> stiffness = new ArrayList<>();

    @Option(names = "--trajectory", description = "metric the recorded path of the weights is measured in: euclidean, "
            + "or fisher as well (the Fisher metric on 128 training samples: a forward and a tangent pass of them per "
            + "step; residual nets) (default: ${DEFAULT-VALUE})")
    String trajectory = "euclidean";

    @Option(names = "--lens", description = "after every epoch, write the lens's figures into --out: the path of the "
            + "weights, the block sensitivity (1000 test samples) and the top of the Fisher spectrum (256 training "
            + "samples), with lens.json (residual nets)")
    boolean lens;

    @Option(names = "--seed", description = "seed of the initial weights and the shuffles (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--threads", description = "threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--resume", description = "continue the run of a checkpoint file (its network and settings; "
            + "the options above are ignored)")
    Path resume;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

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
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            err.println("diffeolens train: " + e.getMessage());
            return FAILED;
        }
    }

    private int train(PrintWriter out) throws IOException {
        long start = System.nanoTime();
        refuseOptionsOfTheOtherFamily();
        TrainTest data = load();
        List<String> estimators = List.copyOf(new java.util.LinkedHashSet<>(gradients));
        if (estimators.size() == 1) {
            trainOne(out, data, estimators.get(0), outDir, start);
            return OK;
        }
        if (resume != null) {
            throw new IllegalArgumentException("--resume continues one run: give one --gradient");
        }
        Map<String, List<EpochRecord>> curves = new LinkedHashMap<>();
        Map<String, Object> runs = new LinkedHashMap<>();
        String title = "";
        String lossTitle = "";
        for (String g : estimators) {
            // each run's wall time is its own (from the command's start, the later runs counted the earlier ones)
            Run r = trainOne(out, data, g, outDir.resolve(g), System.nanoTime());
            curves.put(g, r.result().epochs());
            runs.put(g, r.summary());
            title = r.title().replace(", " + g, "");
            lossTitle = r.lossTitle();
        }
        Map<String, Object> comparison = new LinkedHashMap<>();
        comparison.put("command", "diffeolens train " + String.join(" ", originalArgs()));
        comparison.put("runs", runs);
        TrainingSummary.write(outDir.resolve("summary.json"), comparison);
        CurvesPlot.write(outDir.resolve("curves.png"), CurvesPlot.compare(title + ": " + String.join(" vs ", estimators),
                lossTitle, curves));
        return OK;
    }

    /** One finished run: what it returned, its summary.json and its plot's titles. */
    private record Run(TrainingResult result, Map<String, Object> summary, String title, String lossTitle) {
    }

    private Run trainOne(PrintWriter out, TrainTest data, String gradient, Path folder, long start) throws IOException {
        Classifier network = network(data);
        TrainingConfig config = config(network, gradient);
        Checkpoint from = null;
        if (resume != null) {
            from = Checkpoint.load(resume, Map.of(NetworkSpec.FAMILY, NetworkSpec::fromSettings,
                    HopfieldSpec.FAMILY, HopfieldSpec::fromSettings));
            network = build(from.spec());
            config = from.config();
        }
        if (!quiet) {
            out.println("diffeolens train: " + data.train() + ", test " + data.test().size() + " samples, gradient by "
                    + config.gradient().estimator().cliName());
            out.println(network.describe());
            out.flush();
        }
        Trainer trainer = new Trainer(network, config);
        String title = title(network.architecture(), config);
        TrainingTrajectory path = new TrainingTrajectory(network, data.train(),
                TrainingTrajectory.Metric.parse(trajectory), Parallel.of(config.threads()));
        trainer.addListener(path).addMinimizerListener(path);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("command", "diffeolens train " + String.join(" ", originalArgs()));
        extra.put("environment", environment());
        final Classifier net = network;
        final TrainingConfig c = config;
        Checkpoint[] last = {from};
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord record, EpochState state) {
                try {
                    last[0] = state.checkpoint();
                    last[0].save(folder.resolve("checkpoint-epoch" + record.epoch() + ".ckpt"));
                    extra.put("trajectory", path.toMap());
                    writeReports(folder, data, c, net, last[0].history(), title, extra);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        if (lens) {
            if (!(network instanceof ResidualNetwork residual)) {
                throw new IllegalArgumentException("--lens draws a residual network's figures, not a "
                        + network.architecture().family() + " network's");
            }
            trainer.addListener(new EpochLens(folder, residual, data, path, config, title, Parallel.of(config.threads())));
        }
        if (!quiet) {
            boolean bars = terminal != null ? terminal : System.console() != null;
            trainer.addListener(new TrainProgress(out, bars ? System.err : null));
        }
        Files.createDirectories(folder); // only now: every option was checked above
        // an interrupted run continues from its last checkpoint-epoch<N>.ckpt with --resume
        TrainingResult result = from == null ? trainer.fit(data.train(), data.test())
                : trainer.resume(from, data.train(), data.test());
        if (result.epochs().isEmpty()) {
            // the Minimizer stops when a mini-batch gradient vanishes exactly (every output unit
            // pinned on a face of the hard sigmoid's box, for one): nothing to report or resume
            throw new IllegalStateException("training stopped (" + result.reason().name().toLowerCase()
                    + ") after " + result.stepLosses().length + " steps, before the first epoch ended: a mini-batch "
                    + "gradient vanished (with --net hopfield try --rho sigmoid)");
        }
        if (last[0] != null) {
            // the model is the last completed epoch's checkpoint (it also resumes)
            last[0].save(folder.resolve("model.ckpt"));
        }
        extra.put("wallSeconds", (System.nanoTime() - start) / 1e9);
        extra.put("trajectory", path.toMap());
        Map<String, Object> summary = writeReports(folder, data, config, network, result.epochs(), title, extra);
        if (!quiet) {
            out.printf("test accuracy %.2f %% after %d epochs; wrote %s%n", 100 * result.last().testAccuracy(),
                    result.epochs().size(), folder.toAbsolutePath());
            out.flush();
        }
        return new Run(result, summary, title, lossTitle(network));
    }

    /** A residual net's architecture options with --net hopfield, or the Hopfield options without it: not ignored. */
    private void refuseOptionsOfTheOtherFamily() {
        CommandLine.ParseResult parsed = commandSpec == null ? null : commandSpec.commandLine().getParseResult();
        if (parsed == null) {
            return;
        }
        boolean hopfieldNet = kind.equalsIgnoreCase(HopfieldSpec.FAMILY);
        List<String> others = hopfieldNet
                ? List.of("--depth", "--width", "--step", "--activation", "--input-stride", "--no-norm")
                : List.of("--hidden", "--rho", "--relaxation-iterations", "--relaxation-tolerance");
        for (String option : others) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + (hopfieldNet ? " is an option of the residual nets, not of "
                        + "--net hopfield" : " is an option of --net hopfield, not of --net " + kind));
            }
        }
    }

    /** The network the options describe. */
    private Classifier network(TrainTest data) {
        int[] shape = data.train().sampleShape();
        int classes = data.train().classes();
        return build(kind.equalsIgnoreCase(HopfieldSpec.FAMILY) ? hopfield.spec(shape, classes) : spec(shape, classes));
    }

    private static Classifier build(Architecture a) {
        return a instanceof HopfieldSpec h ? new HopfieldNetwork(h) : new ResidualNetwork((NetworkSpec) a);
    }

    private String title(Architecture a, TrainingConfig config) {
        String net = a instanceof NetworkSpec s ? s.kind().name().toLowerCase() + " residual net: depth " + s.depth()
                + ", width " + s.width() : a.toString().replaceFirst(", relaxation.*", "");
        return net + " on " + dataset + ", " + config.gradient().estimator().cliName() + ", "
                + config.optimizer().cliName() + " lr " + config.learningRate()
                + (config.metric().kind() == MetricSettings.Kind.IDENTITY ? "" : ", " + config.metric().kind().cliName()
                + " metric");
    }

    private static String lossTitle(Classifier network) {
        return network instanceof HopfieldNetwork ? "Squared error 1/2 |y - t|^2" : "Cross-entropy loss";
    }

    private List<String> originalArgs = List.of();

    private List<String> originalArgs() {
        if (originalArgs.isEmpty() && commandSpec != null && commandSpec.commandLine().getParseResult() != null) {
            // run as Main's subcommand: picocli keeps the words after "train"
            List<String> all = commandSpec.commandLine().getParseResult().originalArgs();
            int at = all.indexOf("train");
            return at < 0 ? all : all.subList(at + 1, all.size());
        }
        return originalArgs;
    }

    private Map<String, Object> writeReports(Path folder, TrainTest data, TrainingConfig config, Classifier network,
                                             List<EpochRecord> epochs, String title, Map<String, Object> extra)
            throws IOException {
        Map<String, Object> net;
        Map<String, Object> more = new LinkedHashMap<>(extra);
        if (network instanceof HopfieldNetwork h) {
            net = h.spec().summary();
            more.put("relaxation", h.log().summary());
        } else {
            net = TrainingSummary.network((NetworkSpec) network.architecture(), network.layout().length());
        }
        Map<String, Object> summary = TrainingSummary.of(dataset, data.train().size(), data.test().size(), net, config,
                epochs, more);
        TrainingSummary.write(folder.resolve("summary.json"), summary);
        CurvesPlot.write(folder.resolve("curves.png"), CurvesPlot.render(title, lossTitle(network), epochs));
        return summary;
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

    private TrainingConfig config(Classifier network, String gradient) {
        TrainingConfig.OptimizerKind o = TrainingConfig.OptimizerKind.parse(optimizer);
        double lr = learningRate != null ? learningRate : switch (o) {
            case ADAM -> 2e-3;
            case MOMENTUM -> 0.05;
            case SGD -> 0.1;
        };
        return new TrainingConfig(epochs, batchSize, seed, o, lr, momentum, TrainingConfig.Schedule.parse(schedule),
                weightDecay, threads).withGradient(gradientSettings(network, gradient))
                .withMetric(metricSettings(network));
    }

    private GradientSettings gradientSettings(Classifier network, String gradient) {
        GradientSettings.Estimator e;
        try {
            e = GradientSettings.Estimator.parse(gradient);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("--" + bad.getMessage());
        }
        if (e == GradientSettings.Estimator.ADJOINT && gradients.size() == 1 && (beta != null || oneSided)) {
            throw new IllegalArgumentException("--beta and --one-sided need --gradient ep");
        }
        double b = beta != null ? beta
                : network instanceof HopfieldNetwork ? HopfieldNetwork.DEFAULT_BETA : GradientSettings.DEFAULT_BETA;
        try {
            GradientSettings settings = new GradientSettings(e, b, !oneSided);
            network.estimator(settings); // checks the settings against the network before any work
            return settings;
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("--" + bad.getMessage());
        }
    }

    private MetricSettings metricSettings(Classifier network) {
        LayerBlocks layers = new LayerBlocks(network.layout());
        Map<Integer, Double> s = new LinkedHashMap<>();
        for (String pair : stiffness) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--stiffness entries are layer=value, got '" + pair + "'");
            }
            try {
                s.put(layers.indexOf(kv[0]), Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--stiffness value of " + kv[0] + " is not a number: '" + kv[1] + "'");
            }
        }
        for (String layer : freeze) {
            s.put(layers.indexOf(layer), Double.POSITIVE_INFINITY);
        }
        MetricSettings.Kind kind = MetricSettings.Kind.parse(metric);
        if (damping != null && kind != MetricSettings.Kind.COGRADIENT && kind != MetricSettings.Kind.FISHER) {
            throw new IllegalArgumentException("--damping needs --metric cogradient or fisher, not " + kind.cliName());
        }
        MetricSettings settings = new MetricSettings(kind, damping != null ? damping : MetricSettings.DEFAULT_DAMPING, s);
        settings.build(network); // fails at the door for a metric the network cannot have
        return settings;
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
