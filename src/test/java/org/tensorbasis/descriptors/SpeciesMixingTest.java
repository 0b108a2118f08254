package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.BadInputException;
import org.tensorbasis.RandomMolecules;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.equivariant.WignerD;
import org.tensorbasis.structure.Structure;

/**
 * Compressed ("alchemical") species channels: W = identity is the one-hot expansion bit for bit, an invertible W
 * transforms expansion and power spectrum linearly, the compressed expansion / power spectrum / λ-SOAP are exactly
 * equivariant, and the spectral and random mixings are what their documentation says.
 */
class SpeciesMixingTest {
    static final int[] HCNO = {1, 6, 7, 8};

    static Structure crystal(SplittableRandom rng, int n, double edge, int... species) {
        return org.tensorbasis.RandomMolecules.crystal(rng, n, edge, species);
    }

    static List<Structure> structures() {
        SplittableRandom rng = new SplittableRandom(3);
        List<Structure> out = new ArrayList<>();
        for (int k = 0; k < 4; k++) out.add(RandomMolecules.of(rng, 9, 3.5, 0.8, HCNO));
        out.add(crystal(rng, 5, 3.4, HCNO));
        return out;
    }

    static int[] allOrders(SphericalExpansion c) {
        int[] ls = new int[c.maxExpansionL() + 1];
        for (int l = 0; l < ls.length; l++) ls[l] = l;
        return ls;
    }

    @Test
    void identityMixingIsTheOneHotExpansionBitForBit() {
        for (PowerSpectrumForm form : PowerSpectrumForm.values()) {
            DescriptorSettings one = new DescriptorSettings(4.0, 0.5, 3, 4, HCNO, form);
            SphericalExpansion a = new SphericalExpansion(one, 6);
            SphericalExpansion b = new SphericalExpansion(one.withMixing(SpeciesMixing.identity(4)), 6);
            assertThat(b.channels()).isEqualTo(4);
            for (Structure s : structures()) {
                SphericalExpansion.Features fa = a.compute(s, allOrders(a)), fb = b.compute(s, allOrders(b));
                assertThat(fb.powerSpectrum()).isEqualTo(fa.powerSpectrum());
                for (int l = 0; l <= 6; l++) assertThat(fb.expansions()[l]).as("l = %d", l).isEqualTo(fa.expansions()[l]);
            }
        }
    }

