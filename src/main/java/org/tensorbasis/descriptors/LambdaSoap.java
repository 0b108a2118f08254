package org.tensorbasis.descriptors;

import org.tensorbasis.equivariant.ClebschGordan;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Structure;

/**
 * λ-SOAP: equivariant features of order λ and parity σ built from the density expansion of
 * {@link SphericalExpansion}, for the exactly equivariant linear models of {@code org.tensorbasis.linearridge}.
 *
 * <p>Per atom i, with ρ^a_{nl}(i) the (2l+1)-vector of channel (a, n) at order l:
 * <pre>  X^{λσ}_{(l1 p)(l2 q), μ}(i) = [ρ_{p, l1}(i) ⊗ ρ_{q, l2}(i)]^λ_μ</pre>
 * (real CG coupling of {@link ClebschGordan}), p = a1·n_{l1} + n1, q = a2·n_{l2} + n2 the channel index of the
 * expansion block layout, for every 0 ≤ l1 ≤ l2 ≤ maxAngular with |l1 − l2| ≤ λ ≤ l1 + l2 and
 * (−1)^{l1+l2+λ} = σ (ρ is proper, so this is the parity of the coupling). Under a proper rotation R each feature
 * transforms as X(RA) = D^λ(R) X(A); under inversion X(−A) = (−1)^{l1+l2} X(A) = σ(−1)^λ X(A).
 *
 * <p>Redundancy. The real CG coefficients of this repository obey
 * C^{l2 l1 λ}_{m2 m1 μ} = (−1)^{l1+l2+λ} C^{l1 l2 λ}_{m1 m2 μ}, so [b ⊗ a]^λ = (−1)^{l1+l2+λ} [a ⊗ b]^λ: pairs with
 * l1 &gt; l2 repeat those with l1 &lt; l2 (kept: l1 ≤ l2). For l1 = l2 = l the sign is (−1)^λ = σ: σ = +1 (λ even)
 * is symmetric in (p, q), keep p ≤ q; σ = −1 (λ odd) is antisymmetric, the diagonal [a ⊗ a]^λ vanishes, keep p &lt; q.
 * (Checked numerically in {@code LambdaSoapTest}.) Consequences: λ = 0, σ = −1 needs l1 ≠ l2 with l1 + l2 odd,
 * which the triangle rule forbids — that block has no coupling features; λ = 1, σ = −1 only has l1 = l2 pairs.
 *
 * <p>Feature order: for (λ, σ) = (0, +1) a constant feature 1 first (the intercept of the linear model, summed over
 * atoms it is the composition), then for l1 = 0..maxAngular, l2 = l1..maxAngular (allowed pairs only), p row by
 * row, q inner: l1 &lt; l2 all K_{l1} × K_{l2} pairs, l1 = l2 the upper triangle (p ≤ q or p &lt; q). No scaling or
 * normalisation (an atom-dependent scale would be fine for equivariance but per-feature scaling in the ridge is
 * simpler): for λ = 0 the l1 = l2 features equal the power spectrum times the CG constant (−1)^l / √(2l+1).
 *
 * <p>Output layout per atom: {@link #features()} × {@link #components()} row-major (feature f, component μ at
 * f·(2λ+1) + μ + λ); a structure of N atoms occupies N · {@link #rowSize()} doubles, atom i at i · rowSize().
 * Immutable and thread-safe; the compute methods allocate nothing per atom (workspace per thread).
 */
public final class LambdaSoap {
    private final SphericalExpansion calc;
    private final int lambda, sigma, lmax, channels;
    private final int[] kPerL;
    private final int features;
    private final boolean constant;
    // coupling blocks (l1, l2) in feature order
    private final int[] bl1, bl2, bStart;
    private final ClebschGordan[] bcg;
    private final int[] ls;

    /** Features from every order l ≤ {@code calc.maxAngular()}. */
    public LambdaSoap(SphericalExpansion calc, int lambda, int sigma) {
        this(calc, lambda, sigma, calc.maxAngular());
    }

