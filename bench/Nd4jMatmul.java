import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's single-precision 1024 x 1024 matrix product, each way of calling it: mmul (allocates the
 * result), mmuli into a preallocated result, Nd4j.gemm into a preallocated result, and OpenBLAS's
 * cblas_sgemm on the same memory; each with 'c' and 'f' ordered arrays. The variants are timed
 * round-robin, 7 rounds of 10 products, best round each; GFLOP/s = 2 n^3 / time. Prints one JSON object. Run by bench/nd4j_speed.sh:
 *   java -cp CLASSPATH bench/Nd4jMatmul.java [threads]
 * With a threads argument, ND4J's OpenMP and BLAS thread counts are set to it first.
 */
public class Nd4jMatmul {

    interface Op {
        void run();
    }

    static final int N = 1024;

    /** Warms every variant up, then measures them round-robin (so load changes hit all alike); best per variant. */
    static Map<String, Double> measure(Map<String, Op> ops, int rounds) {
        for (Op op : ops.values()) {
            for (int i = 0; i < 5; i++) {
                op.run();
            }
        }
        Map<String, Double> best = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Op> e : ops.entrySet()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 10; i++) {
                    e.getValue().run();
                }
                double g = 2.0 * N * N * N * 10 / (System.nanoTime() - t0);
                best.merge(e.getKey(), Math.round(g * 10) / 10.0, Math::max);
            }
        }
        return best;
    }

    static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer()).position(a.offset());
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            int t = Integer.parseInt(args[0]);
            Nd4j.getEnvironment().setMaxThreads(t);
            Nd4j.getEnvironment().setMaxMasterThreads(t);
            Nd4j.factory().blas().setMaxThreads(t);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("maxThreads", Nd4j.getEnvironment().maxThreads());
        r.put("blasThreads", Nd4j.factory().blas().getMaxThreads());
        r.put("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"));
        r.put("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS"));
        Map<String, Op> ops = new LinkedHashMap<>();
        for (char order : new char[] {'c', 'f'}) {
            INDArray a = Nd4j.rand(DataType.FLOAT, order, N, N);
            INDArray b = Nd4j.rand(DataType.FLOAT, order, N, N);
            INDArray c = Nd4j.create(DataType.FLOAT, new long[] {N, N}, order);
            ops.put(order + ".mmul", () -> a.mmul(b));
            ops.put(order + ".mmuliPreallocated", () -> a.mmuli(b, c));
            ops.put(order + ".gemmPreallocated", () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
            int layout = order == 'c' ? openblas_nolapack.CblasRowMajor : openblas_nolapack.CblasColMajor;
            ops.put(order + ".cblasSgemm", () -> openblas_nolapack.cblas_sgemm(layout, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans, N, N, N, 1f, pointer(a), N, pointer(b), N, 0f, pointer(c), N));
        }
        r.putAll(measure(ops, 7));
        StringBuilder s = new StringBuilder("{");
        r.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                .append(v instanceof String || v == null ? (v == null ? "null" : "\"" + v + "\"") : v));
        System.out.println(s.append('}'));
    }
}
