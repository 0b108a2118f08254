package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Structure;

class FeatureCacheTest {
    static final SphericalExpansion CALC = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES));

    static List<Structure> structures(long seed, int count) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Structure> list = new ArrayList<>();
        for (int k = 0; k < count; k++) list.add(Geometry.molecule(rng, 3 + rng.nextInt(12), 5.0));
        return list;
    }

    @Test
    void cacheMatchesDirectComputationOnAnyThreadCount() {
        List<Structure> list = structures(5, 23);
        FeatureCache one = FeatureCache.compute(list, CALC, new int[] {3}, FeatureCache.Storage.FLOAT64, 1);
        FeatureCache two = FeatureCache.compute(list, CALC, new int[] {3, 1}, FeatureCache.Storage.FLOAT64, 2);
        assertThat(one.expansionLs()).containsExactly(1, 3);
        assertThat(two.expansionLs()).containsExactly(1, 3);
        long atoms = 0;
        for (int s = 0; s < list.size(); s++) {
            SphericalExpansion.Features f = CALC.compute(list.get(s), 1, 3);
            assertThat(one.atoms(s)).isEqualTo(list.get(s).size());
            assertThat(one.atomOffset(s)).isEqualTo(atoms);
            atoms += list.get(s).size();
            assertThat(one.powerSpectrum(s)).isEqualTo(f.powerSpectrum());
            assertThat(two.powerSpectrum(s)).isEqualTo(f.powerSpectrum());
            assertThat(two.expansion(s, 1)).isEqualTo(f.expansions()[0]);
            assertThat(two.expansion(s, 3)).isEqualTo(f.expansions()[1]);
            double[] row = new double[CALC.powerSpectrumSize() + 2];
            one.powerSpectrumRow(s, list.get(s).size() - 1, row, 2);
            for (int k = 0; k < CALC.powerSpectrumSize(); k++) {
                assertThat(row[2 + k]).isEqualTo(f.powerSpectrum()[(list.get(s).size() - 1) * CALC.powerSpectrumSize() + k]);
            }
        }
        assertThat(one.totalAtoms()).isEqualTo(atoms);
        long perAtom = FeatureCache.bytesPerAtom(CALC, new int[] {1, 3}, FeatureCache.Storage.FLOAT64);
        assertThat(perAtom).isEqualTo(8L * (2360 + 4 * 7 * 3 + 4 * 6 * 7));
        assertThat(one.bytes()).isEqualTo(perAtom * atoms);
        assertThat(one.bytesPerAtom()).isEqualTo((double) perAtom);
    }

    @Test
    void float32StorageHalvesTheCacheWithSmallRelativeError() {
        List<Structure> list = structures(9, 20);
        FeatureCache d = FeatureCache.compute(list, CALC, new int[0], FeatureCache.Storage.FLOAT64, 2);
        FeatureCache f = FeatureCache.compute(list, CALC, new int[0], FeatureCache.Storage.FLOAT32, 2);
        double worst = 0;
        for (int s = 0; s < list.size(); s++) {
            double[] a = d.powerSpectrum(s), b = f.powerSpectrum(s);
            double scale = Geometry.maxAbs(a);
            worst = Math.max(worst, Geometry.maxAbsDiff(a, b) / scale);
        }
        System.out.printf("float32 power spectrum: max error %.2e relative to the largest feature%n", worst);
        assertThat(worst).isLessThan(1e-7);  // float32 rounding: 2^-24 ≈ 6e-8 relative
        // the expansions (l = 1 here) are stored in float32 too
        assertThat(f.bytes()).isEqualTo(d.bytes() / 2).isEqualTo(d.bytes() - 4L * (2360 + CALC.blockSize(1)) * d.totalAtoms());
        for (int s = 0; s < list.size(); s++) {
            double[] a = d.expansion(s, 1), b = f.expansion(s, 1);
            double[] into = new double[a.length + 1];
            f.expansionInto(s, 1, into, 1);
            for (int k = 0; k < a.length; k++) {
                assertThat(b[k]).isEqualTo((double) (float) a[k]);
                assertThat(into[k + 1]).isEqualTo(b[k]);
            }
        }
    }

    @Test
    void largeStructureSplitOverAtomChunksMatchesDirect() {
        SplittableRandom rng = new SplittableRandom(17);
        int n = FeatureCache.LARGE + 77;
        double edge = Math.cbrt(n / 0.1);  // liquid-like density, ~50 neighbours
        int[] z = new int[n];
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            z[i] = Geometry.SPECIES[rng.nextInt(4)];
            for (int k = 0; k < 3; k++) x[3 * i + k] = edge * rng.nextDouble();
        }
        Structure big = new Structure(z, x, org.tensorbasis.structure.Cell.periodic(new double[] {edge, 0, 0, 0, edge, 0, 0, 0, edge}), null, null);
        List<Structure> list = List.of(big, structures(1, 1).get(0));
        FeatureCache c = FeatureCache.compute(list, CALC, new int[] {2}, FeatureCache.Storage.FLOAT64, 2);
        SphericalExpansion.Features f = CALC.compute(big, 1, 2);
        assertThat(c.powerSpectrum(0)).isEqualTo(f.powerSpectrum());
        assertThat(c.expansion(0, 1)).isEqualTo(f.expansions()[0]);
        assertThat(c.expansion(0, 2)).isEqualTo(f.expansions()[1]);
    }

    @Test
    void unknownSpeciesNamesTheFrame() {
        List<Structure> list = structures(3, 4);
        list.add(new Structure(new int[] {6, 9}, new double[] {0, 0, 0, 1.3, 0, 0}));
        assertThatThrownBy(() -> FeatureCache.compute(list, CALC)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("frame 4").hasMessageContaining("element F");
    }
}
