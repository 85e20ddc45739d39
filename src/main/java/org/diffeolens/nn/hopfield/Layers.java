package org.diffeolens.nn.hopfield;

import java.util.Arrays;
import org.diffeolens.nn.Flat;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The batched layer arithmetic of a Hopfield network on one mini-batch: the couplings' products by
 * ND4J gemm, the element passes on Java arrays filled by bulk transfers (one per layer and sweep),
 * the clamped input's constant pull x W_0 + b_1 computed once per control. Layers are numbered
 * k = 1..top (top = L+1, the output); a state's layer k is {@code state.get(k - 1)}, W_k is
 * {@code w.get(2k)} and b_k is {@code w.get(2k - 1)}. Not thread-safe (one per flow).
 */
final class Layers {

    private final HopfieldSpec spec;
    private final Batch batch;
    private final int size;
    private final int top;
    private final double[] targets;
    private INDArray inputs;
    private DataType type;
    private INDArray[] products;
    private double[] values;
    private double[] other;
    private float[] transfer;
    private double[] driveKey;
    private double[] driveProbe;
    private float[] driveTransfer;
    private double[] drive;

    Layers(HopfieldSpec spec, Batch batch) {
        this.spec = spec;
        this.batch = batch;
        this.size = batch.size();
        this.top = spec.freeLayers();
        int classes = spec.classes();
        this.targets = new double[size * classes];
        int[] labels = batch.labels();
        for (int i = 0; i < size; i++) {
            targets[i * classes + labels[i]] = 1;
        }
    }

    int size() {
        return size;
    }

    int top() {
        return top;
    }

    /** One-hot targets t, [B, classes] row-major. */
    double[] targets() {
        return targets;
    }

    static INDArray layer(Parameters state, int k) {
        return state.get(k - 1);
    }

    static INDArray weight(Parameters w, int k) {
        return w.get(2 * k);
    }

    static INDArray bias(Parameters w, int k) {
        return w.get(2 * k - 1);
    }

    /** The clamped inputs x [B, n_0] in the given type. */
    INDArray inputs(DataType t) {
        if (inputs == null || inputs.dataType() != t) {
            INDArray x = batch.inputs().reshape('c', size, spec.units(0));
            inputs = x.dataType() == t ? x : x.castTo(t);
        }
        return inputs;
    }

    /** Buffers for one element type, made on first use. */
    private void plan(DataType t) {
        if (t == type) {
            return;
        }
        type = t;
        products = new INDArray[top + 1];
        int most = 0;
        for (int k = 1; k <= top; k++) {
            products[k] = Nd4j.create(t, new long[] {size, spec.units(k)}, 'c');
            most = Math.max(most, size * spec.units(k));
        }
        values = new double[most];
        other = new double[most];
        transfer = new float[most];
        driveKey = null;
    }

    /** Reads a contiguous array into dst[0..n). */
    double[] load(INDArray x, double[] dst) {
        Flat f = Flat.of(x);
        f.read(0, dst, f.length(), transfer);
        return dst;
    }

    /** Writes src[0..n) into a contiguous array of n elements. */
    void store(double[] src, INDArray x) {
        Flat f = Flat.of(x);
        f.write(0, src, f.length(), transfer);
    }

    /** A Java array of at least the largest layer's B n_k elements, for the caller's own pass. */
    double[] buffer(DataType t, int which) {
        plan(t);
        return which == 0 ? values : other;
    }

    /**
     * x W_0 + b_1 [B, n_1], the clamped input's constant pull on the first layer: the one large
     * product of a relaxation, kept while W_0 and b_1 hold exactly the same coefficients.
     */
    private double[] drive(Parameters w) {
        INDArray w0 = weight(w, 0);
        INDArray b1 = bias(w, 1);
        int n0 = (int) w0.length();
        int n1 = (int) b1.length();
        if (driveProbe == null) {
            driveProbe = new double[n0 + n1];
            driveTransfer = new float[n0 + n1];
        }
        Flat.of(w0).read(0, driveProbe, n0, driveTransfer);
        double[] bias = new double[n1];
        Flat.of(b1).read(0, bias, n1, driveTransfer);
        System.arraycopy(bias, 0, driveProbe, n0, n1);
        if (driveKey != null && Arrays.equals(driveKey, driveProbe)) {
            return drive;
        }
        INDArray d = Nd4j.create(w.dataType(), new long[] {size, n1}, 'c');
        Nd4j.gemm(inputs(w.dataType()), w0, d, false, false, 1.0, 0.0);
        drive = new double[size * n1];
        Flat.of(d).read(0, drive, drive.length, new float[drive.length]);
        for (int r = 0; r < drive.length; r += n1) {
            for (int j = 0; j < n1; j++) {
                drive[r + j] += bias[j];
            }
        }
        driveKey = driveProbe.clone();
        return drive;
    }

    /** into := (A v)_k = v_{k-1} W_{k-1} + v_{k+1} W_k^T (v_0 = 0), the couplings alone; returns into. */
    double[] coupling(Parameters w, Parameters v, int k, double[] into) {
        plan(w.dataType());
        INDArray out = products[k];
        boolean below = k > 1;
        if (below) {
            Nd4j.gemm(layer(v, k - 1), weight(w, k - 1), out, false, false, 1.0, 0.0);
        }
        if (k < top) {
            Nd4j.gemm(layer(v, k + 1), weight(w, k), out, false, true, 1.0, below ? 1.0 : 0.0);
        }
        return load(out, into);
    }

    /** into += the constant part of layer k's net input: x W_0 + b_1 for k = 1, b_k above. */
    void addConstant(Parameters w, int k, double[] into) {
        if (k == 1) {
            double[] d = drive(w);
            for (int i = 0; i < d.length; i++) {
                into[i] += d[i];
            }
            return;
        }
        int n = spec.units(k);
        double[] b = load(bias(w, k), new double[n]);
        for (int r = 0; r < size * n; r += n) {
            for (int j = 0; j < n; j++) {
                into[r + j] += b[j];
            }
        }
    }

    /** u_k = s_{k-1} W_{k-1} + s_{k+1} W_k^T + b_k, the net input of layer k, into the given array. */
    double[] netInput(Parameters w, Parameters s, int k, double[] into) {
        coupling(w, s, k, into);
        addConstant(w, k, into);
        return into;
    }

    /** s_{k-1} W_{k-1} + b_k (x W_0 + b_1 for k = 1): the pull from below alone. */
    double[] bottomUp(Parameters w, Parameters s, int k, double[] into) {
        plan(w.dataType());
        if (k == 1) {
            Arrays.fill(into, 0, size * spec.units(1), 0);
        } else {
            Nd4j.gemm(layer(s, k - 1), weight(w, k - 1), products[k], false, false, 1.0, 0.0);
            load(products[k], into);
        }
        addConstant(w, k, into);
        return into;
    }

    /** out [n] = scale * the sum over the rows of m [B, n]. */
    void sumRows(INDArray m, double scale, INDArray out) {
        int n = (int) out.length();
        double[] rows = load(m, buffer(m.dataType(), 1));
        double[] sum = new double[n];
        for (int r = 0; r < size * n; r += n) {
            for (int j = 0; j < n; j++) {
                sum[j] += rows[r + j];
            }
        }
        for (int j = 0; j < n; j++) {
            sum[j] *= scale;
        }
        Flat.of(out).write(0, sum, n, new float[n]);
    }
}
