package org.tensorbasis.descriptors;

import java.util.Arrays;
import org.tensorbasis.BadInputException;
import org.tensorbasis.equivariant.SphericalHarmonics;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Elements;

/**
 * Spherical expansion of each atom's neighbour density and its SOAP power spectrum.
 *
 * <p>Expansion: ρ^a_{nlm}(i) = Σ_{j ∈ a, r_ij &lt; r_c} f_c(r_ij) R_nl(r_ij) Y_lm(r̂_ij), one channel a per
 * neighbour species (one-hot, in the order of {@link DescriptorSettings#species()}), r_ij = r_j + S·cell − r_i,
 * the centre itself excluded (its periodic images included). Public layout of the l block of one atom:
 * {@code [a][n][m]}, index {@code (a n_l + n)(2l+1) + (m + l)}, {@link #blockSize(int)} numbers.
 *
 * <p>Power spectrum: per l, p^l_{(a n),(b n')} = Σ_m ρ^a_{nlm} ρ^b_{n'lm}, l blocks one after the other
 * (l = 0 first); {@link PowerSpectrumForm#FULL}: the K_l × K_l square row-major (K_l = channels · n_l, row
 * index a n_l + n), {@link PowerSpectrumForm#UNIQUE_PAIRS}: the upper triangle (row ≤ column) row by row,
 * off-diagonal entries × √2.
 *
 * <p>Immutable and thread-safe; the compute methods use a per-thread {@link Workspace} and allocate nothing
 * per atom or per neighbour.
 */
public final class SphericalExpansion {
    private static final double SQRT2 = Math.sqrt(2.0);

    private final DescriptorSettings settings;
    private final RadialBasis radial;
    private final SphericalHarmonics harmonics;
    private final int channels;
    private final int maxAngular;
    private final int[] nPerL;
    private final int[] kPerL;          // channels · n_l
    private final int[] stride;         // row length of the accumulator: K_l rounded up to a multiple of 4 (zero padding)
    private final int[] accOffset;      // internal accumulator [l][m][a n (padded)], offset of l
    private final int accSize;
    private final int[] psOffset;       // power spectrum offset of l
    private final int psSize;
    private final int[] channelOfZ;     // atomic number → channel, −1 if unknown

    public SphericalExpansion(DescriptorSettings settings) {
        this.settings = settings;
        this.radial = new RadialBasis(settings.cutoff(), settings.maxRadial(), settings.maxAngular());
        this.maxAngular = settings.maxAngular();
        this.harmonics = new SphericalHarmonics(maxAngular);
        this.channels = settings.channels();
        nPerL = radial.nPerL();
        kPerL = new int[maxAngular + 1];
        stride = new int[maxAngular + 1];
        accOffset = new int[maxAngular + 2];
        psOffset = new int[maxAngular + 2];
        for (int l = 0; l <= maxAngular; l++) {
            int k = channels * nPerL[l];
            kPerL[l] = k;
            stride[l] = (k + 3) & ~3;
            accOffset[l + 1] = accOffset[l] + (2 * l + 1) * stride[l];
            psOffset[l + 1] = psOffset[l] + (settings.form() == PowerSpectrumForm.FULL ? k * k : k * (k + 1) / 2);
        }
        accSize = accOffset[maxAngular + 1];
        psSize = psOffset[maxAngular + 1];
        channelOfZ = new int[Elements.MAX_Z + 1];
        Arrays.fill(channelOfZ, -1);
        int[] sp = settings.species();
        for (int c = 0; c < sp.length; c++) channelOfZ[sp[c]] = c;
    }

    public DescriptorSettings settings() { return settings; }

    public RadialBasis radialBasis() { return radial; }

    /** Number of neighbour-species channels. */
    public int channels() { return channels; }

    public int maxAngular() { return maxAngular; }

    /** Number of radial functions n_l. */
    public int nRadial(int l) { return nPerL[l]; }

    /** Numbers per atom in the l block of the expansion: channels · n_l · (2l+1). */
    public int blockSize(int l) { return kPerL[l] * (2 * l + 1); }

    /** Power-spectrum features per atom in the settings' form. */
    public int powerSpectrumSize() { return psSize; }

    /** Offset of the l block inside one atom's power-spectrum row. */
    public int powerSpectrumOffset(int l) { return psOffset[l]; }

    /** Power-spectrum features per atom for a given number of channels, n_per_l and form. */
    public static int powerSpectrumSize(int channels, int[] nPerL, PowerSpectrumForm form) {
        int s = 0;
        for (int n : nPerL) {
            int k = channels * n;
            s += form == PowerSpectrumForm.FULL ? k * k : k * (k + 1) / 2;
        }
        return s;
    }

    /** Scratch space of one thread. */
    public final class Workspace {
        final double[] acc = new double[accSize];
        final double[] rad = new double[radial.size()];
        final double[] ylm = new double[SphericalHarmonics.size(maxAngular)];
        int[] chan = new int[0];

