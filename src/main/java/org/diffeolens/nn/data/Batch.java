package org.diffeolens.nn.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A mini-batch: inputs [b, height, width, channels], the labels, and the labels one-hot [b, classes]
 * (for the cross-entropy and its gradient).
 */
public record Batch(INDArray inputs, int[] labels, INDArray oneHot) {

    public int size() {
        return labels.length;
    }
}
