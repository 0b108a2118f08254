package org.tensorbasis.linearridge;

/**
 * Design rows of per-structure targets: y(A) = Σ_{i ∈ A} Σ_f w^{s_i}_f X_f(i), weights per centre species s_i.
 * As a single linear system this is one sample per structure with the features concatenated over the S centre
 * species, X̄_{(g, f) μ}(A) = Σ_{i ∈ A, s_i = g} X_{f μ}(i), index g·F + f (S·F features, one {@link RidgeSystem}
 * group). Equivariant because each per-species sum is.
 *
 * <p>Why this choice: it is exactly the per-atom model summed over atoms (so per-atom contributions come out of
 * the fit, {@link #asPerAtom}), and for λ = 0 the constant feature of each species becomes its atom count — the
 * composition baseline is part of the fit. Its cost is an (S·F)² Gram matrix; weights shared by all species (F
 * features) would be S² times smaller but cannot tell species apart.
 */
public final class StructureDesign {
    private StructureDesign() {}

    /** Features of the structure design: S·F. */
    public static int features(int species, int perAtomFeatures) {
        long f = (long) species * perAtomFeatures;
        if (f > Integer.MAX_VALUE) throw new IllegalArgumentException("S·F overflows an int");
        return (int) f;
    }

    /**
     * Sums the per-atom features of one structure per centre species.
     *
     * @param x       per-atom features, atom i at xOff + i·F·(2λ+1), F × (2λ+1) row-major
     * @param groupOf centre-species group of each atom, 0 ≤ g &lt; species
     * @param out     (S·F) × (2λ+1) row-major at outOff, overwritten
     */
    public static void sum(double[] x, int xOff, int atoms, int[] groupOf, int species, int features, int components,
                           double[] out, int outOff) {
        final int block = features * components;
        java.util.Arrays.fill(out, outOff, outOff + species * block, 0.0);
        for (int i = 0; i < atoms; i++) {
            int g = groupOf[i];
            if (g < 0 || g >= species) throw new IndexOutOfBoundsException("group " + g + " of atom " + i + " outside 0.." + (species - 1));
            int o = outOff + g * block, xo = xOff + i * block;
            for (int k = 0; k < block; k++) out[o + k] += x[xo + k];
        }
    }

    /**
     * Per-species weights [S][P][F] from the weights of a structure-design fit (1 group, S·F features): the same
     * model written as a per-atom one, so that {@link RidgeWeights#predictSum} of a structure's atoms gives its
     * prediction and {@link RidgeWeights#predict} gives the atoms' contributions.
     */
    public static RidgeWeights asPerAtom(RidgeWeights fitted, int species) {
        if (fitted.groups() != 1 || fitted.features() % species != 0) {
            throw new IllegalArgumentException("not a structure-design fit for " + species + " species: groups " + fitted.groups()
                + ", features " + fitted.features());
        }
        int P = fitted.properties(), F = fitted.features() / species;
        double[] src = fitted.weights(), w = new double[species * P * F];
        for (int g = 0; g < species; g++) {
            for (int p = 0; p < P; p++) System.arraycopy(src, p * species * F + g * F, w, (g * P + p) * F, F);
        }
        return new RidgeWeights(species, P, F, fitted.components(), w);
    }
}
