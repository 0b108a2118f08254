package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.structure.Structure;

/**
 * {@link TensorModel#fitBasisScales}: unit RMS per species and element (shrunk towards the RMS over
 * all atoms for species with few atoms), capped where an element is zero.
 */
class BasisScaleTest {
    private static List<TensorModel.Block> blocks() {
        return List.of(new TensorModel.Block("L0", 0, 1, 1, false, true, null),
            new TensorModel.Block("L1m", 1, -1, 1, true, true, PseudoMode.PSEUDOSCALAR),
            new TensorModel.Block("L2", 2, 1, 2, false, true, null));
    }

    @Test
    void everyElementHasUnitRmsPerSpeciesAfterTheFit() {
        SplittableRandom rng = new SplittableRandom(5);
        List<Structure> mols = new ArrayList<>();
        for (int k = 0; k < 4; k++) mols.add(RealPipeline.randomMolecule(rng, new int[] {6, 8, 1, 1, 1, 7}));
        int[] species = {1, 6, 7, 8, 16}; // S absent from the data
        SphericalExpansion calc = RealPipeline.expansion(3, species);
        TensorModel m = new TensorModel(species, calc.powerSpectrumSize(), RealPipeline.kPerL(calc), new TensorModel.Hypers(8, 2, 1), blocks(), 3);
        AtomBatch batch = RealPipeline.batch(mols, calc);
        double[][][] raw = m.fitBasisScales(List.of(batch));
        m.forward(batch);
        int[] count = new int[species.length];
        for (int z : batch.numbers()) count[java.util.Arrays.binarySearch(species, z)]++;
        for (int b = 0; b < 3; b++) {
            int nb = m.basis(b).size(), dim = m.basis(b).dim();
            double[] tv = m.basisValues(b);
            // the pooled mean square of each element over all atoms (the prior of the shrinkage)
            double[] pooled = new double[nb];
            for (int q = 0; q < nb; q++) {
                for (int s = 0; s < species.length; s++) pooled[q] += raw[b][s][q] * raw[b][s][q] * count[s];
                pooled[q] /= batch.atoms();
            }
            for (int s = 0; s < species.length; s++) {
                double[] scale = m.basisScales(b, s);
                for (int q = 0; q < nb; q++) {
                    double sum = 0;
                    int n = 0;
                    for (int i = 0; i < batch.atoms(); i++) {
                        if (batch.numbers()[i] != species[s]) continue;
                        n++;
                        for (int mu = 0; mu < dim; mu++) sum += tv[(i * nb + q) * dim + mu] * tv[(i * nb + q) * dim + mu];
                    }
                    if (n == 0) {
                        assertThat(scale[q]).as("absent species: the scale of all atoms")
                            .isCloseTo(1 / Math.max(Math.sqrt(pooled[q]), 1 / TensorModel.MAX_BASIS_SCALE), within(1e-9 * scale[q]));
                        assertThat(raw[b][s][q]).isZero();
                    } else {
                        double pr = TensorModel.SCALE_PRIOR_ATOMS;
                        double shrunk = Math.sqrt((raw[b][s][q] * raw[b][s][q] * n + pr * pooled[q]) / (n + pr));
                        assertThat(scale[q]).isCloseTo(1 / shrunk, within(1e-9 * scale[q]));
                        assertThat(Math.sqrt(sum / n)).as("block %d species %d element %d", b, species[s], q)
                            .isCloseTo(raw[b][s][q] / shrunk, within(1e-12 * Math.max(1, raw[b][s][q] / shrunk)));
                    }
                }
            }
        }
        // the pseudoscalar elements are orders of magnitude below the others before scaling
        assertThat(raw[1][1][0]).isLessThan(raw[2][1][nb(m, 2) - 1]);
    }

    private static int nb(TensorModel m, int b) { return m.basis(b).size(); }

    /**
     * A planar molecule has a pseudoscalar of exactly zero (round-off ~1e-21): its scale stops at
     * MAX_BASIS_SCALE, so the scaled round-off stays invisible and the model equivariant.
     */
    @Test
    void zeroElementsAreCappedAndTheModelStaysEquivariant() {
        // water molecules: three atoms always lie in a plane
        List<Structure> mols = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(9);
        for (int k = 0; k < 3; k++) {
            double a = rng.nextDouble(1.6, 2.0);
            double[] pos = {0, 0, 0, 0.96, 0, 0, 0.96 * Math.cos(a), 0.96 * Math.sin(a), 0};
            mols.add(RealPipeline.transform(new Structure(new int[] {8, 1, 1}, pos), Rotations.random(rng)));
        }
        int[] species = {1, 8};
        SphericalExpansion calc = RealPipeline.expansion(2, species);
        TensorModel m = new TensorModel(species, calc.powerSpectrumSize(), RealPipeline.kPerL(calc), new TensorModel.Hypers(8, 2, 1), blocks(), 4);
        AtomBatch batch = RealPipeline.batch(mols, calc);
        double[][][] raw = m.fitBasisScales(List.of(batch));
        for (int s = 0; s < 2; s++) {
            assertThat(raw[1][s][0]).as("pseudoscalar RMS").isLessThan(1e-12);
            assertThat(m.basisScales(1, s)[0]).isEqualTo(TensorModel.MAX_BASIS_SCALE);
        }
        m.forward(batch);
        double[] ref = m.atomOutput(2).clone();
        double[] q = Rotations.improper(Rotations.random(rng));
        List<Structure> moved = new ArrayList<>();
        for (Structure s : mols) moved.add(RealPipeline.transform(s, q));
        m.forward(RealPipeline.batch(moved, calc));
        double[] d = Rotations.wigner(2, 1, q);
        assertThat(ModelEquivarianceTest.relativeError(ref, m.atomOutput(2), d, 5)).isLessThan(1e-12);
    }
}
