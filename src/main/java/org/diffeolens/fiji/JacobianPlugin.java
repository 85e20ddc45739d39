package org.diffeolens.fiji;

import ij.IJ;
import ij.plugin.PlugIn;
import java.nio.file.Path;
import java.util.Locale;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Differential;
import org.diffeolens.field.Displacements;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;

/**
 * Plugins > Registration > Diffeolens > Jacobian of Displacement...: the Jacobian determinant of
 * x -> x + u(x) for a saved displacement, as {@code diffeolens jacobian} computes it, in a window
 * with its colours and calibration bar; the range and the number of folds go to the Log.
 */
public final class JacobianPlugin implements PlugIn {

    public static final String COMMAND = "Jacobian of Displacement...";

    @Override
    public void run(String arg) {
        try {
            jacobian();
        } catch (UserError e) {
            IJ.error(COMMAND, e.getMessage());
        }
    }

    private void jacobian() throws UserError {
        Form.Values v = new Form(COMMAND).file("Displacement", "").read();
        if (v == null) {
            return;
        }
        String name = v.string("displacement");
        VectorField u = ApplyTransformPlugin.DisplacementFiles.read(name);
        ScalarField j = new Differential(u.grid(), Parallel.allCores()).jacobianDeterminant(u);
        String base = Path.of(name.trim()).getFileName().toString().replaceFirst("(?i)(\\.nii\\.gz|\\.nii|\\.mha|"
                + "\\.mhd|\\.tiff?)$", "");
        JacobianView.window(j, base + "_jacobian", null).show();
        IJ.log(String.format(Locale.ROOT, "%s: %s: %.4f .. %.4f, %d folds", COMMAND, name.trim(), j.min(), j.max(),
                Displacements.foldCount(j)));
    }
}
