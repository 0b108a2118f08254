package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.linalg.Gemm;

/**
 * The shared scalar network ({@link ScalarNetworks.Mode#SHARED}): one MLP for all elements, the element
 * entering through a learned embedding mapped to the first layer's bias, heads shared by all elements.
 */
class SharedScalarNetworkTest {
    static final int[] SPECIES = {1, 6, 8};
    static final List<ScalarNetworks.HeadSpec> HEADS = ScalarNetworksTest.HEADS;

    private final long savedLimit = Gemm.smallLimit;
    private final int savedChunk = SpeciesMlp.chunkForNewWorkspaces;
    private final int savedRowBlock = SpeciesMlp.rowBlockForNewWorkspaces;

    @AfterEach
    void restore() {
        Gemm.smallLimit = savedLimit;
        SpeciesMlp.chunkForNewWorkspaces = savedChunk;
        SpeciesMlp.rowBlockForNewWorkspaces = savedRowBlock;
    }

    static ScalarNetworks shared(Parameters p, int f, int width, int depth, int d) {
        return new ScalarNetworks(p, "scalar.", SPECIES, f, width, depth, HEADS, ScalarNetworks.Mode.SHARED, d);
    }

    /** depth, width, F, d, every product through BLAS (else plain loops), first-layer column block. */
    static Stream<Arguments> configs() {
        return Stream.of(
            Arguments.of(1, 4, 7, 1, true, 3), Arguments.of(1, 6, 5, 3, false, 256),
            Arguments.of(2, 5, 9, 2, true, 256), Arguments.of(2, 8, 6, 4, false, 4),
            Arguments.of(3, 4, 8, 5, true, 8), Arguments.of(3, 7, 5, 2, false, 2));
    }

    @ParameterizedTest(name = "depth {0} width {1} F {2} d {3} blas {4} chunk {5}")
    @MethodSource("configs")
    void parameterAndInputGradientsMatchCentralDifferences(int depth, int width, int f, int d, boolean blas, int chunk) {
        Gemm.smallLimit = blas ? 0 : Long.MAX_VALUE;
        SpeciesMlp.chunkForNewWorkspaces = chunk;
        SplittableRandom rng = new SplittableRandom(1000L * depth + 10L * width + f + 7L * d);
        Parameters p = new Parameters();
        ScalarNetworks net = shared(p, f, width, depth, d);
        ScalarNetworksTest.randomize(p, rng);
        ScalarNetworksTest.Batch b = ScalarNetworksTest.randomBatch(rng, 11, f);
        double[][] w = new double[HEADS.size()][];
        for (int h = 0; h < w.length; h++) {
            w[h] = new double[b.n() * HEADS.get(h).nOut()];
            for (int i = 0; i < w[h].length; i++) w[h][i] = rng.nextGaussian();
        }
        p.zeroGrads();
        net.forward(b.x(), b.z(), b.n());
        double[] dx = new double[b.n() * f];
        net.backward(w, dx);
        double[] g = p.grads().clone();

        double[] v = p.values();
        double eps = 1e-5;
        double worst = 0;
        int blocks = 0;
        for (Parameters.Block blk : p.blocks()) {
            double maxDiff = 0, maxG = 0;
            for (int i = blk.offset(); i < blk.end(); i++) {
                double save = v[i];
                v[i] = save + eps;
                net.forward(b.x(), b.z(), b.n());
                double lp = ScalarNetworksTest.loss(net, w, b.n());
                v[i] = save - eps;
                net.forward(b.x(), b.z(), b.n());
                double lm = ScalarNetworksTest.loss(net, w, b.n());
                v[i] = save;
                double fd = (lp - lm) / (2 * eps);
                maxDiff = Math.max(maxDiff, Math.abs(fd - g[i]));
                maxG = Math.max(maxG, Math.abs(fd));
            }
            assertThat(maxG).as("gradient of %s should not vanish", blk.name()).isGreaterThan(1e-6);
            double rel = maxDiff / maxG;
            worst = Math.max(worst, rel);
            assertThat(rel).as("relative gradient error of %s", blk.name()).isLessThan(1e-6);
            blocks++;
        }
        // γ, β, depth weights, embedding, embedding map, two heads
        assertThat(blocks).isEqualTo(2 + depth + 2 + HEADS.size());
        double maxDiff = 0, maxG = 0;
        for (int i = 0; i < dx.length; i++) {
            double save = b.x()[i];
            b.x()[i] = save + eps;
            net.forward(b.x(), b.z(), b.n());
            double lp = ScalarNetworksTest.loss(net, w, b.n());
            b.x()[i] = save - eps;
            net.forward(b.x(), b.z(), b.n());
            double lm = ScalarNetworksTest.loss(net, w, b.n());
            b.x()[i] = save;
            double fd = (lp - lm) / (2 * eps);
            maxDiff = Math.max(maxDiff, Math.abs(fd - dx[i]));
            maxG = Math.max(maxG, Math.abs(fd));
        }
        assertThat(maxDiff / maxG).as("relative input-gradient error").isLessThan(1e-6);
        System.out.printf("shared gradcheck depth %d width %d F %d d %d blas %b chunk %d: worst parameter block rel err %.2e, input %.2e%n",
            depth, width, f, d, blas, chunk, worst, maxDiff / maxG);
    }

