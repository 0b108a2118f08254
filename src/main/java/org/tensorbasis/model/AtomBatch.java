package org.tensorbasis.model;

import java.util.Arrays;

/**
 * The model's input for a batch of structures, in flat arrays: per atom a feature row (the SOAP
 * power spectrum), its atomic number, the index of its structure in the batch, and rows of the
 * equivariant density expansion for the orders the tensor bases need (l = 1 for the learned
 * vectors, l = λ for the λ correction).
 *
 * <p>Expansion of order l: {@code expansion(l)[atom * K_l * (2l+1) + k * (2l+1) + m]}, k = the
 * (neighbour channel, radial index) pair, m = −l..l, as in the descriptors' layout.
 */
public final class AtomBatch {
    private final int atoms;
    private final int structures;
    private final int nFeatures;
    private final double[] features;
    private final int[] numbers;
    private final int[] structureOf;
    private final int[] structureStart;
    private final double[][] expansions; // by l, null where absent
    private final int[] kPerL;

    /**
     * @param features    atoms × nFeatures, row-major
     * @param numbers     atomic number of each atom
     * @param structureOf structure index (0..structures−1) of each atom, non-decreasing
     * @param expansions  by l: atoms × K_l × (2l+1), or null where not needed
     * @param kPerL       K_l for each l with an expansion (0 elsewhere)
     */
    public AtomBatch(int nFeatures, double[] features, int[] numbers, int[] structureOf, int structures,
                     double[][] expansions, int[] kPerL) {
        this.atoms = numbers.length;
        this.nFeatures = nFeatures;
        if (features.length < (long) atoms * nFeatures) throw new IllegalArgumentException("features: too short");
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

    public int atoms() { return atoms; }

    public int structures() { return structures; }

    public int nFeatures() { return nFeatures; }

    /** Feature rows (shared, do not modify). */
    public double[] features() { return features; }

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
        return "AtomBatch[" + structures + " structures, " + atoms + " atoms, F=" + nFeatures + ", K=" + Arrays.toString(kPerL) + "]";
    }
}
