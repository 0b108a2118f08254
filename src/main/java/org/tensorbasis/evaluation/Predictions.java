package org.tensorbasis.evaluation;

import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.targets.TargetLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.structure.Structure;

/**
 * Predicted targets for a list of structures, per target in the spherical layout (the target's
 * irreducible blocks) and in the file's layout (Cartesian or spherical numbers, as in the input).
 * Per-structure targets have one row per structure, per-atom targets one row per atom.
 */
public final class Predictions {
    private final Map<String, TargetLayout> layouts;
    private final int size;
    private final List<String> names;
    /** [target][structure k] spherical rows: rows × sphericalSize (rows = atoms or 1). */
    private final double[][][] spherical;

    /**
     * Empty (zero) predictions of every target for {@code structures} ({@code which}: the indices of
     * the structures predicted, in order; null = all).
     *
     * @param perAtom which targets have one row per atom
     */
    public Predictions(Map<String, TargetLayout> layouts, Map<String, Boolean> perAtom, List<Structure> structures, int[] which) {
        this.layouts = layouts;
        this.size = which == null ? structures.size() : which.length;
        this.names = new ArrayList<>(layouts.keySet());
        this.spherical = new double[names.size()][size][];
        int t = 0;
        for (TargetLayout l : layouts.values()) {
            boolean pa = perAtom.get(l.target());
            for (int k = 0; k < size; k++) {
                int rows = pa ? structures.get(which == null ? k : which[k]).size() : 1;
                spherical[t][k] = new double[rows * l.sphericalSize()];
            }
            t++;
        }
    }

    /** For a model's targets: {@code perAtom} read from the options. */
    public static Map<String, Boolean> perAtom(org.tensorbasis.options.Options options, Map<String, TargetLayout> layouts) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String name : layouts.keySet()) out.put(name, options.targets().get(name).perAtom());
        return out;
    }

    /**
     * Stores a block's real-unit values for {@code n} consecutive structures from {@code first}:
     * per-structure blocks one row (properties × dim) per structure; per-atom blocks one row per atom,
     * structure s's atoms being rows {@code atomStart[s] .. atomStart[s+1]} of {@code values}.
     */
    public void put(ModelBlock block, int first, int n, int[] atomStart, double[] values) {
        int t = block.target();
        int inT = block.inTarget();
        TargetLayout l = layouts.get(names.get(t));
        int w = block.rowWidth();
        int ss = l.sphericalSize();
        double[] tmp = new double[ss];
        for (int s = 0; s < n; s++) {
            double[] dst = spherical[t][first + s];
            if (block.perAtom()) {
                int a0 = atomStart[s];
                int na = atomStart[s + 1] - a0;
                for (int i = 0; i < na; i++) {
                    System.arraycopy(dst, i * ss, tmp, 0, ss);
                    l.scatter(values, (a0 + i) * w, inT, tmp);
                    System.arraycopy(tmp, 0, dst, i * ss, ss);
                }
            } else {
                l.scatter(values, s * w, inT, dst);
            }
        }
    }

    /**
     * Maps the spherical rows of one target and structure in place ({@code rows × sphericalSize}, as
     * {@link #spherical}): how a target's transform is undone on a model's predictions
     * ({@code targets.TargetTransform}).
     */
    public void mapSpherical(String target, int k, java.util.function.Consumer<double[]> inPlace) {
        inPlace.accept(spherical[index(target)][k]);
    }

    /** Target names, in the model's order. */
    public List<String> targets() { return names; }

    /** Number of structures predicted. */
    public int size() { return size; }

    private int index(String target) {
        int t = names.indexOf(target);
        if (t < 0) throw new IllegalArgumentException("no target " + target);
        return t;
    }

    /** Spherical rows of structure k: rows × sphericalSize, blocks in {@link TargetLayout} order. */
    public double[] spherical(String target, int k) {
        return spherical[index(target)][k].clone();
    }

    /** The prediction of structure k in the file's layout: rows × width (Cartesian row-major, or spherical). */
    public double[] values(String target, int k) {
        int t = index(target);
        TargetLayout l = layouts.get(target);
        double[] sph = spherical[t][k];
        int ss = l.sphericalSize();
        int rows = sph.length / ss;
        double[] out = new double[rows * l.width()];
        double[] row = new double[ss];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(sph, r * ss, row, 0, ss);
            System.arraycopy(l.toCartesian(row), 0, out, r * l.width(), l.width());
        }
        return out;
    }

    /**
     * One block's values of structure k in the layout of {@code ModelBlock.values}: rows × (properties × dim),
     * rows = atoms (per-atom blocks) or 1.
     */
    public double[] block(ModelBlock mb, int k) {
        TargetLayout l = layouts.get(mb.targetName());
        double[] sph = spherical[index(mb.targetName())][k];
        int ss = l.sphericalSize();
        int rows = sph.length / ss;
        int w = mb.rowWidth();
        double[] v = new double[rows * w];
        double[] row = new double[ss];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(sph, r * ss, row, 0, ss);
            l.gather(row, mb.inTarget(), v, r * w);
        }
        return v;
    }

    /** Spherical blocks of structure k by block name: rows × properties × (2λ+1). */
    public Map<String, double[]> blocks(String target, int k) {
        int t = index(target);
        TargetLayout l = layouts.get(target);
        double[] sph = spherical[t][k];
        int ss = l.sphericalSize();
        int rows = sph.length / ss;
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int b = 0; b < l.blocks().size(); b++) {
            TargetLayout.Block blk = l.blocks().get(b);
            int w = blk.properties() * blk.dim();
            double[] v = new double[rows * w];
            double[] row = new double[ss];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(sph, r * ss, row, 0, ss);
                l.gather(row, b, v, r * w);
            }
            out.put(blk.name(), v);
        }
        return out;
    }
}