    @Test
    void invertibleMixingTransformsExpansionAndPowerSpectrumLinearly() {
        double[] w = SpeciesMixing.random(4, 4, 11);  // Gaussian: invertible with probability 1
        DescriptorSettings one = new DescriptorSettings(4.0, 0.5, 3, 4, HCNO, PowerSpectrumForm.FULL);
        SphericalExpansion a = new SphericalExpansion(one), b = new SphericalExpansion(one.withMixing(w));
        for (Structure s : structures()) {
            SphericalExpansion.Features fa = a.compute(s, allOrders(a)), fb = b.compute(s, allOrders(b));
            double scale = Math.max(Geometry.maxAbs(fb.powerSpectrum()), 1);
            for (int l = 0; l <= 4; l++) {
                int nl = a.nRadial(l), dm = 2 * l + 1, bs = a.blockSize(l), k = 4 * nl;
                double[] ea = fa.expansions()[l], eb = fb.expansions()[l];
                for (int i = 0; i < s.size(); i++) {
                    // ρ'^c_{n m} = Σ_a W[a][c] ρ^a_{n m}
                    double[] t = new double[bs];
                    for (int c = 0; c < 4; c++) for (int sp = 0; sp < 4; sp++) for (int n = 0; n < nl; n++) for (int m = 0; m < dm; m++) {
                        t[(c * nl + n) * dm + m] += w[sp * 4 + c] * ea[i * bs + (sp * nl + n) * dm + m];
                    }
                    for (int q = 0; q < bs; q++) assertThat(eb[i * bs + q]).isCloseTo(t[q], org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(t[q]))));
                    // P' = (W ⊗ I)ᵀ P (W ⊗ I) in the FULL form
                    int po = i * a.powerSpectrumSize() + a.powerSpectrumOffset(l);
                    for (int c1 = 0; c1 < 4; c1++) for (int n1 = 0; n1 < nl; n1++) for (int c2 = 0; c2 < 4; c2++) for (int n2 = 0; n2 < nl; n2++) {
                        double v = 0;
                        for (int s1 = 0; s1 < 4; s1++) for (int s2 = 0; s2 < 4; s2++) {
                            v += w[s1 * 4 + c1] * w[s2 * 4 + c2] * fa.powerSpectrum()[po + (s1 * nl + n1) * k + s2 * nl + n2];
                        }
                        double got = fb.powerSpectrum()[po + (c1 * nl + n1) * k + c2 * nl + n2];
                        assertThat(Math.abs(got - v)).isLessThan(1e-12 * scale);
                    }
                }
            }
        }
    }

    static List<Integer> lambdas() { return List.of(0, 1, 2, 3, 4); }

    /** 20 elements into 3 pseudo-species: expansion, power spectrum and λ-SOAP under rotations, improper rotations, inversion. */
    @ParameterizedTest
    @MethodSource("lambdas")
    void compressedDescriptorsAreExactlyEquivariant(int lambda) {
        int[] many = new int[20];
        for (int k = 0; k < many.length; k++) many[k] = 3 * k + 1;
        SphericalExpansion c = new SphericalExpansion(new DescriptorSettings(4.0, 0.5, 2, 4, many, PowerSpectrumForm.UNIQUE_PAIRS)
            .withMixing(SpeciesMixing.random(20, 3, 5)));
        assertThat(c.channels()).isEqualTo(3);
        SplittableRandom rng = new SplittableRandom(40 + lambda);
        double[] inv = {-1, 0, 0, 0, -1, 0, 0, 0, -1};
        for (Structure s : new Structure[] {RandomMolecules.of(rng, 24, 5.0, 0.8, many), crystal(rng, 6, 3.5, many)}) {
            double[] r = Rotations.random(rng);
            // expansion block l = λ: ρ_l(QA) = (±1)^l D^l ρ_l(A); power spectrum invariant
            SphericalExpansion.Features f0 = c.compute(s, lambda);
            for (double[] q : new double[][] {r, Rotations.improper(r), inv}) {
                boolean improper = q != r;
                double[] d = q == inv ? Rotations.wignerImproper(lambda, 1, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1})
                    : improper ? Rotations.wignerImproper(lambda, 1, r) : WignerD.real(lambda, r);
                SphericalExpansion.Features f1 = c.compute(Geometry.transform(s, q), lambda);
                double[] e0 = f0.expansions()[0], e1 = f1.expansions()[0];
                int dm = 2 * lambda + 1;
                double worst = 0;
                for (int row = 0; row < e0.length / dm; row++) {
                    for (int mu = 0; mu < dm; mu++) {
                        double v = 0;
                        for (int nu = 0; nu < dm; nu++) v += d[mu * dm + nu] * e0[row * dm + nu];
                        worst = Math.max(worst, Math.abs(e1[row * dm + mu] - v));
                    }
                }
                assertThat(Geometry.maxAbs(e0)).isGreaterThan(1e-3);
                assertThat(worst / Geometry.maxAbs(e0)).as("expansion l=%d", lambda).isLessThan(1e-12);
                assertThat(Geometry.maxAbsDiff(f1.powerSpectrum(), f0.powerSpectrum()) / Geometry.maxAbs(f0.powerSpectrum())).isLessThan(1e-12);
            }
            for (int sigma : new int[] {1, -1}) {
                LambdaSoap ls = new LambdaSoap(c, lambda, sigma);
                if (ls.features() == 0) continue;
                assertThat(LambdaSoapTest.equivarianceError(ls, s, r, WignerD.real(lambda, r))).isLessThan(1e-12);
                assertThat(LambdaSoapTest.equivarianceError(ls, s, Rotations.improper(r), Rotations.wignerImproper(lambda, sigma, r))).isLessThan(1e-12);
                assertThat(LambdaSoapTest.equivarianceError(ls, s, inv,
                    Rotations.wignerImproper(lambda, sigma, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}))).isLessThan(1e-12);
            }
        }
    }

    @Test
    void spectralMixingIsTheRandomWalkEmbeddingOfTheCooccurrence() {
        List<Structure> st = structures();
        double[] c = SpeciesMixing.cooccurrence(st, HCNO, 4.0, 0.5);
        int s = 4;
        double[] deg = new double[s];
        for (int a = 0; a < s; a++) for (int b = 0; b < s; b++) {
            assertThat(c[a * s + b]).isEqualTo(c[b * s + a]).isGreaterThanOrEqualTo(0);
            deg[a] += c[a * s + b];
        }
        double[] w = SpeciesMixing.spectral(st, HCNO, 4.0, 0.5, 3);
        assertThat(w).hasSize(12);
        // column 0 is the species-blind density
        for (int a = 0; a < s; a++) assertThat(w[a * 3]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
        // every column: P w_k = λ_k w_k with P = D^{-1} C (eigenvalues |λ| non-increasing, |λ| ≤ 1)
        double prev = Double.POSITIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
            double lam = 0, norm = 0;
            double[] pw = new double[s];
            for (int a = 0; a < s; a++) for (int b = 0; b < s; b++) pw[a] += c[a * s + b] / deg[a] * w[b * 3 + k];
            for (int a = 0; a < s; a++) { lam += pw[a] * w[a * 3 + k] * deg[a]; norm += w[a * 3 + k] * w[a * 3 + k] * deg[a]; }
            lam /= norm;
            for (int a = 0; a < s; a++) assertThat(pw[a]).isCloseTo(lam * w[a * 3 + k], org.assertj.core.api.Assertions.within(1e-10));
            assertThat(Math.abs(lam)).isLessThanOrEqualTo(prev + 1e-12).isLessThanOrEqualTo(1 + 1e-12);
            prev = Math.abs(lam);
        }
        // deterministic
        assertThat(SpeciesMixing.spectral(st, HCNO, 4.0, 0.5, 3)).isEqualTo(w);
        assertThat(SpeciesMixing.random(4, 2, 1)).isEqualTo(SpeciesMixing.random(4, 2, 1)).isNotEqualTo(SpeciesMixing.random(4, 2, 2));
    }

    @Test
    void jacobiDiagonalises() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 30;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.nextGaussian();
        double[] vec = new double[n * n];
        double[] val = SpeciesMixing.symmetricEigen(a.clone(), n, vec);
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i * n + j] * vec[j * n + k];
                assertThat(av).isCloseTo(val[k] * vec[i * n + k], org.assertj.core.api.Assertions.within(1e-10));
            }
        }
    }

    @Test
    void autoChoosesOneHotForFewElementsAndBadSizesAreRejected() {
        List<Structure> st = structures();
        assertThat(SpeciesMixing.choose(SpeciesMixing.Mode.AUTO, 2, HCNO, st, 4.0, 0.5, 0)).isNull();
        assertThat(SpeciesMixing.choose(SpeciesMixing.Mode.ONE_HOT, 2, HCNO, st, 4.0, 0.5, 0)).isNull();
        assertThat(SpeciesMixing.choose(SpeciesMixing.Mode.SPECTRAL, 2, HCNO, st, 4.0, 0.5, 0)).hasSize(8);
        assertThat(SpeciesMixing.choose(SpeciesMixing.Mode.RANDOM, 4, HCNO, st, 4.0, 0.5, 0)).hasSize(16);
        assertThatThrownBy(() -> SpeciesMixing.choose(SpeciesMixing.Mode.SPECTRAL, 5, HCNO, st, 4.0, 0.5, 0))
            .isInstanceOf(BadInputException.class).hasMessageContaining("pseudo_species").hasMessageContaining("4 elements");
        // settings: the rows must match the species, weights finite; rows follow the species as given
        assertThatThrownBy(() -> DescriptorSettings.defaults(1, 8).withMixing(new double[3])).isInstanceOf(BadInputException.class)
            .hasMessageContaining("2 rows");
        assertThatThrownBy(() -> DescriptorSettings.defaults(1, 8).withMixing(new double[] {1, Double.NaN})).isInstanceOf(BadInputException.class)
            .hasMessageContaining("non-finite");
        DescriptorSettings d = new DescriptorSettings(5, 0.5, 3, 3, new int[] {8, 1}, PowerSpectrumForm.FULL, new double[] {8, 80, 1, 10});
        assertThat(d.mixing()).containsExactly(1, 10, 8, 80);
        assertThat(d.channels()).isEqualTo(2);
        assertThat(d).isEqualTo(new DescriptorSettings(5, 0.5, 3, 3, new int[] {1, 8}, PowerSpectrumForm.FULL, new double[] {1, 10, 8, 80}))
            .isNotEqualTo(new DescriptorSettings(5, 0.5, 3, 3, new int[] {1, 8}, PowerSpectrumForm.FULL));
        assertThat(d.toString()).contains("2×2 (compressed)");
    }
}
