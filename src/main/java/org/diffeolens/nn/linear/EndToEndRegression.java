package org.diffeolens.nn.linear;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.DoubleArraySpace;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.VectorSpace;

/**
 * The regression as a flow over the end-to-end matrix W_e itself (one "layer"): with the identity
 * metric this is depth-1 descent; with {@link org.diffeolens.flow.EndToEndMetric} of depth N it is
 * the update that depth-N descent on balanced factors induces, without the factors.
 */
public final class EndToEndRegression implements ControlledFlow<double[], double[]> {

    private final LpRegression problem;

    public EndToEndRegression(LpRegression problem) {
        this.problem = problem;
    }

    @Override
    public double[] forward(double[] w) {
        return w;
    }

    @Override
    public Energy energy(double[] w) {
        return new Energy(0, problem.loss(w));
    }

    @Override
    public double[] gradient(double[] w) {
        return problem.gradient(w);
    }

    @Override
    public VectorSpace<double[]> space() {
        return DoubleArraySpace.INSTANCE;
    }
}
