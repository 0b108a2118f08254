package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Structure;

class SphericalExpansionTest {
    static final SphericalExpansion FULL = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES).withForm(PowerSpectrumForm.FULL));
    static final SphericalExpansion UNIQUE = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES).withForm(PowerSpectrumForm.UNIQUE_PAIRS));
    static final int[] ALL_L = {0, 1, 2, 3, 4, 5, 6};

    static Stream<Long> seeds() {
        return IntStream.range(0, 6).mapToObj(i -> 1000L + i);
    }

    @Test
    void featureCounts() {
        assertThat(FULL.powerSpectrumSize()).isEqualTo(4544);
        assertThat(UNIQUE.powerSpectrumSize()).isEqualTo(528 + 2 * 406 + 2 * 300 + 2 * 210).isEqualTo(2360);
        assertThat(FULL.blockSize(1)).isEqualTo(4 * 7 * 3);
        assertThat(SphericalExpansion.powerSpectrumSize(2, new int[] {8, 7, 7, 6, 6, 5, 5}, PowerSpectrumForm.FULL)).isEqualTo(1136);
        assertThat(DescriptorSettings.defaults(8, 1).species()).containsExactly(1, 8);
        assertThat(DescriptorSettings.defaults(1).form()).isEqualTo(PowerSpectrumForm.UNIQUE_PAIRS);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void powerSpectrumIsTheContractionOfTheExpansion(long seed) {
        powerSpectrumIsTheContraction(seed, FULL, UNIQUE, 4);
    }

    /** Five species channels (one never present): K_l = 5 n_l is not a multiple of the kernel's 4 × 4 blocks. */
    @ParameterizedTest
    @MethodSource("seeds")
    void powerSpectrumIsTheContractionWithChannelsNotAMultipleOfFour(long seed) {
        int[] five = java.util.stream.IntStream.concat(java.util.Arrays.stream(Geometry.SPECIES), java.util.stream.IntStream.of(17)).sorted().toArray();
        powerSpectrumIsTheContraction(seed, new SphericalExpansion(DescriptorSettings.defaults(five).withForm(PowerSpectrumForm.FULL)),
            new SphericalExpansion(DescriptorSettings.defaults(five).withForm(PowerSpectrumForm.UNIQUE_PAIRS)), 5);
    }

    private static void powerSpectrumIsTheContraction(long seed, SphericalExpansion FULL, SphericalExpansion UNIQUE, int species) {
        Structure s = Geometry.molecule(new SplittableRandom(seed), 12, 5.0);
        SphericalExpansion.Features f = FULL.compute(s, ALL_L);
        SphericalExpansion.Features u = UNIQUE.compute(s, ALL_L);
        int F = FULL.powerSpectrumSize(), U = UNIQUE.powerSpectrumSize();
        double worst = 0, scale = Geometry.maxAbs(f.powerSpectrum());
        for (int i = 0; i < s.size(); i++) {
            int po = 0, uo = 0;
            for (int l = 0; l <= 6; l++) {
                int k = species * FULL.nRadial(l), dm = 2 * l + 1, bs = FULL.blockSize(l);
                double[] e = f.expansions()[l];
                for (int p = 0; p < k; p++) {
                    for (int q = 0; q < k; q++) {
                        double sum = 0;
                        for (int m = 0; m < dm; m++) sum += e[i * bs + p * dm + m] * e[i * bs + q * dm + m];
                        worst = Math.max(worst, Math.abs(f.powerSpectrum()[i * F + po + p * k + q] - sum));
                        if (q >= p) {
                            double expect = q == p ? sum : Math.sqrt(2) * sum;
                            worst = Math.max(worst, Math.abs(u.powerSpectrum()[i * U + uo] - expect));
                            uo++;
                        }
                    }
                }
                po += k * k;
            }
            // same norm in both forms
            double nf = 0, nu = 0;
            for (int k = 0; k < F; k++) nf += Math.pow(f.powerSpectrum()[i * F + k], 2);
            for (int k = 0; k < U; k++) nu += Math.pow(u.powerSpectrum()[i * U + k], 2);
            assertThat(Math.abs(nf - nu)).isLessThan(1e-12 * nf);
        }
        assertThat(worst).isLessThan(1e-13 * scale);
        assertThat(f.expansions()[0]).isEqualTo(u.expansions()[0]);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void powerSpectrumInvariantUnderRotationInversionTranslation(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Structure s = Geometry.molecule(rng, 14, 5.0);
        double[] ref = FULL.compute(s).powerSpectrum();
        double scale = Geometry.maxAbs(ref);
        double[] rot = Geometry.rotation(rng);
        double[] improper = rot.clone();
        for (int k = 0; k < 9; k++) improper[k] = -improper[k];
        Structure moved = Geometry.translate(s, 13.7, -4.2, 101.3);
        for (Structure t : new Structure[] {Geometry.transform(s, rot), Geometry.transform(s, improper), moved}) {
            assertThat(Geometry.maxAbsDiff(FULL.compute(t).powerSpectrum(), ref)).isLessThan(1e-12 * scale);
        }
        double[] refU = UNIQUE.compute(s).powerSpectrum();
        assertThat(Geometry.maxAbsDiff(UNIQUE.compute(Geometry.transform(s, improper)).powerSpectrum(), refU)).isLessThan(1e-12 * scale);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void permutationPermutesRows(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Structure s = Geometry.molecule(rng, 10, 4.0);
        int n = s.size();
        int[] perm = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) { int j = rng.nextInt(i + 1); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
        int[] z = new int[n];
        double[] x = new double[3 * n], x0 = s.positions();
        for (int i = 0; i < n; i++) { z[i] = s.number(perm[i]); System.arraycopy(x0, 3 * perm[i], x, 3 * i, 3); }
        Structure p = new Structure(z, x);
        SphericalExpansion.Features a = UNIQUE.compute(s, 1), b = UNIQUE.compute(p, 1);
        int F = UNIQUE.powerSpectrumSize(), B = UNIQUE.blockSize(1);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < F; k++) {
                assertThat(Math.abs(b.powerSpectrum()[i * F + k] - a.powerSpectrum()[perm[i] * F + k])).isLessThan(1e-12);
            }
            for (int k = 0; k < B; k++) {
                assertThat(Math.abs(b.expansions()[0][i * B + k] - a.expansions()[0][perm[i] * B + k])).isLessThan(1e-12);
            }
        }
    }

    /** ρ_{n1·} is (y, z, x)-ordered, so it rotates with P R Pᵀ, P the cyclic permutation (x,y,z) → (y,z,x). */
    @ParameterizedTest
    @MethodSource("seeds")
    void lOneBlockRotatesLikeAVector(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Structure s = Geometry.molecule(rng, 12, 5.0);
        double[] rot = Geometry.rotation(rng);
        double[] e0 = FULL.compute(s, 1).expansions()[0];
        double[] e1 = FULL.compute(Geometry.transform(s, rot), 1).expansions()[0];
        int[] perm = {1, 2, 0}; // component m of the block ↔ Cartesian axis perm[m]
        double worst = 0, scale = Geometry.maxAbs(e0);
        for (int row = 0; row < e0.length / 3; row++) {
            for (int m = 0; m < 3; m++) {
                double v = 0;
                for (int mp = 0; mp < 3; mp++) v += rot[3 * perm[m] + perm[mp]] * e0[3 * row + mp];
                worst = Math.max(worst, Math.abs(e1[3 * row + m] - v));
            }
        }
        assertThat(worst).isLessThan(1e-12 * scale);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void inversionMultipliesBlockLByParity(long seed) {
        Structure s = Geometry.molecule(new SplittableRandom(seed), 9, 4.0);
        double[] inv = {-1, 0, 0, 0, -1, 0, 0, 0, -1};
        SphericalExpansion.Features a = FULL.compute(s, ALL_L), b = FULL.compute(Geometry.transform(s, inv), ALL_L);
        for (int l = 0; l <= 6; l++) {
            double sign = l % 2 == 0 ? 1 : -1, scale = Geometry.maxAbs(a.expansions()[l]);
            for (int k = 0; k < a.expansions()[l].length; k++) {
                assertThat(Math.abs(b.expansions()[l][k] - sign * a.expansions()[l][k])).isLessThan(1e-12 * scale);
            }
        }
    }

    @Test
    void smoothAtTheCutoff() {
        // neighbour C leaves centre A along +x; A's features must tend continuously to those without C
        double[] eps = {1e-1, 1e-2, 1e-3, 1e-4};
        Structure without = new Structure(new int[] {6, 1}, new double[] {0, 0, 0, 0.3, 1.0, 0.2});
        double[] ref = UNIQUE.compute(without, ALL_L).powerSpectrum();
        int F = UNIQUE.powerSpectrumSize();
        double prev = Double.MAX_VALUE;
        for (double e : eps) {
            Structure with = new Structure(new int[] {6, 1, 7}, new double[] {0, 0, 0, 0.3, 1.0, 0.2, 5.0 - e, 0.0, 0.0});
            SphericalExpansion.Features f = UNIQUE.compute(with, ALL_L);
            double d = 0;
            for (int k = 0; k < F; k++) d = Math.max(d, Math.abs(f.powerSpectrum()[k] - ref[k]));
            assertThat(d).isLessThan(prev);
            prev = d;
            if (e <= 1e-3) assertThat(d).isLessThan(1e-6);  // f_c ~ ε², R_nl ~ ε
        }
        Structure beyond = new Structure(new int[] {6, 1, 7}, new double[] {0, 0, 0, 0.3, 1.0, 0.2, 5.0, 0.0, 0.0});
        double[] b = UNIQUE.compute(beyond).powerSpectrum();
        for (int k = 0; k < F; k++) assertThat(b[k]).isEqualTo(ref[k]);
    }

    @Test
    void selectedLWithoutPowerSpectrumMatchesFullComputation() {
        Structure s = Geometry.molecule(new SplittableRandom(31), 11, 4.5);
        SphericalExpansion.Features all = FULL.compute(s, ALL_L);
        org.tensorbasis.neighbors.NeighborList nl = org.tensorbasis.neighbors.NeighborList.build(s, 5.0);
        double[][] exp = {new double[s.size() * FULL.blockSize(1)], new double[s.size() * FULL.blockSize(4)]};
        FULL.compute(s, nl, null, new int[] {1, 4}, exp, FULL.newWorkspace());
        assertThat(exp[0]).isEqualTo(all.expansions()[1]);
        assertThat(exp[1]).isEqualTo(all.expansions()[4]);
    }

    @Test
    void isolatedAtomHasZeroFeaturesAndNoSelfContribution() {
        Structure s = new Structure(new int[] {6, 1}, new double[] {0, 0, 0, 20, 0, 0});
        SphericalExpansion.Features f = FULL.compute(s, 0, 1);
        assertThat(f.powerSpectrum()).containsOnly(0.0);
        assertThat(f.expansions()[0]).containsOnly(0.0);
    }

    @Test
    void unknownNeighbourSpeciesIsBadInputNamingTheElement() {
        Structure s = new Structure(new int[] {6, 8}, new double[] {0, 0, 0, 1.2, 0, 0});
        assertThatThrownBy(() -> FULL.compute(s)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("element O").hasMessageContaining("[H, C, N, S]");
    }
}
