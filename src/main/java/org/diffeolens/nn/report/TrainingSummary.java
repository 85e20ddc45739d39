package org.diffeolens.nn.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffeolens.nn.AtomicFile;
import org.diffeolens.nn.EpochRecord;
import org.diffeolens.nn.NetworkSpec;
import org.diffeolens.nn.TrainingConfig;

/**
 * summary.json of a training run: what was trained on what, with which settings (enough to rerun
 * it), and per epoch the training loss, test loss and accuracy and the time.
 */
public final class TrainingSummary {

    private TrainingSummary() {
    }

    public static Map<String, Object> of(String dataset, int trainSize, int testSize, NetworkSpec spec,
                                         long parameters, TrainingConfig config, List<EpochRecord> epochs,
                                         Map<String, Object> extra) {
        return of(dataset, trainSize, testSize, network(spec, parameters), config, epochs, extra);
    }

    /** The "network" object of a residual network's summary. */
    public static Map<String, Object> network(NetworkSpec spec, long parameters) {
        Map<String, Object> net = new LinkedHashMap<>();
        net.put("kind", spec.kind().name().toLowerCase());
        net.put("inputShape", spec.inputShape());
        net.put("classes", spec.classes());
        net.put("width", spec.width());
        net.put("depth", spec.depth());
        net.put("step", spec.step());
        net.put("activation", spec.activation().name().toLowerCase());
        if (spec.kind() == NetworkSpec.Kind.CONV) {
            net.put("inputKernel", spec.stemKernel());
            net.put("inputStride", spec.stemStride());
            net.put("channelNorm", spec.normalized());
        }
        net.put("parameters", parameters);
        return net;
    }

    /** A run's summary with the network described by the given object (any architecture). */
    public static Map<String, Object> of(String dataset, int trainSize, int testSize, Map<String, Object> network,
                                         TrainingConfig config, List<EpochRecord> epochs, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("trainSamples", trainSize);
        m.put("testSamples", testSize);
        m.put("network", network);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("epochs", config.epochs());
        t.put("batchSize", config.batchSize());
        t.put("seed", config.seed());
        t.put("optimizer", config.optimizer().cliName());
        t.put("learningRate", config.learningRate());
        if (config.optimizer() == TrainingConfig.OptimizerKind.MOMENTUM) {
            t.put("momentum", config.momentum());
        }
        t.put("schedule", config.schedule().name().toLowerCase());
        t.put("weightDecay", config.weightDecay());
        t.put("threads", config.threads());
        t.putAll(config.gradient().asMap());
        t.putAll(config.metric().asMap());
        m.put("training", t);
        List<Object> e = new ArrayList<>();
        for (EpochRecord r : epochs) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("epoch", r.epoch());
            x.put("trainLoss", r.trainLoss());
            x.put("testLoss", r.testLoss());
            x.put("testAccuracy", r.testAccuracy());
            x.put("seconds", r.seconds());
            x.put("cpuSeconds", r.cpuSeconds());
            x.put("evalSeconds", r.evalSeconds());
            x.put("learningRate", r.learningRate());
            e.add(x);
        }
        m.put("epochs", e);
        if (!epochs.isEmpty()) {
            EpochRecord last = epochs.get(epochs.size() - 1);
            m.put("finalTestAccuracy", last.testAccuracy());
            m.put("finalTestLoss", last.testLoss());
            m.put("trainingSeconds", epochs.stream().mapToDouble(EpochRecord::seconds).sum());
        }
        m.putAll(extra);
        return m;
    }

    public static void write(Path file, Map<String, Object> summary) throws IOException {
        AtomicFile.write(file, Json.write(summary).getBytes(StandardCharsets.UTF_8));
    }
}
