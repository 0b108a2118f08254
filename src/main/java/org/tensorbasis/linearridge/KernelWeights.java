package org.tensorbasis.linearridge;

import org.tensorbasis.linalg.Gemm;

/**
 * A fitted sparse λ-SOAP kernel model of one block (λ, σ) with P properties (SA-GPR, Grisafi et al., PRL 120,
 * 036002 (2018)): an atom i of centre species g contributes
 * <pre>  y^p_μ(i) = Σ_m Σ_ν k^λ_{μν}(i, m) a^p_{mν},   k^λ_{μν}(i, m) = (p̂_i · p̂_m)^{ζ−1} Σ_f X̂_{fμ}(i) X̂_{fν}(m)</pre>
 * over the sparse environments m of species g, with X̂ the λ-SOAP features of the block and p̂ the invariant ones,
 * each normalised to unit length per environment ({@link SparseKernel}). Because Σ_f X̂_{fμ}(i) X̂_{fν}(m) is linear
 * in X̂(i), the model is stored collapsed, U^p_{mf} = Σ_ν X̂_{fν}(m) a^p_{mν}, and evaluated as
 * <pre>  y^p_μ(i) = Σ_f V^p_f X̂_{fμ}(i),   V^p_f = Σ_m (p̂_i · p̂_m)^{ζ−1} U^p_{mf}</pre>
 * — one weight per λ-SOAP feature, shared by the 2λ+1 components, as in the linear model, but a different one for
 * every environment: exactly equivariant because p̂_i · p̂_m is invariant. Memory: M × P × F numbers per species
 * instead of M × (2λ+1) × F for the sparse environments' features.
 *
 * <p>A joint kernel ({@code model.kernel.element_coupling} c &gt; 0, κ(s, s_m) = c + (1 − c) [s = s_m]) adds a
 * <b>shared</b> term over all its sparse points, seen by every element: {@code sharedU} holds c·U, and {@code u[g]} the
 * (1 − c)·U of element g's own points (none for c = 1) — 2·M instead of S·M sets of weights.
 *
 * <p>Layout: {@code u[g]} is M_g × P × F row-major, {@code scalar[g]} M_g × F0 (shared by the blocks of a model);
 * {@code sharedU} M_s × P × F, {@code sharedScalar} M_s × F0 (M_s = 0: none). Immutable after construction; thread-safe
 * (the caller passes the scratch arrays).
 */
final class KernelWeights {
    final int zeta, properties, features, components, scalarFeatures;
    final int[] count;
    final double[][] scalar;
    final double[][] u;
    final int sharedCount;
    final double[] sharedScalar, sharedU;

    KernelWeights(int zeta, int properties, int features, int components, int scalarFeatures, double[][] scalar, double[][] u) {
        this(zeta, properties, features, components, scalarFeatures, scalar, u, new double[0], new double[0]);
    }

    /** With a shared term over {@code sharedScalar.length / F0} sparse points seen by every element (a joint kernel). */
    KernelWeights(int zeta, int properties, int features, int components, int scalarFeatures, double[][] scalar, double[][] u,
                  double[] sharedScalar, double[] sharedU) {
        this.zeta = zeta;
        this.properties = properties;
        this.features = features;
        this.components = components;
        this.scalarFeatures = scalarFeatures;
        this.scalar = scalar;
        this.u = u;
        this.count = new int[scalar.length];
        for (int g = 0; g < scalar.length; g++) {
            count[g] = scalar[g].length / Math.max(1, scalarFeatures);
            if (u[g].length != (long) count[g] * properties * features) {
                throw new IllegalArgumentException("species " + g + ": " + u[g].length + " kernel weights for " + count[g] + " sparse points × "
                    + properties + " × " + features);
            }
        }
        this.sharedScalar = sharedScalar;
        this.sharedU = sharedU;
        this.sharedCount = sharedScalar.length / Math.max(1, scalarFeatures);
        if (sharedU.length != (long) sharedCount * properties * features) {
            throw new IllegalArgumentException(sharedU.length + " shared kernel weights for " + sharedCount + " sparse points × " + properties + " × " + features);
        }
    }

    int species() { return scalar.length; }

    /** The most sparse points of one element's own term (the file's padding). */
    int maxCount() {
        int m = 0;
        for (int c : count) m = Math.max(m, c);
        return m;
    }

    /** Scratch size for {@link #addAtom}: the most points of any term. */
    int scratchCount() { return Math.max(maxCount(), sharedCount); }

    /** Sparse points of all terms. */
    int totalCount() {
        int t = sharedCount;
        for (int c : count) t += c;
        return t;
    }

    /** (p̂_i · p̂_m)^{ζ−1}, with 0^0 = 1. */
    static double power(double k0, int zeta) {
        double t = 1.0;
        for (int z = 1; z < zeta; z++) t *= k0;
        return t;
    }

