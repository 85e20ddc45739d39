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
    private final List<Trajectory> parts;

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
        this.parts = null;
    }

    /** The trajectory of a batch whose parts ran on separate threads (rows in part order). */
    private Trajectory(Parameters control, Batch batch, List<Trajectory> parts, double regularization) {
        this.control = control;
        this.batch = batch;
        this.stem = null;
        this.fields = null;
        this.states = null;
        this.head = null;
        this.probabilities = null;
        double loss = 0;
        for (Trajectory p : parts) {
            loss += p.loss * p.batch.size();
        }
        this.loss = loss / batch.size();
        this.regularization = regularization;
        this.parts = List.copyOf(parts);
    }

    static Trajectory combined(Parameters control, Batch batch, List<Trajectory> parts, double regularization) {
        return new Trajectory(control, batch, parts, regularization);
    }

    /** The per-thread parts of the batch, or an empty list when it ran as one. */
    List<Trajectory> parts() {
        return parts == null ? List.of() : parts;
    }

    private INDArray joined(java.util.function.Function<Trajectory, INDArray> of) {
        INDArray[] a = new INDArray[parts.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = of.apply(parts.get(i));
        }
        return org.nd4j.linalg.factory.Nd4j.concat(0, a);
    }

    public Parameters control() {
        return control;
    }

    public Batch batch() {
        return batch;
    }

    /** x_0 .. x_N, each [b, state shape...] (for a batch that ran in parts, joined into new arrays). */
    public List<INDArray> states() {
        if (parts != null) {
            int n = parts.get(0).states.size();
            List<INDArray> joined = new java.util.ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                final int index = k;
                joined.add(joined(t -> t.states.get(index)));
            }
            return Collections.unmodifiableList(joined);
        }
        return Collections.unmodifiableList(states);
    }

    /** Copies of the states that outlive the workspace. */
    public List<INDArray> detachedStates() {
        return parts != null ? states() : states.stream().map(INDArray::dup).toList();
    }

    /** The logits of the head, [b, classes]. */
    public INDArray logits() {
        return parts != null ? joined(Trajectory::logits) : head.output();
    }

    /** Softmax of the logits, [b, classes]. */
    public INDArray probabilities() {
        return parts != null ? joined(Trajectory::probabilities) : probabilities;
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
