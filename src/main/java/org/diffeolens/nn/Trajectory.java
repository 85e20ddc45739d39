package org.diffeolens.nn;

import java.util.Collections;
import java.util.List;
import org.diffeolens.nn.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a forward pass of a residual network on one batch keeps: the states x_0..x_N of the flow
 * (for the adjoint sweep, and for an energy-form estimator that needs the whole path), each
 * layer's tape, the class probabilities and both energy terms. Its arrays live in the
 * {@link Workspace} the pass ran in: valid until the next pass through that workspace;
 * {@link #detachedStates()} copies the path out.
 */
public final class Trajectory {

    private final Parameters control;
    private final Batch batch;
    private final Layer.Tape stem;
    private final List<Layer.Tape> fields;
    private final List<INDArray> states;
    private final Layer.Tape head;
    private final INDArray probabilities;
    private final double loss;
    private final double regularization;

    Trajectory(Parameters control, Batch batch, Layer.Tape stem, List<Layer.Tape> fields, List<INDArray> states,
               Layer.Tape head, INDArray probabilities, double loss, double regularization) {
        this.control = control;
        this.batch = batch;
        this.stem = stem;
        this.fields = fields;
        this.states = states;
        this.head = head;
        this.probabilities = probabilities;
        this.loss = loss;
        this.regularization = regularization;
    }

    public Parameters control() {
        return control;
    }

    public Batch batch() {
        return batch;
    }

    /** x_0 .. x_N, each [b, state shape...]. */
    public List<INDArray> states() {
        return Collections.unmodifiableList(states);
    }

    /** Copies of the states that outlive the workspace. */
    public List<INDArray> detachedStates() {
        return states.stream().map(INDArray::dup).toList();
    }

    /** The logits of the head, [b, classes]. */
    public INDArray logits() {
        return head.output();
    }

    /** Softmax of the logits, [b, classes]. */
    public INDArray probabilities() {
        return probabilities;
    }

    /** Mean cross-entropy over the batch: the data term of the energy. */
    public double loss() {
        return loss;
    }

    /** Weight decay lambda/2 sum ||W||^2: the regularizing energy on the control. */
    public double regularization() {
        return regularization;
    }

    Layer.Tape stemTape() {
        return stem;
    }

    Layer.Tape fieldTape(int k) {
        return fields.get(k);
    }

    Layer.Tape headTape() {
        return head;
    }
}
