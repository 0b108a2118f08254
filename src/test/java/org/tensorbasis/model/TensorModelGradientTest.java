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

/** Hand-written backward of the whole model against central finite differences, every parameter group. */
class TensorModelGradientTest {
    static final int[] SPECIES = {1, 8};
    static final int F = 12;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int lambda = 0; lambda <= 6; lambda++) {
            for (int sigma : new int[] {1, -1}) {
                for (boolean corr : new boolean[] {false, true}) {
                    for (boolean perAtom : new boolean[] {false, true}) {
                        if (sigma > 0) {
                            out.add(Arguments.of(lambda, sigma, corr, perAtom, PseudoMode.PSEUDOSCALAR, false, false));
                        } else {
                            for (PseudoMode m : PseudoMode.values()) out.add(Arguments.of(lambda, sigma, corr, perAtom, m, false, false));
                        }
                    }
                }
            }
        }
        // the shared scalar network (one MLP, element embedding, shared heads): a case per (λ, σ)
        for (int lambda = 0; lambda <= 6; lambda++) {
            out.add(Arguments.of(lambda, 1, lambda >= 2, lambda % 2 == 0, PseudoMode.PSEUDOSCALAR, true, false));
            for (PseudoMode m : PseudoMode.values()) out.add(Arguments.of(lambda, -1, lambda >= 2, lambda % 2 == 0, m, true, false));
        }
        // position elements (per-structure proper blocks), per element and shared
        for (int lambda = 0; lambda <= 6; lambda++) {
            out.add(Arguments.of(lambda, 1, lambda % 2 == 0, false, PseudoMode.AXIAL, false, true));
            out.add(Arguments.of(lambda, 1, lambda % 2 == 1, false, PseudoMode.AXIAL, true, true));
        }
        return out.stream();
    }

    static AtomBatch randomBatch(SplittableRandom rng, int[] kPerL, int maxL) {
        int structures = 3;
        int[] sizes = {4, 3, 5};
        int atoms = 12;
        double[] x = new double[atoms * F];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        int[] z = new int[atoms];
        int[] sof = new int[atoms];
        int a = 0;
        for (int s = 0; s < structures; s++) {
            for (int k = 0; k < sizes[s]; k++) {
                z[a] = SPECIES[rng.nextInt(2)];
                sof[a++] = s;
            }
        }
        double[][] exp = new double[maxL + 1][];
        for (int l = 0; l <= maxL; l++) {
            exp[l] = new double[atoms * kPerL[l] * (2 * l + 1)];
            for (int i = 0; i < exp[l].length; i++) exp[l][i] = rng.nextGaussian() * 0.5;
        }
        return new AtomBatch(F, x, z, sof, structures, exp, kPerL);
    }

    /** L = Σ w ⊙ output, per atom or per structure. */
    static double loss(TensorModel m, AtomBatch batch, double[][] w, boolean perAtom) {
        m.forward(batch);
        double l = 0;
        for (int b = 0; b < w.length; b++) {
            double[] y = perAtom ? m.atomOutput(b) : m.structureOutput(b);
            for (int i = 0; i < w[b].length; i++) l += w[b][i] * y[i];
        }
        return l;
    }

    @ParameterizedTest(name = "λ={0} σ={1} correction={2} perAtom={3} {4} shared={5} position={6}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(int lambda, int sigma, boolean corr, boolean perAtom, PseudoMode mode, boolean shared,
                                         boolean position) {
        SplittableRandom rng = new SplittableRandom(lambda * 100L + sigma * 10L + (corr ? 3 : 0) + (perAtom ? 1 : 0));
        int maxL = Math.max(2, lambda); // l = 2: the axial mode's second triplet
        int[] kPerL = new int[maxL + 1];
        for (int l = 0; l <= maxL; l++) kPerL[l] = 3 + (l % 2);
        List<TensorModel.Block> blocks = new ArrayList<>();
        blocks.add(new TensorModel.Block("t", lambda, sigma, 2, perAtom, corr, mode, position));
        blocks.add(new TensorModel.Block("scalar", 0, 1, 1, perAtom, false, null));
        TensorModel.Hypers hy = shared ? new TensorModel.Hypers(6, 2, 2, ScalarNetworks.Mode.SHARED, 3) : new TensorModel.Hypers(6, 2, 2);
        TensorModel m = new TensorModel(SPECIES, F, kPerL, hy, blocks, 42);
        if (shared) {
            assertThat(m.parameters().block("scalar.embedding").shape()).containsExactly(SPECIES.length, 3);
            // the contractions go through the embedding: shared and embedded weights are trained (and
            // checked below), the per-element ones are derived buffers
            if (m.basis(0).usesV()) {
                assertThat(m.parameters().block("t.v.shared").trainable()).isTrue();
                assertThat(m.parameters().block("t.v.embed").shape()).containsExactly(3, kPerL[1], 3);
                assertThat(m.parameters().block("t.v.Z" + SPECIES[0]).trainable()).isFalse();
            }
        }
        AtomBatch batch = randomBatch(rng, kPerL, maxL);
        if (position) {
            double[] pos = new double[3 * batch.atoms()];
            for (int i = 0; i < pos.length; i++) pos[i] = 0.5 * rng.nextGaussian(); // the size of the expansions: R^6 of larger ones would make the loss large and its finite differences noisy
            batch = batch.withPositions(pos);
            assertThat(m.usesPositions()).isTrue();
        }
        // basis scales other than 1 (buffers: fixed, so no gradient of their own)
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
        // analytic
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
            if (!block.trainable()) {
                for (int k = block.offset(); k < block.end(); k++) assertThat(analytic[k]).as(block.name()).isZero();
                continue;
            }
            // a few entries of every block, always including its first and last
            int[] picks = {block.offset(), block.end() - 1, block.offset() + rng.nextInt(block.size())};
            for (int k : picks) {
                double x0 = values[k];
                double h = 1e-6 * Math.max(1.0, Math.abs(x0));
                values[k] = x0 + h;
                double fp = loss(m, batch, w, perAtom);
                values[k] = x0 - h;
                double fm = loss(m, batch, w, perAtom);
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
