package org.diffeolens.field;

/** What a sampler returns outside the sampled grid. */
public enum Border {
    /** Zero outside [0, n-1] along any axis (ITK's default pixel value): for final resampled outputs. */
    ZERO,
    /** The nearest border value (the field is extended constantly): for images inside the optimization,
     *  so no artificial edge enters the similarity gradient, and for extrapolating displacements. */
    REPLICATE
}
