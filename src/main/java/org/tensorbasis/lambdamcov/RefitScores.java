package org.tensorbasis.lambdamcov;

import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.model.TensorModel;

/**
 * What the head refit's scoring reads of the structures, without a forward pass per ridge. Only the heads change
 * between the ridges of the refit, and a block's prediction is linear in them: with the last hidden layer H and the
 * scaled basis values T of every atom captured once (while the normal equations are formed), the coefficients of a
 * ridge's heads are c = H·Wᵀ and the outputs Σ_q c_q T_q, a small product per atom instead of the whole network.
 * The validation errors and the cancellation factor of each ridge are computed from {@link Chunk}s, which come
 * either from a forward pass ({@link Chunk#of(TensorModel, AtomBatch, int[])}) or from here ({@link #chunk}).
 */
final class RefitScores {
    /** Per block of a run of consecutive structures: the coefficients, scaled basis values and outputs. */
    static final class Chunk {
        int[] which;      // structure indices
        int[] start;      // [structure of the chunk] first atom within the chunk, and the end
        int[] numbers;    // atomic number per atom of the chunk
        double[][] coef;  // [block] atoms × properties × n_basis
        double[][] basis; // [block] atoms × n_basis × dim
        double[][] atomOut;   // [block] atoms × properties × dim
        double[][] structOut; // [block] structures × properties × dim

        int structures() { return which.length; }

        int atoms() { return start[which.length]; }

        /** The chunk of the network's last forward over {@code batch} (the network's own arrays, valid until its next forward). */
        static Chunk of(TensorModel net, AtomBatch batch, int[] which) {
            Chunk c = new Chunk();
            int nb = net.blocks().size();
            c.which = which;
            c.start = new int[which.length + 1];
            for (int k = 0; k <= which.length; k++) c.start[k] = batch.structureStart(k);
            c.numbers = batch.numbers();
            c.coef = new double[nb][];
            c.basis = new double[nb][];
            c.atomOut = new double[nb][];
            c.structOut = new double[nb][];
            for (int b = 0; b < nb; b++) {
                c.coef[b] = net.scalarNetworks().output(b);
                c.basis[b] = net.basisValues(b);
                c.atomOut[b] = net.atomOutput(b);
                c.structOut[b] = net.structureOutput(b);
            }
            return c;
        }
    }

    private final int count;
    private final long[] atomOffset; // [structure] first atom, count + 1
    private final int width;
    private final int[] numbers;     // per atom
    private final int[] species;     // per atom: index into the model's species
    private final double[] hidden;   // atoms × width
    private final double[][] basis;  // [block] atoms × n_basis × dim
    private final int[] nBasis;
    private final int[] dims;
    private final int[] props;
    private final boolean shared;

    /**
     * Room for the structures whose atomic numbers are {@code numbersOf} ({@link #capture} fills it).
     *
     * @param speciesIndex model species index of an atomic number
     */
    RefitScores(TensorModel net, int[][] numbersOf, java.util.function.IntUnaryOperator speciesIndex) {
        this.count = numbersOf.length;
        this.atomOffset = new long[count + 1];
        for (int s = 0; s < count; s++) atomOffset[s + 1] = atomOffset[s] + numbersOf[s].length;
        int atoms = Math.toIntExact(atomOffset[count]);
        ScalarNetworks nets = net.scalarNetworks();
        this.width = nets.width();
        this.shared = nets.isShared();
        this.numbers = new int[atoms];
        this.species = new int[atoms];
        for (int s = 0; s < count; s++) {
            int[] z = numbersOf[s];
            for (int i = 0; i < z.length; i++) {
                numbers[(int) atomOffset[s] + i] = z[i];
                species[(int) atomOffset[s] + i] = speciesIndex.applyAsInt(z[i]);
            }
        }
        this.hidden = new double[Math.multiplyExact(atoms, width)];
        int nb = net.blocks().size();
        this.basis = new double[nb][];
        this.nBasis = new int[nb];
        this.dims = new int[nb];
        this.props = new int[nb];
        for (int b = 0; b < nb; b++) {
            nBasis[b] = net.basis(b).size();
            dims[b] = net.blocks().get(b).dim();
            props[b] = net.blocks().get(b).properties();
            basis[b] = new double[Math.multiplyExact(atoms, nBasis[b] * dims[b])];
        }
    }

