package org.tensorbasis.basis;

import java.util.ArrayList;
import java.util.List;

/**
 * The λ-MCoV tensor basis of one target block (order λ, parity σ) for one atom, as a function of
 * the atom's learned vectors (method.md §4):
 * <ul>
 *   <li>three proper vectors v1, v2, v3 (the vector basis, always present for λ ≥ 1);</li>
 *   <li>for σ = −1, three further vectors u1, u2, u3 learned independently;</li>
 *   <li>for the λ correction, 2λ+1 learned order-λ tensors (contractions of the l = λ density).</li>
 * </ul>
 * The basis elements (columns) are:
 * <ul>
 *   <li>λ = 0: [1];  λ = 1: [v1, v2, v3];</li>
 *   <li>λ = L ≥ 2, maximally coupled vectors: {@code [R^l(v1) ⊗ R^{L−l}(v2)]^L} for l = 0..L and
 *       {@code [[R^l(v1) ⊗ R^{L−1−l}(v2)]^{L−1} ⊗ v3]^L} for l = 0..L−1 (2L+1 elements; for L = 2
 *       these span the same elements as the method's R²(v1), R²(v2), [v1⊗v2]², [v1⊗v3]², [v2⊗v3]²,
 *       up to a constant factor each);</li>
 *   <li>then, with the λ correction (λ ≥ 2), the 2λ+1 learned order-λ tensors;</li>
 *   <li>σ = −1, {@link PseudoMode#PSEUDOSCALAR} (the reference): every element above times the
 *       pseudoscalar {@code p = [[u1 ⊗ u2]^1 ⊗ u3]^0 ∝ u1 · (u2 × u3)};</li>
 *   <li>σ = −1, {@link PseudoMode#PSEUDO_MAXIMAL}: with the axial vectors a1 = [u1⊗u2]¹,
 *       a2 = [u1⊗u3]¹, a3 = [u2⊗u3]¹: {@code [a1 ⊗ M_q]^λ} for the 2λ−1 MCoV elements M_q of order
 *       λ−1, plus {@code [a2 ⊗ R^{λ−1}(v1)]^λ} and {@code [a3 ⊗ R^{λ−1}(v2)]^λ} (2λ+1 elements; for
 *       λ = 1 these are a1, a2, a3); the λ correction is multiplied by p; λ = 0 is [p].</li>
 *   <li>σ = −1, {@link PseudoMode#AXIAL}: as pseudo-maximal, but u1, u2, u3 are learned order-2
 *       tensors (contractions of the l = 2 density), so a1, a2, a3 are even under inversion and need
 *       no l = 1 density; λ = 0 is [a1 · v1] and the λ correction is multiplied by a1 · v1; with the
 *       correction, λ = 1 also has the cross products [v1⊗v2]¹, [v1⊗v3]¹, [v2⊗v3]¹ (6 elements).</li>
 *   <li>last, with position elements (σ = +1, per-structure blocks of molecules; {@link #usesPosition()}), functions of
 *       the atom's position r relative to its structure's centroid: λ = 0 [r⊗r]⁰, [r⊗v_k]⁰; λ = 1 [r]; λ ≥ 2
 *       R^λ(r), [R^{λ−1}(r) ⊗ v_k]^λ.</li>
 * </ul>
 * Vectors are spherical l = 1 components in the (y, z, x) order. Solid harmonics are used, never
 * normalised vectors, so nothing is singular when a learned vector vanishes.
 *
 * <p>Layouts: the basis of one atom is {@code T[q * dim + μ]}, q = 0..size−1, μ = 0..dim−1
 * (dim = 2λ+1); vectors {@code v[3k + m]}; the second triplet {@code u[k (2 uOrder + 1) + μ]}
 * ({@link #uSize()}); λ-correction tensors {@code lam[q * dim + μ]}.
 * Instances are immutable and thread-safe; each thread needs its own {@link Workspace}.
 */
public final class TensorBasis {
    /** How pseudotensor (σ = −1) bases are built. */
    public enum PseudoMode {
        /** Every proper element times a pseudoscalar from a second vector triplet (the reference). */
        PSEUDOSCALAR,
        /** Pseudo-maximal couplings of an axial vector with further vectors; survives planar sites. */
        PSEUDO_MAXIMAL,
        /**
         * As {@link #PSEUDO_MAXIMAL}, but the axial vectors are couplings {@code [w_a ⊗ w_b]^1} of three
         * learned order-2 tensors (contractions of the l = 2 density) instead of l = 1 vectors: they
         * survive mirror planes and inversion centres, where an axial vector is allowed and both other
         * modes vanish (docs/model.md, "Why the σ = −1 basis fails on crystals").
         */
        AXIAL;