    /**
     * Adds the contribution of one atom of species g to {@code out[outOff ..]} (P × (2λ+1)).
     *
     * @param xhat    the atom's normalised block features, F × (2λ+1) at xOff
     * @param phat    its normalised invariant features, F0 at pOff
     * @param t       scratch, at least {@link #scratchCount()} doubles
     * @param v       scratch, at least P × F doubles
     */
    void addAtom(int g, double[] xhat, int xOff, double[] phat, int pOff, double[] out, int outOff, double[] t, double[] v) {
        addTerm(count[g], scalar[g], u[g], xhat, xOff, phat, pOff, out, outOff, t, v);
        if (sharedCount > 0) addTerm(sharedCount, sharedScalar, sharedU, xhat, xOff, phat, pOff, out, outOff, t, v);
    }

    /**
     * Adds the contributions of the n atoms of one structure (atom i of species {@code g[i]}, its normalised block
     * features F × (2λ+1) at {@code i · row} of {@code xhat}, its normalised invariants at {@code i · F0} of {@code phat})
     * to {@code out} (atom i's P × (2λ+1) at {@code i · P · (2λ+1)}): the same sums as {@link #addAtom} atom by atom, but
     * each term's kernel rows of all its atoms are two matrix products. Why: atom by atom, every atom streamed the term's
     * M × F0 invariants and M × P·F weights from memory (two matrix-vector products), 155 MB per atom for the
     * 64-element Born charges' joint kernel (2,672 points): 130 atoms/s. Batched, they are read once per structure.
     */
    void addAtoms(int[] g, int n, double[] xhat, int row, double[] phat, double[] out) {
        int[] idx = new int[n];
        for (int sp = 0; sp < count.length; sp++) {
            if (count[sp] == 0) continue;
            int c = 0;
            for (int i = 0; i < n; i++) if (g[i] == sp) idx[c++] = i;
            if (c > 0) addTermBatch(count[sp], scalar[sp], u[sp], idx, c, xhat, row, phat, out);
        }
        if (sharedCount > 0) {
            for (int i = 0; i < n; i++) idx[i] = i;
            addTermBatch(sharedCount, sharedScalar, sharedU, idx, n, xhat, row, phat, out);
        }
    }

    private void addTermBatch(int m, double[] sc, double[] w, int[] idx, int c, double[] xhat, int row, double[] phat, double[] out) {
        int P = properties, F = features, dm = components, F0 = scalarFeatures;
        if (m == 0 || F == 0) return;
        // the term's atoms' invariants, packed (c × F0)
        double[] pb = new double[c * F0];
        for (int a = 0; a < c; a++) System.arraycopy(phat, idx[a] * F0, pb, a * F0, F0);
        // T (m × c) = P̂ p̂ᵀ, then its (ζ−1)th power
        double[] t = new double[m * c];
        Gemm.gemm(false, true, m, c, F0, 1.0, sc, 0, F0, pb, 0, F0, 0.0, t, 0, c);
        for (int k = 0; k < t.length; k++) t[k] = power(t[k], zeta);
        // V (c × P·F) = Tᵀ U (M × P·F)
        double[] v = new double[c * P * F];
        Gemm.gemm(true, false, c, P * F, m, 1.0, t, 0, c, w, 0, P * F, 0.0, v, 0, P * F);
        // y_i (P × dm) += V_i (P × F) · X̂_i (F × dm)
        for (int a = 0; a < c; a++) {
            int i = idx[a];
            Gemm.gemm(false, false, P, dm, F, 1.0, v, a * P * F, F, xhat, i * row, dm, 1.0, out, i * P * dm, dm);
        }
    }

    private void addTerm(int m, double[] sc, double[] w, double[] xhat, int xOff, double[] phat, int pOff, double[] out, int outOff,
                         double[] t, double[] v) {
        int P = properties, F = features, dm = components;
        if (m == 0 || F == 0) return;
        // t = P̂ p̂_i, then its (ζ−1)th power
        Gemm.gemm(false, false, m, 1, scalarFeatures, 1.0, sc, 0, scalarFeatures, phat, pOff, 1, 0.0, t, 0, 1);
        for (int k = 0; k < m; k++) t[k] = power(t[k], zeta);
        // V (1 × P·F) = tᵀ U (M × P·F)
        Gemm.gemm(false, false, 1, P * F, m, 1.0, t, 0, m, w, 0, P * F, 0.0, v, 0, P * F);
        // y (P × dm) += V (P × F) · X̂ (F × dm)
        Gemm.gemm(false, false, P, dm, F, 1.0, v, 0, F, xhat, xOff, dm, 1.0, out, outOff, dm);
    }
}
