package org.tensorbasis.linalg;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Row-major matrix products on top of column-major netlib BLAS, with a plain-loop path for small
 * products where the JNI call costs more than the arithmetic.
 *
 * <p>{@code C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C}; A is stored m×k (k×m if {@code ta}),
 * B is stored k×n (n×k if {@code tb}), C is m×n, all row-major and dense, starting at the given
 * offsets. A row-major matrix is the column-major transpose, so the call computes Cᵀ = op(B)ᵀ·op(A)ᵀ
 * with the operands swapped. With {@code beta == 0} the old contents of C are ignored (even NaN).
 */
public final class Gemm {
    private Gemm() {}

    private static final BLAS BLAS_INSTANCE;

    static {
        NativeBlas.configure();
        BLAS_INSTANCE = BLAS.getInstance();
    }

    /**
     * Products with at most this many multiply-adds (m·n·k) use plain loops. Set from the system
     * property {@code tensorbasis.gemm.smallLimit} (default 8192; 0 sends everything to BLAS). Public so that tests in other packages can force either path.
     */
    public static volatile long smallLimit = Long.getLong("tensorbasis.gemm.smallLimit", 8192L);

    /** The BLAS implementation in use (JNIBLAS means native, e.g. OpenBLAS). */
    public static BLAS blas() { return BLAS_INSTANCE; }

    /**
     * The BLAS in use, for logs: "native OpenBLAS bundled with tensorbasis (JNIBLAS)", "native system
     * libblas.so.3 (JNIBLAS)", "Java vector API (VectorBLAS)" or "pure Java (Java11BLAS)", with the reason.
     */
    public static String blasName() {
        String c = BLAS_INSTANCE.getClass().getSimpleName();
        if (c.equals("JNIBLAS")) {
            return (NativeBlas.source.equals("bundled OpenBLAS") ? "native OpenBLAS bundled with tensorbasis (JNIBLAS)"
                : NativeBlas.source.startsWith("system") ? "native system libblas.so.3 (JNIBLAS)" : "native (JNIBLAS; " + NativeBlas.source + ")")
                + coreTypeNote(System.getenv("OPENBLAS_CORETYPE"))
                + threadWarning(System.getenv("OPENBLAS_NUM_THREADS"), Runtime.getRuntime().availableProcessors());
        }
        String why = NativeBlas.source.equals("bundled OpenBLAS") || NativeBlas.source.startsWith("system")
            ? "the native library did not load" : NativeBlas.source;
        if (c.equals("VectorBLAS")) return "Java vector API (VectorBLAS; " + why + ")";
        return "pure Java (" + c + "; " + why + ")";
    }

    /**
     * The BLAS line's note when the environment forces OpenBLAS's kernels ({@code OPENBLAS_CORETYPE}, read when the
     * library loads) instead of letting it choose by the CPU: the forced ones may be older than the CPU. Measured on a
     * 2-core AMD EPYC (AVX-512) whose environment set {@code OPENBLAS_CORETYPE=Haswell}: dgemm 54–60 GFLOP/s on one core,
     * 92–97 with the variable unset (OpenBLAS chose Cooperlake), {@code bench model} 1.7× faster (docs/performance.md).
     */
    static String coreTypeNote(String coreType) {
        if (coreType == null || coreType.isBlank()) return "";
        return ", kernels for " + coreType.trim() + " (forced by OPENBLAS_CORETYPE; unset it to let OpenBLAS choose by the CPU)";
    }

    /**
     * A warning for the BLAS line when OpenBLAS may start threads of its own beside tensorbasis' parallel loops
     * (OPENBLAS_NUM_THREADS unset on a multi-core machine; it is read when the library loads, so the JVM cannot
     * set it for itself): with another job on the cores, the spinning threads made a training up to 10× slower
     * (docs/performance.md). bin/tensorbasis and the Python package set it to 1.
     */
    static String threadWarning(String openblasThreads, int cores) {
        if (openblasThreads != null || cores <= 1) return "";
        return "; warning: OPENBLAS_NUM_THREADS is not set, so OpenBLAS runs threads of its own beside tensorbasis' and slows down"
            + " badly when other jobs share the cores: export OPENBLAS_NUM_THREADS=1 (bin/tensorbasis does)";
    }

