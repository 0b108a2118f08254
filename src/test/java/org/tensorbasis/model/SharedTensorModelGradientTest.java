package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.basis.TensorBasis.PseudoMode;

/**
 * The whole model with the shared scalar network (one MLP, element embedding, shared heads): its
 * hand-written backward against central finite differences, every parameter block (as
 * {@link TensorModelGradientTest} does for one network per element).
 */
class SharedTensorModelGradientTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int lambda = 0; lambda <= 6; lambda++) {
            for (int sigma : new int[] {1, -1}) out.add(Arguments.of(lambda, sigma, lambda >= 2, lambda % 2 == 0));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "λ={0} σ={1} correction={2} perAtom={3}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(int lambda, int sigma, boolean corr, boolean perAtom) {
        SplittableRandom rng = new SplittableRandom(lambda * 100L + sigma * 10L + (corr ? 3 : 0) + (perAtom ? 1 : 0) + 7);
        int maxL = Math.max(1, lambda);
        int[] kPerL = new int[maxL + 1];
        for (int l = 0; l <= maxL; l++) kPerL[l] = 3 + (l % 2);
        List<TensorModel.Block> blocks = new ArrayList<>();
        blocks.add(new TensorModel.Block("t", lambda, sigma, 2, perAtom, corr, lambda % 2 == 0 ? PseudoMode.PSEUDOSCALAR : PseudoMode.PSEUDO_MAXIMAL));
        blocks.add(new TensorModel.Block("scalar", 0, 1, 1, perAtom, false, PseudoMode.PSEUDOSCALAR));
        TensorModel m = new TensorModel(TensorModelGradientTest.SPECIES, TensorModelGradientTest.F, kPerL,
            new TensorModel.Hypers(6, 2, 2, ScalarNetworks.Mode.SHARED, 3), blocks, 42);
        assertThat(m.scalarNetworks().isShared()).isTrue();
        assertThat(m.parameters().block("scalar.embedding").shape()).containsExactly(TensorModelGradientTest.SPECIES.length, 3);
        AtomBatch batch = TensorModelGradientTest.randomBatch(rng, kPerL, maxL);
        for (Parameters.Block block : m.parameters().blocks()) {
            if (!block.trainable()) {
                for (int k = block.offset(); k < block.end(); k++) m.parameters().values()[k] = rng.nextDouble(0.3, 3.0);
            }
        }
        double[][] w = new double[blocks.size()][];
        for (int b = 0; b < blocks.size(); b++) {
            int rows = perAtom ? batch.atoms() : batch.structures();
            w[b] = new double[rows * blocks.get(b).properties() * blocks.get(b).dim()];
            for (int i = 0; i < w[b].length; i++) w[b][i] = rng.nextGaussian();
        }
        m.forward(batch);
        double[][] g = new double[blocks.size()][];
        for (int b = 0; b < blocks.size(); b++) {
            int width = blocks.get(b).properties() * blocks.get(b).dim();
            g[b] = new double[batch.atoms() * width];
            for (int i = 0; i < batch.atoms(); i++) {
                int row = perAtom ? i : batch.structureOf()[i];
                System.arraycopy(w[b], row * width, g[b], i * width, width);
            }
        }
        Parameters p = m.parameters();
        p.zeroGrads();
        m.backward(g);
        double[] analytic = p.grads().clone();
        double[] values = p.values();
        int checked = 0;
        for (Parameters.Block block : p.blocks()) {
            if (!block.trainable()) continue;
            int[] picks = {block.offset(), block.end() - 1, block.offset() + rng.nextInt(block.size())};
            for (int k : picks) {
                double x0 = values[k];
                double h = 1e-6 * Math.max(1.0, Math.abs(x0));
                values[k] = x0 + h;
                double fp = TensorModelGradientTest.loss(m, batch, w, perAtom);
                values[k] = x0 - h;
                double fm = TensorModelGradientTest.loss(m, batch, w, perAtom);
                values[k] = x0;
                double fd = (fp - fm) / (2 * h);
                double err = Math.abs(analytic[k] - fd) / Math.max(1e-3, Math.abs(fd) + Math.abs(analytic[k]));
                assertThat(err).as("block %s index %d: analytic %s fd %s", block.name(), k - block.offset(), analytic[k], fd)
                    .isLessThan(1e-6);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }
}
