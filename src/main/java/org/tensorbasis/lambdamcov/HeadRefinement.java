package org.tensorbasis.lambdamcov;

import java.util.Arrays;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.linalg.Cholesky;
import org.tensorbasis.linalg.Gemm;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.model.TensorModel;

/**
 * Full-batch refinement of the last layer. With everything else fixed, a block's prediction is
 * linear in its heads: {@code y_S[p,μ] / N = Σ_{i∈S} Σ_{q,h} W_{s_i}[p·n_b+q, h] H_i[h] T_i[q,μ] / N}
 * (H the last hidden layer, T the basis), so the heads that minimise the training loss of that block
 * solve a linear least-squares problem. {@link Normal} accumulates its normal equations over the
 * training set (design rows are buffered and multiplied with BLAS, or kept for the dual form when
 * there are fewer rows than unknowns); {@link #solve} adds a ridge term and solves by Cholesky, one
 * factorisation per ridge of the already-formed Gram (or kernel) matrix. Per-atom targets give block-diagonal systems (one per species), solved
 * separately. The trainer chooses the ridge per block on the validation set and keeps the SGD heads
 * when no refit is better. With the shared scalar network ({@link ScalarNetworks#isShared}) every
 * block has one head for all species: one system of n_basis × width unknowns per block, over all
 * atoms of all elements (per-atom blocks) or over the structures (per-structure blocks).
 */
final class HeadRefinement {
    /** Relative ridge strengths tried (times the mean diagonal of the normal matrix). */
    static final double[] RIDGES = {1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1e-1, 1.0, 10.0, 100.0};

    /** System property: the most ridges the refit factors at once (default 2; 1: one at a time, as before). */
    static final String PARALLEL_RIDGES_PROPERTY = "tensorbasis.refit.parallelRidges";

    /**
     * How many ridges the refit factors at once on {@code threads} threads (one BLAS thread each; that many copies of the
     * largest block's factors): the factorisations are independent, so the result is the same whatever the number.
     */
    static int parallelRidges(int threads) {
        int most = Integer.getInteger(PARALLEL_RIDGES_PROPERTY, 2);
        return Math.max(1, Math.min(Math.max(1, most), threads));
    }

    /**
     * Largest cancellation factor (see the trainer) a refit may have: round-off then stays below
     * ~1e-12 relative, so predictions remain equivariant to round-off and well conditioned.
     */
    static final double MAX_AMPLIFICATION = 1e4;

    private static final int BUFFER_ROWS = 512;

    private HeadRefinement() {}

    /**
     * Normal equations of one block. Unknowns of property p: {@code x[s·seg + q·width + h]} = head
     * weight of species s for output (p, q) and hidden unit h; seg = n_basis × width. For per-atom
     * blocks only the diagonal species blocks exist.
     *
     * <p>Each system is kept in the cheaper of two equivalent forms. <b>Primal</b>: the d × d Gram matrix
     * AᵀA and Aᵀb, accumulated from buffered design rows by one symmetric rank-k BLAS product per
     * buffer. <b>Dual</b>, when the system has fewer design rows m than unknowns d (few structures, wide
     * networks): the m × d design A and b themselves and, at {@link #flushAll}, the m × m kernel K = AAᵀ
     * (one BLAS product); the ridge solution is then x = Aᵀ(K + rI)⁻¹b, equal to (AᵀA + rI)⁻¹Aᵀb
     * (push-through identity) at a cost of m²d + m³/3 instead of md² + d³/3 per ridge grid point. Only
     * the lower triangles of AᵀA and K are formed (the Cholesky factor reads nothing else).
     */
    static final class Normal {
        final int species;
        final int seg;
        final int properties;
        final boolean perSpecies;
        final int d;          // size of one system: seg (per species) or species·seg
        final boolean[] dual; // [system] dual form
        final int[] m;        // [system] design rows of a dual system
        final double[][] ata; // [system] d × d (primal) or m × m (dual, after flushAll)
        final double[][] atb; // [system] d × properties (primal)
        final double[][] rows; // [system] buffered design rows (primal) or all of them (dual)
        final double[][] rhs;  // [system] buffered targets (primal) or all of them (dual)
        final int[] buffered;
        final double[] trace; // [system] trace of AᵀA (= trace of K)

        /** All systems primal. */
        Normal(int species, int seg, int properties, boolean perSpecies) {
            this(species, seg, properties, perSpecies, null);
        }