        private Workspace() {}

        int[] channels(int n) {
            if (chan.length < n) chan = new int[Math.max(n, 2 * chan.length)];
            return chan;
        }
    }

    /** A new workspace; use one per thread. */
    public Workspace newWorkspace() { return new Workspace(); }

    /**
     * Checks that every atomic number is a known species and returns the channel of each atom in the
     * workspace's channel array.
     *
     * @throws BadInputException naming the element if some atom's species is not a channel
     */
    int[] channelsOf(int[] numbers, Workspace ws) {
        int[] ch = ws.channels(numbers.length);
        for (int i = 0; i < numbers.length; i++) {
            int z = numbers[i];
            int c = z >= 0 && z < channelOfZ.length ? channelOfZ[z] : -1;
            if (c < 0) {
                throw new BadInputException(null, -1, -1, "species", "element " + (z >= 1 && z <= Elements.MAX_Z ? Elements.symbol(z) : "?")
                    + " (Z=" + z + ") of atom " + i + " is not among the descriptor species " + speciesList());
            }
            ch[i] = c;
        }
        return ch;
    }

    /**
     * Checks that every atom's element is one of the species channels.
     *
     * @param file  file name for the message, or null
     * @param frame frame index for the message, or −1
     * @throws BadInputException naming the element, the atom and the known species
     */
    public void checkSpecies(int[] numbers, String file, int frame) {
        for (int i = 0; i < numbers.length; i++) {
            int z = numbers[i];
            if (z < 0 || z >= channelOfZ.length || channelOfZ[z] < 0) {
                throw new BadInputException(file, frame, -1, "species", "element " + (z >= 1 && z <= Elements.MAX_Z ? Elements.symbol(z) : "?")
                    + " (Z=" + z + ") of atom " + i + " is not among the descriptor species " + speciesList());
            }
        }
    }

    private String speciesList() {
        StringBuilder sb = new StringBuilder("[");
        for (int z : settings.species()) sb.append(sb.length() > 1 ? ", " : "").append(Elements.symbol(z));
        return sb.append(']').toString();
    }

    /**
     * Core computation from a CSR neighbour list, for the centres {@code from ≤ i < to}.
     *
     * @param numbers   atomic numbers of the structure
     * @param offsets   CSR offsets (pairs of centre i: offsets[i] .. offsets[i+1])
     * @param neighbors neighbour index per pair
     * @param vectors   r_j + S·cell − r_i per pair, 3 numbers
     * @param distances |vector| per pair
     * @param ps        power-spectrum output, row of atom i at {@code i · powerSpectrumSize()}; null to skip
     * @param ls        the l of the expansion blocks to write (may be empty)
     * @param exp       {@code exp[k]}: output for l = ls[k], atom i's block at {@code i · blockSize(ls[k])}
     */
    public void compute(int[] numbers, int[] offsets, int[] neighbors, double[] vectors, double[] distances,
                        int from, int to, double[] ps, int[] ls, double[][] exp, Workspace ws) {
        int[] ch = channelsOf(numbers, ws);
        final double rc = settings.cutoff(), w = settings.width();
        final double[] acc = ws.acc, rad = ws.rad, ylm = ws.ylm;
        final int nRad = radial.size();
        for (int i = from; i < to; i++) {
            Arrays.fill(acc, 0.0);
            for (int p = offsets[i]; p < offsets[i + 1]; p++) {
                double r = distances[p];
                if (!(r < rc)) continue;
                double fc = CosineCutoff.value(r, rc, w);
                radial.evaluate(r, rad, 0);
                for (int f = 0; f < nRad; f++) rad[f] *= fc;
                harmonics.spherical(vectors[3 * p], vectors[3 * p + 1], vectors[3 * p + 2], ylm, 0);
                int a = ch[neighbors[p]];
                for (int l = 0; l <= maxAngular; l++) {
                    int nl = nPerL[l], st = stride[l], ro = radial.offset(l);
                    int base = accOffset[l] + a * nl;
                    int yo = l * l;
                    for (int m = 0; m <= 2 * l; m++) {
                        double y = ylm[yo + m];
                        int row = base + m * st;
                        for (int n = 0; n < nl; n++) acc[row + n] += y * rad[ro + n];
                    }
                }
            }
            if (ps != null) powerSpectrum(acc, ps, i * psSize);
            for (int q = 0; q < ls.length; q++) {
                int l = ls[q];
                int k = kPerL[l], st = stride[l], dm = 2 * l + 1, bs = k * dm, o = i * bs, ao = accOffset[l];
                double[] e = exp[q];
                for (int m = 0; m < dm; m++) {
                    for (int an = 0; an < k; an++) e[o + an * dm + m] = acc[ao + m * st + an];
                }
            }
        }
    }

