package org.diffeolens.flow;

/**
 * A tiny controlled flow with a known adjoint, for testing the interface itself: a scalar state
 * x_{k+1} = x_k + h tanh(w_k x_k + b_k) over N steps, loss 1/2 (x_N - y)^2, weight decay
 * lambda/2 |w|^2. Control = (w_0..w_{N-1}, b_0..b_{N-1}). In energy form the state is
 * (x_1..x_N) and F = sum_k 1/2 (x_{k+1} - x_k - h tanh(w_k x_k + b_k))^2, the penalty whose
 * minimum is the forward pass.
 */
final class ScalarResidualFlow implements ControlledFlow<double[], double[]>, EnergyForm<double[], double[]> {

    final int steps;
    final double h;
    final double x0;
    final double target;
    final double lambda;

    ScalarResidualFlow(int steps, double x0, double target, double lambda) {
        this.steps = steps;
        this.h = 1.0 / steps;
        this.x0 = x0;
        this.target = target;
        this.lambda = lambda;
    }

    /** Trajectory: x_0..x_N followed by the control itself (for the adjoint). */
    @Override
    public double[] forward(double[] c) {
        double[] t = new double[steps + 1 + c.length];
        t[0] = x0;
        for (int k = 0; k < steps; k++) {
            t[k + 1] = t[k] + h * Math.tanh(c[k] * t[k] + c[steps + k]);
        }
        System.arraycopy(c, 0, t, steps + 1, c.length);
        return t;
    }

    @Override
    public Energy energy(double[] t) {
        double reg = 0;
        for (int k = 0; k < steps; k++) {
            double w = t[steps + 1 + k];
            reg += 0.5 * lambda * w * w;
        }
        double r = t[steps] - target;
        return new Energy(reg, 0.5 * r * r);
    }

    /** Discrete adjoint: p_N = x_N - y, p_k = p_{k+1} (1 + h s'(.) w_k). */
    @Override
    public double[] gradient(double[] t) {
        double[] g = new double[2 * steps];
        double p = t[steps] - target;
        for (int k = steps - 1; k >= 0; k--) {
            double w = t[steps + 1 + k];
            double b = t[steps + 1 + steps + k];
            double x = t[k];
            double th = Math.tanh(w * x + b);
            double ds = 1 - th * th;
            g[k] = p * h * ds * x + lambda * w;
            g[steps + k] = p * h * ds;
            p = p * (1 + h * ds * w);
        }
        return g;
    }

    @Override
    public VectorSpace<double[]> space() {
        return DoubleArraySpace.INSTANCE;
    }

    // ---- energy form ----

    @Override
    public VectorSpace<double[]> stateSpace() {
        return DoubleArraySpace.INSTANCE;
    }

    @Override
    public double[] freeState(double[] c) {
        double[] t = forward(c);
        double[] s = new double[steps];
        System.arraycopy(t, 1, s, 0, steps);
        return s;
    }

    private double x(double[] s, int k) {
        return k == 0 ? x0 : s[k - 1];
    }

    /** r_k = x_{k+1} - x_k - h tanh(w_k x_k + b_k). */
    double residual(double[] c, double[] s, int k) {
        return x(s, k + 1) - x(s, k) - h * Math.tanh(c[k] * x(s, k) + c[steps + k]);
    }

    @Override
    public double innerEnergy(double[] c, double[] s) {
        double f = 0;
        for (int k = 0; k < steps; k++) {
            double r = residual(c, s, k);
            f += 0.5 * r * r;
        }
        return f;
    }

    @Override
    public double[] innerEnergyStateGradient(double[] c, double[] s) {
        double[] g = new double[steps];
        for (int k = 0; k < steps; k++) {
            double r = residual(c, s, k);
            g[k] += r; // d r_k / d x_{k+1} = 1
            if (k > 0) {
                double th = Math.tanh(c[k] * x(s, k) + c[steps + k]);
                g[k - 1] -= r * (1 + h * (1 - th * th) * c[k]); // d r_k / d x_k
            }
        }
        return g;
    }

    @Override
    public double[] innerEnergyControlGradient(double[] c, double[] s) {
        double[] g = new double[2 * steps];
        for (int k = 0; k < steps; k++) {
            double r = residual(c, s, k);
            double th = Math.tanh(c[k] * x(s, k) + c[steps + k]);
            double ds = 1 - th * th;
            g[k] = -r * h * ds * x(s, k);
            g[steps + k] = -r * h * ds;
        }
        return g;
    }

    @Override
    public double cost(double[] control, double[] s) {
        double r = s[steps - 1] - target;
        return 0.5 * r * r;
    }

    @Override
    public double[] costGradient(double[] control, double[] s) {
        double[] g = new double[steps];
        g[steps - 1] = s[steps - 1] - target;
        return g;
    }

    @Override
    public double regularization(double[] c) {
        double reg = 0;
        for (int k = 0; k < steps; k++) {
            reg += 0.5 * lambda * c[k] * c[k];
        }
        return reg;
    }

    @Override
    public double[] regularizationGradient(double[] c) {
        double[] g = new double[2 * steps];
        for (int k = 0; k < steps; k++) {
            g[k] = lambda * c[k];
        }
        return g;
    }
}