    /** Unfused textbook forward of one row: LayerNorm, W0·x + A·e_Z, SiLU, further layers, the shared head. */
    static double[] naiveForward(Parameters p, int species, int depth, int width, int f, int d, String head, int nOut, double[] x, int row) {
        double[] v = p.values();
        double mean = 0;
        for (int j = 0; j < f; j++) mean += x[row * f + j];
        mean /= f;
        double var = 0;
        for (int j = 0; j < f; j++) var += (x[row * f + j] - mean) * (x[row * f + j] - mean);
        var /= f;
        Parameters.Block g = p.block("scalar.shared.ln.gamma");
        Parameters.Block bt = p.block("scalar.shared.ln.beta");
        Parameters.Block e = p.block("scalar.embedding");
        Parameters.Block a = p.block("scalar.embedding_map");
        double[] h = new double[f];
        for (int j = 0; j < f; j++) h[j] = (x[row * f + j] - mean) / Math.sqrt(var + 1e-5) * v[g.offset() + j] + v[bt.offset() + j];
        for (int l = 0; l < depth; l++) {
            Parameters.Block wb = p.block("scalar.shared.linear" + l + ".weight");
            int in = h.length;
            double[] o = new double[width];
            for (int k = 0; k < width; k++) {
                double s = 0;
                for (int j = 0; j < in; j++) s += v[wb.offset() + k * in + j] * h[j];
                if (l == 0) for (int c = 0; c < d; c++) s += v[a.offset() + k * d + c] * v[e.offset() + species * d + c];
                o[k] = s / (1 + Math.exp(-s));
            }
            h = o;
        }
        Parameters.Block hb = p.block("scalar.head." + head + ".weight");
        double[] c = new double[nOut];
        for (int k = 0; k < nOut; k++) for (int j = 0; j < width; j++) c[k] += v[hb.offset() + k * width + j] * h[j];
        return c;
    }

    @ParameterizedTest(name = "depth {0} width {1} F {2} d {3} blas {4} chunk {5}")
    @MethodSource("configs")
    void forwardMatchesUnfusedTextbookNetwork(int depth, int width, int f, int d, boolean blas, int chunk) {
        Gemm.smallLimit = blas ? 0 : Long.MAX_VALUE;
        SpeciesMlp.chunkForNewWorkspaces = chunk;
        SplittableRandom rng = new SplittableRandom(77L * depth + width + 13L * f + d);
        Parameters p = new Parameters();
        ScalarNetworks net = shared(p, f, width, depth, d);
        ScalarNetworksTest.randomize(p, rng);
        ScalarNetworksTest.Batch b = ScalarNetworksTest.randomBatch(rng, 13, f);
        net.forward(b.x(), b.z(), b.n());
        for (int h = 0; h < HEADS.size(); h++) {
            int no = HEADS.get(h).nOut();
            for (int i = 0; i < b.n(); i++) {
                int s = java.util.Arrays.binarySearch(SPECIES, b.z()[i]);
                double[] ref = naiveForward(p, s, depth, width, f, d, HEADS.get(h).name(), no, b.x(), i);
                for (int k = 0; k < no; k++) {
                    assertThat(net.output(h)[i * no + k]).isCloseTo(ref[k], Offset.offset(1e-12 * (1 + Math.abs(ref[k]))));
                }
            }
        }
    }

