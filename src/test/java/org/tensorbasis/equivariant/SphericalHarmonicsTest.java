package org.tensorbasis.equivariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SphericalHarmonicsTest {
    static final int LMAX = 12;
    static final SphericalHarmonics SH = new SphericalHarmonics(LMAX);
    static final int N = SphericalHarmonics.size(LMAX);

    static Stream<Long> seeds() {
        return IntStream.range(0, 20).mapToObj(i -> 1000L + i);
    }

    static double[] randomVector(SplittableRandom rng) {
        double[] v = new double[3];
        for (int k = 0; k < 3; k++) v[k] = rng.nextDouble(-2, 2);
        return v;
    }

    @Test
    void sizeAndIndex() {
        assertThat(SphericalHarmonics.size(12)).isEqualTo(169);
        assertThat(SphericalHarmonics.index(3, -2)).isEqualTo(10);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void lowDegreesMatchClosedForms(long seed) {
        double[] v = randomVector(new SplittableRandom(seed));
        double x = v[0], y = v[1], z = v[2], r2 = x * x + y * y + z * z;
        double[] out = new double[N];
        SH.solid(x, y, z, out, 0);
        double c1 = Math.sqrt(3 / (4 * Math.PI));
        double c2 = 0.5 * Math.sqrt(15 / Math.PI);
        double[] expected = {
            1 / Math.sqrt(4 * Math.PI),
            c1 * y, c1 * z, c1 * x,
            c2 * x * y, c2 * y * z, 0.25 * Math.sqrt(5 / Math.PI) * (3 * z * z - r2), c2 * x * z,
            0.5 * c2 * (x * x - y * y)};
        for (int i = 0; i < expected.length; i++) assertThat(out[i]).as("idx %d", i).isCloseTo(expected[i], within(1e-14));
    }

    /** Orthonormality by exact quadrature: Gauss–Legendre in cos θ × uniform φ, exact to degree 2·LMAX. */
    @Test
    void orthonormalByQuadrature() {
        int nt = LMAX + 2, np = 2 * LMAX + 3;
        GaussIntegrator gl = new GaussIntegratorFactory().legendreHighPrecision(nt, -1, 1);
        double[] gram = new double[N * N];
        double[] y = new double[N];
        for (int i = 0; i < nt; i++) {
            double ct = gl.getPoint(i), st = Math.sqrt(1 - ct * ct);
            for (int j = 0; j < np; j++) {
                double phi = 2 * Math.PI * j / np, w = gl.getWeight(i) * 2 * Math.PI / np;
                SH.spherical(st * Math.cos(phi), st * Math.sin(phi), ct, y, 0);
                for (int a = 0; a < N; a++) for (int b = 0; b < N; b++) gram[a * N + b] += w * y[a] * y[b];
            }
        }
        double maxErr = 0;
        for (int a = 0; a < N; a++) for (int b = 0; b < N; b++) maxErr = Math.max(maxErr, Math.abs(gram[a * N + b] - (a == b ? 1 : 0)));
        assertThat(maxErr).isLessThan(1e-13);
    }

    static double legendre(int l, double t) {
        double p0 = 1, p1 = t;
        if (l == 0) return 1;
        for (int k = 2; k <= l; k++) {
            double p = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p;
        }
        return p1;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void additionTheorem(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = randomVector(rng), v = randomVector(rng);
        double[] yu = new double[N], yv = new double[N];
        SH.spherical(u[0], u[1], u[2], yu, 0);
        SH.spherical(v[0], v[1], v[2], yv, 0);
        double cos = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / Math.sqrt((u[0] * u[0] + u[1] * u[1] + u[2] * u[2]) * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]));
        for (int l = 0; l <= LMAX; l++) {
            double s = 0;
            for (int m = -l; m <= l; m++) s += yu[l * l + l + m] * yv[l * l + l + m];
            double scale = (2 * l + 1) / (4 * Math.PI);
            assertThat(s / scale).as("l=%d", l).isCloseTo(legendre(l, cos), within(1e-12));
        }
    }

    /** Fixes the sign of every (l, m): no Condon–Shortley phase, Y_l,−m(φ) = Y_lm(φ − π/2m). */
    @Test
    void signAndPhaseConvention() {
        double[] y = new double[N], y2 = new double[N];
        double th = 0.01; // below the first zero of every P_l^m, l ≤ 12
        SH.spherical(Math.sin(th), 0, Math.cos(th), y, 0);
        for (int l = 0; l <= LMAX; l++) for (int m = 0; m <= l; m++) assertThat(y[l * l + l + m]).as("l=%d m=%d", l, m).isPositive();
        double phi = 0.7;
        th = 0.8;
        SH.spherical(Math.sin(th) * Math.cos(phi), Math.sin(th) * Math.sin(phi), Math.cos(th), y, 0);
        for (int l = 1; l <= LMAX; l++) {
            for (int m = 1; m <= l; m++) {
                double p = phi - Math.PI / (2 * m);
                SH.spherical(Math.sin(th) * Math.cos(p), Math.sin(th) * Math.sin(p), Math.cos(th), y2, 0);
                assertThat(y[l * l + l - m]).as("l=%d m=%d", l, m).isCloseTo(y2[l * l + l + m], within(1e-13));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void solidIsHomogeneousAndMatchesSpherical(long seed) {
        double[] v = randomVector(new SplittableRandom(seed));
        double r = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        double[] s = new double[N], y = new double[N];
        SH.solid(v[0], v[1], v[2], s, 0);
        SH.spherical(v[0], v[1], v[2], y, 0);
        for (int l = 0; l <= LMAX; l++) {
            for (int i = l * l; i < (l + 1) * (l + 1); i++) {
                assertThat(s[i]).isCloseTo(Math.pow(r, l) * y[i], within(1e-12 * Math.pow(r, l)));
            }
        }
    }

    @Test
    void originIsFinite() {
        double[] s = new double[N + 3], g = new double[3 * N + 5];
        SH.solidWithGradient(0, 0, 0, s, 3, g, 5);
        assertThat(s[3]).isCloseTo(1 / Math.sqrt(4 * Math.PI), within(1e-16));
        for (int i = 1; i < N; i++) assertThat(s[3 + i]).isZero();
        // gradients of the l = 1 harmonics are constant; the others vanish at the origin
        assertThat(g[5 + 3 * 1 + 1]).isCloseTo(Math.sqrt(3 / (4 * Math.PI)), within(1e-16));
        SH.sphericalWithGradient(0, 0, 0, s, 3, g, 5);
        assertThat(s[3]).isCloseTo(1 / Math.sqrt(4 * Math.PI), within(1e-16));
        for (int i = 1; i < N; i++) assertThat(s[3 + i]).isZero();
        for (int i = 0; i < 3 * N; i++) assertThat(g[5 + i]).isZero();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void solidGradientMatchesFiniteDifferences(long seed) {
        checkGradient(new SplittableRandom(seed), true);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void sphericalGradientMatchesFiniteDifferences(long seed) {
        checkGradient(new SplittableRandom(seed), false);
    }

    private static void checkGradient(SplittableRandom rng, boolean solid) {
        double[] v = randomVector(rng);
        double[] val = new double[N], grad = new double[3 * N], p = new double[N], m = new double[N];
        if (solid) SH.solidWithGradient(v[0], v[1], v[2], val, 0, grad, 0);
        else SH.sphericalWithGradient(v[0], v[1], v[2], val, 0, grad, 0);
        double[] ref = new double[N];
        if (solid) SH.solid(v[0], v[1], v[2], ref, 0);
        else SH.spherical(v[0], v[1], v[2], ref, 0);
        for (int i = 0; i < N; i++) assertThat(val[i]).isCloseTo(ref[i], within(1e-13 * (1 + Math.abs(ref[i]))));
        double h = 1e-5;
        for (int k = 0; k < 3; k++) {
            double[] vp = v.clone(), vm = v.clone();
            vp[k] += h;
            vm[k] -= h;
            if (solid) {
                SH.solid(vp[0], vp[1], vp[2], p, 0);
                SH.solid(vm[0], vm[1], vm[2], m, 0);
            } else {
                SH.spherical(vp[0], vp[1], vp[2], p, 0);
                SH.spherical(vm[0], vm[1], vm[2], m, 0);
            }
            for (int l = 0; l <= LMAX; l++) {
                double scale = 0; // per-degree scale of the gradient
                for (int i = l * l; i < (l + 1) * (l + 1); i++) for (int q = 0; q < 3; q++) scale = Math.max(scale, Math.abs(grad[3 * i + q]));
                for (int i = l * l; i < (l + 1) * (l + 1); i++) {
                    double fd = (p[i] - m[i]) / (2 * h);
                    assertThat(grad[3 * i + k]).as("l=%d idx=%d k=%d", l, i, k).isCloseTo(fd, within(1e-6 * Math.max(scale, 1e-300) + 1e-12));
                }
            }
        }
    }

    @Test
    void batchMatchesSingle() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 5;
        double[] xyz = new double[3 * n];
        for (int i = 0; i < 3 * n; i++) xyz[i] = rng.nextDouble(-1, 1);
        SphericalHarmonics sh = new SphericalHarmonics(4);
        int sz = SphericalHarmonics.size(4);
        double[] out = new double[n * sz], grad = new double[3 * n * sz], y = new double[n * sz], gy = new double[3 * n * sz];
        sh.solidWithGradient(n, xyz, out, grad);
        sh.sphericalWithGradient(n, xyz, y, gy);
        double[] one = new double[sz], g1 = new double[3 * sz];
        double[] solidOnly = new double[n * sz], sphOnly = new double[n * sz];
        sh.solid(n, xyz, solidOnly);
        sh.spherical(n, xyz, sphOnly);
        for (int i = 0; i < n; i++) {
            sh.solidWithGradient(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], one, 0, g1, 0);
            for (int j = 0; j < sz; j++) {
                assertThat(out[i * sz + j]).isEqualTo(one[j]);
                assertThat(solidOnly[i * sz + j]).isCloseTo(one[j], within(1e-14));
            }
            for (int j = 0; j < 3 * sz; j++) assertThat(grad[3 * i * sz + j]).isEqualTo(g1[j]);
            sh.sphericalWithGradient(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], one, 0, g1, 0);
            for (int j = 0; j < sz; j++) {
                assertThat(y[i * sz + j]).isEqualTo(one[j]);
                assertThat(sphOnly[i * sz + j]).isCloseTo(one[j], within(1e-14));
            }
            for (int j = 0; j < 3 * sz; j++) assertThat(gy[3 * i * sz + j]).isEqualTo(g1[j]);
        }
    }
}
