package org.diffeolens.fiji;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.measure.Calibration;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.diffeolens.field.ScalarField;
import org.diffeolens.io.ImageData;
import org.diffeolens.io.ImageIOException;
import org.diffeolens.io.ImageJCodec;
import org.diffeolens.io.PixelType;

/**
 * Open ImageJ images in and out of the library's fields: the checks a user's image must pass, in
 * words that name the image, and result windows that carry the calibration of the image whose grid
 * they live on.
 */
final class Images {

    private Images() {
    }

    /**
     * The pixels of a grayscale 2D image or 3D stack as a scalar field whose spacing is the image's
     * calibration. RGB, multi-channel and time-lapse images are refused: the user chooses how such
     * data becomes one intensity per voxel.
     */
    static ScalarField scalar(ImagePlus imp, String role) throws UserError {
        String name = "'" + imp.getTitle() + "' (the " + role + " image)";
        if (imp.getBitDepth() == 24) {
            throw new UserError(name + " is an RGB image. Convert it to grayscale first (Image > Type > 8-bit "
                    + "or 32-bit), so that you choose how colours become intensities.");
        }
        if (imp.getNChannels() > 1) {
            throw new UserError(name + " has " + imp.getNChannels() + " channels. Register one channel: "
                    + "Image > Color > Split Channels, then choose one of them.");
        }
        if (imp.getNFrames() > 1 && imp.getNSlices() > 1) {
            throw new UserError(name + " is a time series of " + imp.getNFrames() + " frames. Register one "
                    + "frame (Image > Duplicate... with the frame range).");
        }
        ScalarField f;
        try {
            f = ImageJCodec.fromImagePlus(imp, imp.getTitle()).asScalar(Path.of("image"));
        } catch (ImageIOException e) {
            throw new UserError(name + ": " + e.getMessage());
        }
        if (!f.isFinite()) {
            throw new UserError(name + " contains NaN or infinite values; registration needs finite "
                    + "intensities (Process > Math > Remove NaNs...).");
        }
        return f;
    }

    /** The file an image was opened from, or null for an image made in memory. */
    static Path sourceFile(ImagePlus imp) {
        FileInfo fi = imp.getOriginalFileInfo();
        if (fi == null || fi.directory == null || fi.directory.isEmpty() || fi.fileName == null
                || fi.fileName.isEmpty()) {
            return null;
        }
        try {
            return Path.of(fi.directory, fi.fileName);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The title without its file extension: "brain.nii.gz" gives "brain". */
    static String baseTitle(ImagePlus imp) {
        String t = imp.getTitle();
        for (String ext : new String[] {".nii.gz", ".tiff", ".tif", ".png", ".nii", ".mha", ".mhd", ".jpg",
            ".gif", ".bmp", ".dcm", ".zip"}) {
            if (t.toLowerCase(java.util.Locale.ROOT).endsWith(ext) && t.length() > ext.length()) {
                return t.substring(0, t.length() - ext.length());
            }
        }
        return t;
    }

    /** A 32-bit window of a field, calibrated as {@code like}, the image whose grid the field shares. */
    static ImagePlus window(ScalarField f, String title, ImagePlus like) {
        return calibrated(ImageJCodec.toImagePlus(ImageData.of(f), title), like);
    }

    /** A window of the given pixel type (8- or 16-bit keep label values exact), calibrated as {@code like}. */
    static ImagePlus window(ImageData data, String title, PixelType type, ImagePlus like) {
        return calibrated(ImageJCodec.toImagePlus(data, title, type), like);
    }

    /**
     * Gives {@code imp} the calibration of {@code like} (unit, pixel size, origin), which the engine
     * read as the spacing; with no {@code like}, the mm geometry that toImagePlus set is kept.
     */
    static ImagePlus calibrated(ImagePlus imp, ImagePlus like) {
        if (like != null) {
            Calibration cal = like.getCalibration().copy();
            // the geometry only: a density function (signed 16-bit, optical density) maps the
            // source's stored values, not the engine's outputs
            cal.disableDensityCalibration();
            imp.setCalibration(cal);
        }
        return imp;
    }
}
