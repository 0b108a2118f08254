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
}
