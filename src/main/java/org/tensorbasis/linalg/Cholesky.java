package org.tensorbasis.linalg;

/**
 * Cholesky factorisation and solves of dense symmetric positive-definite systems, row-major. The one
 * SPD solver of the project: the λ-MCoV head refit and the linear ridge architecture both use it.
 */
public final class Cholesky {
    private Cholesky() {}

    /**
     * In-place lower Cholesky factor of a row-major SPD matrix (right-looking, blocked: the trailing
     * updates, which hold most of the work, are BLAS products); false if not positive definite.
     */
    public static boolean factor(double[] a, int n) {
        final int bs = 96;
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
            // trailing update A22 -= L_panel · L_panelᵀ
            int m = n - j0 - jb;
            if (m > 0) {
                int off = (j0 + jb) * n + j0;
                Gemm.gemm(false, true, m, m, jb, -1.0, a, off, n, a, off, n, 1.0, a, (j0 + jb) * n + j0 + jb, n);
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
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
            x[i] = s / l[i * n + i];
        }
    }
}