    /** See the class comment (dense operands). */
    public static void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha,
                            double[] a, int aOff, double[] b, int bOff, double beta, double[] c, int cOff) {
        gemm(ta, tb, m, n, k, alpha, a, aOff, ta ? m : k, b, bOff, tb ? k : n, beta, c, cOff, n);
    }

    /**
     * As {@link #gemm(boolean, boolean, int, int, int, double, double[], int, double[], int, double, double[], int)}
     * with explicit row strides (leading dimensions, in elements) of the stored A, B and C, e.g. to work
     * on a block of columns of a wider matrix.
     */
    public static void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha,
                            double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                            double beta, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0.0) {
            for (int i = 0; i < m; i++) scale(c, cOff + i * ldc, n, beta);
            return;
        }
        if ((long) m * n * k <= smallLimit) {
            loops(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        BLAS_INSTANCE.dgemm(tb ? "T" : "N", ta ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }

    /**
     * Single-precision C = alpha·op(A)·op(B) + beta·C on row-major float arrays with explicit row strides, as the
     * double {@link #gemm(boolean, boolean, int, int, int, double, double[], int, int, double[], int, int, double, double[], int, int)}
     * (always BLAS: its one caller, the float32 inference of the first network layer, has large products).
     */
    public static void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = beta == 0f ? 0f : beta * c[cOff + i * ldc + j];
            return;
        }
        BLAS_INSTANCE.sgemm(tb ? "T" : "N", ta ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }

    /**
     * Symmetric rank-k update of the lower triangle of a row-major n×n C (entries j ≤ i; the strict upper
     * triangle is not touched): {@code C = alpha·A·Aᵀ + beta·C} with A stored n×k ({@code trans} false) or
     * {@code C = alpha·Aᵀ·A + beta·C} with A stored k×n ({@code trans} true). Half the multiply-adds of the
     * equivalent {@link #gemm}. Netlib's bounds check asks for whole leading dimensions of A and C beyond
     * the last row; an operand ending earlier (a block inside a larger matrix) is computed by {@link #gemm}
     * instead, which then also writes the strict upper triangle.
     */
    public static void syrkLower(boolean trans, int n, int k, double alpha, double[] a, int aOff, int lda,
                                 double beta, double[] c, int cOff, int ldc) {
        if (n == 0) return;
        if (k == 0 || alpha == 0.0 || (long) n * n * k <= 2 * smallLimit) {
            for (int i = 0; i < n; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j <= i; j++) {
                    double s = 0.0;
                    if (trans) {
                        for (int p = 0; p < k; p++) s += a[aOff + p * lda + i] * a[aOff + p * lda + j];
                    } else {
                        for (int p = 0; p < k; p++) s += a[aOff + i * lda + p] * a[aOff + j * lda + p];
                    }
                    c[ci + j] = (beta == 0.0 ? 0.0 : beta * c[ci + j]) + alpha * s;
                }
            }
            return;
        }
        if ((long) aOff + (long) (trans ? k : n) * lda > a.length || (long) cOff + (long) n * ldc > c.length) {
            if (trans) {
                gemm(true, false, n, n, k, alpha, a, aOff, lda, a, aOff, lda, beta, c, cOff, ldc);
            } else {
                gemm(false, true, n, n, k, alpha, a, aOff, lda, a, aOff, lda, beta, c, cOff, ldc);
            }
            return;
        }
        // row-major lower triangle = column-major upper triangle; the row-major A is the column-major Aᵀ
        BLAS_INSTANCE.dsyrk("U", trans ? "N" : "T", n, k, alpha, a, aOff, lda, beta, c, cOff, ldc);
    }

    private static void scale(double[] c, int off, int len, double beta) {
        if (beta == 1.0) return;
        if (beta == 0.0) {
            java.util.Arrays.fill(c, off, off + len, 0.0);
        } else {
            for (int i = off; i < off + len; i++) c[i] *= beta;
        }
    }

    /** Plain loops; the innermost loop runs over contiguous memory where the layout allows. */
    static void loops(boolean ta, boolean tb, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) scale(c, cOff + i * ldc, n, beta);
        if (!tb) {
            // C[i,:] += alpha·A(i,p)·B[p,:]  (B rows contiguous)
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    double aip = alpha * (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    if (aip == 0.0) continue;
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
                }
            }
        } else {
            // C[i,j] += alpha·dot(op(A)[i,:], B[j,:])  (B rows contiguous)
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    double s = 0.0;
                    if (ta) {
                        for (int p = 0; p < k; p++) s += a[aOff + p * lda + i] * b[bj + p];
                    } else {
                        int ai = aOff + i * lda;
                        for (int p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
                    }
                    c[ci + j] += alpha * s;
                }
            }
        }
    }
}
