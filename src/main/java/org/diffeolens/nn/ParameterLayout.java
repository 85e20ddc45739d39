package org.diffeolens.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each named parameter tensor of a network lives in one flat vector: the control of the
 * flow is that vector, and the layers see their tensors as views into it.
 */
public final class ParameterLayout {

    /**
     * One tensor: its name ("block2.kernel"), shape, offset in the flat vector, and whether weight
     * decay (the regularizing energy) applies to it.
     */
    public record Entry(String name, long[] shape, long offset, boolean decays) {

        public long length() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    private final List<Entry> entries;
    private final Map<String, Integer> index;
    private final long length;

    private ParameterLayout(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
        this.index = new HashMap<>();
        long n = 0;
        for (int i = 0; i < entries.size(); i++) {
            index.put(entries.get(i).name(), i);
            n += entries.get(i).length();
        }
        this.length = n;
    }

    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public Entry entry(int i) {
        return entries.get(i);
    }

    public int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "' (have " + index.keySet() + ")");
        }
        return i;
    }

    /** Number of coefficients. */
    public long length() {
        return length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ParameterLayout other) || other.entries.size() != entries.size()) {
            return false;
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry a = entries.get(i);
            Entry b = other.entries.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.shape(), b.shape()) || a.decays() != b.decays()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return entries.stream().map(Entry::name).toList().hashCode();
    }

    @Override
    public String toString() {
        return entries + " (" + length + " coefficients)";
    }

    /** Collects tensors in order; each gets the next offset. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private final java.util.Set<String> names = new java.util.HashSet<>();
        private long offset;

        /** Adds a tensor and returns its index. */
        public int add(String name, boolean decays, long... shape) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
            }
            Entry e = new Entry(name, shape.clone(), offset, decays);
            if (e.length() < 1) {
                throw new IllegalArgumentException("parameter '" + name + "' has no coefficients: "
                        + Arrays.toString(shape));
            }
            entries.add(e);
            offset += e.length();
            return entries.size() - 1;
        }

        public ParameterLayout build() {
            return new ParameterLayout(new ArrayList<>(entries));
        }
    }
}
