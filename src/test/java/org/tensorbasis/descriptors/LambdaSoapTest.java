package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.equivariant.ClebschGordan;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.equivariant.WignerD;
import org.tensorbasis.structure.Structure;

class LambdaSoapTest {
    static final int[] HO = {1, 8};
    /** Small settings so every test stays fast: 2 species, n_per_l from max_radial 3, l ≤ 4. */
    static final SphericalExpansion CALC = new SphericalExpansion(
        new DescriptorSettings(4.0, 0.5, 3, 4, HO, PowerSpectrumForm.FULL));

    static Stream<Arguments> blocks() {
        List<Arguments> a = new ArrayList<>();
        for (int l = 0; l <= 4; l++) for (int s : new int[] {1, -1}) a.add(Arguments.of(l, s));
        return a.stream();
    }

    /** A random molecule of n atoms with both species, atoms at least 0.8 Å apart. */
    static Structure molecule(SplittableRandom rng, int n, double edge) {
        return org.tensorbasis.RandomMolecules.of(rng, n, edge, 0.8, HO);
    }

    static Structure crystal(SplittableRandom rng, int n, double edge) {
        return org.tensorbasis.RandomMolecules.crystal(rng, n, edge, HO);
    }

    /** max over atoms and features of |X(QA) − M X(A)|, relative to max |X(A)|, M the (2λ+1)² matrix. */
    static double equivarianceError(LambdaSoap ls, Structure s, double[] q, double[] m) {
        return org.tensorbasis.RandomMolecules.equivarianceError(ls.compute(s), ls.compute(Geometry.transform(s, q)), m, ls.components());
    }

