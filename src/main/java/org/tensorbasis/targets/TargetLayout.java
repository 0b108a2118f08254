package org.tensorbasis.targets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.equivariant.Decomposition;

/**
 * How one target's numbers (a Cartesian tensor of rank 1–4, or concatenated spherical blocks) map
 * onto the model's spherical blocks: an orthogonal change of basis to irreducible blocks
 * ({@link Decomposition}), grouped by (λ, σ) — blocks of the same (λ, σ) become the properties of
 * one model block, which share one tensor basis. Blocks that are zero in every training value are
 * dropped (predicted as zero).
 */
public final class TargetLayout {
    /** One model block of this target. {@code index[p * dim + μ]} is its position in the spherical vector. */
    public record Block(String name, int lambda, int sigma, int properties, int[] index) {
        public int dim() { return 2 * lambda + 1; }

        public Irrep irrep() { return new Irrep(lambda, sigma); }
    }

    private final String target;
    private final int width;
    private final int rank;            // 0 for spherical targets
    private final boolean symmetric;
    private final Decomposition decomposition; // null for spherical targets
    private final int sphericalSize;
    private final List<Block> blocks;

    private TargetLayout(String target, int width, int rank, boolean symmetric, Decomposition decomposition,
                         int sphericalSize, List<Block> blocks) {
        this.target = target;
        this.width = width;
        this.rank = rank;
        this.symmetric = symmetric;
        this.decomposition = decomposition;
        this.sphericalSize = sphericalSize;
        this.blocks = List.copyOf(blocks);
    }

    /** Model-block name of (λ, σ) of a target, e.g. {@code alpha:L2+}. */
    public static String blockName(String target, int lambda, int sigma) {
        return target + ":" + new Irrep(lambda, sigma).name();
    }

    /**
     * A Cartesian layout.
     *
     * @param keep per (λ, σ) group, whether it is kept (null: keep all)
     */
    public static TargetLayout cartesian(String target, int rank, boolean symmetric, Map<String, Boolean> keep) {
        Decomposition d = symmetric ? Decomposition.symmetric(rank) : Decomposition.general(rank);
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        Map<String, int[]> ls = new LinkedHashMap<>();
        for (Decomposition.Block b : d.blocks()) {
            String name = blockName(target, b.lambda(), b.sigma());
            ls.putIfAbsent(name, new int[] {b.lambda(), b.sigma()});
            List<Integer> idx = groups.computeIfAbsent(name, k -> new ArrayList<>());
            for (int mu = 0; mu < b.size(); mu++) idx.add(b.offset() + mu);
        }
        List<Block> blocks = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : groups.entrySet()) {
            if (keep != null && !keep.getOrDefault(e.getKey(), true)) continue;
            int[] lsig = ls.get(e.getKey());
            int dim = 2 * lsig[0] + 1;
            int[] index = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            blocks.add(new Block(e.getKey(), lsig[0], lsig[1], index.length / dim, index));
        }
        return new TargetLayout(target, d.cartesianSize(), rank, symmetric, d, d.sphericalSize(), blocks);
    }

    /** A spherical layout: the field holds the blocks one after the other, μ = −λ..λ. */
    public static TargetLayout spherical(String target, List<int[]> lambdaSigma) {
        List<Block> blocks = new ArrayList<>();
        int off = 0;
        for (int[] ls : lambdaSigma) {
            int dim = 2 * ls[0] + 1;
            int[] index = new int[dim];
            for (int mu = 0; mu < dim; mu++) index[mu] = off + mu;
            blocks.add(new Block(blockName(target, ls[0], ls[1]), ls[0], ls[1], 1, index));
            off += dim;
        }
        return new TargetLayout(target, off, 0, false, null, off, blocks);
    }

    public String target() { return target; }

    /** Numbers per structure (or atom) in the file. */
    public int width() { return width; }

    /** Cartesian rank, or 0 for a spherical target. */
    public int rank() { return rank; }

    public boolean isCartesian() { return decomposition != null; }

    public boolean isSymmetric() { return symmetric; }

    public List<Block> blocks() { return blocks; }

    public int sphericalSize() { return sphericalSize; }

    /** The spherical vector of one row of the file's numbers. */
    public double[] toSpherical(double[] row, int off) {
        double[] sph = new double[sphericalSize];
        if (decomposition == null) {
            System.arraycopy(row, off, sph, 0, sphericalSize);
        } else {
            decomposition.toSpherical(row, off, sph, 0);
        }
        return sph;
    }

    /** The file's numbers of a spherical vector. */
    public double[] toCartesian(double[] sph) {
        if (decomposition == null) return sph.clone();
        double[] out = new double[width];
        decomposition.toCartesian(sph, 0, out, 0);
        return out;
    }

    /** Copies model block b's values (properties × dim) out of a spherical vector. */
    public void gather(double[] sph, int b, double[] out, int off) {
        int[] index = blocks.get(b).index();
        for (int k = 0; k < index.length; k++) out[off + k] = sph[index[k]];
    }

    /** Writes model block b's values (properties × dim) into a spherical vector. */
    public void scatter(double[] values, int off, int b, double[] sph) {
        int[] index = blocks.get(b).index();
        for (int k = 0; k < index.length; k++) sph[index[k]] = values[off + k];
    }
}
