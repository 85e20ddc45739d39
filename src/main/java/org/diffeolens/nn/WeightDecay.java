package org.diffeolens.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The regularizing energy lambda/2 sum ||W||^2 over the tensors of a layout that decay (weight
 * matrices and kernels, not biases), and its gradient lambda W.
 */
public final class WeightDecay {

    private WeightDecay() {
    }

    public static double energy(Parameters w, double lambda) {
        if (lambda == 0) {
            return 0;
        }
        ParameterLayout layout = w.layout();
        double s = 0;
        for (int i = 0; i < layout.size(); i++) {
            if (layout.entry(i).decays()) {
                INDArray t = w.get(i);
                s += Nd4j.getBlasWrapper().dot(t, t);
            }
        }
        return 0.5 * lambda * s;
    }

    /** grad += lambda W on the tensors that decay. */
    public static void addGradient(Parameters w, double lambda, Parameters grad) {
        if (lambda == 0) {
            return;
        }
        ParameterLayout layout = w.layout();
        for (int i = 0; i < layout.size(); i++) {
            if (layout.entry(i).decays()) {
                INDArray g = grad.get(i);
                Nd4j.getBlasWrapper().level1().axpy(g.length(), lambda, w.get(i), g);
            }
        }
    }
}
