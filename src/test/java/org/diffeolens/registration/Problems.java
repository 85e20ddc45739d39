package org.diffeolens.registration;

import org.diffeolens.Fields;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.field.Grid;
import org.diffeolens.field.ScalarField;
import org.diffeolens.kernel.Kernels;

/** Small synthetic registration problems with smooth content, for gradient checks. */
final class Problems {

    private Problems() {
    }

    static Grid grid(int dim) {
        return dim == 2 ? Grid.of(new int[] {18, 15}, new double[] {1.0, 1.2})
                : Grid.of(new int[] {11, 10, 9}, new double[] {1.0, 1.1, 1.3});
    }

    /** Two bumps, the target's shifted by about a voxel and a half. */
    static FlowContext context(int dim, boolean ncc) {
        Grid g = grid(dim);
        double[] c = {8, 8, 5};
        ScalarField source = Fields.of(g, (x, y, z) -> Fields.gaussianBump(c[0], c[1], dim == 3 ? c[2] : 0, 3.0).at(x, y, z)
                + 0.5 * Fields.gaussianBump(12, 5, dim == 3 ? 7 : 0, 2.0).at(x, y, z));
        ScalarField target = Fields.of(g, (x, y, z) -> Fields.gaussianBump(c[0] + 1.5, c[1] - 1, dim == 3 ? c[2] + 1 : 0, 3.2).at(x, y, z)
                + 0.5 * Fields.gaussianBump(11, 6, dim == 3 ? 6 : 0, 2.0).at(x, y, z));
        Parallel par = Parallel.of(2);
        Similarity sim = ncc ? new LocalCorrelation(target, 2, 0.5, par) : new SumOfSquaredDifferences(target, 0.2);
        return new FlowContext(source, sim, Kernels.sobolev(g, 3.0, 1.0, 2, par), par);
    }

    /** A smooth field of amplitude a. */
    static ScalarField smooth(Grid g, double a, double phase) {
        return Fields.of(g, (x, y, z) -> a * Math.sin(0.37 * x + phase) * Math.cos(0.29 * y - phase) + 0.3 * a * Math.cos(0.41 * z + 2 * phase));
    }
}
