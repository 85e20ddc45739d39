package org.diffeolens.lens;

import java.util.ArrayList;
import java.util.List;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A data sample in double-precision batches, over which the lens's Fisher and Hessian products
 * average: the expectations E_x[...] of their formulas are means over these samples.
 */
record SampleBatches(List<Batch> batches, int size) {

    static SampleBatches of(Dataset data, int batchSize) {
        if (data.size() < 1) {
            throw new IllegalArgumentException("the lens needs at least one sample, got an empty data set " + data);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        List<Batch> list = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            list.add(data.batch(from, Math.min(data.size(), from + batchSize), DataType.DOUBLE));
        }
        return new SampleBatches(List.copyOf(list), data.size());
    }

    /** Sample i of batch b alone (a batch of one, its own contiguous copy). */
    static Batch single(Batch b, int i) {
        long[] shape = b.inputs().shape().clone();
        shape[0] = 1;
        org.nd4j.linalg.api.ndarray.INDArray row = b.inputs().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i))
                .dup('c').reshape('c', shape);
        return new Batch(row, new int[] {b.labels()[i]});
    }
}
