package org.tensorbasis.model;

import java.util.Arrays;

/**
 * The model's input for a batch of structures, in flat arrays: per atom a feature row (the SOAP
 * power spectrum), its atomic number, the index of its structure in the batch, and rows of the
 * equivariant density expansion for the orders the tensor bases need (l = 1 for the learned
 * vectors, l = λ for the λ correction).
 *
 * <p>Feature rows are either one flat array ({@code atoms × nFeatures}, row-major) or held by
 * reference ({@link #ofRows}): row i is {@code rowArray(i)[rowOffset(i) .. + nFeatures)}, e.g. the rows
 * of a feature cache used in place, so that assembling a batch copies no features.
 *
 * <p>Expansion of order l: {@code expansion(l)[atom * K_l * (2l+1) + k * (2l+1) + m]}, k = the
 * (neighbour channel, radial index) pair, m = −l..l, as in the descriptors' layout.
 */
public final class AtomBatch {
    private final int atoms;
    private final int structures;
    private final int nFeatures;
    private final double[] features;     // flat rows, or null when held by reference
    private final double[][] rowArrays;  // by reference: per atom its array and offset (null when flat)
    private final int[] rowOffsets;
    private final float[][] rowArrays32; // by reference, float32 rows (a float32 prediction), or null
    private final int[] numbers;
    private final int[] structureOf;
    private final int[] structureStart;
    private final double[][] expansions; // by l, null where absent
    private final int[] kPerL;
    private double[] positions;          // atoms × 3 centred positions (y, z, x), or null (see withPositions)

    /**
     * @param features    atoms × nFeatures, row-major
     * @param numbers     atomic number of each atom
     * @param structureOf structure index (0..structures−1) of each atom, non-decreasing
     * @param expansions  by l: atoms × K_l × (2l+1), or null where not needed
     * @param kPerL       K_l for each l with an expansion (0 elsewhere)
     */
    public AtomBatch(int nFeatures, double[] features, int[] numbers, int[] structureOf, int structures,
                     double[][] expansions, int[] kPerL) {
        this(nFeatures, features, null, null, null, numbers, structureOf, structures, expansions, kPerL);
    }

    /**
     * A batch whose feature rows are held by reference: row i is
     * {@code rowArrays[i][rowOffsets[i] .. + nFeatures)}. The arrays are shared, not copied, and must
     * not change while the batch is in use. Other arguments as in the flat constructor.
     */
    public static AtomBatch ofRows(int nFeatures, double[][] rowArrays, int[] rowOffsets, int[] numbers, int[] structureOf,
                                   int structures, double[][] expansions, int[] kPerL) {
        return new AtomBatch(nFeatures, null, rowArrays, rowOffsets, null, numbers, structureOf, structures, expansions, kPerL);
    }

    /**
     * As {@link #ofRows} with float32 rows (the normalised power spectrum of a float32 prediction,
     * {@code FeatureCache.Storage.FLOAT32_POWER_SPECTRUM}): only a model whose scalar networks run in float32 reads them.
     */
    public static AtomBatch ofFloatRows(int nFeatures, float[][] rowArrays, int[] rowOffsets, int[] numbers, int[] structureOf,
                                        int structures, double[][] expansions, int[] kPerL) {
        return new AtomBatch(nFeatures, null, null, rowOffsets, rowArrays, numbers, structureOf, structures, expansions, kPerL);
    }

    private AtomBatch(int nFeatures, double[] features, double[][] rowArrays, int[] rowOffsets, float[][] rowArrays32, int[] numbers,
                      int[] structureOf, int structures, double[][] expansions, int[] kPerL) {
        this.atoms = numbers.length;
        this.nFeatures = nFeatures;
        if (features != null) {
            if (features.length < (long) atoms * nFeatures) throw new IllegalArgumentException("features: too short");
        } else {
            int rowsHeld = rowArrays32 != null ? rowArrays32.length : rowArrays.length;
            if (rowsHeld < atoms || rowOffsets.length < atoms) throw new IllegalArgumentException("feature rows: one per atom");
            for (int i = 0; i < atoms; i++) {
                int len = rowArrays32 != null ? (rowArrays32[i] == null ? -1 : rowArrays32[i].length)
                    : (rowArrays[i] == null ? -1 : rowArrays[i].length);
                if (len < 0 || rowOffsets[i] < 0 || len - rowOffsets[i] < nFeatures) {
                    throw new IllegalArgumentException("feature row " + i + ": too short");
                }
            }
        }
        this.rowArrays32 = rowArrays32;
        this.rowArrays = rowArrays;
        this.rowOffsets = rowOffsets;
        if (structureOf.length != atoms) throw new IllegalArgumentException("structureOf: one entry per atom");
        this.features = features;
        this.numbers = numbers;
        this.structureOf = structureOf;
        this.structures = structures;
        this.expansions = expansions;
        this.kPerL = kPerL;
        structureStart = new int[structures + 1];
        for (int i = 0; i < atoms; i++) {
            int s = structureOf[i];
            if (s < 0 || s >= structures || (i > 0 && s < structureOf[i - 1])) {
                throw new IllegalArgumentException("structureOf must be non-decreasing in 0.." + (structures - 1));
            }
            structureStart[s + 1]++;
        }
        for (int s = 0; s < structures; s++) structureStart[s + 1] += structureStart[s];
        for (int l = 0; l < expansions.length; l++) {
            if (expansions[l] != null && expansions[l].length < (long) atoms * kPerL[l] * (2 * l + 1)) {
                throw new IllegalArgumentException("expansion l=" + l + ": too short");
            }
        }
    }

