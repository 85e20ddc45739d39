package org.diffeolens.nn.hopfield;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running account of a network's relaxations, per phase (free, nudged, adjoint): how many, the
 * sweeps they took (mean and largest), how many ran out of sweeps before the tolerance, and the
 * largest final move of a unit. What a report states about the solver's accuracy.
 */
public final class RelaxationLog {

    /** The three kinds of relaxation: argmin F, argmin F + b C (b != 0), and H nu = dC/ds. */
    public enum Phase {
        FREE, NUDGED, ADJOINT
    }

    private static final class Tally {
        long count;
        long sweeps;
        int maxSweeps;
        long unconverged;
        double maxChange;
    }

    private final Map<Phase, Tally> tallies = new EnumMap<>(Phase.class);

    synchronized void record(Phase phase, HopfieldFlow.Sweeps r) {
        Tally t = tallies.computeIfAbsent(phase, p -> new Tally());
        t.count++;
        t.sweeps += r.sweeps();
        t.maxSweeps = Math.max(t.maxSweeps, r.sweeps());
        if (!r.converged()) {
            t.unconverged++;
        }
        t.maxChange = Math.max(t.maxChange, r.change());
    }

    public synchronized long count(Phase phase) {
        Tally t = tallies.get(phase);
        return t == null ? 0 : t.count;
    }

    public synchronized long unconverged(Phase phase) {
        Tally t = tallies.get(phase);
        return t == null ? 0 : t.unconverged;
    }

    public synchronized double meanSweeps(Phase phase) {
        Tally t = tallies.get(phase);
        return t == null ? Double.NaN : (double) t.sweeps / t.count;
    }

    public synchronized void clear() {
        tallies.clear();
    }

    /** Per phase: relaxations, mean and largest sweeps, unconverged ones, largest final move. */
    public synchronized Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<Phase, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("relaxations", t.count);
            p.put("meanSweeps", (double) t.sweeps / t.count);
            p.put("maxSweeps", t.maxSweeps);
            p.put("unconverged", t.unconverged);
            p.put("largestFinalChange", t.maxChange);
            m.put(e.getKey().name().toLowerCase(), p);
        }
        return m;
    }

    @Override
    public synchronized String toString() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<Phase, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            s.append(String.format("%s: %d relaxations, %.1f sweeps on average (at most %d), %d unconverged; ",
                    e.getKey().name().toLowerCase(), t.count, (double) t.sweeps / t.count, t.maxSweeps, t.unconverged));
        }
        return s.toString();
    }
}