        /** The name used in options and model files. */
        public String option() {
            return switch (this) {
                case PSEUDOSCALAR -> "pseudoscalar";
                case PSEUDO_MAXIMAL -> "pseudo_maximal";
                case AXIAL -> "axial";
            };
        }

        /** The mode called {@code option} (see {@link #option()}). */
        public static PseudoMode of(String option) {
            for (PseudoMode m : values()) if (m.option().equals(option)) return m;
            throw new IllegalArgumentException("unknown pseudotensor basis " + option);
        }
    }

    /** Order of the second learned triplet in {@link PseudoMode#AXIAL} mode (l = 2 tensors). */
    public static final int AXIAL_ORDER = 2;

    /** Scratch for one thread. */
    public static final class Workspace {
        final BasisProgram.Workspace ws;

        Workspace(BasisProgram.Workspace ws) {
            this.ws = ws;
        }
    }

    private final int lambda;
    private final int sigma;
    private final boolean lambdaCorrection;
    private final PseudoMode pseudoMode;
    private final boolean axialCross; // axial λ = 1 with its correction: also [v_a ⊗ v_b]¹
    private final int dim;
    private final BasisProgram program;
    private final int[] vIn;   // v1..v3 nodes, or empty
    private final int[] uIn;   // u1..u3 nodes (order uOrder), or empty
    private final int uOrder;
    private final int[] lamIn; // λ-correction nodes, or empty
    private final int pIn;     // the centred position node (an l = 1 input), or -1
    private final int[] columns;

    /**
     * @param lambda           order λ ≥ 0 (up to 12)
     * @param sigma            +1 (proper) or −1 (pseudotensor)
     * @param lambdaCorrection add the 2λ+1 learned order-λ tensors (only for λ ≥ 2; for λ ≤ 1 they
     *                         would be an invariant or three more vectors of the same l = 1 density);
     *                         for the axial λ = 1 basis, add instead the cross products
     *                         [v_a ⊗ v_b]¹ of the proper vectors (axial vectors of the l = 1 density)
     * @param pseudoMode       construction for σ = −1 (ignored for σ = +1)
     */
    public TensorBasis(int lambda, int sigma, boolean lambdaCorrection, PseudoMode pseudoMode) {
        this(lambda, sigma, lambdaCorrection, pseudoMode, false);
    }

