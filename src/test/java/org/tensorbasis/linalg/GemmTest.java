package org.tensorbasis.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {
    private final long saved = Gemm.smallLimit;

    @AfterEach
    void restore() { Gemm.smallLimit = saved; }

    @ParameterizedTest
    @CsvSource({"false,false,0", "false,true,0", "true,false,0", "true,true,0",
                "false,false,-1", "false,true,-1", "true,false,-1", "true,true,-1"})
    void matchesNaiveTripleLoopWithOffsetsAndBeta(boolean ta, boolean tb, long limit) {
        Gemm.smallLimit = limit < 0 ? Long.MAX_VALUE : limit;
        SplittableRandom rng = new SplittableRandom(ta ? 1 : 2);
        int m = 7, n = 5, k = 9, ao = 3, bo = 4, co = 2;
        double[] a = rand(rng, ao + m * k), b = rand(rng, bo + k * n), c = rand(rng, co + m * n);
        double[] ref = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double aij = ta ? a[ao + p * m + i] : a[ao + i * k + p];
                    double bij = tb ? b[bo + j * k + p] : b[bo + p * n + j];
                    s += aij * bij;
                }
                ref[co + i * n + j] = 1.5 * s + 0.5 * c[co + i * n + j];
            }
        }
        Gemm.gemm(ta, tb, m, n, k, 1.5, a, ao, b, bo, 0.5, c, co);
        for (int i = 0; i < c.length; i++) assertThat(c[i]).isCloseTo(ref[i], within(1e-13));
    }

    private static double[] rand(SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
        return x;
    }

    /**
     * The lower triangle of syrkLower equals the product, by loops (limit −1), BLAS (0) and, for an
     * operand inside a larger array that ends before a whole leading dimension (inner), the GEMM fallback.
     */
    @ParameterizedTest
    @CsvSource({"false,0,false", "true,0,false", "false,-1,false", "true,-1,false", "false,0,true", "true,0,true"})
    void syrkLowerMatchesTheProduct(boolean trans, long limit, boolean inner) {
        Gemm.smallLimit = limit < 0 ? Long.MAX_VALUE : limit;
        SplittableRandom rng = new SplittableRandom(trans ? 5 : 6);
        int n = 6, k = 4, ld = inner ? 9 : (trans ? n : k), ldc = inner ? 8 : n;
        int ao = inner ? 2 : 0, co = inner ? 3 : 0;
        // inner: the operands are blocks of larger matrices whose last row is not whole
        double[] a = rand(rng, ao + ((trans ? k : n) - 1) * ld + (trans ? n : k));
        double[] c = rand(rng, co + (n - 1) * ldc + n);
        double[] before = c.clone();
        Gemm.syrkLower(trans, n, k, 1.5, a, ao, ld, 0.5, c, co, ldc);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += trans ? a[ao + p * ld + i] * a[ao + p * ld + j] : a[ao + i * ld + p] * a[ao + j * ld + p];
                }
                assertThat(c[co + i * ldc + j]).isCloseTo(0.5 * before[co + i * ldc + j] + 1.5 * s, within(1e-12));
            }
        }
    }
}
