package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.structure.Structure;

/** Batches assembled from a feature cache: rows lent by reference (float64) or widened (float32). */
class CacheBatchesTest {
    private static List<Structure> molecules() {
        SplittableRandom rng = new SplittableRandom(3);
        List<Structure> out = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            int n = 3 + k;
            int[] z = new int[n];
            double[] pos = new double[3 * n];
            for (int i = 0; i < n; i++) {
                z[i] = (i + k) % 3 == 0 ? 8 : 1;
                for (int d = 0; d < 3; d++) pos[3 * i + d] = rng.nextDouble(-1.6, 1.6);
            }
            out.add(new Structure(z, pos));
        }
        return out;
    }

    @Test
    void float64RowsAreLentByReferenceAndPredictLikeAFlatCopy() {
        List<Structure> mols = molecules();
        SphericalExpansion calc = RealPipeline.expansion(3, 1, 8);
        int[] kPerL = RealPipeline.kPerL(calc);
        FeatureCache cache = FeatureCache.compute(mols, calc, new int[] {1, 2}, FeatureCache.Storage.FLOAT64, 1);
        CacheBatches.Buffer buf = new CacheBatches.Buffer();
        int[] which = {3, 0, 4};
        AtomBatch b = CacheBatches.assemble(cache, which, mols, new int[] {1, 2}, kPerL, buf);
        assertThat(b.hasFlatFeatures()).isFalse();
        assertThatThrownBy(b::features).isInstanceOf(IllegalStateException.class);
        assertThat(b.atoms()).isEqualTo(6 + 3 + 7);
        int a = 0;
        for (int k = 0; k < which.length; k++) {
            for (int i = 0; i < cache.atoms(which[k]); i++, a++) {
                assertThat(b.rowArray(a)).isSameAs(cache.powerSpectrum(which[k])); // no copy
                assertThat(b.rowOffset(a)).isEqualTo(i * cache.powerSpectrumSize());
                assertThat(b.numbers()[a]).isEqualTo(mols.get(which[k]).number(i));
                assertThat(b.structureOf()[a]).isEqualTo(k);
            }
        }

        List<TensorModel.Block> blocks = List.of(new TensorModel.Block("a", 2, 1, 1, false, true, null),
            new TensorModel.Block("b", 1, -1, 1, true, true, PseudoMode.PSEUDO_MAXIMAL));
        TensorModel m = new TensorModel(new int[] {1, 8}, calc.powerSpectrumSize(), kPerL, new TensorModel.Hypers(8, 2, 1), blocks, 5);
        m.forward(RealPipeline.flat(b));
        double[] so = m.structureOutput(0).clone();
        double[] ao = m.atomOutput(1).clone();
        m.forward(b);
        for (int i = 0; i < 3 * 5; i++) assertThat(m.structureOutput(0)[i]).isCloseTo(so[i], within(1e-13 * (1 + Math.abs(so[i]))));
        for (int i = 0; i < b.atoms() * 3; i++) assertThat(m.atomOutput(1)[i]).isCloseTo(ao[i], within(1e-13 * (1 + Math.abs(ao[i]))));

        // the buffer is reused by the next batch; a structure that does not match its cache entry is refused
        AtomBatch b2 = CacheBatches.assemble(cache, new int[] {1}, mols, new int[] {1, 2}, kPerL, buf);
        assertThat(b2.atoms()).isEqualTo(4);
        List<Structure> wrong = new ArrayList<>(mols);
        wrong.set(1, mols.get(2));
        assertThatThrownBy(() -> CacheBatches.assemble(cache, new int[] {1}, wrong, new int[] {1, 2}, kPerL, buf))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("structure 1");
    }

    @Test
    void float32RowsAreWidenedIntoAFlatBatch() {
        List<Structure> mols = molecules();
        SphericalExpansion calc = RealPipeline.expansion(2, 1, 8);
        int[] kPerL = RealPipeline.kPerL(calc);
        FeatureCache cache = FeatureCache.compute(mols, calc, new int[] {1}, FeatureCache.Storage.FLOAT32, 1);
        AtomBatch b = CacheBatches.assemble(cache, new int[] {2, 1}, mols, new int[] {1}, kPerL, new CacheBatches.Buffer());
        assertThat(b.hasFlatFeatures()).isTrue();
        int f = cache.powerSpectrumSize();
        double[] ps = cache.powerSpectrum(2);
        for (int j = 0; j < 5 * f; j++) assertThat(b.features()[j]).isEqualTo(ps[j]);
        assertThat(b.rowArray(6)).isSameAs(b.features());
        assertThat(b.rowOffset(6)).isEqualTo(6 * f);
    }

    @Test
    void centredPositionsAreRelativeToTheCentroidInSphericalOrderAndZeroInCrystals() {
        Structure mol = new Structure(new int[] {8, 1, 1}, new double[] {1, 2, 3, 2, 2, 3, 1, 4, 3});
        double[] out = new double[9 + 2];
        mol.centredPositions(out, 1);
        // centroid (4/3, 8/3, 3); atom 0 at (1, 2, 3): (y, z, x) = (2 − 8/3, 0, 1 − 4/3)
        assertThat(out[0]).isZero();
        assertThat(out[1]).isCloseTo(-2.0 / 3, within(1e-15));
        assertThat(out[2]).isCloseTo(0.0, within(1e-15));
        assertThat(out[3]).isCloseTo(-1.0 / 3, within(1e-15));
        double sy = 0, sz = 0, sx = 0;
        for (int i = 0; i < 3; i++) {
            sy += out[1 + 3 * i];
            sz += out[2 + 3 * i];
            sx += out[3 + 3 * i];
        }
        assertThat(Math.abs(sy) + Math.abs(sz) + Math.abs(sx)).isLessThan(1e-14);
        org.tensorbasis.structure.Cell slab = new org.tensorbasis.structure.Cell(new double[] {5, 0, 0, 0, 5, 0, 0, 0, 20},
            new boolean[] {true, true, false});
        double[] z = {7, 7, 7, 7, 7, 7, 7, 7, 7};
        mol.withGeometry(mol.positions(), slab).centredPositions(z, 0);
        assertThat(z).containsOnly(0.0);
    }
}
