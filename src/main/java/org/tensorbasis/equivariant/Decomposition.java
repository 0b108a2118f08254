package org.tensorbasis.equivariant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * An orthonormal change of basis from Cartesian tensors of rank n (1 ≤ n ≤ 4) to labelled irreducible
 * spherical blocks (λ, σ, multiplicity). Instances are immutable and thread-safe; obtain them from
 * {@link CartesianTensors} or the static factories here.
 *
 * <p>Cartesian layout: row-major, x, y, z order (rank 2 index 3i+j, rank 3 9i+3j+k, rank 4
 * 27i+9j+3k+l). Spherical layout: the blocks concatenated in the order of {@link #blocks()}, each
 * 2λ+1 components μ = −λ..λ starting at {@link Block#offset()}.
 *
 * <p>General decomposition ({@link #general(int)}): the tensor is read as the product of n l = 1
 * objects (the l = 1 components of a vector v are exactly (v_y, v_z, v_x)) and coupled successively,
 * {@code ((v1 ⊗ v2)_{L2} ⊗ v3)_{L3} …}, with {@link ClebschGordan}; each coupling path
 * (1, L2, …, Ln = λ) gives one block. The map is an orthogonal 3^n × 3^n matrix, so
 * {@link #toCartesian(double[])} is its transpose and the round trip is exact to round-off. Blocks are
 * ordered by λ, then by path (lexicographic); {@code multiplicity} numbers the blocks of equal λ from 0.
 * Parity: a rank-n tensor changes by (−1)^n under inversion, so σ = (−1)^(n+λ).
 *
 * <p>Symmetric decomposition ({@link #symmetric(int)}): only the blocks a fully symmetric tensor has,
 * λ = n, n−2, …, each once (the symmetric subspace contains every such λ exactly once). Where the general
 * decomposition has several blocks of that λ the symmetric block is the unique unit combination of them
 * lying in the symmetric subspace, with its sign fixed so that its first non-zero path coefficient is
 * positive. {@code toSpherical} of a non-symmetric tensor returns the blocks of its symmetric part;
 * {@code toCartesian} always returns a symmetric tensor.
 */
public final class Decomposition {
    /**
     * One irreducible block.
     *
     * @param lambda       order λ
     * @param sigma        parity σ (+1 proper, −1 pseudo): under inversion the block changes by σ(−1)^λ
     * @param multiplicity index among the blocks of the same λ (0-based)
     * @param label        e.g. {@code "lambda=2 sigma=+1 path=1,2,2"} (intermediate orders of the coupling)
     * @param offset       first index of the block in the spherical vector
     */
    public record Block(int lambda, int sigma, int multiplicity, String label, int offset) {
        /** Number of components, 2λ+1. */
        public int size() {
            return 2 * lambda + 1;
        }
    }

    private static final Decomposition[] GENERAL = new Decomposition[5];
    private static final Decomposition[] SYMMETRIC = new Decomposition[5];

    private final int rank;
    private final boolean symmetric;
    private final List<Block> blocks;
    private final int cartSize;
    private final int sphSize;
    /** sphSize × cartSize, row-major; rows orthonormal. */
    private final double[] matrix;

    private Decomposition(int rank, boolean symmetric, List<Block> blocks, double[] matrix) {
        this.rank = rank;
        this.symmetric = symmetric;
        this.blocks = Collections.unmodifiableList(blocks);
        this.cartSize = pow3(rank);
        this.sphSize = matrix.length / cartSize;
        this.matrix = matrix;
    }

    private static int pow3(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) p *= 3;
        return p;
    }

    private static void checkRank(int rank) {
        if (rank < 1 || rank > 4) throw new IllegalArgumentException("rank must be 1..4, got " + rank);
    }

    /** The general decomposition of rank-n tensors (3^n components), 1 ≤ n ≤ 4. */
    public static synchronized Decomposition general(int rank) {
        checkRank(rank);
        if (GENERAL[rank] == null) GENERAL[rank] = buildGeneral(rank);
        return GENERAL[rank];
    }

    /** The decomposition of fully symmetric rank-n tensors: λ = n, n−2, …, 1 ≤ n ≤ 4. */
    public static synchronized Decomposition symmetric(int rank) {
        checkRank(rank);
        if (SYMMETRIC[rank] == null) SYMMETRIC[rank] = buildSymmetric(rank);
        return SYMMETRIC[rank];
    }

    /** Symmetric rank 2 (polarizability, dielectric tensor): λ = 0 (σ = +1) ⊕ λ = 2 (σ = +1). */
    public static Decomposition symmetricRank2() {
        return symmetric(2);
    }

    /** Fully symmetric rank 3 (first hyperpolarizability β): λ = 1 (σ = +1) ⊕ λ = 3 (σ = +1). */
    public static Decomposition symmetricRank3() {
        return symmetric(3);
    }

    /** Fully symmetric rank 4 (second hyperpolarizability γ): λ = 0 ⊕ λ = 2 ⊕ λ = 4 (all σ = +1). */
    public static Decomposition symmetricRank4() {
        return symmetric(4);
    }

    /** Spherical offset of Cartesian index 0 (x), 1 (y), 2 (z) in an l = 1 vector (y, z, x). */
    private static final int[] SPH = {2, 0, 1};

    private static List<int[]> paths(int rank) {
        List<int[]> out = new ArrayList<>();
        int[] p = new int[rank];
        p[0] = 1;
        extend(p, 1, out);
        // order by final λ, then lexicographically
        out.sort((a, b) -> {
            if (a[rank - 1] != b[rank - 1]) return Integer.compare(a[rank - 1], b[rank - 1]);
            for (int i = 0; i < rank; i++) if (a[i] != b[i]) return Integer.compare(a[i], b[i]);
            return 0;
        });
        return out;
    }

    private static void extend(int[] p, int k, List<int[]> out) {
        if (k == p.length) {
            out.add(p.clone());
            return;
        }
        for (int l = Math.abs(p[k - 1] - 1); l <= p[k - 1] + 1; l++) {
            p[k] = l;
            extend(p, k + 1, out);
        }
    }

    private static Decomposition buildGeneral(int rank) {
        int nc = pow3(rank);
        List<int[]> paths = paths(rank);
        List<Block> blocks = new ArrayList<>();
        double[] m = new double[nc * nc];
        int offset = 0, prevLambda = -1, mult = 0;
        double[] v = new double[2 * rank + 1], w = new double[2 * rank + 1], e = new double[3];
        for (int[] path : paths) {
            int lambda = path[rank - 1];
            mult = lambda == prevLambda ? mult + 1 : 0;
            prevLambda = lambda;
            int sigma = ((rank + lambda) & 1) == 0 ? 1 : -1;
            blocks.add(new Block(lambda, sigma, mult, label(lambda, sigma, path), offset));
            // column c of the block = successive coupling of the unit vectors of the Cartesian index c
            for (int c = 0; c < nc; c++) {
                int[] idx = digits(c, rank);
                java.util.Arrays.fill(v, 0.0);
                v[SPH[idx[0]]] = 1.0;
                for (int k = 1; k < rank; k++) {
                    java.util.Arrays.fill(e, 0.0);
                    e[SPH[idx[k]]] = 1.0;
                    ClebschGordan.of(path[k - 1], 1, path[k]).couple(v, 0, e, 0, w, 0);
                    double[] t = v;
                    v = w;
                    w = t;
                }
                for (int mu = 0; mu < 2 * lambda + 1; mu++) m[(offset + mu) * nc + c] = v[mu];
            }
            offset += 2 * lambda + 1;
        }
        return new Decomposition(rank, false, blocks, m);
    }

    private static String label(int lambda, int sigma, int[] path) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "lambda=%d sigma=%+d path=", lambda, sigma));
        for (int i = 0; i < path.length; i++) sb.append(i == 0 ? "" : ",").append(path[i]);
        return sb.toString();
    }

    private static int[] digits(int c, int rank) {
        int[] d = new int[rank];
        for (int k = rank - 1; k >= 0; k--) {
            d[k] = c % 3;
            c /= 3;
        }
        return d;
    }

    /** Average of a rank-n Cartesian tensor over all permutations of its indices. */
    private static double[] symmetrize(double[] t, int rank) {
        int nc = t.length;
        double[] out = new double[nc];
        List<int[]> perms = new ArrayList<>();
        permutations(new int[rank], new boolean[rank], 0, perms);
        for (int c = 0; c < nc; c++) {
            int[] d = digits(c, rank);
            double s = 0;
            for (int[] p : perms) {
                int idx = 0;
                for (int k = 0; k < rank; k++) idx = 3 * idx + d[p[k]];
                s += t[idx];
            }
            out[c] = s / perms.size();
        }
        return out;
    }

    private static void permutations(int[] p, boolean[] used, int k, List<int[]> out) {
        if (k == p.length) {
            out.add(p.clone());
            return;
        }
        for (int i = 0; i < p.length; i++) {
            if (!used[i]) {
                used[i] = true;
                p[k] = i;
                permutations(p, used, k + 1, out);
                used[i] = false;
            }
        }
    }

    private static Decomposition buildSymmetric(int rank) {
        Decomposition g = general(rank);
        int nc = g.cartSize;
        List<Block> blocks = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        int offset = 0;
        for (int lambda = rank % 2; lambda <= rank; lambda += 2) {
            List<Block> same = g.blocks(lambda);
            int k = same.size(), dim = 2 * lambda + 1;
            // G_ab = ⟨row_a,μ | S | row_b,μ⟩ (independent of μ by Schur's lemma; averaged): a rank-1
            // projector c cᵀ in multiplicity space, c the coefficients of the symmetric block
            double[][] gm = new double[k][k];
            for (int b = 0; b < k; b++) {
                for (int mu = 0; mu < dim; mu++) {
                    double[] sb = symmetrize(g.row(same.get(b).offset() + mu), rank);
                    for (int a = 0; a < k; a++) {
                        double[] ra = g.row(same.get(a).offset() + mu);
                        double s = 0;
                        for (int c = 0; c < nc; c++) s += ra[c] * sb[c];
                        gm[a][b] += s / dim;
                    }
                }
            }
            int j = 0;
            for (int a = 1; a < k; a++) if (gm[a][a] > gm[j][j]) j = a;
            double[] coef = new double[k];
            double norm = Math.sqrt(gm[j][j]);
            for (int a = 0; a < k; a++) coef[a] = gm[a][j] / norm;
            for (int a = 0; a < k; a++) {
                if (Math.abs(coef[a]) > 1e-12) {
                    if (coef[a] < 0) for (int b = 0; b < k; b++) coef[b] = -coef[b];
                    break;
                }
            }
            // re-normalise against round-off in the projector
            double nn = 0;
            for (double x : coef) nn += x * x;
            nn = Math.sqrt(nn);
            StringBuilder cl = new StringBuilder();
            for (int a = 0; a < k; a++) {
                coef[a] /= nn;
                if (Math.abs(coef[a]) > 1e-12) cl.append(cl.length() == 0 ? "" : ",").append(same.get(a).multiplicity());
            }
            for (int mu = 0; mu < dim; mu++) {
                double[] r = new double[nc];
                for (int a = 0; a < k; a++) {
                    double[] ra = g.row(same.get(a).offset() + mu);
                    for (int c = 0; c < nc; c++) r[c] += coef[a] * ra[c];
                }
                rows.add(r);
            }
            blocks.add(new Block(lambda, 1, 0, String.format(Locale.ROOT, "lambda=%d sigma=+1 symmetric (general blocks %s)", lambda, cl), offset));
            offset += dim;
        }
        double[] m = new double[offset * nc];
        for (int i = 0; i < offset; i++) System.arraycopy(rows.get(i), 0, m, i * nc, nc);
        return new Decomposition(rank, true, blocks, m);
    }

    private double[] row(int i) {
        double[] r = new double[cartSize];
        System.arraycopy(matrix, i * cartSize, r, 0, cartSize);
        return r;
    }

    /** Tensor rank n. */
    public int rank() {
        return rank;
    }

    /** True for the decompositions of fully symmetric tensors. */
    public boolean isSymmetric() {
        return symmetric;
    }

    /** The blocks in spherical order. */
    public List<Block> blocks() {
        return blocks;
    }

    /** The blocks of order λ (in multiplicity order; empty if none). */
    public List<Block> blocks(int lambda) {
        List<Block> out = new ArrayList<>();
        for (Block b : blocks) if (b.lambda() == lambda) out.add(b);
        return out;
    }

    /** 3^n. */
    public int cartesianSize() {
        return cartSize;
    }

    /** Total number of spherical components (3^n for the general decomposition). */
    public int sphericalSize() {
        return sphSize;
    }

    /** A copy of the change-of-basis matrix, sphericalSize × cartesianSize row-major, orthonormal rows. */
    public double[] matrix() {
        return matrix.clone();
    }

    /** Cartesian → spherical blocks (a new array of sphericalSize). */
    public double[] toSpherical(double[] cartesian) {
        if (cartesian.length != cartSize) {
            throw new IllegalArgumentException("expected " + cartSize + " Cartesian components, got " + cartesian.length);
        }
        double[] out = new double[sphSize];
        toSpherical(cartesian, 0, out, 0);
        return out;
    }

    /** Cartesian → spherical, reading {@code cart[cOff ..]} and overwriting {@code sph[sOff ..]}. */
    public void toSpherical(double[] cart, int cOff, double[] sph, int sOff) {
        for (int i = 0; i < sphSize; i++) {
            double s = 0;
            int row = i * cartSize;
            for (int c = 0; c < cartSize; c++) s += matrix[row + c] * cart[cOff + c];
            sph[sOff + i] = s;
        }
    }

    /** Spherical blocks → Cartesian (a new array of cartesianSize); the exact inverse (transpose). */
    public double[] toCartesian(double[] spherical) {
        if (spherical.length != sphSize) {
            throw new IllegalArgumentException("expected " + sphSize + " spherical components, got " + spherical.length);
        }
        double[] out = new double[cartSize];
        toCartesian(spherical, 0, out, 0);
        return out;
    }

    /** Spherical → Cartesian, reading {@code sph[sOff ..]} and overwriting {@code cart[cOff ..]}. */
    public void toCartesian(double[] sph, int sOff, double[] cart, int cOff) {
        for (int c = 0; c < cartSize; c++) cart[cOff + c] = 0.0;
        for (int i = 0; i < sphSize; i++) {
            double s = sph[sOff + i];
            if (s == 0.0) continue;
            int row = i * cartSize;
            for (int c = 0; c < cartSize; c++) cart[cOff + c] += matrix[row + c] * s;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(symmetric ? "symmetric" : "general").append(" rank ").append(rank).append(':');
        for (Block b : blocks) sb.append(" [").append(b.label()).append(']');
        return sb.toString();
    }
}
