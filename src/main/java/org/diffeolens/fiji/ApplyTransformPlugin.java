package org.diffeolens.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.plugin.PlugIn;
import java.nio.file.Path;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Border;
import org.diffeolens.field.Resampler;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageFiles;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.PixelType;

/**
 * Plugins > Registration > Diffeolens > Apply Diffeolens Transform...: pulls an open image through
 * a saved displacement, {@code out(x) = image(x + u(x))} on the displacement's grid, as
 * {@code diffeolens apply} does. Nearest-neighbour interpolation keeps a label image's values and
 * its 8- or 16-bit type.
 */
public final class ApplyTransformPlugin implements PlugIn {

    public static final String COMMAND = "Apply Diffeolens Transform...";
    static final String[] INTERPOLATIONS = {"linear", "nearest"};

    @Override
    public void run(String arg) {
        try {
            apply();
        } catch (UserError e) {
            IJ.error(COMMAND, e.getMessage());
        }
    }

    private void apply() throws UserError {
        String[] titles = WindowManager.getImageTitles();
        if (titles.length == 0) {
            throw new UserError("Open the image to transform first (File > Open...).");
        }
        Form.Values v = new Form(COMMAND)
                .image("Image", titles, titles[0])
                .file("Displacement", "")
                .choice("Interpolation", INTERPOLATIONS, "linear")
                .read();
        if (v == null) {
            return;
        }
        VectorField u = DisplacementFiles.read(v.string("displacement"));
        ImagePlus imp = WindowManager.getImage(v.string("image"));
        ScalarField image = Images.scalar(imp, "input");
        if (image.grid().dim() != u.grid().dim()) {
            throw new UserError("'" + imp.getTitle() + "' is " + image.grid().dim() + "D but the displacement is "
                    + u.grid().dim() + "D.");
        }
        boolean nearest = v.string("interpolation").equals("nearest");
        ScalarField warped = Resampler.resample(image, u.grid(), u, null,
                nearest ? Resampler.Interpolation.NEAREST : Resampler.Interpolation.LINEAR, Border.ZERO,
                Parallel.allCores());
        // nearest neighbour moves values without mixing them: a label map keeps its type
        PixelType type = !nearest ? PixelType.FLOAT32 : imp.getBitDepth() == 8 ? PixelType.UINT8
                : imp.getBitDepth() == 16 ? PixelType.UINT16 : PixelType.FLOAT32;
        ImagePlus out = Images.window(ImageData.of(warped), Images.baseTitle(imp) + "_transformed", type, null);
        out.setLut(imp.getProcessor().getLut());
        if (nearest) {
            out.setDisplayRange(imp.getDisplayRangeMin(), imp.getDisplayRangeMax());
        }
        out.show();
        IJ.log(COMMAND + ": '" + imp.getTitle() + "' through " + v.string("displacement") + " ("
                + v.string("interpolation") + ")");
    }

    /** Reading a displacement file, with the user's words for what can go wrong. */
    static final class DisplacementFiles {

        private DisplacementFiles() {
        }

        static VectorField read(String name) throws UserError {
            if (name.isBlank()) {
                throw new UserError("Choose a displacement file (displacement.nii.gz of a registration's output "
                        + "folder).");
            }
            try {
                return ImageFiles.readVector(Path.of(name.trim()));
            } catch (ImageIOException e) {
                throw new UserError(e.getMessage());
            } catch (java.nio.file.InvalidPathException e) {
                throw new UserError("'" + name + "' is not a file name: " + e.getMessage());
            }
        }
    }
}
