package org.tensorbasis.equivariant;

/**
 * Cartesian ↔ spherical tensors: entry point to the cached {@link Decomposition}s.
 *
 * <p>Blocks per rank (general; σ = (−1)^(n+λ); multiplicities in brackets):
 * rank 1: λ1σ+; rank 2: λ0σ+ (= −Tr/√3), λ1σ− (antisymmetric part, axial vector), λ2σ+;
 * rank 3: λ0σ− [1], λ1σ+ [3], λ2σ− [2], λ3σ+ [1]; rank 4: λ0σ+ [3], λ1σ− [6], λ2σ+ [6], λ3σ− [3],
 * λ4σ+ [1]. Fully symmetric: rank 2 λ0 + λ2, rank 3 λ1 + λ3, rank 4 λ0 + λ2 + λ4 (all σ = +1).
 * See {@code docs/equivariant.md}.
 */
public final class CartesianTensors {
    private CartesianTensors() {}

    /** The general (orthogonal, 3^n × 3^n) decomposition of rank n = 1..4. */
    public static Decomposition general(int rank) {
        return Decomposition.general(rank);
    }

    /** The decomposition of fully symmetric tensors of rank n = 1..4. */
    public static Decomposition symmetric(int rank) {
        return Decomposition.symmetric(rank);
    }

    /** Rotates a rank-n Cartesian tensor (row-major, 3^n) by any 3×3 matrix Q: T'_{ij…} = Q_ia Q_jb … T_{ab…}. */
    public static double[] transform(double[] q, double[] t, int rank) {
        if (rank < 1 || t.length != Decomposition.general(rank).cartesianSize() || q.length != 9) {
            throw new IllegalArgumentException("need a 3x3 matrix and a rank-" + rank + " tensor of 3^rank components");
        }
        double[] cur = t.clone(), next = new double[t.length];
        int n = t.length;
        // apply Q to one index at a time (index k has stride 3^(rank−1−k))
        int stride = n / 3;
        for (int k = 0; k < rank; k++) {
            for (int c = 0; c < n; c++) {
                int digit = (c / stride) % 3, base = c - digit * stride;
                next[c] = q[3 * digit] * cur[base] + q[3 * digit + 1] * cur[base + stride] + q[3 * digit + 2] * cur[base + 2 * stride];
            }
            double[] tmp = cur;
            cur = next;
            next = tmp;
            stride /= 3;
        }
        return cur;
    }
}
