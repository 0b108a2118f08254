package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.tensorbasis.basis.TensorBasis.PseudoMode;

/** A replica predicts exactly what its original does, and does not share state with it. */
class TensorModelReplicaTest {
    @org.junit.jupiter.params.ParameterizedTest(name = "shared scalar network {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void replicaForwardsLikeTheOriginal(boolean shared) {
        int[] kPerL = {3, 4, 3};
        List<TensorModel.Block> blocks = List.of(new TensorModel.Block("a", 2, 1, 2, false, true, null),
            new TensorModel.Block("b", 1, -1, 1, true, false, PseudoMode.PSEUDO_MAXIMAL));
        TensorModel m = new TensorModel(TensorModelGradientTest.SPECIES, TensorModelGradientTest.F, kPerL,
            shared ? new TensorModel.Hypers(6, 2, 2, ScalarNetworks.Mode.SHARED, 3) : new TensorModel.Hypers(6, 2, 2), blocks, 11);
        // weights different from the initialisation, so that the copy matters
        SplittableRandom rng = new SplittableRandom(4);
        double[] v = m.parameters().values();
        for (int i = 0; i < v.length; i++) v[i] += 0.1 * rng.nextGaussian();
        AtomBatch batch = TensorModelGradientTest.randomBatch(rng, kPerL, 2);
        TensorModel r = m.replica(1);
        assertThat(r.hypers()).isEqualTo(m.hypers().withThreads(1));
        assertThat(r.scalarNetworks().isShared()).isEqualTo(shared);
        m.forward(batch);
        double[] so = m.structureOutput(0).clone();
        double[] ao = m.atomOutput(1).clone();
        r.forward(batch);
        for (int i = 0; i < batch.structures() * 2 * 5; i++) assertThat(r.structureOutput(0)[i]).isCloseTo(so[i], org.assertj.core.api.Assertions.within(1e-13 * (1 + Math.abs(so[i]))));
        for (int i = 0; i < batch.atoms() * 3; i++) assertThat(r.atomOutput(1)[i]).isCloseTo(ao[i], org.assertj.core.api.Assertions.within(1e-13 * (1 + Math.abs(ao[i]))));
        // independent weights
        r.parameters().values()[0] += 1.0;
        assertThat(m.parameters().values()[0]).isNotEqualTo(r.parameters().values()[0]);
    }

    /**
     * A prediction replica forms its weight products once and reuses them: over several different batches it gives the
     * original's outputs bit for bit (one thread each, so the same products), and it refuses a backward pass.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "shared scalar network {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void predictionReplicaReusesItsWeightProductsBitForBit(boolean shared) {
        int[] kPerL = {3, 4, 3};
        List<TensorModel.Block> blocks = List.of(new TensorModel.Block("a", 2, 1, 2, false, true, null),
            new TensorModel.Block("b", 1, -1, 1, true, false, PseudoMode.PSEUDO_MAXIMAL));
        TensorModel m = new TensorModel(TensorModelGradientTest.SPECIES, TensorModelGradientTest.F, kPerL,
            shared ? new TensorModel.Hypers(6, 2, 1, ScalarNetworks.Mode.SHARED, 3) : new TensorModel.Hypers(6, 2, 1), blocks, 12);
        SplittableRandom rng = new SplittableRandom(5);
        double[] v = m.parameters().values();
        for (int i = 0; i < v.length; i++) v[i] += 0.1 * rng.nextGaussian();
        TensorModel r = m.predictionReplica(1);
        assertThat(r.scalarNetworks().hasFixedWeights()).isTrue();
        assertThat(m.scalarNetworks().hasFixedWeights()).isFalse();
        for (int k = 0; k < 4; k++) {
            AtomBatch batch = TensorModelGradientTest.randomBatch(rng, kPerL, 2); // new random features each time
            m.forward(batch);
            double[] so = m.structureOutput(0).clone();
            double[] ao = m.atomOutput(1).clone();
            r.forward(batch);
            assertThat(java.util.Arrays.copyOf(r.structureOutput(0), so.length)).as("batch %d", k).containsExactly(so);
            assertThat(java.util.Arrays.copyOf(r.atomOutput(1), ao.length)).as("batch %d", k).containsExactly(ao);
        }
        double[][] g = {new double[r.structureOutput(0).length], new double[r.atomOutput(1).length]};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.backward(g)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("prediction replica");
    }
}
