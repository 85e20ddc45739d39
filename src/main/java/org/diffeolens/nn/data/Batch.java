package org.diffeolens.nn.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A mini-batch: inputs [b, height, width, channels] and their labels. */
public record Batch(INDArray inputs, int[] labels) {

    public int size() {
        return labels.length;
    }
}
