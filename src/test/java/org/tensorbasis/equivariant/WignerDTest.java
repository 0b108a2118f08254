package org.tensorbasis.equivariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WignerDTest {
    static final int LMAX = 12;
    static final SphericalHarmonics SH = new SphericalHarmonics(LMAX);
    static final int N = SphericalHarmonics.size(LMAX);

    static Stream<Long> seeds() {
        return IntStream.range(0, 10).mapToObj(i -> 77L + 13 * i);
    }

    static double[] block(double[] y, int l) {
        double[] b = new double[2 * l + 1];
        System.arraycopy(y, l * l, b, 0, 2 * l + 1);
        return b;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void harmonicsOfRotatedVectorsAreRotatedHarmonics(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] r = Rotations.random(rng);
        double[][] d = WignerD.realAll(LMAX, r);
        double[] y = new double[N], yr = new double[N];
        double worst = 0;
        for (int t = 0; t < 5; t++) {
            double[] v = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double[] rv = Rotations.apply(r, v);
            SH.spherical(v[0], v[1], v[2], y, 0);
            SH.spherical(rv[0], rv[1], rv[2], yr, 0);
            for (int l = 0; l <= LMAX; l++) {
                double[] dy = WignerD.apply(d[l], block(y, l));
                for (int m = 0; m < 2 * l + 1; m++) worst = Math.max(worst, Math.abs(dy[m] - yr[l * l + m]));
            }
        }
        assertThat(worst).isLessThan(1e-12);
    }

    @Test
    void singleDegreeMatchesAll() {
        double[] r = Rotations.random(new SplittableRandom(3));
        double[][] all = WignerD.realAll(LMAX, r);
        for (int l : new int[] {0, 1, 5, 12}) {
            double[] d = WignerD.real(l, r);
            for (int i = 0; i < d.length; i++) assertThat(d[i]).isCloseTo(all[l][i], within(1e-13));
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void orthogonalAndHomomorphism(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] r1 = Rotations.random(rng), r2 = Rotations.random(rng);
        double[][] d1 = WignerD.realAll(LMAX, r1), d2 = WignerD.realAll(LMAX, r2);
        double[][] d12 = WignerD.realAll(LMAX, Rotations.multiply(r1, r2));
        for (int l = 0; l <= LMAX; l++) {
            int n = 2 * l + 1;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double dtd = 0, prod = 0;
                    for (int k = 0; k < n; k++) {
                        dtd += d1[l][k * n + i] * d1[l][k * n + j];
                        prod += d1[l][i * n + k] * d2[l][k * n + j];
                    }
                    assertThat(dtd).isCloseTo(i == j ? 1 : 0, within(1e-12));
                    assertThat(prod).isCloseTo(d12[l][i * n + j], within(1e-12));
                }
            }
        }
    }

    @Test
    void degreeOneIsThePermutedRotation() {
        double[] r = Rotations.random(new SplittableRandom(11));
        double[] d = WignerD.real(1, r);
        int[] p = {1, 2, 0}; // spherical m = −1, 0, 1 ↔ y, z, x
        for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) assertThat(d[3 * a + b]).isCloseTo(r[3 * p[a] + p[b]], within(1e-14));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void improperRotationsFollowTheParityRule(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] r = Rotations.random(rng);
        double[] q = Rotations.improper(r);
        assertThat(Rotations.det(q)).isCloseTo(-1, within(1e-12));
        double[] v = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
        double[] qv = Rotations.apply(q, v);
        double[] y = new double[N], yq = new double[N];
        SH.solid(v[0], v[1], v[2], y, 0);
        SH.solid(qv[0], qv[1], qv[2], yq, 0);
        for (int l = 0; l <= 6; l++) {
            // solid harmonics are proper tensors: σ = +1, parity (−1)^l
            double[] dy = WignerD.apply(Rotations.wignerImproper(l, 1, r), block(y, l));
            double[] dy2 = WignerD.apply(Rotations.wigner(l, 1, q), block(y, l));
            double[] wrong = WignerD.apply(Rotations.wigner(l, -1, q), block(y, l));
            double scale = 1 + Math.pow(v[0] * v[0] + v[1] * v[1] + v[2] * v[2], l / 2.0);
            for (int m = 0; m < 2 * l + 1; m++) {
                assertThat(dy[m]).isCloseTo(yq[l * l + m], within(1e-12 * scale));
                assertThat(dy2[m]).isCloseTo(yq[l * l + m], within(1e-12 * scale));
                assertThat(wrong[m]).isCloseTo(-yq[l * l + m], within(1e-12 * scale));
            }
        }
        assertThatThrownBy(() -> WignerD.real(2, q)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomRotationsAreUniformAndProper() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 20000;
        double[] mean = new double[9];
        double traceSq = 0;
        for (int s = 0; s < n; s++) {
            double[] r = Rotations.random(rng);
            assertThat(Rotations.det(r)).isCloseTo(1, within(1e-12));
            double[] rtr = Rotations.multiply(Rotations.transpose(r), r);
            for (int i = 0; i < 9; i++) assertThat(rtr[i]).isCloseTo(i % 4 == 0 ? 1 : 0, within(1e-12));
            for (int i = 0; i < 9; i++) mean[i] += r[i] / n;
            double tr = r[0] + r[4] + r[8];
            traceSq += tr * tr / n;
        }
        // Haar measure: E[R] = 0 and E[tr(R)²] = 1 (the character of l = 1 is orthonormal)
        for (int i = 0; i < 9; i++) assertThat(mean[i]).isCloseTo(0, within(0.03));
        assertThat(traceSq).isCloseTo(1, within(0.05));
    }

    @Test
    void gaussLegendreIntegratesPolynomials() {
        double[] x = new double[7], w = new double[7];
        WignerD.gaussLegendre(7, x, w);
        for (int k = 0; k <= 13; k++) {
            double s = 0;
            for (int i = 0; i < 7; i++) s += w[i] * Math.pow(x[i], k);
            assertThat(s).isCloseTo(k % 2 == 1 ? 0 : 2.0 / (k + 1), within(1e-14));
        }
    }
}
