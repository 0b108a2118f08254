package org.tensorbasis.linalg;

/**
 * Cholesky factorisation and solves of dense symmetric positive-definite systems, row-major. The one
 * SPD solver of the project: the λ-MCoV head refit and the linear ridge architecture both use it.
 */
public final class Cholesky {
    private Cholesky() {}

    /** Column band of the trailing update. */
    private static final int BAND = 512;

    /**
     * In-place lower Cholesky factor of a row-major SPD matrix (right-looking, blocked: the trailing
     * updates, which hold most of the work, are BLAS symmetric rank-k products); false if not positive
     * definite. Only the lower triangle (j ≤ i) is read and written: the strict upper triangle may hold
     * anything and is left as it was.
     */
    public static boolean factor(double[] a, int n) {
        final int bs = 96;
        double[] panel = null;
        for (int j0 = 0; j0 < n; j0 += bs) {
            int jb = Math.min(bs, n - j0);
            // diagonal block
            for (int j = j0; j < j0 + jb; j++) {
                int rj = j * n;
                double s = a[rj + j];
                for (int k = j0; k < j; k++) s -= a[rj + k] * a[rj + k];
                if (!(s > 0)) return false;
                double l = Math.sqrt(s);
                a[rj + j] = l;
                for (int i = j + 1; i < j0 + jb; i++) {
                    int ri = i * n;
                    double t = a[ri + j];
                    for (int k = j0; k < j; k++) t -= a[ri + k] * a[rj + k];
                    a[ri + j] = t / l;
                }
            }
            // panel below it: rows i >= j0+jb solve L_panel · L_diagᵀ = A_panel
            for (int i = j0 + jb; i < n; i++) {
                int ri = i * n;
                for (int j = j0; j < j0 + jb; j++) {
                    int rj = j * n;
                    double t = a[ri + j];
                    for (int k = j0; k < j; k++) t -= a[ri + k] * a[rj + k];
                    a[ri + j] = t / a[rj + j];
                }
            }
            // trailing update A22 -= L_panel · L_panelᵀ (its lower triangle)
            int m = n - j0 - jb;
            if (m > 0) {
                // the panel copied contiguous: netlib's bounds check of a strided operand asks for a full last row
                if (panel == null) panel = new double[(n - jb) * jb];
                for (int i = 0; i < m; i++) System.arraycopy(a, (j0 + jb + i) * n + j0, panel, i * jb, jb);
                // by column bands of A22: the diagonal block of a band is a symmetric rank-jb update, the rest a product
                int base = j0 + jb;
                for (int c0 = 0; c0 < m; c0 += BAND) {
                    int w = Math.min(BAND, m - c0);
                    Gemm.syrkLower(false, w, jb, -1.0, panel, c0 * jb, jb, 1.0, a, (base + c0) * n + base + c0, n);
                    int below = m - c0 - w;
                    if (below > 0) {
                        Gemm.gemm(false, true, below, w, jb, -1.0, panel, (c0 + w) * jb, jb, panel, c0 * jb, jb, 1.0,
                            a, (base + c0 + w) * n + base + c0, n);
                    }
                }
            }
        }
        return true;
    }

    /** Solves L Lᵀ x = b in place (x holds b on entry), with a factor from {@link #factor}. */
    public static void solve(double[] l, int n, double[] x) {
        for (int i = 0; i < n; i++) {
            double s = x[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * x[k];
            x[i] = s / l[i * n + i];
        }
        // Lᵀ x = y by columns of Lᵀ, i.e. rows of L: contiguous memory (a column walk of a large L misses the cache on every element)
        for (int i = n - 1; i >= 0; i--) {
            double xi = x[i] / l[i * n + i];
            x[i] = xi;
            int ri = i * n;
            for (int k = 0; k < i; k++) x[k] -= l[ri + k] * xi;
        }
    }
    /** Solves Lᵀ x = b in place (the second half of {@link #solve}), with a factor from {@link #factor}. */
    public static void backward(double[] l, int n, double[] x) {
        for (int i = n - 1; i >= 0; i--) {
            double xi = x[i] / l[i * n + i];
            x[i] = xi;
            int ri = i * n;
            for (int k = 0; k < i; k++) x[k] -= l[ri + k] * xi;
        }
    }

    /**
     * Solves L Z = B in place for a row-major n × cols B at {@code bOff} (cols right-hand sides side by side), with a
     * factor from {@link #factor}: one BLAS triangular solve (dtrsm), loops for small systems.
     */
    public static void forwardColumns(double[] l, int n, double[] b, int bOff, int cols) {
        if (n == 0 || cols == 0) return;
        if ((long) n * n * cols <= Gemm.smallLimit || (long) bOff + (long) n * cols > b.length) {
            for (int i = 0; i < n; i++) {
                int ri = i * n, bi = bOff + i * cols;
                for (int k = 0; k < i; k++) {
                    double lik = l[ri + k];
                    if (lik == 0.0) continue;
                    int bk = bOff + k * cols;
                    for (int c = 0; c < cols; c++) b[bi + c] -= lik * b[bk + c];
                }
                double d = l[ri + i];
                for (int c = 0; c < cols; c++) b[bi + c] /= d;
            }
            return;
        }
        // row-major B (n × cols) is the column-major Bᵀ (cols × n); L Z = B ⇔ Zᵀ Lᵀ = Bᵀ, and the row-major L is the
        // column-major upper triangle Lᵀ
        Gemm.blas().dtrsm("R", "U", "N", "N", cols, n, 1.0, l, 0, n, b, bOff, cols);
    }
}
