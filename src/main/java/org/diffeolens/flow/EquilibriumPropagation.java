package org.diffeolens.flow;

/**
 * The gradient of a flow in {@link EnergyForm} by equilibrium propagation (Scellier and Bengio
 * 2017): relax the state to the free equilibrium s_0 = argmin F, then to the nudged equilibria
 * s_{+-beta} = argmin F +- beta C (warm-started from s_0), and take the derivative in beta of
 * G(b) = d/dtheta [F + b C](theta, s_b), which is dC(theta, s*(theta))/dtheta at b = 0:
 * <pre>
 *   dC/dtheta ~ (G(beta) - G(-beta)) / (2 beta)     (symmetric, error O(beta^2))
 *   dC/dtheta ~ (G(beta) - G(0)) / beta             (one-sided, error O(beta))
 * </pre>
 * plus dE_reg/dtheta. Where C does not read the control, G(b) = dF/dtheta(s_b): Scellier and
 * Bengio's estimate. The relaxations run through the same {@link Minimizer} (L-BFGS on the state),
 * so EP is one more estimator of the shared interface: any flow that offers an energy form can be
 * trained or registered with it in place of {@link Adjoint}.
 */
public final class EquilibriumPropagation<C> implements GradientEstimator<C> {

    /** Default L-BFGS pairs for the relaxation. */
    static final int MEMORY = 10;

    private final double beta;
    private final boolean symmetric;
    private final int maxRelaxationIterations;
    private final double relaxationTolerance;
    private final boolean residual;
    private double lastResidual = Double.NaN;
    private int lastRelaxationIterations;

    /**
     * @param beta                   nudging strength (&gt; 0)
     * @param symmetric              nudge both ways (+beta and -beta)
     * @param maxRelaxationIterations iterations of each relaxation
     * @param relaxationTolerance    relative gradient norm at which a relaxation stops
     */
    public EquilibriumPropagation(double beta, boolean symmetric, int maxRelaxationIterations,
                                  double relaxationTolerance) {
        this(beta, symmetric, maxRelaxationIterations, relaxationTolerance, true);
    }

    /**
     * @param residual whether a form's own relaxation reports its residual (two more gradients of
     *                 F + b C per relaxation: a diagnostic that training can skip)
     */
    public EquilibriumPropagation(double beta, boolean symmetric, int maxRelaxationIterations,
                                  double relaxationTolerance, boolean residual) {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
        }
        if (maxRelaxationIterations < 1) {
            throw new IllegalArgumentException("relaxation iterations must be >= 1, got " + maxRelaxationIterations);
        }
        this.beta = beta;
        this.symmetric = symmetric;
        this.maxRelaxationIterations = maxRelaxationIterations;
        this.relaxationTolerance = relaxationTolerance;
        this.residual = residual;
    }

    public double beta() {
        return beta;
    }

    /**
     * Gradient norm of F + beta C at the end of the last relaxation (relative to its start): its
     * accuracy (NaN where a form's own relaxation ran without residuals).
     */
    public double lastRelaxationResidual() {
        return lastResidual;
    }

    public int lastRelaxationIterations() {
        return lastRelaxationIterations;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Evaluation<C> evaluate(ControlledFlow<C, T> flow, C control) {
        if (!(flow instanceof EnergyForm<?, ?> form)) {
            throw new IllegalArgumentException(flow.getClass().getSimpleName()
                    + " has no energy form; equilibrium propagation needs one (use the adjoint estimator)");
        }
        return evaluate((EnergyForm<C, Object>) form, flow.space(), control);
    }

    private <S> Evaluation<C> evaluate(EnergyForm<C, S> form, VectorSpace<C> controls, C control) {
        S free = relax(form, control, form.freeState(control), 0);
        S plus = relax(form, control, free, beta);
        double low = symmetric ? -beta : 0;
        S minus = symmetric ? relax(form, control, free, low) : free;
        C g = controlDerivative(form, controls, control, plus, beta);
        controls.axpy(-1, controlDerivative(form, controls, control, minus, low), g);
        controls.scale(1 / (beta - low), g);
        controls.axpy(1, form.regularizationGradient(control), g);
        return new Evaluation<>(control, form.energy(control, free), g);
    }

    /** G(b) = dF/dtheta(s_b) + b dC/dtheta(s_b). */
    private static <C, S> C controlDerivative(EnergyForm<C, S> form, VectorSpace<C> controls, C control, S state,
                                              double b) {
        C g = form.innerEnergyControlGradient(control, state);
        if (b != 0) {
            C c = form.costControlGradient(control, state);
            if (c != null) {
                controls.axpy(b, c, g);
            }
        }
        return g;
    }

    /** The state that minimizes F(theta, .) + b C(.), from a warm start. */
    public <S> S relax(EnergyForm<C, S> form, C control, S start, double b) {
        VectorSpace<S> states = form.stateSpace();
        S own = form.relax(control, start, b, maxRelaxationIterations, relaxationTolerance);
        if (own != null && !residual) {
            lastResidual = Double.NaN;
            return own;
        }
        if (own != null) {
            S g = form.innerEnergyStateGradient(control, own);
            if (b != 0) {
                states.axpy(b, form.costGradient(control, own), g);
            }
            S g0 = form.innerEnergyStateGradient(control, start);
            if (b != 0) {
                states.axpy(b, form.costGradient(control, start), g0);
            }
            double n0 = Math.sqrt(states.dot(g0, g0));
            lastResidual = n0 == 0 ? 0 : Math.sqrt(states.dot(g, g)) / n0;
            return own;
        }
        ControlledFlow<S, S> nudged = new ControlledFlow<>() {
            @Override
            public S forward(S s) {
                return s;
            }

            @Override
            public Energy energy(S s) {
                return new Energy(form.innerEnergy(control, s), b * form.cost(control, s));
            }

            @Override
            public S gradient(S s) {
                S g = form.innerEnergyStateGradient(control, s);
                if (b != 0) {
                    states.axpy(b, form.costGradient(control, s), g);
                }
                return g;
            }

            @Override
            public VectorSpace<S> space() {
                return states;
            }
        };
        S g0 = nudged.gradient(start);
        double norm0 = Math.sqrt(states.dot(g0, g0));
        if (norm0 == 0) {
            lastResidual = 0;
            lastRelaxationIterations = 0;
            return states.copy(start);
        }
        StoppingRule rule = StoppingRule.iterations(maxRelaxationIterations)
                .withGradientTolerance(relaxationTolerance);
        MinimizationResult<S> r = new Minimizer<>(new Adjoint<S>(), Metric.identity(states),
                new LBfgs<>(MEMORY, 1e-3), rule).minimize(nudged, start);
        S end = r.control();
        S g = nudged.gradient(end);
        lastResidual = Math.sqrt(states.dot(g, g)) / norm0;
        lastRelaxationIterations = r.iterations();
        return end;
    }

    @Override
    public String name() {
        return "ep";
    }
}