    @Test
    void parameterBlocksAreSharedApartFromTheEmbedding() {
        int f = 20, width = 8, d = 5;
        Parameters p = new Parameters();
        ScalarNetworks net = shared(p, f, width, 2, d);
        assertThat(net.isShared()).isTrue();
        assertThat(net.embeddingDim()).isEqualTo(d);
        assertThat(p.blocks().stream().map(Parameters.Block::name).toList()).containsExactly(
            "scalar.shared.ln.gamma", "scalar.shared.ln.beta", "scalar.shared.linear0.weight", "scalar.shared.linear1.weight",
            "scalar.embedding", "scalar.embedding_map", "scalar.head.l0.weight", "scalar.head.l2.weight");
        assertThat(p.block("scalar.embedding").shape()).containsExactly(SPECIES.length, d);
        assertThat(p.block("scalar.embedding_map").shape()).containsExactly(width, d);
        assertThat(p.block("scalar.head.l2.weight").shape()).containsExactly(5, width);
        assertThat(net.headLinear(1, 0)).isSameAs(net.headLinear(1, 2));
        assertThat(net.mlp(0)).isSameAs(net.mlp(2));
        // a 64-element network has 59·d parameters more than a 5-element one, nothing else
        int[] many = new int[64];
        for (int k = 0; k < 64; k++) many[k] = k + 1;
        Parameters q = new Parameters();
        new ScalarNetworks(q, "scalar.", many, f, width, 2, HEADS, ScalarNetworks.Mode.SHARED, d);
        Parameters r = new Parameters();
        new ScalarNetworks(r, "scalar.", new int[] {1, 2, 3, 4, 5}, f, width, 2, HEADS, ScalarNetworks.Mode.SHARED, d);
        assertThat(q.size() - r.size()).isEqualTo(59 * d);
        // initialisation: γ = 1, β = 0, the embedding small, the map like a Linear of fan-in d
        p.initialize(3);
        double[] v = p.values();
        Parameters.Block e = p.block("scalar.embedding");
        double max = 0;
        for (int i = e.offset(); i < e.end(); i++) max = Math.max(max, Math.abs(v[i]));
        assertThat(max).isPositive().isLessThanOrEqualTo(ScalarNetworks.EMBEDDING_INIT);
        Parameters.Block a = p.block("scalar.embedding_map");
        for (int i = a.offset(); i < a.end(); i++) assertThat(Math.abs(v[i])).isLessThanOrEqualTo(1 / Math.sqrt(d));
    }

    @Test
    void theElementEntersOnlyThroughItsEmbedding() {
        int f = 9, width = 6, d = 3;
        Parameters p = new Parameters();
        ScalarNetworks net = shared(p, f, width, 2, d);
        p.initialize(5);
        SplittableRandom rng = new SplittableRandom(12);
        double[] row = new double[f];
        for (int j = 0; j < f; j++) row[j] = rng.nextGaussian();
        double[] x = new double[3 * f];
        for (int i = 0; i < 3; i++) System.arraycopy(row, 0, x, i * f, f);
        int[] z = {1, 6, 8};
        net.forward(x, z, 3);
        double[] out = net.output(1).clone();
        assertThat(java.util.Arrays.copyOfRange(out, 0, 5)).isNotEqualTo(java.util.Arrays.copyOfRange(out, 5, 10));
        // give C the embedding of H: the same row then gives the same coefficients
        Parameters.Block e = p.block("scalar.embedding");
        System.arraycopy(p.values(), e.offset(), p.values(), e.offset() + d, d);
        net.forward(x, z, 3);
        assertThat(java.util.Arrays.copyOfRange(net.output(1), 5, 10)).containsExactly(java.util.Arrays.copyOfRange(net.output(1), 0, 5));
        assertThat(java.util.Arrays.copyOfRange(net.output(1), 10, 15)).containsExactly(java.util.Arrays.copyOfRange(out, 10, 15));
    }

