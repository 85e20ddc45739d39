package org.diffeolens.lens;

import java.util.ArrayList;
import java.util.List;
import org.diffeolens.flow.Iteration;
import org.diffeolens.flow.MinimizerListener;
import org.diffeolens.flow.VectorSpace;

/**
 * The geometry of an optimization as it runs, for any control type: after every iteration, the
 * length of the step, the path length so far (sum of step lengths), the path energy (sum of
 * squared step lengths, the discrete action with unit time per iteration) and the distance from
 * the initial control, all under one {@link ControlNorm} (taken at the current control, for metrics
 * that vary). It keeps two copies of the control (the start and the previous one), never the whole
 * trajectory, so it can ride along 3D registrations and network training.
 */
public final class TrajectoryRecorder<C> implements MinimizerListener<C> {

    private final VectorSpace<C> space;
    private final ControlNorm<C> norm;
    private C start;
    private C previous;
    private double length;
    private double energy;
    private final List<Double> lengths = new ArrayList<>();
    private final List<Double> distances = new ArrayList<>();
    private final List<Double> steps = new ArrayList<>();
    private final List<Double> energies = new ArrayList<>();

    public TrajectoryRecorder(VectorSpace<C> space, ControlNorm<C> norm) {
        this.space = space;
        this.norm = norm;
    }

    @Override
    public void onIteration(Iteration<C> it) {
        C c = it.control();
        if (start == null) {
            start = space.copy(c);
            previous = space.copy(c);
            lengths.add(0.0);
            distances.add(0.0);
            energies.add(0.0);
            return;
        }
        C step = space.copy(c);
        space.axpy(-1, previous, step);
        double s2 = Math.max(0, norm.squared(step, c));
        length += Math.sqrt(s2);
        energy += s2;
        C fromStart = space.copy(c);
        space.axpy(-1, start, fromStart);
        steps.add(Math.sqrt(s2));
        lengths.add(length);
        distances.add(Math.sqrt(Math.max(0, norm.squared(fromStart, c))));
        energies.add(energy);
        space.assign(previous, c);
    }

    /** A copy of the last control seen (null before the first iteration). */
    public C last() {
        return previous == null ? null : space.copy(previous);
    }

    /** Sum of step lengths. */
    public double pathLength() {
        return length;
    }

    /** Sum of squared step lengths. */
    public double pathEnergy() {
        return energy;
    }

    /** Distance of the last control from the first. */
    public double distanceFromStart() {
        return distances.isEmpty() ? 0 : distances.get(distances.size() - 1);
    }

    /** Path length after each iteration (index 0: the start). */
    public double[] pathLengths() {
        return lengths.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Distance from the start after each iteration. */
    public double[] distances() {
        return distances.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Path energy after each iteration (index 0: the start). */
    public double[] pathEnergies() {
        return energies.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Length of each step. */
    public double[] stepLengths() {
        return steps.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