    /**
     * As {@link #TensorBasis(int, int, boolean, PseudoMode)}, with {@code position}: the basis also has
     * position elements, built from a fourth input, the atom's position relative to the centroid of its
     * structure, r (an l = 1 input; {@link #usesPosition()}). λ = 1: [r] (a coefficient per atom times r
     * is a partial-charge dipole, q_i (r_i − r̄)); λ ≥ 2: R^λ(r) and [R^{λ−1}(r) ⊗ v_k]^λ for k = 1..3; λ = 0:
     * [r ⊗ r]^0 and [r ⊗ v_k]^0 ({@link #positionElements} more elements). Only for proper tensors (σ = +1).
     */
    public TensorBasis(int lambda, int sigma, boolean lambdaCorrection, PseudoMode pseudoMode, boolean position) {
        if (lambda < 0 || lambda > 12) throw new IllegalArgumentException("λ must be in 0..12, got " + lambda);
        if (sigma != 1 && sigma != -1) throw new IllegalArgumentException("σ must be +1 or -1, got " + sigma);
        this.lambda = lambda;
        this.sigma = sigma;
        this.lambdaCorrection = lambdaCorrection && lambda >= 2;
        this.pseudoMode = pseudoMode == null ? PseudoMode.PSEUDOSCALAR : pseudoMode;
        this.dim = 2 * lambda + 1;

        BasisProgram p = new BasisProgram();
        boolean axial = sigma == -1 && this.pseudoMode == PseudoMode.AXIAL;
        boolean pseudoMaximal = sigma == -1 && (this.pseudoMode == PseudoMode.PSEUDO_MAXIMAL && lambda >= 1 || axial);
        // axial λ = 0 (and its λ correction) use the pseudoscalar a1 · v1, so they need v; λ = 1 needs v
        // only for its correction, the cross products of the proper vectors
        axialCross = axial && lambda == 1 && lambdaCorrection;
        boolean needV = axial ? lambda != 1 || axialCross : lambda >= 1 && !(pseudoMaximal && lambda == 1);
        needV |= position && sigma == 1 && lambda == 0; // the λ = 0 position elements r · v_k
        uOrder = axial ? AXIAL_ORDER : 1;
        vIn = needV ? new int[] {p.input(1), p.input(1), p.input(1)} : new int[0];
        uIn = sigma == -1 ? new int[] {p.input(uOrder), p.input(uOrder), p.input(uOrder)} : new int[0];
        lamIn = new int[this.lambdaCorrection ? dim : 0];
        for (int q = 0; q < lamIn.length; q++) lamIn[q] = p.input(lambda);

        List<Integer> cols = new ArrayList<>();
        if (pseudoMaximal) {
            // three axial vectors: couplings to l = 1 of pairs of the second triplet (antisymmetric in the pair)
            int a1 = p.couple(uIn[0], uIn[1], 1);
            int a2 = p.couple(uIn[0], uIn[2], 1);
            int a3 = p.couple(uIn[1], uIn[2], 1);
            if (lambda == 0) {
                cols.add(p.couple(a1, vIn[0], 0));
            } else if (lambda == 1) {
                cols.add(a1);
                cols.add(a2);
                cols.add(a3);
                if (axialCross) {
                    cols.add(p.couple(vIn[0], vIn[1], 1));
                    cols.add(p.couple(vIn[0], vIn[2], 1));
                    cols.add(p.couple(vIn[1], vIn[2], 1));
                }
            } else {
                int[][] sh = solidOfV(p, lambda - 1);
                for (int m : mcov(p, lambda - 1, sh)) cols.add(p.couple(a1, m, lambda));
                cols.add(p.couple(a2, sh[0][lambda - 1], lambda));
                cols.add(p.couple(a3, sh[1][lambda - 1], lambda));
            }
            if (lamIn.length > 0) {
                int ps = axial ? p.couple(a1, vIn[0], 0) : pseudoscalar(p);
                for (int q : lamIn) cols.add(p.scale(q, ps));
            }
        } else {
            List<Integer> proper = new ArrayList<>();
            if (lambda == 0) {
                proper.add(p.one());
            } else if (lambda == 1) {
                for (int v : vIn) proper.add(v);
            } else {
                for (int m : mcov(p, lambda, solidOfV(p, lambda))) proper.add(m);
            }
            for (int q : lamIn) proper.add(q);
            if (sigma == 1) {
                cols.addAll(proper);
            } else {
                int ps = pseudoscalar(p);
                for (int t : proper) cols.add(p.scale(t, ps));
            }
        }
        if (position) {
            if (sigma != 1) throw new IllegalArgumentException("position elements need σ = +1");
            pIn = p.input(1);
            if (lambda == 0) {
                cols.add(p.couple(pIn, pIn, 0));
                for (int v : vIn) cols.add(p.couple(pIn, v, 0));
            } else if (lambda == 1) {
                cols.add(pIn);
            } else {
                int[] sh = p.solid(pIn, lambda);
                cols.add(sh[lambda]);
                for (int v : vIn) cols.add(p.couple(sh[lambda - 1], v, lambda));
            }
        } else {
            pIn = -1;
        }
        columns = cols.stream().mapToInt(Integer::intValue).toArray();
        p.freeze();
        program = p;
    }

    /** Solid harmonics of v1 and v2 up to lmax: {@code [k][l]} node of R^l(v_{k+1}). */
    private int[][] solidOfV(BasisProgram p, int lmax) {
        return new int[][] {p.solid(vIn[0], lmax), p.solid(vIn[1], lmax)};
    }

    /** The 2L+1 maximally-coupled elements of order L ≥ 1 (L = 1: v1, v2, v3). */
    private int[] mcov(BasisProgram p, int bigL, int[][] sh) {
        if (bigL == 0) return new int[] {p.one()};
        if (bigL == 1) return vIn.clone();
        int[] out = new int[2 * bigL + 1];
        int k = 0;
        for (int l = 0; l <= bigL; l++) out[k++] = p.couple(sh[0][l], sh[1][bigL - l], bigL);
        for (int l = 0; l < bigL; l++) {
            int inner = p.couple(sh[0][l], sh[1][bigL - 1 - l], bigL - 1);
            out[k++] = p.couple(inner, vIn[2], bigL);
        }
        return out;
    }

    private int pseudoscalar(BasisProgram p) {
        int axial = p.couple(uIn[0], uIn[1], 1);
        return p.couple(axial, uIn[2], 0);
    }

    /** Order λ. */
    public int lambda() { return lambda; }

    /** Parity σ. */
    public int sigma() { return sigma; }

    /** Number of components of one element, 2λ+1. */
    public int dim() { return dim; }

    /** Number of basis elements. */
    public int size() { return columns.length; }

