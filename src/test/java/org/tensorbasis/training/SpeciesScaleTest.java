package org.tensorbasis.training;

import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.targets.TargetLayout;

import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.Sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.model.TensorModel;
import org.tensorbasis.structure.Structure;

/** Per-species scales of per-atom blocks (training.per_species_scale). */
class SpeciesScaleTest {
    /** Two molecules of H (tiny spread) and S (large spread), per-atom values of one λ = 1 block. */
    private static List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            out.add(new Sample(new Structure(new int[] {1, 16, 1}, new double[] {0, 0, 0, 1.5, 0, 0, 0, 1.5, 0}), "t.xyz", k));
        }
        return out;
    }

    @Test
    void perAtomBlocksGetTheRmsOfEachSpecies() {
        List<ModelBlock> blocks = List.of(new ModelBlock(0, "v", 0, new TargetLayout.Block("v:L1+", 1, 1, 1, new int[] {0, 1, 2}), true),
            new ModelBlock(1, "s", 0, new TargetLayout.Block("s:L1+", 1, 1, 1, new int[] {0, 1, 2}), false));
        int[] species = {1, 16};
        SplittableRandom rng = new SplittableRandom(3);
        double[][][] values = new double[2][2][];
        double sqH = 0, sqS = 0, sqAll = 0;
        for (int s = 0; s < 2; s++) {
            double[] v = new double[9];
            for (int i = 0; i < 3; i++) {
                double amp = i == 1 ? 100 : 1; // atom 1 is S
                for (int m = 0; m < 3; m++) {
                    v[3 * i + m] = amp * rng.nextGaussian();
                    if (i == 1) sqS += v[3 * i + m] * v[3 * i + m];
                    else sqH += v[3 * i + m] * v[3 * i + m];
                    sqAll += v[3 * i + m] * v[3 * i + m];
                }
            }
            values[0][s] = v;
            values[1][s] = new double[] {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
        }
        Normalization[] n = Normalization.fit(blocks, species, samples(), values, true, true);
        assertThat(n[0].scale()).isCloseTo(Math.sqrt(sqAll / 18), within(1e-12));
        // each species' RMS, shrunk towards the block's by SCALE_PRIOR_ATOMS atoms (3 components each)
        double prior = Normalization.SCALE_PRIOR_ATOMS * 3, all = sqAll / 18;
        assertThat(n[0].scale(0)).isCloseTo(Math.sqrt((sqH + prior * all) / (12 + prior)), within(1e-12));
        assertThat(n[0].scale(1)).isCloseTo(Math.sqrt((sqS + prior * all) / (6 + prior)), within(1e-12));
        assertThat(n[0].scale(1)).isGreaterThan(n[0].scale(0));
        assertThat(n[1].speciesScales()).as("per-structure block: one scale").isNull();
        assertThat(n[1].scale(1)).isEqualTo(n[1].scale());

        Normalization[] off = Normalization.fit(blocks, species, samples(), values, true, false);
        assertThat(off[0].speciesScales()).isNull();
        assertThat(off[0].scale(0)).isEqualTo(off[0].scale()).isEqualTo(n[0].scale());
    }

    @Test
    void aSpeciesWhoseValuesVanishKeepsAScaleNearTheBlocks() {
        // S on two atoms only, both with zero values (a site where the block vanishes by symmetry):
        // its scale is not 0 (which would blow up the loss of any error on S) but close to the block's
        List<ModelBlock> blocks = List.of(new ModelBlock(0, "v", 0, new TargetLayout.Block("v:L1+", 1, 1, 1, new int[] {0, 1, 2}), true));
        SplittableRandom rng = new SplittableRandom(5);
        double[][][] values = new double[1][2][9];
        for (int s = 0; s < 2; s++) {
            for (int i : new int[] {0, 2}) for (int m = 0; m < 3; m++) values[0][s][3 * i + m] = rng.nextGaussian();
        }
        Normalization n = Normalization.fit(blocks, new int[] {1, 16}, samples(), values, true, true)[0];
        assertThat(n.scale(1)).isGreaterThan(0.9 * n.scale());
        assertThat(n.scale(1)).isGreaterThanOrEqualTo(Normalization.MIN_SPECIES_SCALE * n.scale());
    }

    @Test
    void invalidSpeciesScalesAreRefused() {
        assertThatThrownBy(() -> new Normalization(1, 1, 3, null, new double[] {1, 0}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("species scale");
        assertThatThrownBy(() -> new Normalization(1, 1, 3, null, new double[] {1, Double.NaN}))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
