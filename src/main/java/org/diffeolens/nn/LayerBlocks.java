package org.diffeolens.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffeolens.flow.BlockStructure;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layers of a residual network as the blocks of its parameters: layer 0 is the input layer
 * ("stem"), layers 1..N the residual blocks ("block0".."block{N-1}"), layer N + 1 the head; each
 * holds the tensors whose names start with its name (kernel or weight, bias, gain, shift).
 */
public final class LayerBlocks implements BlockStructure<Parameters> {

    private final ParameterLayout layout;
    private final List<String> names;
    private final int[][] tensors;

    public LayerBlocks(ParameterLayout layout) {
        Map<String, List<Integer>> byLayer = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            String name = layout.entry(i).name();
            int dot = name.indexOf('.');
            byLayer.computeIfAbsent(dot < 0 ? name : name.substring(0, dot), k -> new ArrayList<>()).add(i);
        }
        this.layout = layout;
        this.names = List.copyOf(byLayer.keySet());
        this.tensors = byLayer.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
    }

    @Override
    public int blockCount() {
        return names.size();
    }

    @Override
    public String blockName(int block) {
        return names.get(block);
    }

    /** The layout indices of a layer's tensors. */
    int[] tensors(int block) {
        return tensors[block].clone();
    }

    /**
     * A layer by its index in network order (0 input layer, 1..N blocks, N + 1 head) or its name
     * ("stem", "block0", "head").
     */
    public int indexOf(String token) {
        String t = token.trim();
        try {
            int i = Integer.parseInt(t);
            if (i < 0 || i >= names.size()) {
                throw new IllegalArgumentException("layer index " + i + " out of range 0.." + (names.size() - 1)
                        + " (0 input layer, 1.." + (names.size() - 2) + " blocks, " + (names.size() - 1) + " head)");
            }
            return i;
        } catch (NumberFormatException e) {
            int i = names.indexOf(t);
            if (i < 0) {
                throw new IllegalArgumentException("no layer '" + t + "' (layers: " + names + ")");
            }
            return i;
        }
    }

    @Override
    public void scaleBlock(Parameters x, int block, double factor) {
        if (!x.layout().equals(layout)) {
            throw new IllegalArgumentException("parameters of layout " + x.layout() + " are not " + layout);
        }
        for (int i : tensors[block]) {
            INDArray t = x.get(i);
            if (factor == 0) {
                t.assign(0);
            } else {
                t.muli(factor);
            }
        }
    }

    @Override
    public String toString() {
        return "layers " + names;
    }
}
