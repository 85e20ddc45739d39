package org.diffeolens.nn;

import org.diffeolens.concurrent.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Matrix products split by rows across the workspace's threads, each block one single-threaded
 * ND4J gemm (the trainer runs ND4J's own pools with one thread): the parallelism is ours and
 * explicit, with one join per product instead of a native thread rendezvous per call, and a
 * thread count always gives the same numbers.
 */
final class Gemm {

    private Gemm() {
    }

    static INDArray rows(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** c = a b, rows of a and c split across threads. a [m, k], b [k, n], c [m, n]. */
    static void times(INDArray a, INDArray b, INDArray c, Parallel parallel, boolean transposeB) {
        long m = a.size(0);
        if (m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many rows: " + m);
        }
        parallel.range((int) m, (from, to) -> Nd4j.gemm(rows(a, from, to), b, rows(c, from, to), false, transposeB, 1.0,
                0.0));
    }

    /**
     * g += scale a^T d, the sum over rows split across threads: each thread's part goes into its
     * own partial (from the workspace), added to g in thread order.
     */
    static void addTransposeTimes(INDArray a, INDArray d, INDArray g, double scale, Parallel parallel,
                                  Workspace workspace, Object owner) {
        long m = a.size(0);
        int parts = parallel.chunks((int) m);
        if (parts == 1) {
            Nd4j.gemm(a, d, g, true, false, scale, 1.0);
            return;
        }
        INDArray[] partial = new INDArray[parts];
        for (int t = 0; t < parts; t++) {
            partial[t] = workspace.get(owner, "partial" + t, g.dataType(), g.shape());
        }
        parallel.chunked((int) m, (t, from, to) -> Nd4j.gemm(rows(a, from, to), rows(d, from, to), partial[t], true,
                false, scale, 0.0));
        for (INDArray p : partial) {
            Nd4j.getBlasWrapper().level1().axpy(g.length(), 1.0, p, g);
        }
    }
}
