package org.diffeolens.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.plugin.PlugIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.diffeolens.Diffeolens;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.output.RegistrationOutputs;
import org.diffeolens.output.RegistrationReport;
import org.diffeolens.registration.Registration;
import org.diffeolens.registration.RegistrationParameters;
import org.diffeolens.registration.RegistrationResult;

/**
 * Plugins > Registration > Diffeolens > Diffeolens Register: registers one open image onto another
 * with the library's {@link Registration} (the same engine and parameters as
 * {@code diffeolens register}), shows the results as windows, logs a summary with the macro call
 * that repeats the run, and with an output folder writes the CLI's files.
 */
public final class RegisterPlugin implements PlugIn {

    /** The command name: the menu label in plugins.config, and what run() in a macro calls. */
    public static final String COMMAND = "Diffeolens Register";

    @Override
    public void run(String arg) {
        try {
            register();
        } catch (UserError e) {
            IJ.showStatus("");
            IJ.error(COMMAND, e.getMessage());
        }
    }

    private void register() throws UserError {
        String[] titles = WindowManager.getImageTitles();
        if (titles.length < 2) {
            throw new UserError("Open two images first, the fixed (target) image and the moving image to "
                    + "register onto it (File > Open...). " + (titles.length == 1 ? "Only '" + titles[0]
                    + "' is open." : "No image is open."));
        }
        Form.Values v = RegisterDialog.form(titles).read();
        if (v == null) {
            return;
        }
        RegistrationParameters p = RegisterDialog.parameters(v);
        Path out = RegisterDialog.outputFolder(v);
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserError("output=" + out + " is a file; name a folder for the results (it is created "
                    + "when missing).");
        }
        ImagePlus fixedImp = WindowManager.getImage(v.string("fixed"));
        ImagePlus movingImp = WindowManager.getImage(v.string("moving"));
        ScalarField fixed = Images.scalar(fixedImp, "fixed");
        ScalarField moving = Images.scalar(movingImp, "moving");
        if (fixed.grid().dim() != moving.grid().dim()) {
            throw new UserError("'" + fixedImp.getTitle() + "' is " + describe(fixed.grid()) + " and '"
                    + movingImp.getTitle() + "' is " + describe(moving.grid()) + ": register images of the same "
                    + "dimension (both 2D images or both 3D stacks).");
        }
        if (p.alpha() == 0 && p.kernelSigma() == 0) {
            // as the CLI: the kernel spans the same number of voxels at any resolution
            p = p.withKernel(RegistrationParameters.defaultAlpha(fixed.grid()), p.gamma(), p.order());
        }
        IJ.resetEscape();
        ImageJProgress progress = new ImageJProgress("Diffeolens", p);
        RegistrationResult r;
        try {
            r = Registration.register(fixed, moving, p, progress, IJ::escapePressed);
        } finally {
            progress.finish();
        }
        if (IJ.escapePressed()) {
            IJ.resetEscape();
            IJ.showStatus(COMMAND + ": stopped (Esc)");
            IJ.log(COMMAND + ": stopped with Esc; no result shown or written.");
            return;
        }
        ResultWindows.of(r, fixedImp, movingImp, moving.grid()).show();
        RegistrationOutputs.Inputs inputs = new RegistrationOutputs.Inputs(Images.sourceFile(fixedImp),
                Images.sourceFile(movingImp), fixed, moving);
        if (out != null) {
            IJ.showStatus(COMMAND + ": writing " + out);
            try {
                RegistrationOutputs.write(out, inputs, r);
            } catch (ImageIOException e) {
                throw new UserError("the results are shown but could not be written: " + e.getMessage());
            }
        }
        log(fixedImp, movingImp, r, RegistrationOutputs.similarity(inputs, r), out, v.asMacroOptions());
        IJ.showStatus(String.format(Locale.ROOT, "%s: done in %.1f s", COMMAND, r.seconds()));
    }

    private static String describe(Grid g) {
        return g.dim() == 2 ? "a 2D image" : "a 3D stack of " + g.size(2) + " slices";
    }

    /** The run in the Log window: what went in, the numbers of summary.json, and how to repeat it. */
    private static void log(ImagePlus fixedImp, ImagePlus movingImp, RegistrationResult r,
                            RegistrationReport.SummaryNumbers n, Path out, String options) {
        RegistrationParameters p = r.parameters();
        IJ.log(String.format(Locale.ROOT, "%s (Diffeolens %s): '%s' onto '%s'", COMMAND, Diffeolens.version(),
                movingImp.getTitle(), fixedImp.getTitle()));
        IJ.log(String.format(Locale.ROOT, "  %s, metric %s (sigma %s), %s kernel, %d levels, affine %s",
                p.method(), p.metric(), Form.plain(p.sigma()), p.kernelSigma() > 0 ? "gaussian" : "sobolev",
                p.levels(), p.affine()));
        IJ.log(String.format(Locale.ROOT, "  energy %.6g (regularization %.6g, data %.6g), path length %.4g mm%s",
                r.energy().total(), r.energy().regularization(), r.energy().data(), r.pathLength(),
                Double.isNaN(r.geodesicDistance()) ? "" : String.format(Locale.ROOT, ", geodesic distance %.4g mm",
                        r.geodesicDistance())));
        IJ.log(String.format(Locale.ROOT, "  Jacobian %.4f .. %.4f, %d folds; MSE %.4g -> %.4g, NCC %.4f -> %.4f;"
                + " %.1f s", r.jacobianMin(), r.jacobianMax(), r.folds(), n.mseBefore(), n.mseAfter(), n.nccBefore(),
                n.nccAfter(), r.seconds()));
        if (out != null) {
            IJ.log("  wrote " + out.toAbsolutePath().resolve(RegistrationOutputs.SUMMARY)
                    + " and the images beside it");
        }
        IJ.log("  to repeat: run(\"" + COMMAND + "\", \"" + options.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\");");
    }
}
