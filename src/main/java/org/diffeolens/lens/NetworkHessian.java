package org.diffeolens.lens;

import org.diffeolens.concurrent.Parallel;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.ResidualNetwork;
import org.diffeolens.nn.Trajectory;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Batch;
import org.diffeolens.nn.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The Hessian of a residual classifier's training energy (mean cross-entropy over a data sample
 * plus weight decay) at theta, as a matrix-free operator: Hessian-vector products by central
 * differences of adjoint gradients,
 * <pre>  H v = (grad E(theta + eps v) - grad E(theta - eps v)) / (2 eps) + O(eps^2)</pre>
 * with eps ||v|| = cbrt(u) max(1, ||theta||) (u the double round-off): the truncation error
 * eps^2 ||v||^2 |E''''| / 6 and the round-off u ||grad E|| / eps are then both about
 * u^(2/3) ~ 5e-11 relative for a smooth (tanh) network. With ReLU the energy is only piecewise
 * smooth: a unit whose pre-activation changes sign inside [theta - eps v, theta + eps v] adds the
 * jump of its gradient over 2 eps, so the product is that of the energy averaged along the segment
 * (its kinks included); the Fisher has no such term ({@link NetworkFisher}).
 */
public final class NetworkHessian implements SymmetricOperator<Parameters> {

    /** cbrt of the double round-off: the step that balances truncation and cancellation. */
    public static final double RELATIVE_STEP = Math.cbrt(Math.ulp(1.0) / 2);

    private final ResidualNetwork network;
    private final Parameters at;
    private final SampleBatches sample;
    private final double weightDecay;
    private final Workspace workspace;
    private final double thetaScale;

    public NetworkHessian(ResidualNetwork network, Parameters at, Dataset data, double weightDecay, int batchSize,
                          Parallel parallel) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        SampledNetwork s = SampledNetwork.of(network, at, data, batchSize, parallel);
        this.network = network;
        this.at = s.at();
        this.sample = s.sample();
        this.weightDecay = weightDecay;
        this.workspace = s.workspace();
        this.thetaScale = Math.max(1, this.at.flat().norm2Number().doubleValue());
    }

    public Parameters at() {
        return at;
    }

    /** The energy over the sample: mean cross-entropy + lambda/2 ||W||^2. */
    public double energy(Parameters w) {
        double loss = 0;
        for (Batch b : sample.batches()) {
            loss += network.forward(w, b, 0, workspace).loss() * b.size();
        }
        return loss / sample.size() + network.regularization(w, weightDecay);
    }

    /** grad E by the adjoint sweep, batch gradients weighted by their share of the sample. */
    public Parameters gradient(Parameters w) {
        Parameters sum = Parameters.zeros(network.layout(), DataType.DOUBLE);
        for (Batch b : sample.batches()) {
            Trajectory t = network.forward(w, b, weightDecay, workspace);
            sum.flat().addi(network.gradient(t, weightDecay, workspace).flat().muli((double) b.size() / sample.size()));
        }
        return sum;
    }

    @Override
    public Parameters apply(Parameters v) {
        double norm = v.flat().norm2Number().doubleValue();
        if (norm == 0) {
            return Parameters.zeros(network.layout(), DataType.DOUBLE);
        }
        double eps = RELATIVE_STEP * thetaScale / norm;
        Parameters plus = at.copy();
        plus.flat().addi(v.flat().castTo(DataType.DOUBLE).mul(eps));
        Parameters minus = at.copy();
        minus.flat().subi(v.flat().castTo(DataType.DOUBLE).mul(eps));
        Parameters h = gradient(plus);
        h.flat().subi(gradient(minus).flat()).divi(2 * eps);
        return h;
    }
}
