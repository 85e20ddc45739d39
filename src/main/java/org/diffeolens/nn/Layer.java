package org.diffeolens.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable map of a mini-batch with parameters from a {@link Parameters} layout: the input
 * layer, a block's vector field, the classifier head. Shapes are per sample (without the batch
 * axis): {height, width, channels} for images, {features} for vectors.
 */
public interface Layer {

    /** What the forward pass keeps for the backward pass; {@code output()} is the layer's value. */
    interface Tape {
        INDArray output();
    }

    long[] inputShape();

    long[] outputShape();

    /** Applies the layer to x [b, inputShape...]; the tape's arrays live in the workspace. */
    Tape forward(Parameters w, INDArray x, Workspace workspace);

    /**
     * The pullback of a covector dy on the output: adds {@code scale * (dy/dtheta)^T dy} into this
     * layer's tensors of {@code grad} and returns {@code (dy/dx)^T dy} shaped like x (null when
     * {@code needInput} is false).
     */
    INDArray backward(Parameters w, Tape tape, INDArray dy, Parameters grad, double scale, boolean needInput,
                      Workspace workspace);

    /** One line for summaries ("conv3x3 32->32, channel norm, relu"). */
    String describe();

    static long length(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
