package org.diffeolens.nn.hopfield;

import static org.diffeolens.nn.hopfield.HopfieldFixtures.cosine;
import static org.diffeolens.nn.hopfield.HopfieldFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.diffeolens.flow.Adjoint;
import org.diffeolens.flow.EquilibriumPropagation;
import org.diffeolens.nn.Parameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gradient of a layered Hopfield network's cost at its free equilibrium, three ways, in double
 * precision: the adjoint of the equilibrium (implicit differentiation) against central finite
 * differences of C(s*(theta)), and equilibrium propagation against the adjoint.
 */
class HopfieldGradientTest {

    private static Parameters adjointGradient(HopfieldFixtures.Setup x) {
        return new Adjoint<Parameters>().evaluate(x.flow(), x.w()).gradient();
    }

    @ParameterizedTest
    @EnumSource(Rho.class)
    void adjointOfTheEquilibriumMatchesFiniteDifferences(Rho rho) {
        HopfieldFixtures.Setup x = HopfieldFixtures.setup(rho, 0.01);
        Parameters w = x.w();
        Parameters adjoint = adjointGradient(x);
        Parameters fd = adjoint.copy();
        double h = 1e-5;
        for (long i = 0; i < w.flat().length(); i++) {
            double c = w.flat().getDouble(i);
            w.flat().putScalar(i, c + h);
            double plus = x.flow().energy(x.flow().forward(w)).total();
            w.flat().putScalar(i, c - h);
            double minus = x.flow().energy(x.flow().forward(w)).total();
            w.flat().putScalar(i, c);
            fd.flat().putScalar(i, (plus - minus) / (2 * h));
        }
        // central differences err by O(h^2) ~ 1e-10 and by the relaxation's 1e-14 / h ~ 1e-9
        double relative = relativeError(adjoint, fd);
        assertTrue(relative < 1e-8, "relative error " + relative);
    }

    /**
     * EP's estimate converges to the adjoint as beta -> 0: the symmetric one with error O(beta^2),
     * the one-sided one O(beta), read over beta = 4e-3, 2e-3, 1e-3. For the logistic rho the
     * equilibria move smoothly with beta; for the hard sigmoid F + beta C is quadratic while no unit
     * crosses a face of the box (none does at these betas here), and s_beta solves
     * (H + beta P) s = ... with P the output's projection: rational in beta, so the same orders.
     */
    @ParameterizedTest
    @EnumSource(Rho.class)
    void epConvergesToTheAdjointAtTheOrderOfItsNudging(Rho rho) {
        HopfieldFixtures.Setup x = HopfieldFixtures.setup(rho, 0.01);
        Parameters adjoint = adjointGradient(x);
        double[] betas = {4e-3, 2e-3, 1e-3};
        double[] symmetricError = new double[3];
        double[] oneSidedError = new double[3];
        for (int k = 0; k < 3; k++) {
            Parameters s = epGradient(x, betas[k], true);
            Parameters o = epGradient(x, betas[k], false);
            assertTrue(cosine(s, adjoint) > 0.999, "cosine " + cosine(s, adjoint));
            assertTrue(cosine(o, adjoint) > 0.999, "cosine " + cosine(o, adjoint));
            symmetricError[k] = relativeError(s, adjoint);
            oneSidedError[k] = relativeError(o, adjoint);
        }
        for (int k = 0; k < 2; k++) {
            double symSlope = Math.log(symmetricError[k] / symmetricError[k + 1]) / Math.log(2);
            double oneSlope = Math.log(oneSidedError[k] / oneSidedError[k + 1]) / Math.log(2);
            assertEquals(2, symSlope, 0.1, "symmetric nudging is second order: " + Arrays.toString(symmetricError));
            assertEquals(1, oneSlope, 0.1, "one-sided nudging is first order: " + Arrays.toString(oneSidedError));
        }
    }

    private static Parameters epGradient(HopfieldFixtures.Setup x, double beta, boolean symmetric) {
        EquilibriumPropagation<Parameters> ep = new EquilibriumPropagation<>(beta, symmetric, 5000,
                HopfieldFixtures.RELAXATION_TOLERANCE);
        return ep.evaluate(x.flow(), x.w()).gradient();
    }
}
