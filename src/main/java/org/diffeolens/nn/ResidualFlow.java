package org.diffeolens.nn;

import org.diffeolens.flow.ControlledFlow;
import org.diffeolens.flow.Energy;
import org.diffeolens.flow.EnergyForm;
import org.diffeolens.flow.VectorSpace;
import org.diffeolens.nn.data.Batch;

/**
 * A residual network on one mini-batch as a controlled flow: the control is the network's
 * parameters, the trajectory its forward pass, the energy weight decay (regularization) plus the
 * mean cross-entropy (data), the gradient the adjoint sweep. The Minimizer trains through this.
 * It is also in {@link EnergyForm} (the penalty form of {@link ResidualEnergyForm}, states laid
 * out as one vector), so equilibrium propagation can estimate the same gradient.
 */
public final class ResidualFlow implements ControlledFlow<Parameters, Trajectory>, EnergyForm<Parameters, Parameters> {

    private final ResidualNetwork network;
    private final Batch batch;
    private final double weightDecay;
    private final Workspace workspace;
    private ResidualEnergyForm form;

    ResidualFlow(ResidualNetwork network, Batch batch, double weightDecay, Workspace workspace) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        this.network = network;
        this.batch = batch;
        this.weightDecay = weightDecay;
        this.workspace = workspace;
    }

    public ResidualNetwork network() {
        return network;
    }

    public Batch batch() {
        return batch;
    }

    @Override
    public Trajectory forward(Parameters control) {
        return network.forward(control, batch, weightDecay, workspace);
    }

    @Override
    public Energy energy(Trajectory trajectory) {
        return new Energy(trajectory.regularization(), trajectory.loss());
    }

    @Override
    public Parameters gradient(Trajectory trajectory) {
        return network.gradient(trajectory, weightDecay, workspace);
    }

    @Override
    public VectorSpace<Parameters> space() {
        return ParameterSpace.INSTANCE;
    }

    // ---- the penalty form, for equilibrium propagation ----

    ResidualEnergyForm energyForm() {
        if (form == null) {
            form = new ResidualEnergyForm(network, batch, weightDecay, workspace);
        }
        return form;
    }

    @Override
    public VectorSpace<Parameters> stateSpace() {
        return ParameterSpace.INSTANCE;
    }

    @Override
    public Parameters freeState(Parameters control) {
        return energyForm().freeState(control);
    }

    @Override
    public double innerEnergy(Parameters control, Parameters state) {
        return energyForm().innerEnergy(control, state);
    }

    @Override
    public Parameters innerEnergyStateGradient(Parameters control, Parameters state) {
        return energyForm().innerEnergyStateGradient(control, state);
    }

    @Override
    public Parameters innerEnergyControlGradient(Parameters control, Parameters state) {
        return energyForm().innerEnergyControlGradient(control, state);
    }

    @Override
    public double cost(Parameters control, Parameters state) {
        return energyForm().cost(control, state);
    }

    @Override
    public Parameters costGradient(Parameters control, Parameters state) {
        return energyForm().costGradient(control, state);
    }

    @Override
    public double regularization(Parameters control) {
        return energyForm().regularization(control);
    }

    @Override
    public Parameters regularizationGradient(Parameters control) {
        return energyForm().regularizationGradient(control);
    }

    @Override
    public Parameters relax(Parameters control, Parameters start, double b, int maxIterations, double tolerance) {
        return energyForm().relax(control, start, b, maxIterations, tolerance);
    }
}
