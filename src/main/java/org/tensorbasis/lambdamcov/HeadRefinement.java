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
 * training set (design rows are buffered and multiplied with BLAS); {@link #solve} adds a ridge term
 * and solves by Cholesky. Per-atom targets give block-diagonal systems (one per species), solved
 * separately. The trainer chooses the ridge per block on the validation set and keeps the SGD heads
 * when no refit is better. With the shared scalar network ({@link ScalarNetworks#isShared}) every
 * block has one head for all species: one system of n_basis × width unknowns per block, over all
 * atoms of all elements (per-atom blocks) or over the structures (per-structure blocks).
 */
final class HeadRefinement {
    /** Relative ridge strengths tried (times the mean diagonal of the normal matrix). */
    static final double[] RIDGES = {1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1e-1, 1.0, 10.0, 100.0};

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
     */
    static final class Normal {
        final int species;
        final int seg;
        final int properties;
        final boolean perSpecies;
        final int d;          // size of one system: seg (per species) or species·seg
        final double[][] ata; // [system] d × d
        final double[][] atb; // [system] d × properties
        final double[][] rows; // [system] buffered design rows
        final double[][] rhs;  // [system] buffered targets
        final int[] buffered;

        Normal(int species, int seg, int properties, boolean perSpecies) {
            this.species = species;
            this.seg = seg;
            this.properties = properties;
            this.perSpecies = perSpecies;
            this.d = perSpecies ? seg : species * seg;
            int systems = perSpecies ? species : 1;
            ata = new double[systems][d * d];
            atb = new double[systems][d * properties];
            rows = new double[systems][BUFFER_ROWS * d];
            rhs = new double[systems][BUFFER_ROWS * properties];
            buffered = new int[systems];
        }

        /** A new zeroed design row of system k, to be filled then committed with {@link #commit}. */
        double[] row(int k) {
            int r = buffered[k];
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
            if (++buffered[k] == BUFFER_ROWS) flush(k);
        }

        void flush(int k) {
            int m = buffered[k];
            if (m == 0) return;
            // AᵀA += RᵀR, Aᵀb += Rᵀ·T
            Gemm.gemm(true, false, d, d, m, 1.0, rows[k], 0, rows[k], 0, 1.0, ata[k], 0);
            Gemm.gemm(true, false, d, properties, m, 1.0, rows[k], 0, rhs[k], 0, 1.0, atb[k], 0);
            buffered[k] = 0;
        }

        void flushAll() {
            for (int k = 0; k < buffered.length; k++) flush(k);
        }
    }

    static Normal newNormal(TensorModel net, int b) {
        int seg = net.basis(b).size() * net.scalarNetworks().width();
        // a shared head is one set of unknowns for every species: the system of a single "species"
        int heads = net.scalarNetworks().isShared() ? 1 : net.species().length;
        return new Normal(heads, seg, net.blocks().get(b).properties(), net.blocks().get(b).perAtom());
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

    /** Cholesky factors of every system of a block for one ridge, or null where a system is not positive definite. */
    static double[][] factor(Normal nm, double relRidge) {
        double[][] out = new double[nm.ata.length][];
        for (int k = 0; k < nm.ata.length; k++) {
            int d = nm.d;
            double mean = 0;
            for (int i = 0; i < d; i++) mean += nm.ata[k][i * d + i];
            mean /= d;
            if (!(mean > 0)) continue; // a species absent from this block's data: keep its heads
            double[] a = nm.ata[k].clone();
            for (int i = 0; i < d; i++) a[i * d + i] += relRidge * mean;
            out[k] = Cholesky.factor(a, d) ? a : null;
        }
        return out;
    }

    /** Writes the ridge solution of block b into {@code values}; systems without a factor keep their heads. */
    static void solve(TensorModel net, int b, Normal nm, double[][] factors, double[] values) {
        ScalarNetworks nets = net.scalarNetworks();
        int width = nets.width();
        int nb = net.basis(b).size();
        for (int k = 0; k < factors.length; k++) {
            if (factors[k] == null) continue;
            for (int p = 0; p < nm.properties; p++) {
                double[] x = new double[nm.d];
                for (int i = 0; i < nm.d; i++) x[i] = nm.atb[k][i * nm.properties + p];
                Cholesky.solve(factors[k], nm.d, x);
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
