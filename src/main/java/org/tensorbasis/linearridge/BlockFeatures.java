package org.tensorbasis.linearridge;

import org.tensorbasis.descriptors.LambdaSoap;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.targets.Irrep;

/**
 * The equivariant features of one block (λ, σ) for the linear model: per atom F features of 2λ+1
 * components (F × (2λ+1) row-major), computed from the density expansion blocks of one structure.
 * Two-body λ-SOAP couplings ({@link LambdaSoap}) for every (λ, σ) but (0, −1), which no pair of
 * densities can give (the triangle rule forces l1 = l2, an even parity); pseudoscalars are built
 * from three densities instead ({@link TripleProducts}).
 */
interface BlockFeatures {
    int features();

    int components();

    default int rowSize() { return features() * components(); }

    /**
     * Writes the features of atoms {@code from ≤ i < to} to {@code out[outOff + (i − from) · rowSize() ..]};
     * {@code expansions[l]} holds order l of atom i at {@code i · calc.blockSize(l)} ({@code [a][n][m]}).
     */
    void fromExpansions(double[][] expansions, int from, int to, double[] out, int outOff);

    /** As {@link #fromExpansions(double[][], int, int, double[], int)}, with the group (centre species) of every atom. */
    default void fromExpansions(double[][] expansions, int[] groups, int from, int to, double[] out, int outOff) {
        fromExpansions(expansions, from, to, out, outOff);
    }

    /** Whether the features also read the atoms' centred positions ({@link #fromStructure}; {@link PositionFeatures}). */
    default boolean usesPositions() { return false; }

    /**
     * As {@link #fromExpansions(double[][], int[], int, int, double[], int)}, with the atoms' positions relative to their
     * structure's centroid ({@code centred[3i ..]}, spherical order; {@link org.tensorbasis.structure.Structure#centredPositions}),
     * which only {@link #usesPositions()} features read (null otherwise).
     */
    default void fromStructure(double[][] expansions, int[] groups, double[] centred, int from, int to, double[] out, int outOff) {
        fromExpansions(expansions, groups, from, to, out, outOff);
    }

    /**
     * How many leading features a kernel scales to unit length per environment ({@link SparseKernel#normalize}): all of them,
     * but for position features, whose products with the position keep their length (it carries the charge's lever arm).
     */
    default int normalizedFeatures() { return features(); }

    /** The degree of the features in the density coefficients: 2 for λ-SOAP couplings, 3 for triple products. */
    default int degree() { return 2; }

    /** Whether {@link #whitenBatch} should be used instead of the per-row methods (features that need whitening). */
    default boolean whitensInBatches() { return false; }

    /**
     * The last, linear step of features that need it before the ridge sees them (the whitening of kernel features,
     * {@link SparseKernel.KernelFeatures}), on many rows at once: per-atom rows with their atoms' groups, or
     * per-structure design rows ({@code groups} null, S slices of rowSize(), {@link StructureDesign}).
     */
    default void whitenBatch(java.util.List<double[]> rows, java.util.List<int[]> groups, int threads) {}

    static BlockFeatures of(SphericalExpansion calc, Irrep irrep) {
        if (irrep.lambda() == 0 && irrep.sigma() == -1) return new TripleProducts(calc);
        LambdaSoap soap = new LambdaSoap(calc, irrep.lambda(), irrep.sigma(), calc.maxAngular());
        return new BlockFeatures() {
            @Override
            public int features() { return soap.features(); }

            @Override
            public int components() { return soap.components(); }

            @Override
            public void fromExpansions(double[][] expansions, int from, int to, double[] out, int outOff) {
                soap.fromExpansions(expansions, from, to, out, outOff);
            }
        };
    }

    /**
     * Pseudoscalar (λ = 0, σ = −1) features: the triple products v_p · (v_q × v_r), p &lt; q &lt; r, of the
     * l = 1 density channels v_p = ρ^a_{n1·} (one per species a and radial n) — [[ρ_1 ⊗ ρ_1]^1 ⊗ ρ_1]^0 up to a
     * constant. Invariant under rotations, odd under inversion; zero for planar environments, as any
     * pseudoscalar must be. C(K, 3) features for K = species × radial functions at l = 1.
     */
    final class TripleProducts implements BlockFeatures {
        private final SphericalExpansion calc;
        private final int k;
        private final int features;

        @Override
        public int degree() { return 3; }

        TripleProducts(SphericalExpansion calc) {
            this.calc = calc;
            this.k = calc.blockSize(1) / 3;
            long f = (long) k * (k - 1) * (k - 2) / 6;
            if (f > Integer.MAX_VALUE) throw new IllegalArgumentException("too many pseudoscalar features: " + f);
            this.features = (int) f;
        }

        /** C(K, 3) for K l = 1 channels. */
        static long count(int channels) {
            return (long) channels * (channels - 1) * (channels - 2) / 6;
        }

        @Override
        public int features() { return features; }

        @Override
        public int components() { return 1; }

        @Override
        public void fromExpansions(double[][] expansions, int from, int to, double[] out, int outOff) {
            double[] e = expansions[1];
            int bs = calc.blockSize(1);
            for (int i = from; i < to; i++) {
                int o = outOff + (i - from) * features;
                int b = i * bs;
                for (int q = 0; q < k; q++) {
                    for (int r = q + 1; r < k; r++) {
                        // c = v_q × v_r (components in the (y, z, x) order of the l = 1 harmonics, a right-handed frame)
                        int oq = b + 3 * q, or = b + 3 * r;
                        double c0 = e[oq + 1] * e[or + 2] - e[oq + 2] * e[or + 1];
                        double c1 = e[oq + 2] * e[or] - e[oq] * e[or + 2];
                        double c2 = e[oq] * e[or + 1] - e[oq + 1] * e[or];
                        for (int p = 0; p < q; p++) {
                            int op = b + 3 * p;
                            // feature index of (p, q, r), p < q < r, in lexicographic order
                            out[o + index(p, q, r)] = e[op] * c0 + e[op + 1] * c1 + e[op + 2] * c2;
                        }
                    }
                }
            }
        }

        /** Lexicographic rank of p &lt; q &lt; r among the C(K, 3) triples. */
        private int index(int p, int q, int r) {
            // triples with first element < p, then with first p and second < q, then third < r
            long before = count(k) - count(k - p);
            long second = ((long) (k - p - 1) * (k - p - 2) - (long) (k - q) * (k - q - 1)) / 2;
            return (int) (before + second + (r - q - 1));
        }
    }
}
