package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.tensorbasis.basis.TensorBasis.PseudoMode;

/** A replica predicts exactly what its original does, and does not share state with it. */
class TensorModelReplicaTest {
    static final int[] K_PER_L = {3, 4, 3};

    /**
     * A model of a per-structure λ = 2 block with the λ correction and a per-atom σ = −1 block, on {@code threads} threads,
     * its weights moved away from the initialisation by {@code rng} (so that a copy of them matters).
     */
    static TensorModel model(boolean shared, int threads, long seed, SplittableRandom rng) {
        List<TensorModel.Block> blocks = List.of(new TensorModel.Block("a", 2, 1, 2, false, true, null),
            new TensorModel.Block("b", 1, -1, 1, true, false, PseudoMode.PSEUDO_MAXIMAL));
        TensorModel m = new TensorModel(TensorModelGradientTest.SPECIES, TensorModelGradientTest.F, K_PER_L,
            shared ? new TensorModel.Hypers(6, 2, threads, ScalarNetworks.Mode.SHARED, 3) : new TensorModel.Hypers(6, 2, threads), blocks, seed);
        double[] v = m.parameters().values();
        for (int i = 0; i < v.length; i++) v[i] += 0.1 * rng.nextGaussian();
        return m;
    }
    @org.junit.jupiter.params.ParameterizedTest(name = "shared scalar network {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void replicaForwardsLikeTheOriginal(boolean shared) {
        SplittableRandom rng = new SplittableRandom(4);
        TensorModel m = model(shared, 2, 11, rng);
        AtomBatch batch = TensorModelGradientTest.randomBatch(rng, K_PER_L, 2);
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
        SplittableRandom rng = new SplittableRandom(5);
        TensorModel m = model(shared, 1, 12, rng);
        TensorModel r = m.predictionReplica(1);
        assertThat(r.scalarNetworks().hasFixedWeights()).isTrue();
        assertThat(m.scalarNetworks().hasFixedWeights()).isFalse();
        for (int k = 0; k < 4; k++) {
            AtomBatch batch = TensorModelGradientTest.randomBatch(rng, K_PER_L, 2); // new random features each time
            m.forward(batch);
            double[] so = m.structureOutput(0).clone();
            double[] ao = m.atomOutput(1).clone();
            r.forward(batch);
            assertThat(java.util.Arrays.copyOf(r.structureOutput(0), so.length)).as("batch %d", k).containsExactly(so);
            assertThat(java.util.Arrays.copyOf(r.atomOutput(1), ao.length)).as("batch %d", k).containsExactly(ao);
        }
        double[][] g = {new double[r.structureOutput(0).length], new double[r.atomOutput(1).length]};
        assertThatBackwardIsRefused(r, g);
    }

    private static void assertThatBackwardIsRefused(TensorModel r, double[][] g) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.backward(g)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("prediction replica");
    }

    /**
     * A float32 prediction replica: from float64 rows (rounded as they are multiplied) and from float32 rows held by
     * reference (the float32 prediction cache), the outputs of the float64 model to float32 round-off (≤ 1e-5 of their
     * RMS), the two float32 paths alike bit for bit (the same rounded operands), and no backward pass.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "shared scalar network {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void float32ReplicaPredictsToFloat32RoundOff(boolean shared) {
        SplittableRandom rng = new SplittableRandom(6);
        TensorModel m = model(shared, 1, 13, rng);
        m.scalarNetworks().setInputNormalized(true);
        TensorModel r = m.predictionReplica(1, true);
        assertThat(r.scalarNetworks().isFloat32()).isTrue();
        assertThat(m.scalarNetworks().isFloat32()).isFalse();
        for (int k = 0; k < 3; k++) {
            AtomBatch batch = TensorModelGradientTest.randomBatch(rng, K_PER_L, 2);
            int n = batch.atoms(), f = batch.nFeatures();
            float[][] rows32 = new float[n][];
            int[] offsets = new int[n];
            for (int i = 0; i < n; i++) {
                rows32[i] = new float[f + 2];
                offsets[i] = 2; // rows held at an offset, as in a cache
                for (int j = 0; j < f; j++) rows32[i][2 + j] = (float) batch.features()[i * f + j];
            }
            int[] sof = new int[n];
            for (int s = 0; s < batch.structures(); s++) for (int i = batch.structureStart(s); i < batch.structureStart(s + 1); i++) sof[i] = s;
            double[][] exp = new double[3][];
            for (int l = 0; l < 3; l++) exp[l] = batch.expansion(l);
            AtomBatch floats = AtomBatch.ofFloatRows(f, rows32, offsets, batch.numbers(), sof, batch.structures(), exp, K_PER_L);
            m.forward(batch);
            double[] so = m.structureOutput(0).clone();
            double[] ao = m.atomOutput(1).clone();
            r.forward(batch);
            double[] so32 = java.util.Arrays.copyOf(r.structureOutput(0), so.length);
            double[] ao32 = java.util.Arrays.copyOf(r.atomOutput(1), ao.length);
            assertClose(so32, java.util.Arrays.copyOf(so, batch.structures() * 2 * 5));
            assertClose(ao32, java.util.Arrays.copyOf(ao, n * 3));
            r.forward(floats);
            assertThat(java.util.Arrays.copyOf(r.structureOutput(0), so.length)).containsExactly(so32);
            assertThat(java.util.Arrays.copyOf(r.atomOutput(1), ao.length)).containsExactly(ao32);
            // float32 rows need a float32 network
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.forward(floats)).isInstanceOf(IllegalStateException.class);
        }
        double[][] g = {new double[r.structureOutput(0).length], new double[r.atomOutput(1).length]};
        assertThatBackwardIsRefused(r, g);
    }

    /** got ≈ want to 1e-5 of want's RMS, and not bit for bit (the float32 arithmetic is used). */
    private static void assertClose(double[] got, double[] want) {
        double sq = 0, diff = 0;
        for (int i = 0; i < want.length; i++) {
            sq += want[i] * want[i];
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
        }
        double rms = Math.sqrt(sq / want.length);
        assertThat(diff).isLessThanOrEqualTo(1e-5 * rms).isGreaterThan(0.0);
    }
}
