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

    /**
     * One Euler step of a residual block whose vector field is this layer: next = x + h f(x).
     * Returns the tape of f (its output may be absent from the tape of a fused step).
     */
    default Tape forwardStep(Parameters w, INDArray x, double h, INDArray next, Workspace workspace) {
        Tape t = forward(w, x, workspace);
        Kernels.eulerStep(x, h, t.output(), next);
        return t;
    }

    /**
     * One step of the adjoint sweep through that block, in place: grad += h (df/dtheta)^T p and
     * p := p + h (df/dx)^T p (the discrete adjoint p_k = p_{k+1} + h (df/dx)^T p_{k+1}).
     */
    default void backwardStep(Parameters w, Tape tape, INDArray p, Parameters grad, double h, Workspace workspace) {
        INDArray v = backward(w, tape, p, grad, h, true, workspace);
        Kernels.eulerStep(p, h, v, p);
    }

    /** What the tangent pass keeps for the second-order pullback; {@code output()} is the tangent of the value. */
    interface TangentTape {
        INDArray output();
    }

    /**
     * The forward-mode derivative (tangent) of the layer at the point of a forward pass whose tape
     * is given: dy = (dy/dx) dx + (dy/dtheta) dtheta, for a tangent dx of the input (null: the input
     * is held fixed; kept by reference in the returned tape) and dtheta of the parameters (a
     * Parameters of the same layout). Lives in the workspace (slots apart from the forward's, so
     * the tape stays intact).
     */
    TangentTape tangent(Parameters w, Tape tape, INDArray dx, Parameters dtheta, Workspace workspace);

    /** The input covector of a pullback and its tangent, both shaped like the input. */
    record SecondOrder(INDArray dx, INDArray dxDot) {
    }

    /**
     * The second-order adjoint: the pullback of dy and its derivative along the tangent of the
     * forward pass (tangent, with dtheta) and the tangent dyDot of dy. Adds
     * scale * d/de[(dy/dtheta)^T dy] into gradDot and returns (dy/dx)^T dy with its tangent (both
     * null when needInput is false). ReLU's second derivative is taken as 0: its mask is fixed
     * between kinks, so this is the Hessian almost everywhere.
     */
    SecondOrder backwardTangent(Parameters w, Tape tape, TangentTape tangent, INDArray dy, INDArray dyDot,
                                Parameters dtheta, Parameters gradDot, double scale, boolean needInput,
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
