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
 * <p>Compressed ("alchemical") channels: with a species mixing W ({@link DescriptorSettings#mixing()}, S × d) the
 * channels are d pseudo-species, ρ^k_{nlm}(i) = Σ_j W[a_j][k] f_c(r_ij) R_nl(r_ij) Y_lm(r̂_ij), k = 0..d−1; everything
 * above (layout, power spectrum) reads channel k where it read species a. Linear in the density, so equivariance is
 * unchanged; W = identity gives the one-hot expansion bit for bit.
 *
 * <p>Expansion orders above the power spectrum: the expansion can be built with a largest order
 * {@link #maxExpansionL()} ≥ maxAngular ({@link #SphericalExpansion(DescriptorSettings, int)}), for the λ basis
 * of targets with λ &gt; maxAngular. The orders maxAngular &lt; l ≤ maxExpansionL are available as expansion
 * blocks only (their radial functions: see {@link RadialBasis}); the power spectrum still covers l ≤ maxAngular
 * and is bit-identical to that of {@code new SphericalExpansion(settings)}. The extra orders cost nothing
 * unless a computation requests one of them.
 *
 * <p>Immutable and thread-safe; the compute methods use a per-thread {@link Workspace} and allocate nothing
 * per atom or per neighbour.
 */
public final class SphericalExpansion {
    private static final double SQRT2 = Math.sqrt(2.0);

    /** Upper bound of {@link #maxExpansionL()} (that of max_angular in {@link DescriptorSettings}). */
    public static final int MAX_EXPANSION_L = 20;

    private final DescriptorSettings settings;
    private final RadialBasis radial;
    private final SphericalHarmonics[] harmonics;   // [L] evaluates l ≤ L, for maxAngular ≤ L ≤ maxL (null below)
    private final int channels;
    private final int maxAngular;
    private final int maxL;             // largest expansion order, ≥ maxAngular
    private final int[] nPerL;
    private final int[] kPerL;          // channels · n_l
    private final int[] stride;         // row length of the accumulator: K_l rounded up to a multiple of 4 (zero padding)
    private final int[] accOffset;      // internal accumulator [l][m][a n (padded)], offset of l (l ≤ maxL)
    private final int accSize;
    private final int[] psOffset;       // power spectrum offset of l
    private final int psSize;
    private final int[] channelOfZ;     // atomic number → species index (one-hot channel, or row of the mixing), −1 if unknown
    private final double[] mixing;      // S × channels row-major, or null (one-hot)

    /** Expansion and power spectrum for l ≤ {@code settings.maxAngular()}. */
    public SphericalExpansion(DescriptorSettings settings) {
        this(settings, settings.maxAngular());
    }

    /**
     * Power spectrum for l ≤ {@code settings.maxAngular()} (unchanged), expansion blocks for
     * l ≤ maxExpansionL.
     *
     * @param maxExpansionL largest expansion order, {@code settings.maxAngular() ≤ maxExpansionL ≤ }{@link #MAX_EXPANSION_L}
     * @throws IllegalArgumentException if maxExpansionL is out of that range
     */
    public SphericalExpansion(DescriptorSettings settings, int maxExpansionL) {
        if (maxExpansionL < settings.maxAngular() || maxExpansionL > MAX_EXPANSION_L) {
            throw new IllegalArgumentException("expansion max l = " + maxExpansionL + " outside max_angular ("
                + settings.maxAngular() + ").." + MAX_EXPANSION_L);
        }
        this.settings = settings;
        this.maxAngular = settings.maxAngular();
        this.maxL = maxExpansionL;
        this.radial = new RadialBasis(settings.cutoff(), settings.maxRadial(), maxAngular, maxL);
        // one evaluator per top order, so that a computation evaluates exactly the harmonics it needs
        // (they write size(L) values, the per-pair stride of the slot buffer)
        this.harmonics = new SphericalHarmonics[maxL + 1];
        for (int l = maxAngular; l <= maxL; l++) harmonics[l] = new SphericalHarmonics(l);
        this.channels = settings.channels();
        this.mixing = settings.mixing();
        nPerL = radial.nPerL();
        kPerL = new int[maxL + 1];
        stride = new int[maxL + 1];
        accOffset = new int[maxL + 2];
        psOffset = new int[maxAngular + 2];
        for (int l = 0; l <= maxL; l++) {
            int k = channels * nPerL[l];
            kPerL[l] = k;
            stride[l] = (k + 3) & ~3;
            accOffset[l + 1] = accOffset[l] + (2 * l + 1) * stride[l];
            if (l <= maxAngular) psOffset[l + 1] = psOffset[l] + (settings.form() == PowerSpectrumForm.FULL ? k * k : k * (k + 1) / 2);
        }
        accSize = accOffset[maxL + 1];
        psSize = psOffset[maxAngular + 1];
        channelOfZ = new int[Elements.MAX_Z + 1];
        Arrays.fill(channelOfZ, -1);
        int[] sp = settings.species();
        for (int c = 0; c < sp.length; c++) channelOfZ[sp[c]] = c;
    }

    public DescriptorSettings settings() { return settings; }

    public RadialBasis radialBasis() { return radial; }

    /** Number of density channels: one per neighbour species, or the d pseudo-species of a species mixing. */
    public int channels() { return channels; }

    /** Largest l of the power spectrum. */
    public int maxAngular() { return maxAngular; }

    /** Largest l of the expansion blocks (≥ {@link #maxAngular()}); blocks above maxAngular are expansion-only. */
    public int maxExpansionL() { return maxL; }

    /** Number of radial functions n_l, l ≤ {@link #maxExpansionL()}. */
    public int nRadial(int l) { return nPerL[l]; }

    /** Numbers per atom in the l block of the expansion (l ≤ {@link #maxExpansionL()}): channels · n_l · (2l+1). */
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
        final double[] acc = new double[accSize];  // padding entries stay 0 forever
        final boolean[] needL = new boolean[maxL + 1];
        final int[] channelStart = new int[channels + 1];
        final int[] channelFill = new int[channels];
        int[] chan = new int[0];
        double[] radBuf = new double[0];  // [slot][radial function], f_c included; slots grouped by channel
        double[] ylmBuf = new double[0];  // [slot][l² + l + m]

        private Workspace() {}

        SphericalExpansion owner() { return SphericalExpansion.this; }

        int[] channels(int n) {
            if (chan.length < n) chan = new int[Math.max(n, 2 * chan.length)];
            return chan;
        }

        /**
         * Grows the per-centre pair buffers (amortised: only when a centre has more pairs than any before);
         * sized for every order up to maxL, whatever the current computation needs.
         */
        void ensurePairs(int pairs) {
            // compressed channels: one weighted copy of the radial values per channel and pair
            int nr = radial.size() * (mixing == null ? 1 : channels), ny = SphericalHarmonics.size(maxL);
            if (radBuf.length < pairs * nr) {
                int cap = Math.max(pairs, 2 * (radBuf.length / nr));
                radBuf = new double[cap * nr];
                ylmBuf = new double[cap * ny];
            }
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
                throw BadInputException.field("species", "element " + (z >= 1 && z <= Elements.MAX_Z ? Elements.symbol(z) : "?")
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
                throw BadInputException.atFrame(file, frame, "species", "element " + (z >= 1 && z <= Elements.MAX_Z ? Elements.symbol(z) : "?")
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
     * @param ls        the l of the expansion blocks to write (may be empty), each ≤ {@link #maxExpansionL()};
     *                  orders above maxAngular are only evaluated when requested here
     * @param exp       {@code exp[k]}: output for l = ls[k], atom i's block at {@code i · blockSize(ls[k])}
     * @param ws        a workspace of this instance ({@link #newWorkspace()}), not used by another thread meanwhile
     * @throws BadInputException if an atom's element is not a species channel
     */
    public void compute(int[] numbers, int[] offsets, int[] neighbors, double[] vectors, double[] distances,
                        int from, int to, double[] ps, int[] ls, double[][] exp, Workspace ws) {
        if (ws.owner() != this) throw new IllegalArgumentException("workspace belongs to another SphericalExpansion");
        int[] ch = channelsOf(numbers, ws);
        final double rc = settings.cutoff(), w = settings.width();
        final double[] acc = ws.acc;
        final int[] cStart = ws.channelStart, cFill = ws.channelFill;
        // without the power spectrum only the requested l blocks are accumulated
        final boolean[] need = ws.needL;
        Arrays.fill(need, ps != null);
        int top = maxAngular;  // radial functions and harmonics are evaluated up to this l
        for (int l : ls) {
            need[checkL(l)] = true;
            top = Math.max(top, l);
        }
        final int lTop = top;
        final SphericalHarmonics sh = harmonics[lTop];
        // per-pair strides of the slot buffers: only the orders up to lTop
        final int nRad = radial.size(lTop), nY = SphericalHarmonics.size(lTop);
        for (int i = from; i < to; i++) {
            if (mixing != null) {
                compressedCentre(i, ch, offsets, neighbors, vectors, distances, rc, w, lTop, nRad, nY, need, ws);
                finishCentre(i, ps, ls, exp, acc);
                continue;
            }
            // 1. pairs within r_c, grouped by neighbour channel (counting sort into slots)
            Arrays.fill(cStart, 0);
            for (int p = offsets[i]; p < offsets[i + 1]; p++) {
                if (distances[p] < rc) cStart[ch[neighbors[p]] + 1]++;
            }
            for (int a = 0; a < channels; a++) cStart[a + 1] += cStart[a];
            ws.ensurePairs(cStart[channels]);
            final double[] rb = ws.radBuf, yb = ws.ylmBuf;
            System.arraycopy(cStart, 0, cFill, 0, channels);
            // 2. per pair: f_c × radial values and the harmonics, into the pair's slot
            for (int p = offsets[i]; p < offsets[i + 1]; p++) {
                double r = distances[p];
                if (!(r < rc)) continue;
                int slot = cFill[ch[neighbors[p]]]++;
                double fc = CosineCutoff.value(r, rc, w);
                int ro = slot * nRad;
                radial.evaluate(r, rb, ro, lTop);
                if (fc != 1.0) for (int f = 0; f < nRad; f++) rb[ro + f] *= fc;
                sh.spherical(vectors[3 * p], vectors[3 * p + 1], vectors[3 * p + 2], yb, slot * nY);
            }
            // 3. per l and channel: ρ[m][n] = Σ_slots Y[m] R[n], a small GEMM in 2 × 4 register tiles
            //    (every (l, a, m, n) entry is assigned exactly once per centre)
            for (int l = 0; l <= lTop; l++) {
                if (!need[l]) continue;
                for (int a = 0; a < channels; a++) accumulate(l, a, cStart[a], cStart[a + 1], rb, nRad, 0, yb, nY, acc);
            }
            finishCentre(i, ps, ls, exp, acc);
        }
    }

    /** Power spectrum and requested expansion blocks of centre i from the accumulator. */
    private void finishCentre(int i, double[] ps, int[] ls, double[][] exp, double[] acc) {
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

    /**
     * Compressed channels, centre i: every pair within r_c gets a slot (neighbour-list order) holding f_c R once per
     * channel k, multiplied by W[a_j][k] (f_c R and Y computed once per pair), then channel k sums over all slots.
     * With W = identity each non-zero term and its order are those of the one-hot path, so the result is bitwise the same.
     */
    private void compressedCentre(int i, int[] ch, int[] offsets, int[] neighbors, double[] vectors, double[] distances,
                                  double rc, double w, int lTop, int nRad, int nY, boolean[] need, Workspace ws) {
        final int d = channels;
        int pairs = 0;
        for (int p = offsets[i]; p < offsets[i + 1]; p++) if (distances[p] < rc) pairs++;
        ws.ensurePairs(pairs);
        final double[] rb = ws.radBuf, yb = ws.ylmBuf;
        final int rs = d * nRad;  // radial stride per slot: [k][f]
        final SphericalHarmonics sh = harmonics[lTop];
        int slot = 0;
        for (int p = offsets[i]; p < offsets[i + 1]; p++) {
            double r = distances[p];
            if (!(r < rc)) continue;
            double fc = CosineCutoff.value(r, rc, w);
            int ro = slot * rs;
            radial.evaluate(r, rb, ro, lTop);
            if (fc != 1.0) for (int f = 0; f < nRad; f++) rb[ro + f] *= fc;
            int wo = ch[neighbors[p]] * d;
            // channels d−1 .. 1 first, from the unweighted values in channel 0's place, then channel 0 in place
            for (int k = d - 1; k >= 1; k--) {
                double wk = mixing[wo + k];
                int ko = ro + k * nRad;
                for (int f = 0; f < nRad; f++) rb[ko + f] = wk * rb[ro + f];
            }
            double w0 = mixing[wo];
            for (int f = 0; f < nRad; f++) rb[ro + f] *= w0;
            sh.spherical(vectors[3 * p], vectors[3 * p + 1], vectors[3 * p + 2], yb, slot * nY);
            slot++;
        }
        for (int l = 0; l <= lTop; l++) {
            if (!need[l]) continue;
            for (int k = 0; k < d; k++) accumulate(l, k, 0, pairs, rb, rs, k * nRad, yb, nY, ws.acc);
        }
    }

    /**
     * Expansion block l of channel a of the current centre from the slots p0 ≤ p &lt; p1, into the [m][a n]
     * accumulator; slot p's radial values of that channel start at {@code p · rStride + rOff}.
     */
    private void accumulate(int l, int a, int p0, int p1, double[] rb, int nRad, int rOff, double[] yb, int nY, double[] acc) {
        final int nl = nPerL[l], st = stride[l], dm = 2 * l + 1, yo = l * l, r0 = radial.offset(l) + rOff;
        {
            final int base = accOffset[l] + a * nl;
            int m = 0;
            for (; m + 1 < dm; m += 2) {
                int n = 0;
                for (; n + 3 < nl; n += 4) {
                    double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
                    for (int p = p0; p < p1; p++) {
                        int yi = p * nY + yo + m, ri = p * nRad + r0 + n;
                        double y0 = yb[yi], y1 = yb[yi + 1];
                        double q0 = rb[ri], q1 = rb[ri + 1], q2 = rb[ri + 2], q3 = rb[ri + 3];
                        s00 += y0 * q0; s01 += y0 * q1; s02 += y0 * q2; s03 += y0 * q3;
                        s10 += y1 * q0; s11 += y1 * q1; s12 += y1 * q2; s13 += y1 * q3;
                    }
                    int o = base + m * st + n;
                    acc[o] = s00; acc[o + 1] = s01; acc[o + 2] = s02; acc[o + 3] = s03;
                    o += st;
                    acc[o] = s10; acc[o + 1] = s11; acc[o + 2] = s12; acc[o + 3] = s13;
                }
                for (; n < nl; n++) {
                    double s0 = 0, s1 = 0;
                    for (int p = p0; p < p1; p++) {
                        double q = rb[p * nRad + r0 + n];
                        int yi = p * nY + yo + m;
                        s0 += yb[yi] * q;
                        s1 += yb[yi + 1] * q;
                    }
                    acc[base + m * st + n] = s0;
                    acc[base + (m + 1) * st + n] = s1;
                }
            }
            for (; m < dm; m++) {
                for (int n = 0; n < nl; n++) {
                    double s0 = 0;
                    for (int p = p0; p < p1; p++) s0 += yb[p * nY + yo + m] * rb[p * nRad + r0 + n];
                    acc[base + m * st + n] = s0;
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
        if (l < 0 || l > maxL) {
            throw new IllegalArgumentException("expansion l = " + l + " outside 0.." + maxL + (maxL == maxAngular
                ? " (max_angular; build the SphericalExpansion with a larger maxExpansionL for higher orders)" : " (maxExpansionL)"));
        }
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
            // 4 × 4 blocks of (i, j ≥ i) pairs; rows and columns are padded to a multiple of 4 with zeros (stride)
            for (int i0 = 0; i0 < k; i0 += 4) {
                for (int j0 = i0; j0 < k; j0 += 4) {
                    double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
                    double s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
                    for (int m = 0, xo = ao; m < dm; m++, xo += st) {
                        double a0 = acc[xo + i0], a1 = acc[xo + i0 + 1], a2 = acc[xo + i0 + 2], a3 = acc[xo + i0 + 3];
                        double b0 = acc[xo + j0], b1 = acc[xo + j0 + 1], b2 = acc[xo + j0 + 2], b3 = acc[xo + j0 + 3];
                        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
                        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
                        s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
                        s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
                    }
                    if (full) {
                        put(out, po, k, i0, j0, s00, s01, s02, s03);
                        if (i0 + 1 < k) put(out, po, k, i0 + 1, j0, s10, s11, s12, s13);
                        if (i0 + 2 < k) put(out, po, k, i0 + 2, j0, s20, s21, s22, s23);
                        if (i0 + 3 < k) put(out, po, k, i0 + 3, j0, s30, s31, s32, s33);
                    } else {
                        putPacked(out, po, k, i0, j0, s00, s01, s02, s03);
                        if (i0 + 1 < k) putPacked(out, po, k, i0 + 1, j0, s10, s11, s12, s13);
                        if (i0 + 2 < k) putPacked(out, po, k, i0 + 2, j0, s20, s21, s22, s23);
                        if (i0 + 3 < k) putPacked(out, po, k, i0 + 3, j0, s30, s31, s32, s33);
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
