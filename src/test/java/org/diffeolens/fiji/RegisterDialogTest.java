package org.diffeolens.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.Method;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.SimilarityMetric;
import org.junit.jupiter.api.Test;

/** The dialog's fields against the CLI's parameters: names, defaults, and what the recorder writes. */
class RegisterDialogTest {

    static final String[] TITLES = {"fixed.png", "moving image.tif"};

    private static RegistrationParameters parameters(String options) throws UserError {
        return RegisterDialog.parameters(RegisterDialog.form(TITLES).read(options));
    }

    @Test
    void noOptionsGiveTheCliDefaults() throws UserError {
        // diffeolens register with no option: RegisterCommand.parameters() builds exactly this
        // alpha 0 stands for "9 h^2 of the fixed image", which the plugin fills in once it has the image
        RegistrationParameters d = RegistrationParameters.defaults().withKernel(0, RegistrationParameters.DEFAULT_GAMMA,
                RegistrationParameters.DEFAULT_ORDER);
        assertEquals(d, parameters(""));
        assertEquals(d.withMetric(SimilarityMetric.ncc(2)).withSigma(RegistrationParameters.DEFAULT_SIGMA_NCC),
                parameters("metric=ncc"), "sigma left out follows the metric, as --sigma does");
    }

    @Test
    void everyFieldSetsTheParameterOfItsName() throws UserError {
        RegistrationParameters p = parameters("fixed=fixed.png moving=[moving image.tif] method=lddmm metric=ncc "
                + "ncc_radius=3 sigma=0.2 kernel=gaussian kernel_width=4.5 alpha=2 gamma=0.5 order=1.5 "
                + "time_steps=7 levels=4 iterations=33 tolerance=0.01 affine=rigid affine_iterations=12 "
                + "no_normalize threads=3");
        assertEquals(new RegistrationParameters(Method.LDDMM, SimilarityMetric.ncc(3), 2, 0.5, 1.5, 4.5, 0.2, 7, 4,
                33, AffineModel.RIGID, 12, 0.01, false, 3), p);
    }

    @Test
    void recordedOptionsRepeatTheRunWithEveryField() throws UserError {
        String options = "fixed=fixed.png moving=[moving image.tif] method=svf iterations=20 affine_iterations=7 "
                + "no_normalize output=[/tmp/a folder]";
        Form.Values v = RegisterDialog.form(TITLES).read(options);
        String recorded = v.asMacroOptions();
        Map<String, String> keys = Form.parseOptions(recorded);
        for (String k : new String[] {"fixed", "moving", "method", "metric", "ncc_radius", "sigma", "kernel", "alpha",
            "gamma", "order", "kernel_width", "time_steps", "levels", "iterations", "tolerance", "affine",
            "affine_iterations", "no_normalize", "threads", "output"}) {
            assertTrue(keys.containsKey(k), k + " missing from " + recorded);
        }
        assertEquals("moving image.tif", keys.get("moving"));
        assertEquals("/tmp/a folder", keys.get("output"));
        Form.Values again = RegisterDialog.form(TITLES).read(recorded);
        assertEquals(RegisterDialog.parameters(v), RegisterDialog.parameters(again));
        assertEquals(recorded, again.asMacroOptions());
    }

    @Test
    void aKeyMatchesOnlyAWholeKey() throws UserError {
        // ImageJ's Macro.getValue would read iterations from affine_iterations= when it comes first
        RegistrationParameters p = parameters("affine_iterations=7 iterations=20");
        assertEquals(20, p.iterations());
        assertEquals(7, p.affineIterations());
        assertEquals(RegistrationParameters.DEFAULT_ITERATIONS, parameters("affine_iterations=7").iterations());
    }

    @Test
    void optionsParseAsImageJWritesThem() throws UserError {
        Map<String, String> m = Form.parseOptions("a=1 b=[two words] c='quoted [x]' flag d=[nested [x] y]");
        assertEquals(Map.of("a", "1", "b", "two words", "c", "quoted [x]", "flag", "", "d", "nested [x] y"), m);
        assertThrows(UserError.class, () -> Form.parseOptions("a=[open"));
        assertThrows(UserError.class, () -> parameters("iterations=2.5"));
    }
}