    @ParameterizedTest
    @MethodSource("blocks")
    void rotatesWithWignerAndParity(int lambda, int sigma) {
        LambdaSoap ls = new LambdaSoap(CALC, lambda, sigma);
        if (ls.features() == 0) {
            assertThat(lambda).isZero();
            assertThat(sigma).isEqualTo(-1);
            return;
        }
        SplittableRandom rng = new SplittableRandom(100 + 10 * lambda + sigma);
        for (Structure s : new Structure[] {molecule(rng, 6, 3.5), crystal(rng, 3, 3.3)}) {
            double[] r = Rotations.random(rng);
            double[] d = WignerD.real(lambda, r);
            assertThat(equivarianceError(ls, s, r, d)).as("proper λ=%d σ=%d", lambda, sigma).isLessThan(1e-12);
            // improper −R: σ(−1)^λ D(R)
            assertThat(equivarianceError(ls, s, Rotations.improper(r), Rotations.wignerImproper(lambda, sigma, r)))
                .as("improper λ=%d σ=%d", lambda, sigma).isLessThan(1e-12);
            // pure inversion: X(−A) = σ(−1)^λ X(A)
            double[] inv = {-1, 0, 0, 0, -1, 0, 0, 0, -1};
            double[] eye = Rotations.wignerImproper(lambda, sigma, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
            assertThat(equivarianceError(ls, s, inv, eye)).as("inversion λ=%d σ=%d", lambda, sigma).isLessThan(1e-12);
        }
    }

    @ParameterizedTest
    @MethodSource("blocks")
    void countsAgreeAndFeaturesAreNonTrivial(int lambda, int sigma) {
        LambdaSoap ls = new LambdaSoap(CALC, lambda, sigma);
        Structure s = molecule(new SplittableRandom(7 + lambda), 5, 3.0);
        double[] x = ls.compute(s);
        assertThat(ls.features()).isEqualTo(LambdaSoap.featureCount(CALC, lambda, sigma));
        assertThat(x.length).isEqualTo(s.size() * ls.features() * (2 * lambda + 1));
        if (lambda == 0 && sigma == -1) {
            assertThat(ls.features()).as("a pseudoscalar needs three densities").isZero();
            return;
        }
        assertThat(ls.features()).isPositive();
        // every feature is non-zero on some atom, apart from pairs whose radial channels are empty everywhere
        int dm = 2 * lambda + 1, nonZero = 0;
        for (int f = 0; f < ls.features(); f++) {
            double m = 0;
            for (int i = 0; i < s.size(); i++) for (int mu = 0; mu < dm; mu++) m = Math.max(m, Math.abs(x[i * ls.rowSize() + f * dm + mu]));
            if (m > 1e-8) nonZero++;
        }
        assertThat(nonZero).as("non-zero features of %d", ls.features()).isGreaterThan(ls.features() / 2);
    }

    @Test
    void featureCountsOfTheWaterDefaults() {
        SphericalExpansion water = new SphericalExpansion(DescriptorSettings.defaults(1, 8));  // n_l = 8,7,7,6,6,5,5; K_l = 2 n_l
        assertThat(LambdaSoap.featureCount(water, 0, 1)).isEqualTo(1 + 612);   // constant + unique power spectrum
        assertThat(LambdaSoap.featureCount(water, 0, -1)).isEqualTo(0);
        assertThat(LambdaSoap.featureCount(water, 1, -1)).isEqualTo(91 + 91 + 66 + 66 + 45 + 45);  // l ≥ 1
        assertThat(LambdaSoap.featureCount(water, 1, 1)).isEqualTo(16 * 14 + 14 * 14 + 14 * 12 + 12 * 12 + 12 * 10 + 10 * 10);
        assertThat(LambdaSoap.featureCount(water, 2, 1)).isEqualTo(612 - 136 + 16 * 14 + 14 * 12 + 14 * 12 + 12 * 10 + 12 * 10);
        for (int l = 0; l <= 4; l++) {
            for (int s : new int[] {1, -1}) assertThat(new LambdaSoap(water, l, s).features()).isEqualTo(LambdaSoap.featureCount(water, l, s));
        }
    }

    /** The redundancy rule: [b ⊗ a]^λ = (−1)^{l1+l2+λ} [a ⊗ b]^λ, and [a ⊗ a]^λ = 0 for odd λ. */
    @Test
    void swapSymmetryOfTheCouplings() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int l1 = 0; l1 <= 4; l1++) {
            for (int l2 = 0; l2 <= 4; l2++) {
                double[] a = new double[2 * l1 + 1], b = new double[2 * l2 + 1];
                for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
                for (int i = 0; i < b.length; i++) b[i] = rng.nextGaussian();
                for (int lam = Math.abs(l1 - l2); lam <= l1 + l2; lam++) {
                    double[] ab = new double[2 * lam + 1], ba = new double[2 * lam + 1], aa = new double[2 * lam + 1];
                    ClebschGordan.of(l1, l2, lam).couple(a, 0, b, 0, ab, 0);
                    ClebschGordan.of(l2, l1, lam).couple(b, 0, a, 0, ba, 0);
                    double sign = ((l1 + l2 + lam) & 1) == 0 ? 1 : -1;
                    for (int m = 0; m < ab.length; m++) assertThat(ba[m]).isCloseTo(sign * ab[m], org.assertj.core.data.Offset.offset(1e-13));
                    if (l1 == l2 && (lam & 1) == 1) {
                        ClebschGordan.of(l1, l1, lam).couple(a, 0, a, 0, aa, 0);
                        assertThat(Geometry.maxAbs(aa)).isLessThan(1e-14);
                    }
                }
            }
        }
    }

    /** λ = 0 l1 = l2 features are the power spectrum times (−1)^l/√(2l+1); describe() gives (l1, l2, p, q). */
    @Test
    void lambdaZeroIsThePowerSpectrum() {
        LambdaSoap ls = new LambdaSoap(CALC, 0, 1);
        Structure s = molecule(new SplittableRandom(11), 5, 3.0);
        double[] x = ls.compute(s);
        SphericalExpansion.Features ref = CALC.compute(s);  // FULL form
        int psSize = CALC.powerSpectrumSize();
        int checked = 0;
        for (int i = 0; i < s.size(); i++) {
            assertThat(x[i * ls.rowSize()]).isEqualTo(1.0);
            for (int f = 1; f < ls.features(); f++) {
                int[] d = ls.describe(f);
                if (d[0] != d[1]) continue;
                int l = d[0], k = CALC.channels() * CALC.nRadial(l);
                double p = ref.powerSpectrum()[i * psSize + CALC.powerSpectrumOffset(l) + d[2] * k + d[3]];
                double expect = ((l & 1) == 0 ? 1 : -1) * p / Math.sqrt(2 * l + 1);
                assertThat(x[i * ls.rowSize() + f]).isCloseTo(expect, org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(p))));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(s.size() * (ls.features() - 1));
    }

    /** A planar molecule (z = 0): axial vectors (λ1 σ−) point along z, polar ones (λ1 σ+) lie in the plane. */
    @Test
    void planarMoleculeAxialVectorsAreNormal() {
        SplittableRandom rng = new SplittableRandom(5);
        Structure m = molecule(rng, 5, 3.0);
        double[] x = m.positions();
        for (int i = 0; i < m.size(); i++) x[3 * i + 2] = 0;
        Structure planar = m.withGeometry(x, null);
        // layout (y, z, x): μ = 0 is z
        double[] axial = new LambdaSoap(CALC, 1, -1).compute(planar);
        double[] polar = new LambdaSoap(CALC, 1, 1).compute(planar);
        double inPlane = 0, normal = 0;
        for (int r = 0; r < axial.length / 3; r++) {
            inPlane = Math.max(inPlane, Math.max(Math.abs(axial[3 * r]), Math.abs(axial[3 * r + 2])));
            normal = Math.max(normal, Math.abs(axial[3 * r + 1]));
        }
        assertThat(normal).isGreaterThan(1e-3);
        assertThat(inPlane).isLessThan(1e-13 * normal);
        double pz = 0, pxy = 0;
        for (int r = 0; r < polar.length / 3; r++) {
            pz = Math.max(pz, Math.abs(polar[3 * r + 1]));
            pxy = Math.max(pxy, Math.max(Math.abs(polar[3 * r]), Math.abs(polar[3 * r + 2])));
        }
        assertThat(pxy).isGreaterThan(1e-3);
        assertThat(pz).isLessThan(1e-13 * pxy);
    }

    /** Cached expansions give the same features as the direct path; the workspace is reusable across structures. */
    @Test
    void fromCacheEqualsDirect() {
        SplittableRandom rng = new SplittableRandom(9);
        List<Structure> list = List.of(molecule(rng, 6, 3.5), molecule(rng, 3, 2.5), crystal(rng, 3, 3.3));
        LambdaSoap ls = new LambdaSoap(CALC, 2, 1);
        FeatureCache cache = FeatureCache.compute(list, CALC, ls.expansionLs());
        LambdaSoap.Workspace ws = ls.newWorkspace();
        for (int s = 0; s < list.size(); s++) {
            double[][] e = new double[5][];
            for (int l = 0; l <= 4; l++) e[l] = cache.expansion(s, l);
            int n = list.get(s).size();
            double[] a = new double[n * ls.rowSize()], b = new double[n * ls.rowSize() + 3];
            ls.fromExpansions(e, 0, n, a, 0);
            ls.compute(list.get(s), b, 3, ws);
            for (int k = 0; k < a.length; k++) assertThat(b[3 + k]).isEqualTo(a[k]);
        }
    }
}