    /**
     * Features of one structure: power spectrum {@code [atoms × powerSpectrumSize()]} and the expansion
     * blocks for the requested l, {@code expansions[k]} = {@code [atoms × blockSize(ls[k])]}.
     */
    public record Features(int atoms, double[] powerSpectrum, int[] ls, double[][] expansions) {}

    /**
     * Convenience: builds the neighbour list and computes the power spectrum and the expansion blocks
     * of the requested l for all atoms (allocates its outputs and a workspace).
     */
    public Features compute(Structure s, int... ls) {
        NeighborList nl = NeighborList.build(s, settings.cutoff());
        int n = s.size();
        double[] ps = new double[n * psSize];
        double[][] exp = new double[ls.length][];
        for (int q = 0; q < ls.length; q++) exp[q] = new double[n * blockSize(checkL(ls[q]))];
        compute(s, nl, ps, ls, exp, newWorkspace());
        return new Features(n, ps, ls.clone(), exp);
    }

    /** All atoms of a structure from its neighbour list (built with this cutoff); outputs as in the core method. */
    public void compute(Structure s, NeighborList nl, double[] ps, int[] ls, double[][] exp, Workspace ws) {
        if (nl.cutoff() < settings.cutoff()) {
            throw new IllegalArgumentException("neighbour list cutoff " + nl.cutoff() + " < descriptor cutoff " + settings.cutoff());
        }
        compute(s.numbers(), nl.offsets(), nl.neighbors(), nl.vectors(), nl.distances(), 0, s.size(), ps, ls, exp, ws);
    }

    private int checkL(int l) {
        if (l < 0 || l > maxAngular) throw new IllegalArgumentException("l = " + l + " outside 0.." + maxAngular);
        return l;
    }

    /**
     * Power spectrum of one atom from the internal [l][m][a n] accumulator: P = XᵀX per l with X the
     * (2l+1) × K_l block, computed in 2 × 4 register tiles over the upper triangle (the padded stride makes
     * every tile full; padding entries are zero and their results are not written).
     */
    private void powerSpectrum(double[] acc, double[] out, int off) {
        boolean full = settings.form() == PowerSpectrumForm.FULL;
        for (int l = 0; l <= maxAngular; l++) {
            final int k = kPerL[l], st = stride[l], ao = accOffset[l], po = off + psOffset[l], dm = 2 * l + 1;
            for (int i0 = 0; i0 < k; i0 += 2) {
                for (int j0 = i0 & ~3; j0 < k; j0 += 4) {
                    double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
                    for (int m = 0, xo = ao; m < dm; m++, xo += st) {
                        double a0 = acc[xo + i0], a1 = acc[xo + i0 + 1];
                        double b0 = acc[xo + j0], b1 = acc[xo + j0 + 1], b2 = acc[xo + j0 + 2], b3 = acc[xo + j0 + 3];
                        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
                        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
                    }
                    if (full) {
                        put(out, po, k, i0, j0, s00, s01, s02, s03);
                        if (i0 + 1 < k) put(out, po, k, i0 + 1, j0, s10, s11, s12, s13);
                    } else {
                        putPacked(out, po, k, i0, j0, s00, s01, s02, s03);
                        if (i0 + 1 < k) putPacked(out, po, k, i0 + 1, j0, s10, s11, s12, s13);
                    }
                }
            }
        }
    }

    /** FULL: row i, columns j0..j0+3 (only j ≥ i, j &lt; k), mirrored to (j, i). */
    private static void put(double[] out, int po, int k, int i, int j0, double v0, double v1, double v2, double v3) {
        putFull(out, po, k, i, j0, v0);
        putFull(out, po, k, i, j0 + 1, v1);
        putFull(out, po, k, i, j0 + 2, v2);
        putFull(out, po, k, i, j0 + 3, v3);
    }

    private static void putFull(double[] out, int po, int k, int i, int j, double v) {
        if (j < i || j >= k) return;
        out[po + i * k + j] = v;
        out[po + j * k + i] = v;
    }

    /** UNIQUE_PAIRS: packed upper triangle, row i starts at i k − i(i−1)/2; off-diagonal × √2. */
    private static void putPacked(double[] out, int po, int k, int i, int j0, double v0, double v1, double v2, double v3) {
        int rs = po + i * k - i * (i - 1) / 2 - i;  // index of (i, j) is rs + j
        putU(out, rs, k, i, j0, v0);
        putU(out, rs, k, i, j0 + 1, v1);
        putU(out, rs, k, i, j0 + 2, v2);
        putU(out, rs, k, i, j0 + 3, v3);
    }

    private static void putU(double[] out, int rs, int k, int i, int j, double v) {
        if (j < i || j >= k) return;
        out[rs + j] = j == i ? v : SQRT2 * v;
    }
}