    /**
     * @param maxAngular largest l of the coupled densities, 0 ≤ maxAngular ≤ {@code calc.maxExpansionL()}
     * @param lambda     order, 0 ≤ λ ≤ 2·maxAngular (couplings exist up to there; λ above gives no features)
     * @param sigma      +1 or −1
     */
    public LambdaSoap(SphericalExpansion calc, int lambda, int sigma, int maxAngular) {
        if (sigma != 1 && sigma != -1) throw new IllegalArgumentException("sigma must be +1 or -1, got " + sigma);
        if (lambda < 0 || lambda > ClebschGordan.MAX_L) throw new IllegalArgumentException("lambda outside 0.." + ClebschGordan.MAX_L + ": " + lambda);
        if (maxAngular < 0 || maxAngular > calc.maxExpansionL()) {
            throw new IllegalArgumentException("maxAngular " + maxAngular + " outside 0.." + calc.maxExpansionL() + " (the expansion's largest order)");
        }
        this.calc = calc;
        this.lambda = lambda;
        this.sigma = sigma;
        this.lmax = maxAngular;
        this.channels = calc.channels();
        this.kPerL = new int[lmax + 1];
        int[] nPerL = new int[lmax + 1];
        for (int l = 0; l <= lmax; l++) {
            nPerL[l] = calc.nRadial(l);
            kPerL[l] = channels * nPerL[l];
        }
        this.constant = lambda == 0 && sigma == 1;
        int nb = 0;
        for (int l1 = 0; l1 <= lmax; l1++) for (int l2 = l1; l2 <= lmax; l2++) if (allowed(lambda, sigma, l1, l2)) nb++;
        bl1 = new int[nb];
        bl2 = new int[nb];
        bStart = new int[nb + 1];
        bcg = new ClebschGordan[nb];
        int b = 0, f = constant ? 1 : 0;
        for (int l1 = 0; l1 <= lmax; l1++) {
            for (int l2 = l1; l2 <= lmax; l2++) {
                if (!allowed(lambda, sigma, l1, l2)) continue;
                bl1[b] = l1;
                bl2[b] = l2;
                bcg[b] = ClebschGordan.of(l1, l2, lambda);
                bStart[b] = f;
                f += pairCount(lambda, l1, l2, kPerL[l1], kPerL[l2]);
                b++;
            }
        }
        bStart[nb] = f;
        this.features = f;
        if (f != featureCount(channels, nPerL, lmax, lambda, sigma)) throw new AssertionError("feature count");
        ls = new int[lmax + 1];
        for (int l = 0; l <= lmax; l++) ls[l] = l;
    }

    /** Whether the pair of orders (l1 ≤ l2) couples to (λ, σ): triangle rule and (−1)^{l1+l2+λ} = σ. */
    public static boolean allowed(int lambda, int sigma, int l1, int l2) {
        if (lambda < Math.abs(l1 - l2) || lambda > l1 + l2) return false;
        int parity = ((l1 + l2 + lambda) & 1) == 0 ? 1 : -1;
        return parity == sigma;
    }

    private static int pairCount(int lambda, int l1, int l2, int k1, int k2) {
        if (l1 != l2) return k1 * k2;
        return (lambda & 1) == 0 ? k1 * (k1 + 1) / 2 : k1 * (k1 - 1) / 2;
    }

    /**
     * Number of features F(λ, σ) per atom, without computing anything (memory per atom: F · (2λ+1) · 8 bytes).
     *
     * @param channels   neighbour-species channels
     * @param nPerL      radial functions per l (at least maxAngular + 1 entries), e.g. {@link SphericalExpansion#nRadial}
     * @param maxAngular largest coupled order
     */
    public static int featureCount(int channels, int[] nPerL, int maxAngular, int lambda, int sigma) {
        long f = lambda == 0 && sigma == 1 ? 1 : 0;
        for (int l1 = 0; l1 <= maxAngular; l1++) {
            for (int l2 = l1; l2 <= maxAngular; l2++) {
                if (allowed(lambda, sigma, l1, l2)) f += pairCount(lambda, l1, l2, channels * nPerL[l1], channels * nPerL[l2]);
            }
        }
        if (f > Integer.MAX_VALUE) throw new IllegalArgumentException("feature count " + f + " overflows an int");
        return (int) f;
    }

    /** F(λ, σ) for a calculator, all orders up to its maxAngular. */
    public static int featureCount(SphericalExpansion calc, int lambda, int sigma) {
        int[] n = new int[calc.maxAngular() + 1];
        for (int l = 0; l < n.length; l++) n[l] = calc.nRadial(l);
        return featureCount(calc.channels(), n, calc.maxAngular(), lambda, sigma);
    }

    public SphericalExpansion calculator() { return calc; }

    public int lambda() { return lambda; }

    public int sigma() { return sigma; }

    public int maxAngular() { return lmax; }

    /** Features per atom, F(λ, σ). */
    public int features() { return features; }

    /** 2λ+1. */
    public int components() { return 2 * lambda + 1; }

    /** Doubles per atom: features() · components(). */
    public int rowSize() { return features * (2 * lambda + 1); }

    /** Whether feature 0 is the constant 1 (only (λ, σ) = (0, +1)). */
    public boolean hasConstant() { return constant; }

    /** The expansion orders needed, 0..maxAngular (for {@link SphericalExpansion#compute} or a {@link FeatureCache}). */
    public int[] expansionLs() { return ls.clone(); }

