package org.diffeolens.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training data sets by name, found where the project and Debian put them: a given folder,
 * else test-data/datasets/NAME (test-data/fetch-datasets.sh), else the Debian package's folder.
 * The trainer and the lens load a run's data through this, so both see the same samples.
 */
public final class DataSets {

    /** The names {@link #load} knows. */
    public static final List<String> NAMES = List.of("fashion-mnist", "digits");

    private DataSets() {
    }

    /** Loads and standardizes a data set; dataDir may be null (then the default places are searched). */
    public static TrainTest load(String name, Path dataDir) throws IOException {
        return switch (name) {
            case "fashion-mnist" -> TrainTest.fashionMnist(locate(name, dataDir, FashionMnist.FILES[0],
                    Path.of("/usr/share/datasets/fashion-mnist")));
            case "digits" -> TrainTest.digits(locate(name, dataDir, "digits.csv.gz",
                    Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data")).resolve("digits.csv.gz"));
            default -> throw new IllegalArgumentException("unknown data set '" + name + "' (have " + NAMES + ")");
        };
    }

    /** The folder holding the data set: dataDir, else test-data/datasets/name, else the system folder. */
    private static Path locate(String name, Path dataDir, String probe, Path system) throws NoSuchFileException {
        if (dataDir != null) {
            if (!Files.isRegularFile(dataDir.resolve(probe))) {
                throw new NoSuchFileException(dataDir.resolve(probe).toString(), null,
                        "--data-dir has no " + probe + " (run test-data/fetch-datasets.sh or install the package)");
            }
            return dataDir;
        }
        List<Path> candidates = new ArrayList<>(List.of(Path.of("test-data", "datasets", name), system));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve(probe))) {
                return p;
            }
        }
        throw new NoSuchFileException(candidates.get(0).resolve(probe).toString(), null,
                "no " + name + " data found (looked in " + candidates + "); run test-data/fetch-datasets.sh or pass --data-dir");
    }
}
