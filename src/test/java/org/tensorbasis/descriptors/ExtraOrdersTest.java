package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.special.BesselJ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.BadInputException;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.equivariant.WignerD;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/** Expansion orders above max_angular (expansion-only blocks for the λ basis of high-λ targets). */
class ExtraOrdersTest {
    static final int LMAX = 12;
    static final SphericalExpansion BASE = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES));
    static final SphericalExpansion EXT = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES), LMAX);

    static Stream<Long> seeds() {
        return IntStream.range(0, 6).mapToObj(i -> 777L + i);
    }

    @Test
    void radialFunctionsForExtraOrdersFollowTheSameRule() {
        RadialBasis rb = new RadialBasis(5.0, 7, 6, LMAX);
        // the rule z_nl ≤ 8π leaves at least one function for every l ≤ 19 at the defaults
        assertThat(rb.nPerL()).containsExactly(8, 7, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3);
        double zmax = 8 * Math.PI;
        for (int l = 0; l <= LMAX; l++) {
            int n = rb.nPerL(l);
            assertThat(rb.zero(l, n - 1)).as("l = %d", l).isLessThanOrEqualTo(zmax);
            double[][] z = SphericalBessel.zeros(l, n + 1);
            assertThat(z[l][n]).as("next zero of l = %d", l).isGreaterThan(zmax);
        }
        assertThat(rb.maxAngular()).isEqualTo(6);
        assertThat(rb.maxL()).isEqualTo(LMAX);
        assertThat(rb.size(6)).isEqualTo(44);
        assertThat(rb.size()).isEqualTo(44 + 4 + 4 + 4 + 3 + 3 + 3);
        // at the defaults the rule first gives no function at l = 20: that order keeps its first zero
        RadialBasis r20 = new RadialBasis(5.0, 7, 6, 20);
        assertThat(r20.zero(19, 0)).isLessThan(zmax);
        assertThat(r20.zero(20, 0)).isGreaterThan(zmax);
        assertThat(r20.nPerL(20)).isEqualTo(1);
    }

    @Test
    void extraOrderWithoutFunctionByTheRuleKeepsItsFirstZero() {
        // max_radial 3: 4π ≈ 12.57; j_7's first zero ≈ 11.66 is below it, j_8's ≈ 12.79 above
        RadialBasis rb = new RadialBasis(5.0, 3, 2, LMAX);
        assertThat(rb.nPerL()).containsExactly(4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1);
        assertThat(rb.zero(7, 0)).isLessThan(4 * Math.PI);
        for (int l = 8; l <= LMAX; l++) {
            double z = rb.zero(l, 0);
            assertThat(z).isGreaterThan(4 * Math.PI);
            // a zero of j_l(x) = sqrt(π/2x) J_{l+1/2}(x), checked independently
            assertThat(Math.abs(BesselJ.value(l + 0.5, z))).as("l = %d", l).isLessThan(1e-12);
            assertThat(Math.abs(BesselJ.value(l + 0.5, z - 0.5))).isGreaterThan(1e-3);
        }
        assertThat(rb.exact(12, 0, 2.0)).isNotZero();
        // for l ≤ max_angular the rule is still strict
        assertThatThrownBy(() -> new RadialBasis(5.0, 3, 9, LMAX)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("no radial function for l = 8");
        assertThatThrownBy(() -> new RadialBasis(5.0, 7, 6, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void baseFunctionsAndTableUnchangedByExtraOrders() {
        RadialBasis a = new RadialBasis(5.0, 7, 6), b = new RadialBasis(5.0, 7, 6, LMAX);
        assertThat(b.tableIntervals()).isEqualTo(a.tableIntervals());
        assertThat(a.extraTableIntervals()).isZero();
        assertThat(b.extraTableIntervals()).isPositive();
        for (int l = 0; l <= 6; l++) {
            assertThat(b.offset(l)).isEqualTo(a.offset(l));
            for (int n = 0; n < a.nPerL(l); n++) {
                assertThat(b.zero(l, n)).isEqualTo(a.zero(l, n));
                assertThat(b.normalization(l, n)).isEqualTo(a.normalization(l, n));
            }
        }
        SplittableRandom rng = new SplittableRandom(5);
        double[] va = new double[a.size()], vb = new double[b.size()], vp = new double[b.size(8) + 3];
        for (int s = 0; s < 500; s++) {
            double r = 5.2 * rng.nextDouble();
            a.evaluate(r, va, 0);
            b.evaluate(r, vb, 0);
            for (int f = 0; f < a.size(); f++) assertThat(vb[f]).isEqualTo(va[f]);
            // the l ≤ 8 prefix only, at an offset
            b.evaluate(r, vp, 3, 8);
            for (int f = 0; f < b.size(8); f++) assertThat(vp[3 + f]).isEqualTo(vb[f]);
        }
    }

    @Test
    void extraTableWithinToleranceAndOrthonormal() {
        RadialBasis rb = new RadialBasis(5.0, 7, 6, LMAX);
        double[] v = new double[rb.size()], v2 = new double[rb.size()], d = new double[rb.size()];
        SplittableRandom rng = new SplittableRandom(11);
        double worst = 0, worstD = 0;
        for (int s = 0; s < 3000; s++) {
            double r = s < 2 ? new double[] {0.0, 5.0 - 1e-12}[s] : 5.0 * rng.nextDouble();
            rb.evaluate(r, v, 0);
            rb.evaluateWithDerivative(r, v2, d, 0);
            for (int l = 7; l <= LMAX; l++) {
                for (int n = 0; n < rb.nPerL(l); n++) {
                    int f = rb.offset(l) + n;
                    worst = Math.max(worst, Math.abs(v[f] - rb.exact(l, n, r)));
                    assertThat(v2[f]).isEqualTo(v[f]);
                    double hfd = 1e-5;
                    if (r > 2 * hfd && r < 5.0 - 2 * hfd) {
                        double fd = (rb.exact(l, n, r + hfd) - rb.exact(l, n, r - hfd)) / (2 * hfd);
                        worstD = Math.max(worstD, Math.abs(d[f] - fd));
                    }
                }
            }
        }
        assertThat(worst).isLessThan(RadialBasis.TABLE_TOLERANCE);
        assertThat(worstD).isLessThan(1e-5);
        System.out.printf("extra radial table (l 7..12): %d intervals, max |error| %.2e%n", rb.extraTableIntervals(), worst);
        IterativeLegendreGaussIntegrator gl = new IterativeLegendreGaussIntegrator(32, 1e-14, 1e-14);
        for (int l = 7; l <= LMAX; l += 5) {
            for (int n = 0; n < rb.nPerL(l); n++) {
                for (int n2 = n; n2 < rb.nPerL(l); n2++) {
                    final int ll = l, a = n, b = n2;
                    double ov = gl.integrate(100000, r -> rb.exact(ll, a, r) * rb.exact(ll, b, r) * r * r, 0, 5.0);
                    assertThat(Math.abs(ov - (a == b ? 1 : 0))).as("l=%d n=%d n'=%d", l, a, b).isLessThan(1e-10);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PowerSpectrumForm.class)
    void powerSpectrumAndLowBlocksBitIdentical(PowerSpectrumForm form) {
        DescriptorSettings st = DescriptorSettings.defaults(Geometry.SPECIES).withForm(form);
        SphericalExpansion a = new SphericalExpansion(st), b = new SphericalExpansion(st, LMAX);
        assertThat(b.powerSpectrumSize()).isEqualTo(a.powerSpectrumSize());
        assertThat(b.maxAngular()).isEqualTo(6);
        assertThat(b.maxExpansionL()).isEqualTo(LMAX);
        assertThat(a.maxExpansionL()).isEqualTo(6);
        SplittableRandom rng = new SplittableRandom(99);
        for (int t = 0; t < 4; t++) {
            Structure s = t < 3 ? Geometry.molecule(rng, 14, 6.0) : periodic(rng);
            SphericalExpansion.Features fa = a.compute(s, 0, 1, 2, 6);
            SphericalExpansion.Features fb = b.compute(s, 0, 1, 2, 6);
            assertThat(fb.powerSpectrum()).isEqualTo(fa.powerSpectrum());
            for (int q = 0; q < 4; q++) assertThat(fb.expansions()[q]).isEqualTo(fa.expansions()[q]);
            // requesting extra orders changes none of the low ones either
            SphericalExpansion.Features fc = b.compute(s, 0, 1, 2, 6, 9, 12);
            assertThat(fc.powerSpectrum()).isEqualTo(fa.powerSpectrum());
            for (int q = 0; q < 4; q++) assertThat(fc.expansions()[q]).isEqualTo(fa.expansions()[q]);
        }
    }

    /** A small triclinic periodic cell with 8 atoms. */
    static Structure periodic(SplittableRandom rng) {
        Structure m = Geometry.molecule(rng, 8, 4.0);
        double[] c = {4.5, 0.3, 0.1, -0.2, 4.8, 0.4, 0.3, -0.1, 5.1};
        return m.withGeometry(m.positions(), new Cell(c, new boolean[] {true, true, true}));
    }

    @Test
    void expansionOnlyPathEqualsFullPath() {
        SplittableRandom rng = new SplittableRandom(3);
        Structure s = Geometry.molecule(rng, 17, 6.0);
        NeighborList nl = NeighborList.build(s, EXT.settings().cutoff());
        int n = s.size();
        SphericalExpansion.Workspace ws = EXT.newWorkspace();
        double[] ps = new double[n * EXT.powerSpectrumSize()];
        int[] ls = {1, 8, 12};
        double[][] full = new double[3][], only = new double[3][];
        for (int q = 0; q < 3; q++) {
            full[q] = new double[n * EXT.blockSize(ls[q])];
            only[q] = new double[n * EXT.blockSize(ls[q])];
        }
        EXT.compute(s, nl, ps, ls, full, ws);
        EXT.compute(s, nl, null, ls, only, ws);
        for (int q = 0; q < 3; q++) assertThat(only[q]).isEqualTo(full[q]);
        // alone, and after a call that needed fewer orders (buffers reused with another per-pair stride)
        double[][] one = {new double[n * EXT.blockSize(8)]};
        EXT.compute(s, nl, null, new int[] {2}, new double[][] {new double[n * EXT.blockSize(2)]}, ws);
        EXT.compute(s, nl, null, new int[] {8}, one, ws);
        assertThat(one[0]).isEqualTo(full[1]);
        assertThat(Geometry.maxAbs(full[2])).isGreaterThan(1e-3);
        assertThat(EXT.blockSize(12)).isEqualTo(4 * 3 * 25);
        assertThatThrownBy(() -> EXT.compute(s, 13)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..12");
        assertThatThrownBy(() -> BASE.compute(s, 7)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("larger maxExpansionL");
        assertThatThrownBy(() -> new SphericalExpansion(BASE.settings(), 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SphericalExpansion(BASE.settings(), SphericalExpansion.MAX_EXPANSION_L + 1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    /** ρ_l(QA) = (±1)^l D^l(R) ρ_l(A), l = 0..12, Q = R or −R. */
    @ParameterizedTest
    @MethodSource("seeds")
    void extraOrdersRotateWithWignerD(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Structure s = Geometry.molecule(rng, 15, 6.0);
        double[] rot = Rotations.random(rng);
        boolean improper = seed % 2 == 1;
        double[] q = improper ? Rotations.improper(rot) : rot;
        int[] ls = IntStream.rangeClosed(0, LMAX).toArray();
        SphericalExpansion.Features a = EXT.compute(s, ls), b = EXT.compute(Geometry.transform(s, q), ls);
        double[][] d = WignerD.realAll(LMAX, rot);
        for (int l = 0; l <= LMAX; l++) {
            int dm = 2 * l + 1;
            double sign = improper && l % 2 == 1 ? -1 : 1;
            double[] ea = a.expansions()[l], eb = b.expansions()[l];
            double worst = 0, scale = Geometry.maxAbs(ea);
            assertThat(scale).as("l = %d block non-zero", l).isGreaterThan(1e-3);
            for (int row = 0; row < ea.length / dm; row++) {
                for (int m = 0; m < dm; m++) {
                    double v = 0;
                    for (int mp = 0; mp < dm; mp++) v += d[l][m * dm + mp] * ea[row * dm + mp];
                    worst = Math.max(worst, Math.abs(eb[row * dm + m] - sign * v));
                }
            }
            assertThat(worst).as("l = %d", l).isLessThan(1e-12 * scale);
        }
    }

    /** Pure inversion: ρ_l(−A) = (−1)^l ρ_l(A) exactly, for every l up to 12. */
    @Test
    void parityOfExtraOrders() {
        SplittableRandom rng = new SplittableRandom(21);
        Structure s = Geometry.molecule(rng, 15, 6.0);
        double[] inv = {-1, 0, 0, 0, -1, 0, 0, 0, -1};
        int[] ls = IntStream.rangeClosed(7, LMAX).toArray();
        SphericalExpansion.Features a = EXT.compute(s, ls), b = EXT.compute(Geometry.transform(s, inv), ls);
        for (int q = 0; q < ls.length; q++) {
            double sign = ls[q] % 2 == 0 ? 1 : -1;
            double[] ea = a.expansions()[q], eb = b.expansions()[q];
            double worst = 0;
            for (int k = 0; k < ea.length; k++) worst = Math.max(worst, Math.abs(eb[k] - sign * ea[k]));
            assertThat(worst).as("l = %d", ls[q]).isLessThan(1e-13 * Geometry.maxAbs(ea));
        }
    }

    @Test
    void featureCacheAcceptsOrdersUpToTheExpansionMax() {
        SplittableRandom rng = new SplittableRandom(8);
        List<Structure> set = List.of(Geometry.molecule(rng, 9, 5.0), Geometry.molecule(rng, 12, 5.0));
        FeatureCache c = FeatureCache.compute(set, EXT, new int[] {8, 12}, FeatureCache.Storage.FLOAT64, 2);
        assertThat(c.expansionLs()).containsExactly(1, 8, 12);
        assertThat(c.powerSpectrumSize()).isEqualTo(BASE.powerSpectrumSize());
        for (int s = 0; s < set.size(); s++) {
            SphericalExpansion.Features f = EXT.compute(set.get(s), 8, 12);
            assertThat(c.expansion(s, 8)).isEqualTo(f.expansions()[0]);
            assertThat(c.expansion(s, 12)).isEqualTo(f.expansions()[1]);
            assertThat(c.powerSpectrum(s)).isEqualTo(BASE.compute(set.get(s)).powerSpectrum());
        }
        assertThat(FeatureCache.bytesPerAtom(EXT, new int[] {1, 8, 12}, FeatureCache.Storage.FLOAT64))
            .isEqualTo((long) c.bytesPerAtom());
        assertThatThrownBy(() -> FeatureCache.compute(set, EXT, new int[] {13}, FeatureCache.Storage.FLOAT64, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("λ = 13").hasMessageContaining("up to l = 12").hasMessageContaining("maxExpansionL ≥ 13");
        assertThatThrownBy(() -> FeatureCache.compute(set, BASE, new int[] {7}, FeatureCache.Storage.FLOAT64, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_angular = 6");
    }
}
