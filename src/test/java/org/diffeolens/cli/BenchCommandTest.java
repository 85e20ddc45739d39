package org.diffeolens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.diffeolens.io.Json;
import org.junit.jupiter.api.Test;

/** The bench command's output shape on tiny sizes (a smoke test: nothing here is timed). */
class BenchCommandTest {

    private static Map<?, ?> run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        return (Map<?, ?>) Json.parse(out.toString());
    }

    @Test
    void primitivesPrintOneJsonObjectWithTimes() {
        Map<?, ?> json = run("bench", "--only", "kernel,gradient,warp", "--size", "8", "--repeat", "2", "--warmup", "0",
                "--threads", "2");
        assertEquals(List.of("machine", "kernel", "gradient", "warp"), List.copyOf(json.keySet()));
        for (String k : new String[] {"kernel", "gradient", "warp"}) {
            Map<?, ?> m = (Map<?, ?>) json.get(k);
            assertTrue(((Number) m.get("medianMs")).doubleValue() >= 0, k);
            assertEquals(2L, ((Number) m.get("runs")).longValue(), k);
        }
        assertEquals(2L, ((Number) ((Map<?, ?>) json.get("machine")).get("threads")).longValue());
    }

    @Test
    void shootingAndItsCostSplitReportLevelsAndShares() {
        Map<?, ?> json = run("bench", "--only", "shooting2d,split", "--size-2d", "24", "--levels", "2",
                "--iterations", "2", "--evaluations", "1", "--threads", "1");
        Map<?, ?> shooting = (Map<?, ?>) json.get("shooting2d");
        assertEquals(2, ((List<?>) shooting.get("iterations")).size());
        assertTrue(((Number) shooting.get("seconds")).doubleValue() > 0);
        Map<?, ?> split = (Map<?, ?>) json.get("split");
        // forward: one K per time step; gradient: one per time step
        assertEquals(20L, ((Number) split.get("kernelCallsPerEvaluation")).longValue());
        assertTrue(((Map<?, ?>) split.get("sampleShares")).containsKey("transport"));
    }

    @Test
    void anUnknownBenchmarkIsRefusedWithItsName() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"bench", "--only", "fft"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertEquals(Main.EXIT_BAD_INPUT, code);
        assertTrue(err.toString().contains("'fft'"), err.toString());
    }
}