    /** Normalised input and rows held by reference give the outputs and gradients of raw flat rows; batches of any size. */
    @ParameterizedTest(name = "row block {0}, BLAS {1}")
    @CsvSource({"1, true", "4, true", "256, true", "3, false"})
    void normalisedInputAndRowsByReferenceGiveTheSameOutputsAndGradients(int rowBlock, boolean blas) {
        Gemm.smallLimit = blas ? 0 : Long.MAX_VALUE;
        SpeciesMlp.chunkForNewWorkspaces = 4;
        int f = 12, width = 6, d = 4;
        SplittableRandom rng = new SplittableRandom(rowBlock * 7L + (blas ? 1 : 0));
        ScalarNetworksTest.Batch b = ScalarNetworksTest.randomBatch(rng, 17, f);
        double[][] w = {new double[b.n()], new double[5 * b.n()]};
        for (double[] a : w) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();

        SpeciesMlp.rowBlockForNewWorkspaces = 256;
        Parameters p = new Parameters();
        ScalarNetworks ref = shared(p, f, width, 2, d);
        ScalarNetworksTest.randomize(p, rng);
        p.zeroGrads();
        ref.forward(b.x(), b.z(), b.n());
        double[][] out = {ref.output(0).clone(), ref.output(1).clone()};
        ref.backward(w);
        double[] g = p.grads().clone();

        double[] xhat = new double[b.x().length];
        SpeciesMlp.normalizeRows(b.x(), b.n(), f, xhat);
        SpeciesMlp.rowBlockForNewWorkspaces = rowBlock;
        Parameters q = new Parameters();
        ScalarNetworks net = shared(q, f, width, 2, d);
        System.arraycopy(p.values(), 0, q.values(), 0, p.size());
        net.setInputNormalized(true);
        double[][] arrays = new double[3][(b.n() / 3 + 1) * (f + 2) + 5];
        for (double[] a : arrays) java.util.Arrays.fill(a, Double.NaN);
        double[][] rowArrays = new double[b.n()][];
        int[] rowOffsets = new int[b.n()];
        int[] used = new int[3];
        for (int i = 0; i < b.n(); i++) {
            int k = i % 3;
            int off = used[k] + 1 + (i % 2);
            System.arraycopy(xhat, i * f, arrays[k], off, f);
            rowArrays[i] = arrays[k];
            rowOffsets[i] = off;
            used[k] = off + f;
        }
        for (int pass = 0; pass < 3; pass++) { // flat in place, by reference, by reference again (workspaces reused)
            q.zeroGrads();
            if (pass == 0) net.forward(xhat, b.z(), b.n());
            else net.forward(rowArrays, rowOffsets, b.z(), b.n());
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < out[h].length; i++) {
                    assertThat(net.output(h)[i]).isCloseTo(out[h][i], Offset.offset(1e-13 * (1 + Math.abs(out[h][i]))));
                }
            }
            net.backward(w);
            for (int i = 0; i < g.length; i++) {
                assertThat(q.grads()[i]).isCloseTo(g[i], Offset.offset(1e-12 * (1 + Math.abs(g[i]))));
            }
        }
        // the hidden layer the head refit reads: in row order, and the heads are linear in it
        double[] hid = new double[b.n() * width];
        net.hidden(hid);
        Parameters.Block hb = q.block("scalar.head.l0.weight");
        for (int i = 0; i < b.n(); i++) {
            double c = 0;
            for (int k = 0; k < width; k++) c += q.values()[hb.offset() + k] * hid[i * width + k];
            assertThat(c).isCloseTo(out[0][i], Offset.offset(1e-12 * (1 + Math.abs(c))));
        }
        // a smaller batch after the larger one
        net.forward(rowArrays, rowOffsets, b.z(), 5);
        for (int i = 0; i < 5; i++) assertThat(net.output(1)[i * 5 + 2]).isCloseTo(out[1][i * 5 + 2], Offset.offset(1e-13));
    }

    /** The first layer's row and column blocks on several threads: outputs and gradients bit-identical to one thread. */
    @ParameterizedTest(name = "row block {0}, column block {1}, normalised {2}")
    @CsvSource({"4, 8, true", "7, 5, false", "256, 3, true", "1, 256, false"})
    void parallelBlocksGiveIdenticalResults(int rowBlock, int chunk, boolean normalized) {
        SpeciesMlp.rowBlockForNewWorkspaces = rowBlock;
        SpeciesMlp.chunkForNewWorkspaces = chunk;
        int f = 37, width = 9;
        SplittableRandom rng = new SplittableRandom(rowBlock * 31L + chunk);
        ScalarNetworksTest.Batch b = ScalarNetworksTest.randomBatch(rng, 45, f);
        double[] x = b.x().clone();
        if (normalized) SpeciesMlp.normalizeRows(x, b.n(), f, x);
        double[][] w = {new double[b.n()], new double[5 * b.n()]};
        for (double[] a : w) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
        Parameters p = new Parameters();
        ScalarNetworks net = shared(p, f, width, 2, 3);
        ScalarNetworksTest.randomize(p, rng);
        net.setInputNormalized(normalized);
        List<double[]> results = new java.util.ArrayList<>();
        for (int slots : new int[] {1, 2, 3, 8}) {
            net.setSharedParallelism(slots);
            p.zeroGrads();
            net.forward(x, b.z(), b.n());
            results.add(net.output(1).clone());
            net.backward(w);
            results.add(p.grads().clone());
        }
        for (int k = 2; k < results.size(); k += 2) {
            assertThat(results.get(k)).containsExactly(results.get(0));
            assertThat(results.get(k + 1)).containsExactly(results.get(1));
        }
    }

    @Test
    void absentElementsGetNoEmbeddingGradientAndTheRestAccumulates() {
        int f = 6, width = 4, d = 3;
        Parameters p = new Parameters();
        ScalarNetworks net = shared(p, f, width, 2, d);
        p.initialize(2);
        SplittableRandom rng = new SplittableRandom(6);
        int n = 5;
        double[] x = new double[n * f];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        int[] z = {1, 8, 1, 8, 8}; // no carbon
        double[][] w = {new double[n], new double[5 * n]};
        java.util.Arrays.fill(w[0], 1.0);
        java.util.Arrays.fill(w[1], 1.0);
        p.zeroGrads();
        net.forward(x, z, n);
        net.backward(w);
        double[] once = p.grads().clone();
        Parameters.Block e = p.block("scalar.embedding");
        for (int k = 0; k < d; k++) assertThat(once[e.offset() + d + k]).as("carbon's embedding").isZero();
        for (int k = 0; k < d; k++) assertThat(once[e.offset() + k]).as("hydrogen's embedding").isNotZero();
        net.backward(w);
        for (int i = 0; i < once.length; i++) assertThat(p.grads()[i]).isCloseTo(2 * once[i], Offset.offset(1e-15 + 1e-14 * Math.abs(once[i])));
        net.forward(x, z, 0);
        net.backward(new double[][] {new double[0], new double[0]});
        assertThat(net.rows()).isZero();
        assertThatThrownBy(() -> net.forward(x, new int[] {1, 7, 1, 1, 1}, n)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> new ScalarNetworks(new Parameters(), "s.", SPECIES, f, width, 2, HEADS, ScalarNetworks.Mode.SHARED, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
