package org.diffeolens.io;

import java.nio.file.Path;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;

/**
 * What a codec reads or writes: a grid with its geometry, one or more channels of float values
 * (scaled by scl_slope/scl_inter where the format has them), the type the file stored, and the
 * NIfTI orientation codes so that qform/sform survive a read-write round trip.
 */
public record ImageData(Grid grid, float[][] channels, PixelType storedType, int qformCode, int sformCode) {

    public ImageData {
        if (channels.length < 1) {
            throw new IllegalArgumentException("an image needs at least one channel");
        }
        for (float[] c : channels) {
            if (c.length != grid.voxelCount()) {
                throw new IllegalArgumentException("channel has " + c.length + " values, grid needs " + grid.voxelCount());
            }
        }
    }

    /** Default orientation codes: NIFTI_XFORM_SCANNER_ANAT (1) for both. */
    public ImageData(Grid grid, float[][] channels, PixelType storedType) {
        this(grid, channels, storedType, 1, 1);
    }

    public static ImageData of(ScalarField f) {
        return new ImageData(f.grid(), new float[][] {f.toFloats()}, PixelType.FLOAT32);
    }

    public static ImageData of(VectorField v) {
        return new ImageData(v.grid(), v.toFloats(), PixelType.FLOAT32);
    }

    public int channelCount() {
        return channels.length;
    }

    /** The single channel widened to a scalar field; a multi-channel file is refused with its name. */
    public ScalarField asScalar(Path file) throws ImageIOException {
        if (channels.length != 1) {
            throw new ImageIOException(file, "expected a scalar image, found " + channels.length + " components per voxel");
        }
        return ScalarField.of(grid, channels[0]);
    }

    /** The channels as a displacement/velocity field; the component count must equal the dimension. */
    public VectorField asVector(Path file) throws ImageIOException {
        if (channels.length != grid.dim()) {
            throw new ImageIOException(file, "expected a " + grid.dim() + "-component vector field on this "
                    + grid.dim() + "D grid, found " + channels.length + " components per voxel");
        }
        return VectorField.of(grid, channels);
    }
}
