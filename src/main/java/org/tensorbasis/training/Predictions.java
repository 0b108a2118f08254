package org.tensorbasis.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.structure.Structure;

/**
 * Predicted targets for a list of structures, per target in the spherical layout (the target's
 * irreducible blocks) and in the file's layout (Cartesian or spherical numbers, as in the input).
 * Per-structure targets have one row per structure, per-atom targets one row per atom.
 */
public final class Predictions {
    private final TrainedModel model;
    private final int[] which;
    private final List<String> names;
    /** [target][structure k] spherical rows: rows × sphericalSize (rows = atoms or 1). */
    private final double[][][] spherical;

    Predictions(TrainedModel model, List<Structure> structures, int[] which) {
        this.model = model;
        this.which = which.clone();
        this.names = new ArrayList<>(model.layouts().keySet());
        this.spherical = new double[names.size()][which.length][];
        int t = 0;
        for (TargetLayout l : model.layouts().values()) {
            boolean perAtom = model.options().targets().get(l.target()).perAtom();
            for (int k = 0; k < which.length; k++) {
                int rows = perAtom ? structures.get(which[k]).size() : 1;
                spherical[t][k] = new double[rows * l.sphericalSize()];
            }
            t++;
        }
    }

    /** Stores model block b's real-unit values for the structures {@code start ..} of the batch. */
    void put(int b, int start, AtomBatch batch, double[] values) {
        int t = model.blockTarget(b);
        int inT = model.blockInTarget(b);
        TargetLayout l = model.layouts().get(names.get(t));
        TargetLayout.Block blk = l.blocks().get(inT);
        int w = blk.properties() * blk.dim();
        int ss = l.sphericalSize();
        boolean perAtom = model.network().blocks().get(b).perAtom();
        for (int s = 0; s < batch.structures(); s++) {
            double[] dst = spherical[t][start + s];
            if (perAtom) {
                int a0 = batch.structureStart(s);
                int n = batch.structureStart(s + 1) - a0;
                double[] tmp = new double[ss];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(dst, i * ss, tmp, 0, ss);
                    l.scatter(values, (a0 + i) * w, inT, tmp);
                    System.arraycopy(tmp, 0, dst, i * ss, ss);
                }
            } else {
                l.scatter(values, s * w, inT, dst);
            }
        }
    }

    /** Target names, in the model's order. */
    public List<String> targets() { return names; }

    /** Number of structures predicted. */
    public int size() { return which.length; }

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
        TargetLayout l = model.layouts().get(target);
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

    /** Spherical blocks of structure k by block name: rows × properties × (2λ+1). */
    public Map<String, double[]> blocks(String target, int k) {
        int t = index(target);
        TargetLayout l = model.layouts().get(target);
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
