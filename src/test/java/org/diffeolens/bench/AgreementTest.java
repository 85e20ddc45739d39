package org.diffeolens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.Json;
import org.junit.jupiter.api.Test;

class AgreementTest {

    private static ScalarField ramp(Grid g, double scale, double offset) {
        ScalarField f = ScalarField.zeros(g);
        for (int i = 0; i < f.data().length; i++) {
            f.data()[i] = scale * (i % 7) + offset;
        }
        return f;
    }

    @Test
    void scoresAnImageAgainstTheFixedOneOnItsGrid() {
        Grid g = Grid.of(new int[] {7, 5}, new double[] {1, 1});
        ScalarField fixed = ramp(g, 1, 0);
        // an affine change of intensity: NCC stays 1, MSE is the mean of (x + 2)^2 over the ramp 0..6
        Json s = Agreement.scores(fixed, ramp(g, 2, 2), "b.nii");
        double mse = 0;
        for (int i = 0; i < 35; i++) {
            mse += Math.pow(i % 7 + 2, 2);
        }
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(s.toString());
        assertEquals(mse / 35, ((Number) parsed.get("mse")).doubleValue(), 1e-12);
        assertEquals(1, ((Number) parsed.get("ncc")).doubleValue(), 1e-12);
    }

    @Test
    void namesTheFileWhoseGridDiffers() {
        ScalarField fixed = ramp(Grid.of(new int[] {7, 5}, new double[] {1, 1}), 1, 0);
        ScalarField other = ramp(Grid.of(new int[] {5, 7}, new double[] {1, 1}), 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Agreement.scores(fixed, other, "out/warped.nii.gz"));
        assertTrue(e.getMessage().startsWith("out/warped.nii.gz: grid [5, 7]"), e.getMessage());
    }
}
