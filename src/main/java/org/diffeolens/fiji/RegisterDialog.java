package org.diffeolens.fiji;

import ij.gui.GenericDialog;
import java.awt.Choice;
import java.awt.TextField;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.diffeolens.registration.AffineModel;
import org.diffeolens.registration.Method;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.SimilarityMetric;

/**
 * The fields of Diffeolens Register, with the CLI's parameter names and defaults
 * ({@code diffeolens register --help}): {@code --time-steps} is {@code time_steps}, {@code --metric
 * ncc:3} is {@code metric=ncc ncc_radius=3}, {@code --kernel gaussian:4} is {@code kernel=gaussian
 * kernel_width=4}, {@code --no-normalize} is the checkbox {@code no_normalize}, {@code --out} is
 * {@code output}.
 */
final class RegisterDialog {

    static final String[] METHODS = {"shooting", "lddmm", "svf"};
    static final String[] METRICS = {"ssd", "ncc"};
    static final String[] KERNELS = {"sobolev", "gaussian"};
    static final String[] AFFINE = {"none", "translation", "rigid", "affine"};

    // positions in the dialog, for the listener that follows the metric with sigma's default
    private static final int METRIC_CHOICE = 3;
    private static final int SIGMA_FIELD = 1;

    private RegisterDialog() {
    }

    /** The form; {@code titles} are the open images, the first two the default fixed and moving. */
    static Form form(String[] titles) {
        RegistrationParameters d = RegistrationParameters.defaults();
        return new Form(RegisterPlugin.COMMAND)
                .image("Fixed image", titles, titles[0])
                .image("Moving image", titles, titles[titles.length > 1 ? 1 : 0])
                .choice("Method", METHODS, d.method().toString())
                .choice("Metric", METRICS, "ssd")
                .number("NCC_radius", SimilarityMetric.DEFAULT_NCC_RADIUS, "voxels (ncc)")
                .number("Sigma", d.sigma(), "data-term noise (" + Form.plain(RegistrationParameters.DEFAULT_SIGMA_SSD) + " ssd, " + Form.plain(RegistrationParameters.DEFAULT_SIGMA_NCC) + " ncc)")
                .choice("Kernel", KERNELS, "sobolev")
                .number("Alpha", 0, "mm^2 (sobolev; 0: 9 h^2, h the fixed image's mean spacing)")
                .number("Gamma", d.gamma(), "(sobolev)")
                .number("Order", d.order(), "(sobolev)")
                .number("Kernel_width", 0, "mm (gaussian)")
                .number("Time_steps", d.timeSteps(), "")
                .number("Levels", d.levels(), "pyramid")
                .number("Iterations", d.iterations(), "per level")
                .number("Tolerance", d.tolerance(), "relative, over 5 iterations")
                .choice("Affine pre-alignment", AFFINE, d.affine().toString())
                .number("Affine_iterations", d.affineIterations(), "per level")
                .checkbox("No_normalize (match raw intensities)", !d.normalize())
                .number("Threads", d.threads(), "")
                .directory("Output folder (optional)", "")
                .customize(RegisterDialog::sigmaFollowsMetric);
    }

    /** Switching the metric swaps sigma between the two defaults, unless the user typed another value. */
    private static void sigmaFollowsMetric(GenericDialog gd) {
        Choice metric = (Choice) gd.getChoices().get(METRIC_CHOICE);
        TextField sigma = (TextField) gd.getNumericFields().get(SIGMA_FIELD);
        metric.addItemListener(e -> {
            SimilarityMetric chosen = metric.getSelectedItem().equals("ncc") ? SimilarityMetric.ncc(1)
                    : SimilarityMetric.ssd();
            SimilarityMetric other = chosen.kind() == SimilarityMetric.Kind.SSD ? SimilarityMetric.ncc(1)
                    : SimilarityMetric.ssd();
            if (sigma.getText().trim().equals(Form.plain(RegistrationParameters.defaultSigma(other)))) {
                sigma.setText(Form.plain(RegistrationParameters.defaultSigma(chosen)));
            }
        });
    }

    /** The parameters the values name; an invalid value is a UserError that names it. */
    static RegistrationParameters parameters(Form.Values v) throws UserError {
        try {
            SimilarityMetric metric = v.string("metric").equals("ncc") ? SimilarityMetric.ncc(v.integer("ncc_radius"))
                    : SimilarityMetric.ssd();
            double width = 0;
            if (v.string("kernel").equals("gaussian")) {
                width = v.number("kernel_width");
                if (!(width > 0)) {
                    throw new UserError("kernel=gaussian needs kernel_width > 0 (the kernel's standard deviation "
                            + "in mm), got " + v.string("kernel_width") + ".");
                }
            }
            // sigma left out of a macro takes the metric's default, as the CLI's --sigma does
            double sigma = v.given("sigma") ? v.number("sigma") : RegistrationParameters.defaultSigma(metric);
            return new RegistrationParameters(Method.parse(v.string("method")), metric, v.number("alpha"),
                    v.number("gamma"), v.number("order"), width, sigma, v.integer("time_steps"), v.integer("levels"),
                    v.integer("iterations"), AffineModel.parse(v.string("affine")), v.integer("affine_iterations"),
                    v.number("tolerance"), !v.checkbox("no_normalize"), v.integer("threads"));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + ".");
        }
    }

    /** The output folder, or null when none was given. */
    static Path outputFolder(Form.Values v) throws UserError {
        String text = v.string("output").trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UserError("output=" + text + " is not a folder name: " + e.getMessage() + ".");
        }
    }
}