    /** Bytes {@link #RefitScores} allocates for {@code atoms} atoms: hidden rows, basis values, numbers and species. */
    static long bytes(long atoms, int width, int[] basisTimesDim) {
        long perAtom = 8L * width + 8;
        for (int v : basisTimesDim) perAtom += 8L * v;
        return atoms * perAtom;
    }

    /** Copies the hidden rows and scaled basis values of the network's last forward over the structures {@code which}. */
    void capture(TensorModel net, AtomBatch batch, int[] which, double[] hiddenOfBatch) {
        net.scalarNetworks().hidden(hiddenOfBatch);
        for (int k = 0; k < which.length; k++) {
            int s = which[k];
            if (s >= count) continue;
            int a0 = batch.structureStart(k);
            int n = batch.structureStart(k + 1) - a0;
            int g = (int) atomOffset[s];
            System.arraycopy(hiddenOfBatch, a0 * width, hidden, g * width, n * width);
            for (int b = 0; b < basis.length; b++) {
                int w = nBasis[b] * dims[b];
                System.arraycopy(net.basisValues(b), a0 * w, basis[b], g * w, n * w);
            }
        }
    }

    /**
     * The chunk of structures [from, to) ⊂ [0, count) with the heads now in {@code net}'s parameters: coefficients
     * c = H·Wᵀ per atom, outputs Σ_q c_q T_q in the network's order, structure sums in atom order.
     */
    Chunk chunk(TensorModel net, int from, int to) {
        Chunk c = new Chunk();
        int ns = to - from;
        c.which = new int[ns];
        c.start = new int[ns + 1];
        for (int k = 0; k < ns; k++) {
            c.which[k] = from + k;
            c.start[k + 1] = c.start[k] + (int) (atomOffset[from + k + 1] - atomOffset[from + k]);
        }
        int g0 = (int) atomOffset[from];
        int atoms = c.start[ns];
        c.numbers = java.util.Arrays.copyOfRange(numbers, g0, g0 + atoms);
        int nb = basis.length;
        c.coef = new double[nb][];
        c.basis = new double[nb][];
        c.atomOut = new double[nb][];
        c.structOut = new double[nb][];
        double[] p = net.parameters().values();
        ScalarNetworks nets = net.scalarNetworks();
        for (int b = 0; b < nb; b++) {
            int nbas = nBasis[b], dim = dims[b], np = props[b], nOut = np * nbas;
            double[] coef = new double[atoms * nOut];
            double[] tv = java.util.Arrays.copyOfRange(basis[b], g0 * nbas * dim, (g0 + atoms) * nbas * dim);
            double[] y = new double[atoms * np * dim];
            for (int i = 0; i < atoms; i++) {
                int g = g0 + i;
                int wo = nets.headLinear(b, shared ? 0 : species[g]).weight().offset();
                int ho = g * width;
                for (int o = 0; o < nOut; o++) {
                    double acc = 0;
                    int r = wo + o * width;
                    for (int h = 0; h < width; h++) acc += p[r + h] * hidden[ho + h];
                    coef[i * nOut + o] = acc;
                }
                int to0 = i * nbas * dim;
                for (int pp = 0; pp < np; pp++) {
                    for (int mu = 0; mu < dim; mu++) {
                        double acc = 0;
                        for (int q = 0; q < nbas; q++) acc += coef[i * nOut + pp * nbas + q] * tv[to0 + q * dim + mu];
                        y[i * np * dim + pp * dim + mu] = acc;
                    }
                }
            }
            int w = np * dim;
            double[] so = new double[ns * w];
            for (int k = 0; k < ns; k++) {
                for (int i = c.start[k]; i < c.start[k + 1]; i++) {
                    for (int j = 0; j < w; j++) so[k * w + j] += y[i * w + j];
                }
            }
            c.coef[b] = coef;
            c.basis[b] = tv;
            c.atomOut[b] = y;
            c.structOut[b] = so;
        }
        return c;
    }

    /** Structures held: [0, count). */
    int count() { return count; }
}
