package org.tensorbasis.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CholeskyTest {
    /** A well-conditioned SPD matrix M Mᵀ / n + I, row-major. */
    private static double[] spd(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] m = new double[n * n];
        for (int i = 0; i < m.length; i++) m[i] = rng.nextGaussian();
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
                a[i * n + j] = s / n + (i == j ? 1 : 0);
            }
        }
        return a;
    }

    @Test
    void oneByOne() {
        double[] a = {4};
        assertThat(Cholesky.factor(a, 1)).isTrue();
        assertThat(a[0]).isEqualTo(2.0);
        double[] x = {6};
        Cholesky.solve(a, 1, x);
        assertThat(x[0]).isEqualTo(1.5);
    }

    /** 5: one diagonal block; 200: three blocks of at most 96, with panels and trailing updates. */
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 96, 97, 200})
    void factorReproducesTheMatrixAndSolveRecoversTheSolution(int n) {
        double[] a = spd(n, 11 + n);
        double[] l = a.clone();
        assertThat(Cholesky.factor(l, n)).isTrue();
        for (int i = 0; i < n; i++) {
            assertThat(l[i * n + i]).isPositive();
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k <= j; k++) s += l[i * n + k] * l[j * n + k];
                assertThat(s).as("(L Lᵀ)[%d][%d]", i, j).isCloseTo(a[i * n + j], within(1e-12 * n));
            }
        }
        SplittableRandom rng = new SplittableRandom(5);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextDouble(-1, 1);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) b[i] += a[i * n + j] * x[j];
        }
        Cholesky.solve(l, n, b);
        for (int i = 0; i < n; i++) assertThat(b[i]).as("x[%d]", i).isCloseTo(x[i], within(1e-10));
    }

    @Test
    void indefiniteMatricesAreRejected() {
        assertThat(Cholesky.factor(new double[] {1, 2, 2, 1}, 2)).isFalse();
        assertThat(Cholesky.factor(new double[] {0}, 1)).isFalse();
        assertThat(Cholesky.factor(new double[] {-1}, 1)).isFalse();
        // negative direction found only in the third block of the blocked path
        int n = 200;
        double[] a = spd(n, 3);
        for (int j = 0; j < n; j++) {
            a[199 * n + j] = a[j * n + 199] = 0;
        }
        a[199 * n + 199] = -1;
        assertThat(Cholesky.factor(a, n)).isFalse();
    }

    @Test
    void aNaNIsNotPositiveDefinite() {
        assertThat(Cholesky.factor(new double[] {Double.NaN}, 1)).isFalse();
    }
    /** L Z = B for many right-hand sides (BLAS dtrsm above the small limit, loops below) and Lᵀ x = b, against L · Z. */
    @ParameterizedTest
    @ValueSource(ints = {3, 40, 200})
    void triangularSolvesInvertTheFactor(int n) {
        double[] l = spd(n, 3 + n);
        assertThat(Cholesky.factor(l, n)).isTrue();
        int cols = 7, off = 5;
        SplittableRandom rng = new SplittableRandom(n);
        double[] z = new double[n * cols];
        for (int k = 0; k < z.length; k++) z[k] = rng.nextGaussian();
        double[] b = new double[off + n * cols];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int k = 0; k <= i; k++) s += l[i * n + k] * z[k * cols + c];
                b[off + i * cols + c] = s;
            }
        }
        Cholesky.forwardColumns(l, n, b, off, cols);
        for (int k = 0; k < z.length; k++) assertThat(b[off + k]).as("Z[%d]", k).isCloseTo(z[k], within(1e-10));
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
        for (int i = 0; i < n; i++) for (int k = i; k < n; k++) y[i] += l[k * n + i] * x[k];
        Cholesky.backward(l, n, y);
        for (int i = 0; i < n; i++) assertThat(y[i]).isCloseTo(x[i], within(1e-10));
    }
}
