package org.diffeolens.nn.linear;

/**
 * Linear regression with an l_p loss, the objective of Arora et al.'s depth experiments:
 * L(W) = 1/(n p) sum_i ||W x_i - y_i||_p^p for W (out x in), data x (n x in) and y (n x out)
 * row-major. p = 2 is least squares; p = 4 is the loss for which depth accelerates in their study.
 */
public record LpRegression(double[] x, double[] y, int samples, int inputs, int outputs, double p) {

    public LpRegression {
        if (x.length != samples * inputs || y.length != samples * outputs) {
            throw new IllegalArgumentException("data shapes do not match " + samples + " samples of " + inputs
                    + " -> " + outputs);
        }
        if (!(p >= 1) || Double.isInfinite(p)) {
            throw new IllegalArgumentException("p must be >= 1, got " + p);
        }
    }

    /** Residuals r = X W^T - Y (n x out). */
    double[] residuals(double[] w) {
        double[] r = new double[samples * outputs];
        for (int i = 0; i < samples; i++) {
            for (int o = 0; o < outputs; o++) {
                double s = -y[i * outputs + o];
                for (int k = 0; k < inputs; k++) {
                    s += w[o * inputs + k] * x[i * inputs + k];
                }
                r[i * outputs + o] = s;
            }
        }
        return r;
    }

    public double loss(double[] w) {
        double s = 0;
        for (double r : residuals(w)) {
            s += Math.pow(Math.abs(r), p);
        }
        return s / (samples * p);
    }

    /** dL/dW = 1/n sum_i |r_i|^{p-2} r_i x_i^T (out x in). */
    public double[] gradient(double[] w) {
        double[] r = residuals(w);
        double[] g = new double[outputs * inputs];
        for (int i = 0; i < samples; i++) {
            for (int o = 0; o < outputs; o++) {
                double ri = r[i * outputs + o];
                double f = p == 2 ? ri : Math.pow(Math.abs(ri), p - 2) * ri;
                for (int k = 0; k < inputs; k++) {
                    g[o * inputs + k] += f * x[i * inputs + k];
                }
            }
        }
        for (int k = 0; k < g.length; k++) {
            g[k] /= samples;
        }
        return g;
    }

    public LpRegression withP(double q) {
        return new LpRegression(x, y, samples, inputs, outputs, q);
    }
}