    /** Whether the proper vector triplet v is used (its contraction must be supplied). */
    public boolean usesV() { return vIn.length > 0; }

    /** Whether the second learned triplet u is used (σ = −1). */
    public boolean usesU() { return uIn.length > 0; }

    /** Order l of each tensor of the second triplet u: 1 (vectors), or {@link #AXIAL_ORDER} in axial mode. */
    public int uOrder() { return uOrder; }

    /** Doubles of one atom's u input, {@code 3 (2 uOrder + 1)}: {@code u[k (2 uOrder + 1) + μ]}. */
    public int uSize() { return 3 * (2 * uOrder + 1); }

    /** Whether the axial λ = 1 basis has its correction, the cross products of the proper vectors. */
    public boolean hasAxialCrossProducts() { return axialCross; }

    /** Whether the basis has position elements (the centred position r must be supplied). */
    public boolean usesPosition() { return pIn >= 0; }

    /**
     * Number of position elements of a proper basis of order λ: 1 for λ = 1 ([r]), 4 otherwise (λ = 0: [r ⊗ r]^0 ∝ |r|²
     * and [r ⊗ v_k]^0 ∝ r · v_k; λ ≥ 2: R^λ(r), [R^{λ−1}(r) ⊗ v_k]^λ).
     */
    public static int positionElements(int lambda) {
        return lambda == 1 ? 1 : 4;
    }

    /** Whether the λ correction (2λ+1 learned order-λ tensors) is used. */
    public boolean usesLambdaCorrection() { return lamIn.length > 0; }

    /** The pseudotensor construction in use. */
    public PseudoMode pseudoMode() { return pseudoMode; }

    public Workspace newWorkspace() {
        return new Workspace(program.newWorkspace());
    }

    /**
     * A workspace for prediction only: its forward computes the basis values without the intermediate derivatives a
     * backward pass needs (the same values, bit for bit); neither {@link #backward} nor the saving forward may use it.
     */
    public Workspace newValuesOnlyWorkspace() {
        Workspace w = newWorkspace();
        w.ws.valuesOnly = true;
        return w;
    }

    private void load(BasisProgram.Workspace w, double[] v, int vOff, double[] u, int uOff, double[] lam, int lamOff,
                      double[] pos, int posOff) {
        if (pIn >= 0) {
            if (pos == null) throw new IllegalArgumentException("this basis has position elements: the centred position is needed");
            System.arraycopy(pos, posOff, w.val, program.offset(pIn), 3);
        }
        for (int k = 0; k < vIn.length; k++) System.arraycopy(v, vOff + 3 * k, w.val, program.offset(vIn[k]), 3);
        int ud = 2 * uOrder + 1;
        for (int k = 0; k < uIn.length; k++) System.arraycopy(u, uOff + ud * k, w.val, program.offset(uIn[k]), ud);
        for (int q = 0; q < lamIn.length; q++) System.arraycopy(lam, lamOff + q * dim, w.val, program.offset(lamIn[q]), dim);
    }

    /**
     * Computes the basis of one atom into {@code T[tOff + q*dim + μ]}. Arrays of inputs the basis
     * does not use ({@link #usesV()}, {@link #usesU()}, {@link #usesLambdaCorrection()}) may be null.
     */
    public void forward(Workspace work, double[] v, int vOff, double[] u, int uOff, double[] lam, int lamOff,
                        double[] t, int tOff) {
        forwardPositioned(work, v, vOff, u, uOff, lam, lamOff, null, 0, t, tOff);
    }

    /**
     * As {@link #forward(Workspace, double[], int, double[], int, double[], int, double[], int)}, with the
     * centred position {@code pos[posOff .. +3)} (spherical (y, z, x) order) for the position elements
     * (null when {@link #usesPosition()} is false).
     */
    public void forwardPositioned(Workspace work, double[] v, int vOff, double[] u, int uOff, double[] lam, int lamOff,
                                  double[] pos, int posOff, double[] t, int tOff) {
        BasisProgram.Workspace w = work.ws;
        load(w, v, vOff, u, uOff, lam, lamOff, pos, posOff);
        program.forward(w);
        for (int q = 0; q < columns.length; q++) System.arraycopy(w.val, program.offset(columns[q]), t, tOff + q * dim, dim);
    }

    /** Doubles needed by {@link #forward(Workspace, double[], int, double[], int, double[], int, double[], int, double[], int)} to save one atom's state. */
    public int stateSize() {
        return program.stateSize();
    }