        /**
         * @param designRows the exact number of design rows each system will receive, or null (all primal);
         *                   a system with fewer rows than unknowns, whose dual form needs no more memory, is dual
         */
        Normal(int species, int seg, int properties, boolean perSpecies, long[] designRows) {
            this.species = species;
            this.seg = seg;
            this.properties = properties;
            this.perSpecies = perSpecies;
            this.d = perSpecies ? seg : species * seg;
            int systems = perSpecies ? species : 1;
            dual = new boolean[systems];
            m = new int[systems];
            ata = new double[systems][];
            atb = new double[systems][];
            rows = new double[systems][];
            rhs = new double[systems][];
            buffered = new int[systems];
            trace = new double[systems];
            for (int k = 0; k < systems; k++) {
                long rk = designRows == null ? Long.MAX_VALUE : designRows[k];
                // memory of the dual form (design + kernel + its factor) no larger than the primal's (Gram + factor)
                dual[k] = rk < d && rk * d + 2 * rk * rk <= 2L * d * d;
                if (dual[k]) {
                    m[k] = (int) rk;
                    rows[k] = new double[Math.max(1, m[k]) * d];
                    rhs[k] = new double[Math.max(1, m[k]) * properties];
                } else {
                    ata[k] = new double[d * d];
                    atb[k] = new double[d * properties];
                    rows[k] = new double[BUFFER_ROWS * d];
                    rhs[k] = new double[BUFFER_ROWS * properties];
                }
            }
        }

        /** A new zeroed design row of system k, to be filled then committed with {@link #commit}. */
        double[] row(int k) {
            int r = buffered[k];
            if (dual[k] && r >= m[k]) throw new IllegalStateException("more design rows than announced for system " + k);
            Arrays.fill(rows[k], r * d, (r + 1) * d, 0.0);
            return rows[k];
        }

        int rowOffset(int k) {
            return buffered[k] * d;
        }

        /** Commits the current row of system k with its targets t[tOff + p·stride]. */
        void commit(int k, double[] t, int tOff, int stride) {
            int r = buffered[k];
            for (int p = 0; p < properties; p++) rhs[k][r * properties + p] = t[tOff + p * stride];
            for (int i = r * d; i < (r + 1) * d; i++) trace[k] += rows[k][i] * rows[k][i];
            if (++buffered[k] == BUFFER_ROWS && !dual[k]) flush(k);
        }

        void flush(int k) {
            int n = buffered[k];
            if (n == 0 || dual[k]) return;
            // AᵀA += RᵀR (lower triangle), Aᵀb += Rᵀ·T
            Gemm.syrkLower(true, d, n, 1.0, rows[k], 0, d, 1.0, ata[k], 0, d);
            Gemm.gemm(true, false, d, properties, n, 1.0, rows[k], 0, rhs[k], 0, 1.0, atb[k], 0);
            buffered[k] = 0;
        }

        /** Ends the accumulation: the last buffers of primal systems, the kernels of dual ones. */
        void flushAll() {
            for (int k = 0; k < buffered.length; k++) {
                if (!dual[k]) {
                    flush(k);
                } else if (ata[k] == null) {
                    if (buffered[k] != m[k]) {
                        throw new IllegalStateException("system " + k + " received " + buffered[k] + " design rows, announced " + m[k]);
                    }
                    ata[k] = new double[m[k] * m[k]];
                    Gemm.syrkLower(false, m[k], d, 1.0, rows[k], 0, d, 0.0, ata[k], 0, m[k]);
                }
            }
        }

        /** Size of the matrix factored for system k: d (primal) or m (dual). */
        int order(int k) {
            return dual[k] ? m[k] : d;
        }
    }

    static Normal newNormal(TensorModel net, int b) {
        return newNormal(net, b, null);
    }

    /**
     * @param speciesOfAtoms centre species indices of every training atom, structure by structure, and
     *                       the structures' sizes: they give each system's number of design rows (so that
     *                       systems with fewer rows than unknowns take the dual form); null: all primal
     */
    static Normal newNormal(TensorModel net, int b, int[][] speciesOfAtoms) {
        int seg = net.basis(b).size() * net.scalarNetworks().width();
        // a shared head is one set of unknowns for every species: the system of a single "species"
        boolean shared = net.scalarNetworks().isShared();
        int heads = shared ? 1 : net.species().length;
        TensorModel.Block bl = net.blocks().get(b);
        long[] rows = null;
        if (speciesOfAtoms != null) {
            rows = new long[bl.perAtom() ? heads : 1];
            for (int[] structure : speciesOfAtoms) {
                if (!bl.perAtom()) {
                    rows[0] += bl.dim();
                } else {
                    for (int s : structure) rows[shared ? 0 : s] += bl.dim();
                }
            }
        }
        return new Normal(heads, seg, bl.properties(), bl.perAtom(), rows);
    }

