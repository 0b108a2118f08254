package org.tensorbasis.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The predicted targets of one structure. For each target name (as in the options), the tensor in
 * the layout of the input files ({@link #tensor}: Cartesian components row-major — index
 * {@code 3i + j} for rank 2 — or the concatenated spherical blocks for {@code type: spherical}
 * targets) and its irreducible blocks ({@link #spherical}). Per-structure targets have one row,
 * per-atom targets one row per atom. Immutable; getters return copies.
 */
public final class Prediction {
    /** What is known about one target. */
    private record Entry(boolean perAtom, int rows, int width, double[] tensor, Map<String, SphericalBlock> blocks) {}

    private final Map<String, Entry> entries;

    Prediction(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** Builder used by {@link Model}. */
    static final class Builder {
        private final Map<String, Entry> entries = new LinkedHashMap<>();

        void add(String target, boolean perAtom, int width, double[] tensor, Map<String, SphericalBlock> blocks) {
            entries.put(target, new Entry(perAtom, tensor.length / width, width, tensor, Collections.unmodifiableMap(blocks)));
        }

        Prediction build() {
            return new Prediction(Collections.unmodifiableMap(entries));
        }
    }

    private Entry entry(String target) {
        Entry e = entries.get(target);
        if (e == null) throw new IllegalArgumentException("no target '" + target + "' (the model predicts " + targets() + ")");
        return e;
    }

    /** Target names, in the model's order. */
    public List<String> targets() {
        return List.copyOf(entries.keySet());
    }

    /** Whether the target has one row per atom (true) or one per structure. */
    public boolean isPerAtom(String target) {
        return entry(target).perAtom();
    }

    /** Rows of the target: the number of atoms for per-atom targets, 1 otherwise. */
    public int rows(String target) {
        return entry(target).rows();
    }

    /** Numbers per row in the file layout (3, 9, 27, 81 for Cartesian ranks 1–4, or Σ(2λ+1) for spherical targets). */
    public int width(String target) {
        return entry(target).width();
    }

    /**
     * The target in the file layout: {@code rows × width} numbers; for a Cartesian rank-2 target,
     * row r holds T_xx T_xy T_xz T_yx … T_zz.
     */
    public double[] tensor(String target) {
        return entry(target).tensor().clone();
    }

    /**
     * The target's irreducible blocks by name (e.g. {@code alpha:L0+}, {@code alpha:L2+}), in the
     * model's order. Blocks that were zero in all training data are absent (their prediction is zero).
     */
    public Map<String, SphericalBlock> spherical(String target) {
        Map<String, SphericalBlock> out = new LinkedHashMap<>();
        for (SphericalBlock b : entry(target).blocks().values()) {
            out.put(b.name(), new SphericalBlock(b.name(), b.lambda(), b.sigma(), b.properties(), b.values().clone()));
        }
        return out;
    }

    /** One block of a target by name, e.g. {@code spherical("alpha", "alpha:L2+")}. */
    public SphericalBlock spherical(String target, String block) {
        SphericalBlock b = entry(target).blocks().get(block);
        if (b == null) throw new IllegalArgumentException("target '" + target + "' has no block '" + block + "' (blocks: "
            + entry(target).blocks().keySet() + ")");
        return new SphericalBlock(b.name(), b.lambda(), b.sigma(), b.properties(), b.values().clone());
    }
}
