package org.diffeolens.nn.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) from its four IDX files, as Debian's
 * dataset-fashion-mnist installs them: 60,000 training and 10,000 test images, 28x28 grey
 * levels 0..255 (scaled to [0, 1]), 10 classes.
 */
public final class FashionMnist {

    public static final String[] FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
        "Shirt", "Sneaker", "Bag", "Ankle boot"};
    private static final int CLASSES = 10;

    private FashionMnist() {
    }

    /** {training, test} from the folder holding the four files. */
    public static Dataset[] read(Path folder) throws IOException {
        return new Dataset[] {read(folder.resolve(FILES[0]), folder.resolve(FILES[1]), "fashion-mnist/train"),
            read(folder.resolve(FILES[2]), folder.resolve(FILES[3]), "fashion-mnist/test")};
    }

    public static Dataset read(Path imagesFile, Path labelsFile, String name) throws IOException {
        IdxReader.IdxArray images = IdxReader.read(imagesFile);
        IdxReader.IdxArray labels = IdxReader.read(labelsFile);
        int[] d = images.dimensions();
        if (d.length != 3) {
            throw new DataFormatException(imagesFile, "an image file has 3 dimensions (count, rows, columns), this has "
                    + Arrays.toString(d));
        }
        if (labels.dimensions().length != 1) {
            throw new DataFormatException(labelsFile, "a label file has 1 dimension, this has "
                    + Arrays.toString(labels.dimensions()));
        }
        if (labels.count() != images.count()) {
            throw new DataFormatException(labelsFile, labels.count() + " labels for " + images.count() + " images in "
                    + imagesFile.getFileName());
        }
        int n = images.count();
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = labels.unsigned(i);
            if (l[i] >= CLASSES) {
                throw new DataFormatException(labelsFile, "label " + i + " is " + l[i] + ", outside 0..9");
            }
        }
        byte[] px = images.data();
        float[] f = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            f[i] = (px[i] & 0xff) / 255f;
        }
        return new Dataset(name, f, l, new int[] {d[1], d[2], 1}, CLASSES);
    }
}