    /**
     * As {@link #forward(Workspace, double[], int, double[], int, double[], int, double[], int)}, and also
     * saves the atom's intermediate values to {@code state[stateOff .. stateOff + stateSize())}, so that
     * {@link #backwardFromState} need not recompute them.
     */
    public void forward(Workspace work, double[] v, int vOff, double[] u, int uOff, double[] lam, int lamOff,
                        double[] t, int tOff, double[] state, int stateOff) {
        forwardPositioned(work, v, vOff, u, uOff, lam, lamOff, null, 0, t, tOff, state, stateOff);
    }

    /** The saving forward with the centred position (see {@link #forwardPositioned(Workspace, double[], int, double[], int, double[], int, double[], int, double[], int)}). */
    public void forwardPositioned(Workspace work, double[] v, int vOff, double[] u, int uOff, double[] lam, int lamOff,
                                  double[] pos, int posOff, double[] t, int tOff, double[] state, int stateOff) {
        if (work.ws.valuesOnly) throw new IllegalStateException("a values-only workspace saves no state for a backward pass");
        forwardPositioned(work, v, vOff, u, uOff, lam, lamOff, pos, posOff, t, tOff);
        program.save(work.ws, state, stateOff);
    }

    /**
     * Back-propagates {@code gT} (same layout as T) to the inputs, ACCUMULATING into gv, gu and
     * glam (null where the input is unused). Recomputes the forward pass internally.
     */
    public void backward(Workspace work, double[] v, int vOff, double[] u, int uOff, double[] lam, int lamOff,
                         double[] gT, int gOff, double[] gv, int gvOff, double[] gu, int guOff,
                         double[] glam, int glOff) {
        backward(work, v, vOff, u, uOff, lam, lamOff, null, 0, gT, gOff, gv, gvOff, gu, guOff, glam, glOff);
    }

    /** As {@link #backward}, for a basis with position elements (the position's own gradient is not needed: it is data). */
    public void backward(Workspace work, double[] v, int vOff, double[] u, int uOff, double[] lam, int lamOff,
                         double[] pos, int posOff, double[] gT, int gOff, double[] gv, int gvOff, double[] gu, int guOff,
                         double[] glam, int glOff) {
        BasisProgram.Workspace w = work.ws;
        if (w.valuesOnly) throw new IllegalStateException("a values-only workspace has no backward pass");
        load(w, v, vOff, u, uOff, lam, lamOff, pos, posOff);
        program.forward(w);
        backwardLoaded(w, gT, gOff, gv, gvOff, gu, guOff, glam, glOff);
    }

    /**
     * As {@link #backward}, from the state saved by the saving {@code forward} of the same atom and inputs
     * instead of recomputing it (same results, bit for bit).
     */
    public void backwardFromState(Workspace work, double[] state, int stateOff, double[] gT, int gOff,
                                  double[] gv, int gvOff, double[] gu, int guOff, double[] glam, int glOff) {
        BasisProgram.Workspace w = work.ws;
        program.restore(w, state, stateOff);
        backwardLoaded(w, gT, gOff, gv, gvOff, gu, guOff, glam, glOff);
    }

    private void backwardLoaded(BasisProgram.Workspace w, double[] gT, int gOff, double[] gv, int gvOff,
                                double[] gu, int guOff, double[] glam, int glOff) {
        program.clearGrad(w);
        for (int q = 0; q < columns.length; q++) {
            int o = program.offset(columns[q]);
            for (int mu = 0; mu < dim; mu++) w.grad[o + mu] += gT[gOff + q * dim + mu];
        }
        program.backward(w);
        for (int k = 0; k < vIn.length; k++) {
            int o = program.offset(vIn[k]);
            for (int m = 0; m < 3; m++) gv[gvOff + 3 * k + m] += w.grad[o + m];
        }
        int ud = 2 * uOrder + 1;
        for (int k = 0; k < uIn.length; k++) {
            int o = program.offset(uIn[k]);
            for (int m = 0; m < ud; m++) gu[guOff + ud * k + m] += w.grad[o + m];
        }
        for (int q = 0; q < lamIn.length; q++) {
            int o = program.offset(lamIn[q]);
            for (int mu = 0; mu < dim; mu++) glam[glOff + q * dim + mu] += w.grad[o + mu];
        }
    }

    @Override
    public String toString() {
        return "TensorBasis[λ=" + lambda + ", σ=" + (sigma > 0 ? "+1" : "-1") + ", size=" + size()
            + (lambdaCorrection || axialCross ? ", λ correction" : "") + (sigma < 0 ? ", " + pseudoMode : "")
            + (pIn >= 0 ? ", position" : "") + "]";
    }
}
