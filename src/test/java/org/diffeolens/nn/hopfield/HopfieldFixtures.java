package org.diffeolens.nn.hopfield;

import java.util.SplittableRandom;
import org.diffeolens.concurrent.Parallel;
import org.diffeolens.nn.Parameters;
import org.diffeolens.nn.Workspace;
import org.diffeolens.nn.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A small double-precision Hopfield network with two hidden layers on a random batch, for gradient checks. */
final class HopfieldFixtures {

    /** Tolerance of the relaxations in the double-precision checks: far below the errors measured. */
    static final double RELAXATION_TOLERANCE = 1e-14;

    private HopfieldFixtures() {
    }

    /** Inputs 2x3x1, hidden 5 and 4, 3 classes; relaxed to 1e-14. */
    static HopfieldSpec spec(Rho rho) {
        return new HopfieldSpec(new int[] {2, 3, 1}, new int[] {5, 4}, 3, rho, 5000, RELAXATION_TOLERANCE);
    }

    /** Four samples with inputs uniform in [0, 1] and labels 0, 1, 2, 0. */
    static Batch batch() {
        SplittableRandom r = new SplittableRandom(11);
        double[] x = new double[4 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        INDArray inputs = Nd4j.createFromArray(x).reshape('c', 4, 2, 3, 1);
        return new Batch(inputs, new int[] {0, 1, 2, 0});
    }

    /** Couplings ~ N(0, 0.3^2), biases ~ N(0.5, 0.1^2): states spread inside the box, a few on its faces. */
    static Parameters control(HopfieldNetwork net) {
        SplittableRandom r = new SplittableRandom(5);
        Parameters w = Parameters.zeros(net.layout(), DataType.DOUBLE);
        for (int i = 0; i < net.layout().size(); i++) {
            boolean coupling = net.layout().entry(i).decays();
            INDArray t = w.get(i);
            for (long j = 0; j < t.length(); j++) {
                t.putScalar(j, coupling ? 0.3 * r.nextGaussian() : 0.5 + 0.1 * r.nextGaussian());
            }
        }
        return w;
    }

    /** The network, its flow on the batch with weight decay lambda, and the control. */
    record Setup(HopfieldNetwork net, HopfieldFlow flow, Parameters w) {
    }

    static Setup setup(Rho rho, double weightDecay) {
        HopfieldNetwork net = new HopfieldNetwork(spec(rho));
        return new Setup(net, net.on(batch(), weightDecay, new Workspace(Parallel.serial())), control(net));
    }

    /** |a - b| / |b|. */
    static double relativeError(Parameters a, Parameters b) {
        return a.flat().sub(b.flat()).norm2Number().doubleValue() / b.flat().norm2Number().doubleValue();
    }

    static double cosine(Parameters a, Parameters b) {
        return a.flat().mul(b.flat()).sumNumber().doubleValue()
                / (a.flat().norm2Number().doubleValue() * b.flat().norm2Number().doubleValue());
    }
}
