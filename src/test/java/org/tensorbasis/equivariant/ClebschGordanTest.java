package org.tensorbasis.equivariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClebschGordanTest {

    @Test
    void complexValuesMatchTables() {
        assertThat(ClebschGordan.complexCG(1, 0, 1, 0, 0)).isCloseTo(-1 / Math.sqrt(3), within(1e-16));
        assertThat(ClebschGordan.complexCG(1, 1, 1, -1, 2)).isCloseTo(1 / Math.sqrt(6), within(1e-16));
        assertThat(ClebschGordan.complexCG(1, 0, 1, 0, 2)).isCloseTo(Math.sqrt(2.0 / 3), within(1e-16));
        assertThat(ClebschGordan.complexCG(1, 1, 1, 0, 1)).isCloseTo(1 / Math.sqrt(2), within(1e-16));
        assertThat(ClebschGordan.complexCG(2, 0, 2, 0, 0)).isCloseTo(1 / Math.sqrt(5), within(1e-16));
        assertThat(ClebschGordan.complexCG(2, 1, 1, -1, 1)).isCloseTo(Math.sqrt(3.0 / 10), within(1e-16));
        // stretched coupling ⟨l l l l | 2l 2l⟩ = 1 at the largest degrees
        assertThat(ClebschGordan.complexCG(12, 12, 12, 12, 24)).isCloseTo(1, within(1e-15));
    }

    static Stream<Arguments> pairsUpTo12() {
        List<Arguments> a = new ArrayList<>();
        for (int l1 = 0; l1 <= 12; l1++) for (int l2 = 0; l2 <= 12; l2++) a.add(Arguments.of(l1, l2));
        return a.stream();
    }

    /** Σ_{m1 m2} C^{LM} C^{L'M'} = δδ and Σ_{L M} C_{m1 m2} C_{m1' m2'} = δδ for every L up to 12. */
    @ParameterizedTest
    @MethodSource("pairsUpTo12")
    void orthogonalityRelations(int l1, int l2) {
        int n1 = 2 * l1 + 1, n2 = 2 * l2 + 1;
        int lo = Math.abs(l1 - l2), hi = Math.min(l1 + l2, 12);
        int rows = 0;
        for (int L = lo; L <= hi; L++) rows += 2 * L + 1;
        double[][] m = new double[rows][n1 * n2];
        int r = 0;
        for (int L = lo; L <= hi; L++) {
            ClebschGordan cg = ClebschGordan.of(l1, l2, L);
            for (int M = -L; M <= L; M++, r++) {
                for (int m1 = -l1; m1 <= l1; m1++) for (int m2 = -l2; m2 <= l2; m2++) m[r][(m1 + l1) * n2 + m2 + l2] = cg.coefficient(m1, m2, M);
            }
        }
        // Gram matrices with one assertion each (AssertJ in the inner loop dominated the run time)
        double worst = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                double[] mi = m[i], mj = m[j];
                for (int k = 0; k < n1 * n2; k++) s += mi[k] * mj[k];
                worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        assertThat(worst).as("orthonormal rows").isLessThan(1e-13);
        if (l1 + l2 <= 12) { // complete: the rows span the whole product space
            assertThat(rows).isEqualTo(n1 * n2);
            double[] acc = new double[n1 * n2];
            worst = 0;
            for (int a = 0; a < n1 * n2; a++) {
                java.util.Arrays.fill(acc, 0.0);
                for (int i = 0; i < rows; i++) {
                    double x = m[i][a];
                    if (x == 0) continue;
                    for (int b = 0; b < n1 * n2; b++) acc[b] += x * m[i][b];
                }
                for (int b = 0; b < n1 * n2; b++) worst = Math.max(worst, Math.abs(acc[b] - (a == b ? 1 : 0)));
            }
            assertThat(worst).as("completeness").isLessThan(1e-13);
        }
    }

    static Stream<Arguments> triplesUpTo6() {
        List<Arguments> a = new ArrayList<>();
        for (int l1 = 0; l1 <= 6; l1++) for (int l2 = 0; l2 <= 6; l2++) for (int L = Math.abs(l1 - l2); L <= l1 + l2; L++) a.add(Arguments.of(l1, l2, L));
        return a.stream();
    }

    static double[] random(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    @ParameterizedTest
    @MethodSource("triplesUpTo6")
    void couplingIsEquivariant(int l1, int l2, int L) {
        SplittableRandom rng = new SplittableRandom(31L * (l1 * 100 + l2 * 10 + L));
        ClebschGordan cg = ClebschGordan.of(l1, l2, L);
        int lm = Math.max(L, Math.max(l1, l2));
        for (int t = 0; t < 2; t++) {
            double[] rot = Rotations.random(rng);
            double[][] d = WignerD.realAll(lm, rot);
            double[] a = random(rng, 2 * l1 + 1), b = random(rng, 2 * l2 + 1);
            double[] ab = new double[2 * L + 1], rab = new double[2 * L + 1];
            cg.couple(a, 0, b, 0, ab, 0);
            cg.couple(WignerD.apply(d[l1], a), 0, WignerD.apply(d[l2], b), 0, rab, 0);
            double[] expected = WignerD.apply(d[L], ab);
            for (int M = 0; M <= 2 * L; M++) assertThat(rab[M]).isCloseTo(expected[M], within(1e-12));
            // inversion: l-vectors of proper tensors pick up (−1)^l; the product has parity (−1)^(l1+l2)
            double[] ia = a.clone(), ib = b.clone(), iab = new double[2 * L + 1];
            for (int i = 0; i < ia.length; i++) ia[i] *= (l1 & 1) == 0 ? 1 : -1;
            for (int i = 0; i < ib.length; i++) ib[i] *= (l2 & 1) == 0 ? 1 : -1;
            cg.couple(ia, 0, ib, 0, iab, 0);
            double sign = ((l1 + l2) & 1) == 0 ? 1 : -1;
            for (int M = 0; M <= 2 * L; M++) assertThat(iab[M]).isCloseTo(sign * ab[M], within(1e-12));
        }
    }

    /** [u ⊗ v]^1 = (u × v)/√2 and [u ⊗ v]^0 = −(u · v)/√3 in the (y, z, x) layout. */
    @ParameterizedTest
    @MethodSource("seeds")
    void parityRuleCrossAndDotProducts(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = random(rng, 3), v = random(rng, 3); // Cartesian x, y, z
        double[] su = {u[1], u[2], u[0]}, sv = {v[1], v[2], v[0]};
        double[] c = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
        double[] out1 = new double[3], out0 = new double[1];
        ClebschGordan.of(1, 1, 1).couple(su, 0, sv, 0, out1, 0);
        ClebschGordan.of(1, 1, 0).couple(su, 0, sv, 0, out0, 0);
        double[] sc = {c[1], c[2], c[0]};
        for (int i = 0; i < 3; i++) assertThat(out1[i]).isCloseTo(sc[i] / Math.sqrt(2), within(1e-14));
        double dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
        assertThat(out0[0]).isCloseTo(-dot / Math.sqrt(3), within(1e-14));
        // [u ⊗ u]^1 = 0: the antisymmetric coupling of equal vectors vanishes
        ClebschGordan.of(1, 1, 1).couple(su, 0, su, 0, out1, 0);
        for (int i = 0; i < 3; i++) assertThat(out1[i]).isCloseTo(0, within(1e-15));
    }

    static Stream<Long> seeds() {
        return IntStream.range(0, 10).mapToObj(i -> 500L + i);
    }

    /** The maximal coupling of solid harmonics of one vector is again a solid harmonic of it (up to a constant). */
    @Test
    void maximalCouplingOfSolidHarmonicsIsSolidHarmonic() {
        SphericalHarmonics sh = new SphericalHarmonics(8);
        SplittableRandom rng = new SplittableRandom(2);
        for (int l1 = 0; l1 <= 4; l1++) {
            for (int l2 = 0; l2 <= 4; l2++) {
                int L = l1 + l2;
                double ratio = Double.NaN;
                for (int t = 0; t < 3; t++) {
                    double[] r = random(rng, 3), y = new double[81], out = new double[2 * L + 1];
                    sh.solid(r[0], r[1], r[2], y, 0);
                    ClebschGordan.of(l1, l2, L).couple(y, l1 * l1, y, l2 * l2, out, 0);
                    for (int M = 0; M <= 2 * L; M++) {
                        double rt = out[M] / y[L * L + M];
                        if (Double.isNaN(ratio)) ratio = rt;
                        assertThat(rt).isCloseTo(ratio, within(1e-10 * Math.abs(ratio)));
                    }
                }
                // Gaunt: the constant is sqrt((2l1+1)(2l2+1)/(4π(2L+1))) |⟨l1 0 l2 0|L 0⟩|
                double gaunt = Math.sqrt((2 * l1 + 1) * (2 * l2 + 1) / (4 * Math.PI * (2 * L + 1))) * ClebschGordan.complexCG(l1, 0, l2, 0, L);
                assertThat(Math.abs(ratio)).isCloseTo(Math.abs(gaunt), within(1e-13));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("triplesUpTo6")
    void backwardMatchesFiniteDifferencesAndKernelsAgree(int l1, int l2, int L) {
        SplittableRandom rng = new SplittableRandom(l1 * 1000 + l2 * 37 + L);
        ClebschGordan cg = ClebschGordan.of(l1, l2, L);
        int na = 2 * l1 + 1, nb = 2 * l2 + 1, nL = 2 * L + 1;
        double[] a = random(rng, na + 2), b = random(rng, nb + 1), g = random(rng, nL + 3);
        double[] out = new double[nL + 4];
        java.util.Arrays.fill(out, 99.0);
        cg.couple(a, 2, b, 1, out, 4 - 0);
        // couple overwrites, coupleAdd accumulates
        double[] acc = new double[nL + 4];
        java.util.Arrays.fill(acc, 1.0);
        cg.coupleAdd(a, 2, b, 1, acc, 4 - 0, 2.0);
        for (int M = 0; M < nL; M++) assertThat(acc[4 + M]).isCloseTo(1 + 2 * out[4 + M], within(1e-12));
        assertThat(out[0]).isEqualTo(99.0);
        double[] ga = new double[na + 2], gb = new double[nb + 1];
        ga[0] = 5; // offsets respected, accumulation
        cg.backward(a, 2, b, 1, g, 3, ga, 2, gb, 1);
        assertThat(ga[0]).isEqualTo(5);
        // loss = Σ_M g_M [a ⊗ b]_M is bilinear, so central differences are exact up to round-off
        double h = 1e-6;
        for (int i = 0; i < na; i++) {
            double[] ap = a.clone(), am = a.clone();
            ap[2 + i] += h;
            am[2 + i] -= h;
            double fd = (loss(cg, ap, b, g) - loss(cg, am, b, g)) / (2 * h);
            assertThat(ga[2 + i]).isCloseTo(fd, within(1e-8));
        }
        for (int i = 0; i < nb; i++) {
            double[] bp = b.clone(), bm = b.clone();
            bp[1 + i] += h;
            bm[1 + i] -= h;
            double fd = (loss(cg, a, bp, g) - loss(cg, a, bm, g)) / (2 * h);
            assertThat(gb[1 + i]).isCloseTo(fd, within(1e-8));
        }
    }

    private static double loss(ClebschGordan cg, double[] a, double[] b, double[] g) {
        double[] out = new double[2 * cg.L() + 1];
        cg.couple(a, 2, b, 1, out, 0);
        double s = 0;
        for (int M = 0; M < out.length; M++) s += g[3 + M] * out[M];
        return s;
    }

    @Test
    void triangleRuleAndCache() {
        assertThatThrownBy(() -> ClebschGordan.of(1, 1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClebschGordan.of(3, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClebschGordan.of(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClebschGordan.of(2, 3, 4)).isSameAs(ClebschGordan.of(2, 3, 4));
        assertThat(ClebschGordan.of(1, 1, 2).nonZeros()).isLessThan(27);
    }

    @Test
    void batchKernelsMatchSingle() {
        SplittableRandom rng = new SplittableRandom(8);
        ClebschGordan cg = ClebschGordan.of(2, 3, 4);
        int n = 4, as = 7, bs = 9, os = 11;
        double[] a = random(rng, n * as + 1), b = random(rng, n * bs + 2), g = random(rng, n * os + 3);
        double[] out = new double[n * os + 3];
        cg.couple(n, a, 1, as, b, 2, bs, out, 3, os);
        double[] ga = new double[a.length], gb = new double[b.length];
        cg.backward(n, a, 1, as, b, 2, bs, g, 3, os, ga, 1, gb, 2);
        for (int r = 0; r < n; r++) {
            double[] o = new double[9], ga1 = new double[5], gb1 = new double[7];
            cg.couple(a, 1 + r * as, b, 2 + r * bs, o, 0);
            cg.backward(a, 1 + r * as, b, 2 + r * bs, g, 3 + r * os, ga1, 0, gb1, 0);
            for (int M = 0; M < 9; M++) assertThat(out[3 + r * os + M]).isEqualTo(o[M]);
            for (int i = 0; i < 5; i++) assertThat(ga[1 + r * as + i]).isEqualTo(ga1[i]);
            for (int i = 0; i < 7; i++) assertThat(gb[2 + r * bs + i]).isEqualTo(gb1[i]);
        }
    }
}
