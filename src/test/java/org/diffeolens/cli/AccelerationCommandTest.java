package org.diffeolens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffeolens.Tolerances;
import org.diffeolens.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** diffeolens acceleration --registration: the depth experiment of SVF registration through the front door. */
class AccelerationCommandTest {

    @TempDir
    Path dir;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    @SuppressWarnings("unchecked")
    void registrationExperimentWritesJsonAndPlotWhoseCurvesStartTogether() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "acceleration", "--registration",
                Tolerances.testData("BrainProtonDensitySliceBSplined10.png").toString(),
                Tolerances.testData("BrainProtonDensitySlice.png").toString(),
                "--shrink", "8", "--iterations", "4", "--depths", "1,2", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        assertTrue(Files.size(dir.resolve("acceleration-registration.png")) > 1000);
        Map<String, Object> json = (Map<String, Object>) Json.parse(
                Files.readString(dir.resolve("acceleration-registration.json")));
        for (String energy : List.of("registrationEnergy", "dataTermOnly")) {
            Map<String, Object> block = (Map<String, Object>) json.get(energy);
            List<Map<String, Object>> lbfgs = (List<Map<String, Object>>) block.get("lbfgs");
            assertEquals(2, lbfgs.size());
            double e0 = ((List<Number>) lbfgs.get(0).get("energy")).get(0).doubleValue();
            for (Map<String, Object> c : lbfgs) {
                List<Number> e = (List<Number>) c.get("energy");
                // from v_i = 0 every depth is the identity map: one starting energy
                assertEquals(e0, e.get(0).doubleValue(), 0.0);
                assertEquals(5, e.size());
            }
        }
    }

    @Test
    void depthsThatAreNoPowersOfTwoFailWithExitTwoAndWriteNothing() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "acceleration", "--registration",
                Tolerances.testData("BrainProtonDensitySliceBSplined10.png").toString(),
                Tolerances.testData("BrainProtonDensitySlice.png").toString(), "--depths", "1,3", "--out",
                dir.resolve("x").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("got 3"), err.toString());
        assertFalse(Files.exists(dir.resolve("x")));
    }
}
