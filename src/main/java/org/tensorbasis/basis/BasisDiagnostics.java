package org.tensorbasis.basis;

/**
 * Rank and conditioning of one atom's basis matrix: the (2λ+1) × n_basis matrix whose columns are
 * the basis elements. Where it has rank below 2λ+1 the model cannot represent every λ-tensor at
 * that atom (method.md §3–4: linear or planar environments, centrosymmetric sites, coplanar
 * pseudoscalar vectors). Singular values come from a one-sided Jacobi SVD, which is accurate to
 * relative precision and never produces NaN on rank-deficient or zero matrices.
 */
public final class BasisDiagnostics {
    /** Default relative threshold below which a singular value counts as zero. */
    public static final double DEFAULT_RANK_TOLERANCE = 1e-9;

    /** Result for one atom. */
    public record Result(int rank, double conditionNumber, double[] singularValues) {}

    private BasisDiagnostics() {}

    /**
     * Singular values (descending) of the basis matrix stored as {@code t[q*dim + μ]}
     * (q &lt; size, μ &lt; dim); there are min(dim, size) of them.
     */
    public static double[] singularValues(double[] t, int tOff, int size, int dim) {
        // Work on the size × dim matrix A (rows q) and orthogonalise its dim columns (Hestenes).
        double[] a = new double[size * dim];
        System.arraycopy(t, tOff, a, 0, size * dim);
        int n = dim;
        int m = size;
        for (int sweep = 0; sweep < 60; sweep++) {
            double off = 0;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < m; i++) {
                        double ap = a[i * n + p];
                        double aq = a[i * n + q];
                        alpha += ap * ap;
                        beta += aq * aq;
                        gamma += ap * aq;
                    }
                    if (gamma == 0.0) continue;
                    double denom = Math.sqrt(alpha * beta);
                    if (denom == 0.0) continue;
                    off = Math.max(off, Math.abs(gamma) / denom);
                    if (Math.abs(gamma) <= 1e-300) continue;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double tt = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0.0) tt = 1.0;
                    double c = 1 / Math.sqrt(1 + tt * tt);
                    double s = c * tt;
                    for (int i = 0; i < m; i++) {
                        double ap = a[i * n + p];
                        double aq = a[i * n + q];
                        a[i * n + p] = c * ap - s * aq;
                        a[i * n + q] = s * ap + c * aq;
                    }
                }
            }
            if (off < 1e-15) break;
        }
        double[] sv = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < m; i++) s += a[i * n + j] * a[i * n + j];
            sv[j] = Math.sqrt(s);
        }
        java.util.Arrays.sort(sv);
        // descending, and at most min(dim, size) meaningful values
        int k = Math.min(n, m);
        double[] out = new double[k];
        for (int i = 0; i < k; i++) out[i] = sv[n - 1 - i];
        return out;
    }

    /**
     * Rank (number of singular values above {@code relTol × σ_max}) and condition number
     * σ_max / σ_{2λ+1} (+∞ when the basis cannot span all 2λ+1 components, including an all-zero
     * basis).
     */
    public static Result analyse(double[] t, int tOff, int size, int dim, double relTol) {
        double[] sv = singularValues(t, tOff, size, dim);
        double max = sv.length == 0 ? 0 : sv[0];
        int rank = 0;
        if (max > 0) {
            for (double s : sv) if (s > relTol * max) rank++;
        }
        double cond = (sv.length < dim || max == 0 || sv[dim - 1] == 0) ? Double.POSITIVE_INFINITY : max / sv[dim - 1];
        if (rank < dim) cond = Double.POSITIVE_INFINITY;
        return new Result(rank, cond, sv);
    }
}