    /**
     * This batch with the atoms' positions relative to the centroid of their structure, {@code atoms × 3} in the
     * spherical (y, z, x) order (zero in periodic structures; {@link org.tensorbasis.structure.Structure#centredPositions}), which the
     * position elements of per-structure bases read. The arrays are shared, not copied.
     */
    public AtomBatch withPositions(double[] centred) {
        if (centred != null && centred.length < 3L * atoms) throw new IllegalArgumentException("positions: 3 per atom");
        AtomBatch b = new AtomBatch(nFeatures, features, rowArrays, rowOffsets, rowArrays32, numbers, structureOf, structures, expansions, kPerL);
        b.positions = centred;
        return b;
    }

    /** Centred positions ({@link #withPositions}), or null. */
    public double[] positions() { return positions; }

    public int atoms() { return atoms; }

    public int structures() { return structures; }

    public int nFeatures() { return nFeatures; }

    /** Whether the feature rows are one flat array ({@link #features()}) rather than held by reference. */
    public boolean hasFlatFeatures() { return features != null; }

    /**
     * Feature rows, {@code atoms × nFeatures} row-major (shared, do not modify).
     *
     * @throws IllegalStateException if the rows are held by reference ({@link #ofRows})
     */
    public double[] features() {
        if (features == null) throw new IllegalStateException("feature rows are held by reference: use rowArray(i)/rowOffset(i)");
        return features;
    }

    /** Whether the feature rows are float32 rows held by reference ({@link #ofFloatRows}). */
    public boolean hasFloatRows() { return rowArrays32 != null; }

    /** Per-atom float32 row arrays ({@link #ofFloatRows}; shared, do not modify), or null. */
    public float[][] floatRowArrays() { return rowArrays32; }

    /**
     * The array holding atom i's feature row (shared, do not modify).
     *
     * @throws IllegalStateException for float32 rows ({@link #ofFloatRows})
     */
    public double[] rowArray(int i) {
        if (rowArrays32 != null) throw new IllegalStateException("the feature rows are float32 (a float32 prediction batch)");
        return features != null ? features : rowArrays[i];
    }

    /** Where atom i's feature row starts in {@link #rowArray(int)}. */
    public int rowOffset(int i) { return features != null ? i * nFeatures : rowOffsets[i]; }

    /** Per-atom row arrays of a by-reference batch (shared, do not modify), or null if flat. */
    public double[][] rowArrays() { return rowArrays; }

    /** Per-atom row offsets of a by-reference batch (shared, do not modify), or null if flat. */
    public int[] rowOffsets() { return rowOffsets; }

    /** Atomic numbers (shared, do not modify). */
    public int[] numbers() { return numbers; }

    /** Structure index of each atom (shared, do not modify). */
    public int[] structureOf() { return structureOf; }

    /** Atoms of structure s are {@code structureStart(s) .. structureStart(s+1)−1}. */
    public int structureStart(int s) { return structureStart[s]; }

    /** Expansion rows of order l (shared), or null. */
    public double[] expansion(int l) {
        return l < expansions.length ? expansions[l] : null;
    }

    /** K_l, the number of (channel, radial) rows of the order-l expansion. */
    public int k(int l) {
        return l < kPerL.length ? kPerL[l] : 0;
    }

    @Override
    public String toString() {
        return "AtomBatch[" + structures + " structures, " + atoms + " atoms, F=" + nFeatures + (features == null ? " (rows by reference)" : "")
            + ", K=" + Arrays.toString(kPerL) + "]";
    }
}
