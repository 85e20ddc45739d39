package org.diffeolens.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The control of a residual network: all layer tensors in one contiguous ND4J vector (so the
 * optimizers' vector-space operations are single native calls), seen by the layers through views
 * (created once, on first use). A gradient is a Parameters of the same layout.
 */
public final class Parameters {

    private final ParameterLayout layout;
    private final INDArray flat;
    private final INDArray[] views;

    /** Wraps a contiguous vector of layout.length() coefficients (not copied). */
    public Parameters(ParameterLayout layout, INDArray flat) {
        if (flat.length() != layout.length() || !flat.isVector() && flat.length() > 1) {
            throw new IllegalArgumentException("a vector of " + layout.length() + " coefficients is needed, got shape "
                    + java.util.Arrays.toString(flat.shape()));
        }
        if (flat.isView() && flat.elementWiseStride() != 1) {
            throw new IllegalArgumentException("the coefficient vector must be contiguous");
        }
        this.layout = layout;
        this.flat = flat.reshape(flat.length());
        this.views = new INDArray[layout.size()];
    }

    public static Parameters zeros(ParameterLayout layout, DataType type) {
        return new Parameters(layout, Nd4j.zeros(type, layout.length()));
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** All coefficients, in layout order (a live vector, not a copy). */
    public INDArray flat() {
        return flat;
    }

    public DataType dataType() {
        return flat.dataType();
    }

    /** Tensor i of the layout, as a view into {@link #flat()}. */
    public INDArray get(int i) {
        INDArray v = views[i];
        if (v == null) {
            ParameterLayout.Entry e = layout.entry(i);
            v = flat.get(NDArrayIndex.interval(e.offset(), e.offset() + e.length())).reshape('c', e.shape());
            views[i] = v;
        }
        return v;
    }

    public INDArray get(String name) {
        return get(layout.indexOf(name));
    }

    /** A deep copy. */
    public Parameters copy() {
        return new Parameters(layout, flat.dup());
    }

    /** The same coefficients as another type (float32 for training, float64 for gradient checks). */
    public Parameters castTo(DataType type) {
        return new Parameters(layout, flat.castTo(type).dup());
    }

    @Override
    public String toString() {
        return "Parameters" + layout;
    }
}
