package org.diffeolens.registration;

/**
 * Grid-sized vector fields of a flow's forward pass, reused by the pass after next: a flow keeps
 * two and hands them out in turn ({@link #next}), since a line search only ever differentiates its
 * latest pass. Fresh fields each pass cost their zeroing, page faults and, in 3D, collections that
 * copied them (gigabytes in a 96^3 registration). Each slot remembers the trajectory that holds it,
 * so a trajectory can tell that its fields went to a later pass and compute them again.
 */
final class RecycledFields {

    private final FlowContext ctx;
    private final Slot[] slots = {new Slot(), new Slot()};
    private int next;

    RecycledFields(FlowContext ctx) {
        this.ctx = ctx;
    }

    /** The slot for the next forward pass (the one used two passes ago). */
    Slot next() {
        Slot s = slots[next];
        next = (next + 1) % slots.length;
        return s;
    }

    /** One slot of fields, grown to the most asked for, and the trajectory that holds it. */
    final class Slot {
        private double[][][] fields = new double[0][][];
        /** The trajectory these fields belong to now. */
        Object owner;

        /** Fields at indices from..to of an array of length to + 1 (below from: null), overwritten by the caller. */
        double[][][] fields(int from, int to) {
            if (fields.length < to + 1) {
                fields = java.util.Arrays.copyOf(fields, to + 1);
            }
            double[][][] out = new double[to + 1][][];
            for (int k = from; k <= to; k++) {
                if (fields[k] == null) {
                    fields[k] = ctx.zeros();
                }
                out[k] = fields[k];
            }
            return out;
        }
    }
}
