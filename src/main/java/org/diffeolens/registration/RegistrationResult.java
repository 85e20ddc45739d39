package org.diffeolens.registration;

import java.util.List;
import org.diffeolens.field.AffineTransform;
import org.diffeolens.field.ScalarField;
import org.diffeolens.field.VectorField;
import org.diffeolens.flow.Energy;

/**
 * Everything a registration produces, in the conventions of CONVENTIONS.md:
 * {@code warped(x) = moving(x + displacement(x))} on the fixed grid (affine pre-alignment folded
 * in), {@code fixed(y + inverse(y)) ~ moving(y)} on the moving grid, the Jacobian determinant of
 * x -> x + displacement(x), and the control of the method (initial momentum for shooting, the
 * velocity for SVF, the constant-speed path for LDDMM) on the fixed grid, in the pre-aligned frame.
 *
 * @param energy           final energy terms at full resolution (normalized intensities when asked)
 * @param pathLength       length of the path of diffeomorphisms under the V-metric, sqrt(2 E_reg)
 *                         for the constant-speed paths the methods produce (mm)
 * @param geodesicDistance the same for the methods whose path is a geodesic (shooting, LDDMM at
 *                         convergence); NaN for SVF, whose one-parameter path is not one in general
 */
public record RegistrationResult(RegistrationParameters parameters, ScalarField warped, VectorField displacement,
                                 VectorField inverse, ScalarField jacobian, ScalarField momentum, VectorField velocity,
                                 VelocityPath path, AffineTransform affine, List<LevelLog> levels, Energy energy,
                                 double pathLength, double geodesicDistance, double jacobianMin, double jacobianMax,
                                 int folds, double seconds) {

    /** Every iteration's total energy, level after level, for the energy curve of the report. */
    public double[] energyCurve(String stage) {
        return levels.stream().filter(l -> l.stage().equals(stage))
                .flatMap(l -> l.energies().stream()).mapToDouble(Energy::total).toArray();
    }
}
