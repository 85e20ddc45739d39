package org.diffeolens.nn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.diffeolens.flow.OptimizerState;
import org.diffeolens.nn.data.DataFormatException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything needed to continue a training run to the same numbers: the architecture, the
 * training configuration, the epochs completed with their records, the parameters and the
 * optimizer's state. One binary file: a magic line, a properties header, the vectors (IEEE
 * big-endian) and a CRC-32; written to a temporary file and renamed, so a crash never leaves a
 * half-written checkpoint.
 */
public record Checkpoint(Architecture spec, TrainingConfig config, int epoch, Parameters parameters,
                         OptimizerState<Parameters> optimizer, List<EpochRecord> history) {

    private static final byte[] MAGIC = "DIFFEOLENS-NN-CHECKPOINT\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    public Checkpoint {
        history = List.copyOf(history);
        if (epoch < 0 || epoch != history.size()) {
            throw new IllegalArgumentException("checkpoint after epoch " + epoch + " needs " + epoch
                    + " epoch records, got " + history.size());
        }
    }

    public void save(Path file) throws IOException {
        AtomicFile.write(file, stream -> {
            OutputStream raw = new BufferedOutputStream(stream, 1 << 16);
            raw.write(MAGIC);
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            out.writeInt(VERSION);
            Map<String, INDArray> vectors = new TreeMap<>();
            vectors.put("parameters", parameters.flat());
            for (Map.Entry<String, Parameters> e : optimizer.vectors().entrySet()) {
                vectors.put("optimizer." + e.getKey(), e.getValue().flat());
            }
            StringWriter header = new StringWriter();
            header(vectors.keySet()).store(header, null);
            byte[] h = header.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(h.length);
            out.write(h);
            out.writeInt(vectors.size());
            for (Map.Entry<String, INDArray> e : vectors.entrySet()) {
                writeVector(out, e.getKey(), e.getValue());
            }
            out.flush();
            DataOutputStream tail = new DataOutputStream(raw);
            tail.writeLong(crc.getValue());
            tail.flush();
        });
    }

    /** Reads a checkpoint of a residual network (see {@link #load(Path, Map)} for other families). */
    public static Checkpoint load(Path file) throws IOException {
        return load(file, Map.of(NetworkSpec.FAMILY, NetworkSpec::fromSettings));
    }

    /**
     * Reads a checkpoint whose architecture one of the readers rebuilds from its settings, by family
     * ({@code residual}, {@code hopfield}); a checkpoint that names no family is a residual network's.
     */
    public static Checkpoint load(Path file, Map<String, ? extends Function<Map<String, String>, ? extends Architecture>> readers)
            throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] magic = raw.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DataFormatException(file, "not a diffeolens network checkpoint");
            }
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            int version = in.readInt();
            if (version != VERSION) {
                throw new DataFormatException(file, "checkpoint version " + version + " (this build reads " + VERSION + ")");
            }
            int headerLength = in.readInt();
            if (headerLength < 0 || headerLength > (1 << 24)) {
                throw new DataFormatException(file, "damaged checkpoint header length " + headerLength);
            }
            Properties p = new Properties();
            p.load(new StringReader(new String(in.readNBytes(headerLength), java.nio.charset.StandardCharsets.UTF_8)));
            int count = in.readInt();
            Map<String, INDArray> vectors = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                vectors.put(name, readVector(in, file, name));
            }
            long expected = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != expected) {
                throw new DataFormatException(file, "checksum mismatch: the checkpoint is damaged");
            }
            return fromHeader(p, vectors, readers, file);
        } catch (EOFException e) {
            throw new DataFormatException(file, "truncated checkpoint", e);
        }
    }

    private Properties header(java.util.Set<String> vectorNames) {
        Properties p = new Properties();
        p.setProperty("spec.family", spec.family());
        for (Map.Entry<String, String> e : spec.settings().entrySet()) {
            p.setProperty("spec." + e.getKey(), e.getValue());
        }
        p.setProperty("config.epochs", Integer.toString(config.epochs()));
        p.setProperty("config.batchSize", Integer.toString(config.batchSize()));
        p.setProperty("config.seed", Long.toString(config.seed()));
        p.setProperty("config.optimizer", config.optimizer().name());
        p.setProperty("config.learningRate", Double.toString(config.learningRate()));
        p.setProperty("config.momentum", Double.toString(config.momentum()));
        p.setProperty("config.schedule", config.schedule().name());
        p.setProperty("config.weightDecay", Double.toString(config.weightDecay()));
        p.setProperty("config.threads", Integer.toString(config.threads()));
        config.gradient().asStrings().forEach((k, v) -> p.setProperty("config.gradient." + k, v));
        config.metric().asStrings().forEach((k, v) -> p.setProperty("config.metric." + k, v));
        p.setProperty("epoch", Integer.toString(epoch));
        for (int i = 0; i < history.size(); i++) {
            EpochRecord r = history.get(i);
            p.setProperty("history." + i, r.epoch() + "," + r.trainLoss() + "," + r.testLoss() + "," + r.testAccuracy()
                    + "," + r.seconds() + "," + r.cpuSeconds() + "," + r.evalSeconds() + "," + r.learningRate());
        }
        p.setProperty("optimizer.name", optimizer.optimizer());
        for (Map.Entry<String, Double> e : optimizer.scalars().entrySet()) {
            p.setProperty("optimizer.scalar." + e.getKey(), Double.toString(e.getValue()));
        }
        p.setProperty("vectors", String.join(",", vectorNames));
        return p;
    }

    private static Architecture architecture(Properties p,
                                             Map<String, ? extends Function<Map<String, String>, ? extends Architecture>> readers,
                                             Path file) throws DataFormatException {
        String family = p.getProperty("spec.family", NetworkSpec.FAMILY);
        var reader = readers.get(family);
        if (reader == null) {
            throw new DataFormatException(file, "a checkpoint of a " + family + " network; expected "
                    + String.join(" or ", new java.util.TreeSet<>(readers.keySet())));
        }
        Map<String, String> settings = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("spec.") && !key.equals("spec.family")) {
                settings.put(key.substring("spec.".length()), p.getProperty(key));
            }
        }
        return reader.apply(settings);
    }

    private static Checkpoint fromHeader(Properties p, Map<String, INDArray> vectors,
                                         Map<String, ? extends Function<Map<String, String>, ? extends Architecture>> readers,
                                         Path file) throws IOException {
        try {
            Architecture spec = architecture(p, readers, file);
            TrainingConfig config = new TrainingConfig(Integer.parseInt(get(p, "config.epochs", file)),
                    Integer.parseInt(get(p, "config.batchSize", file)), Long.parseLong(get(p, "config.seed", file)),
                    TrainingConfig.OptimizerKind.valueOf(get(p, "config.optimizer", file)),
                    Double.parseDouble(get(p, "config.learningRate", file)),
                    Double.parseDouble(get(p, "config.momentum", file)),
                    TrainingConfig.Schedule.valueOf(get(p, "config.schedule", file)),
                    Double.parseDouble(get(p, "config.weightDecay", file)),
                    Integer.parseInt(get(p, "config.threads", file)),
                    GradientSettings.parse(k -> p.getProperty("config.gradient." + k)),
                    MetricSettings.parse(k -> p.getProperty("config.metric." + k)));
            int epoch = Integer.parseInt(get(p, "epoch", file));
            List<EpochRecord> history = new ArrayList<>();
            for (int i = 0; i < epoch; i++) {
                double[] v = Arrays.stream(get(p, "history." + i, file).split(",")).mapToDouble(Double::parseDouble)
                        .toArray();
                if (v.length != 8) {
                    throw new DataFormatException(file, "epoch record " + i + " has " + v.length + " values, expected 8");
                }
                history.add(new EpochRecord((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
            }
            ParameterLayout layout = spec.layout();
            INDArray flat = vectors.get("parameters");
            if (flat == null || flat.length() != layout.length()) {
                throw new DataFormatException(file, "parameters do not fit the network it describes (" + layout.length()
                        + " coefficients expected)");
            }
            Map<String, Double> scalars = new HashMap<>();
            Map<String, Parameters> optimizerVectors = new HashMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("optimizer.scalar.")) {
                    scalars.put(key.substring("optimizer.scalar.".length()), Double.parseDouble(p.getProperty(key)));
                }
            }
            for (Map.Entry<String, INDArray> e : vectors.entrySet()) {
                if (e.getKey().startsWith("optimizer.")) {
                    if (e.getValue().length() != layout.length()) {
                        throw new DataFormatException(file, "optimizer vector " + e.getKey() + " has the wrong length");
                    }
                    optimizerVectors.put(e.getKey().substring("optimizer.".length()), new Parameters(layout, e.getValue()));
                }
            }
            return new Checkpoint(spec, config, epoch, new Parameters(layout, flat),
                    new OptimizerState<>(get(p, "optimizer.name", file), scalars, optimizerVectors), history);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, "inconsistent checkpoint header: " + e.getMessage(), e);
        }
    }

    private static String get(Properties p, String key, Path file) throws DataFormatException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new DataFormatException(file, "checkpoint header lacks '" + key + "'");
        }
        return v;
    }

    private static void writeVector(DataOutputStream out, String name, INDArray v) throws IOException {
        out.writeUTF(name);
        out.writeUTF(v.dataType().name());
        out.writeLong(v.length());
        ByteBuffer b;
        if (v.dataType() == DataType.DOUBLE) {
            double[] d = v.toDoubleVector();
            b = ByteBuffer.allocate(d.length * 8);
            b.asDoubleBuffer().put(d);
        } else if (v.dataType() == DataType.FLOAT) {
            float[] f = v.toFloatVector();
            b = ByteBuffer.allocate(f.length * 4);
            b.asFloatBuffer().put(f);
        } else {
            throw new IllegalArgumentException("cannot checkpoint " + v.dataType() + " vector " + name);
        }
        out.write(b.array());
    }

    private static INDArray readVector(DataInputStream in, Path file, String name) throws IOException {
        DataType type;
        try {
            type = DataType.valueOf(in.readUTF());
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, "vector " + name + " has an unknown type", e);
        }
        long n = in.readLong();
        int width = type == DataType.DOUBLE ? 8 : type == DataType.FLOAT ? 4 : -1;
        if (width < 0 || n < 0 || n * width > Integer.MAX_VALUE) {
            throw new DataFormatException(file, "vector " + name + ": bad type or length " + type + " x " + n);
        }
        ByteBuffer b = ByteBuffer.wrap(in.readNBytes((int) (n * width)));
        if (b.capacity() != n * width) {
            throw new EOFException();
        }
        if (type == DataType.DOUBLE) {
            double[] d = new double[(int) n];
            b.asDoubleBuffer().get(d);
            return Nd4j.createFromArray(d);
        }
        float[] f = new float[(int) n];
        b.asFloatBuffer().get(f);
        return Nd4j.createFromArray(f);
    }
}
