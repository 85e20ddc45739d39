package org.diffeolens.nn;

/**
 * A 2D convolution's geometry on channels-last images: input height x width x channels, a square
 * kernel, stride and zero padding; output size (n + 2 padding - kernel) / stride + 1 per axis.
 */
public record ConvGeometry(int height, int width, int channels, int kernel, int stride, int padding) {

    public ConvGeometry {
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("image must be at least 1x1x1, got " + height + "x" + width + "x" + channels);
        }
        if (kernel < 1 || stride < 1 || padding < 0 || padding >= kernel) {
            throw new IllegalArgumentException("need kernel >= 1, stride >= 1, 0 <= padding < kernel, got kernel "
                    + kernel + ", stride " + stride + ", padding " + padding);
        }
        if (height + 2 * padding < kernel || width + 2 * padding < kernel) {
            throw new IllegalArgumentException("kernel " + kernel + " larger than the padded " + height + "x" + width
                    + " image");
        }
    }

    public int outHeight() {
        return (height + 2 * padding - kernel) / stride + 1;
    }

    public int outWidth() {
        return (width + 2 * padding - kernel) / stride + 1;
    }

    /** Length of one patch row of the im2col matrix: kernel^2 x channels. */
    public int patch() {
        return kernel * kernel * channels;
    }

    /** Stride 1 with output size = input size (odd kernel, padding (kernel - 1) / 2). */
    public boolean isSame() {
        return stride == 1 && 2 * padding == kernel - 1;
    }
}