    /**
     * Adds the design rows of the structures {@code which} of a batch that has just been forwarded.
     *
     * @param targets normalised targets [block][structure index], as the trainer stores them
     * @param hidden  scratch of at least atoms × width
     */
    static void accumulate(TensorModel net, AtomBatch batch, int[] which, double[][][] targets, int[] speciesOfAtom,
                           Normal[] normals, double[] hidden) {
        ScalarNetworks nets = net.scalarNetworks();
        int width = nets.width();
        boolean shared = nets.isShared();
        nets.hidden(hidden);
        for (int b = 0; b < net.blocks().size(); b++) {
            TensorModel.Block bl = net.blocks().get(b);
            int nb = net.basis(b).size();
            int dim = bl.dim();
            Normal nm = normals[b];
            double[] tv = net.basisValues(b);
            for (int k = 0; k < which.length; k++) {
                int a0 = batch.structureStart(k);
                int a1 = batch.structureStart(k + 1);
                double[] t = targets[b][which[k]];
                if (bl.perAtom()) {
                    for (int i = a0; i < a1; i++) {
                        int s = shared ? 0 : speciesOfAtom[i];
                        for (int mu = 0; mu < dim; mu++) {
                            double[] row = nm.row(s);
                            fill(row, nm.rowOffset(s), tv, i * nb * dim, nb, dim, mu, hidden, i * width, width, 1.0);
                            nm.commit(s, t, (i - a0) * bl.properties() * dim + mu, dim);
                        }
                    }
                } else {
                    double inv = 1.0 / (a1 - a0);
                    for (int mu = 0; mu < dim; mu++) {
                        double[] row = nm.row(0);
                        int ro = nm.rowOffset(0);
                        for (int i = a0; i < a1; i++) {
                            fill(row, ro + (shared ? 0 : speciesOfAtom[i] * nm.seg), tv, i * nb * dim, nb, dim, mu, hidden, i * width, width, inv);
                        }
                        nm.commit(0, t, mu, dim);
                    }
                }
            }
        }
    }

    /** row[off + q·width + h] += scale · T[q, μ] · H[h]. */
    private static void fill(double[] row, int off, double[] tv, int tOff, int nb, int dim, int mu, double[] hid, int hOff,
                             int width, double scale) {
        for (int q = 0; q < nb; q++) {
            double tq = scale * tv[tOff + q * dim + mu];
            if (tq == 0.0) continue;
            int o = off + q * width;
            for (int h = 0; h < width; h++) row[o + h] += tq * hid[hOff + h];
        }
    }

    /**
     * Cholesky factors of every system of a block for one ridge (relative to the mean diagonal of AᵀA),
     * or null where a system is not positive definite or has no data.
     */
    static double[][] factor(Normal nm, double relRidge) {
        double[][] out = new double[nm.ata.length][];
        for (int k = 0; k < nm.ata.length; k++) {
            int n = nm.order(k);
            double mean = nm.trace[k] / nm.d;
            if (!(mean > 0) || n == 0) continue; // a species absent from this block's data: keep its heads
            double[] a = nm.ata[k].clone();
            for (int i = 0; i < n; i++) a[i * n + i] += relRidge * mean;
            out[k] = Cholesky.factor(a, n) ? a : null;
        }
        return out;
    }

    /** The ridge solution x (length d) of property p of system k, from its factor. */
    static double[] solution(Normal nm, int k, double[] factor, int p) {
        int n = nm.order(k);
        double[] y = new double[n];
        if (!nm.dual[k]) {
            for (int i = 0; i < n; i++) y[i] = nm.atb[k][i * nm.properties + p];
            Cholesky.solve(factor, n, y);
            return y;
        }
        // x = Aᵀ (K + rI)⁻¹ b
        for (int i = 0; i < n; i++) y[i] = nm.rhs[k][i * nm.properties + p];
        Cholesky.solve(factor, n, y);
        double[] x = new double[nm.d];
        Gemm.gemm(true, false, nm.d, 1, n, 1.0, nm.rows[k], 0, y, 0, 0.0, x, 0);
        return x;
    }

    /** Writes the ridge solution of block b into {@code values}; systems without a factor keep their heads. */
    static void solve(TensorModel net, int b, Normal nm, double[][] factors, double[] values) {
        ScalarNetworks nets = net.scalarNetworks();
        int width = nets.width();
        int nb = net.basis(b).size();
        for (int k = 0; k < factors.length; k++) {
            if (factors[k] == null) continue;
            for (int p = 0; p < nm.properties; p++) {
                double[] x = solution(nm, k, factors[k], p);
                int firstSpecies = nm.perSpecies ? k : 0;
                int count = nm.perSpecies ? 1 : nm.species;
                for (int s = firstSpecies; s < firstSpecies + count; s++) {
                    Parameters.Block w = nets.headLinear(b, s).weight();
                    int xo = (s - firstSpecies) * nm.seg;
                    for (int q = 0; q < nb; q++) {
                        System.arraycopy(x, xo + q * width, values, w.offset() + (p * nb + q) * width, width);
                    }
                }
            }
        }
    }
}