    /**
     * What feature f is: {l1, l2, p, q} (p, q channel indices a·n_l + n of the two blocks), or {−1, −1, −1, −1} for
     * the constant.
     */
    public int[] describe(int f) {
        if (f < 0 || f >= features) throw new IndexOutOfBoundsException("feature " + f + " of " + features);
        if (constant && f == 0) return new int[] {-1, -1, -1, -1};
        int b = 0;
        while (bStart[b + 1] <= f) b++;
        int l1 = bl1[b], l2 = bl2[b], r = f - bStart[b], k1 = kPerL[l1], k2 = kPerL[l2];
        if (l1 != l2) return new int[] {l1, l2, r / k2, r % k2};
        int d = (lambda & 1) == 0 ? 0 : 1;  // first q of row p is p + d
        for (int p = 0; p < k1; p++) {
            int len = k1 - p - d;
            if (r < len) return new int[] {l1, l2, p, p + d + r};
            r -= len;
        }
        throw new AssertionError();
    }

    /** Scratch space of one thread: the expansion buffers (grown to the largest structure) and the calculator's. */
    public final class Workspace {
        final SphericalExpansion.Workspace exp = calc.newWorkspace();
        double[][] blocks = new double[lmax + 1][0];
        int capacity;

        private Workspace() {}

        LambdaSoap owner() { return LambdaSoap.this; }

        void ensure(int atoms) {
            if (atoms <= capacity) return;
            int cap = Math.max(atoms, 2 * capacity);
            for (int l = 0; l <= lmax; l++) blocks[l] = new double[cap * calc.blockSize(l)];
            capacity = cap;
        }
    }

    /** A new workspace; use one per thread. */
    public Workspace newWorkspace() { return new Workspace(); }

    /** Convenience: features of all atoms of a structure in a new array of {@code size() · rowSize()}. */
    public double[] compute(Structure s) {
        double[] out = new double[s.size() * rowSize()];
        compute(s, out, 0, newWorkspace());
        return out;
    }

    /**
     * Main entry point: builds the neighbour list, expands the density and writes the features of every atom into
     * {@code out[outOff + i · rowSize() ..]} (overwritten).
     *
     * @throws org.tensorbasis.BadInputException if an atom's element is not a species channel
     */
    public void compute(Structure s, double[] out, int outOff, Workspace ws) {
        compute(s, NeighborList.build(s, calc.settings().cutoff()), out, outOff, ws);
    }

    /** As {@link #compute(Structure, double[], int, Workspace)} with a prebuilt neighbour list (cutoff ≥ the descriptor's). */
    public void compute(Structure s, NeighborList nl, double[] out, int outOff, Workspace ws) {
        if (ws.owner() != this) throw new IllegalArgumentException("workspace belongs to another LambdaSoap");
        int n = s.size();
        ws.ensure(n);
        calc.compute(s, nl, null, ls, ws.blocks, ws.exp);
        fromExpansions(ws.blocks, 0, n, out, outOff);
    }

    /**
     * Features from precomputed expansion blocks (e.g. {@link FeatureCache#expansion(int, int)}):
     * {@code expansions[l]} holds the l block of atom i at {@code i · calc.blockSize(l)} (layout [a][n][m]), for
     * l = 0..maxAngular. Atoms {@code from ≤ i < to} are written to {@code out[outOff + (i − from) · rowSize() ..]}.
     */
    public void fromExpansions(double[][] expansions, int from, int to, double[] out, int outOff) {
        final int dm = 2 * lambda + 1, row = rowSize();
        for (int i = from; i < to; i++) {
            int o = outOff + (i - from) * row;
            if (constant) out[o] = 1.0;
            for (int b = 0; b < bcg.length; b++) {
                final int l1 = bl1[b], l2 = bl2[b], d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, k1 = kPerL[l1], k2 = kPerL[l2];
                final double[] e1 = expansions[l1], e2 = expansions[l2];
                final int o1 = i * calc.blockSize(l1), o2 = i * calc.blockSize(l2);
                final ClebschGordan cg = bcg[b];
                int f = o + bStart[b] * dm;
                if (l1 != l2) {
                    for (int p = 0; p < k1; p++) {
                        for (int q = 0; q < k2; q++, f += dm) cg.couple(e1, o1 + p * d1, e2, o2 + q * d2, out, f);
                    }
                } else {
                    int d = (lambda & 1) == 0 ? 0 : 1;
                    for (int p = 0; p < k1; p++) {
                        for (int q = p + d; q < k1; q++, f += dm) cg.couple(e1, o1 + p * d1, e2, o2 + q * d2, out, f);
                    }
                }
            }
        }
    }
}
