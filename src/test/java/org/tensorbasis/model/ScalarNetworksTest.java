package org.tensorbasis.model;

import org.tensorbasis.linalg.Gemm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScalarNetworksTest {
    static final int[] SPECIES = {1, 6, 8};
    static final List<ScalarNetworks.HeadSpec> HEADS =
        List.of(new ScalarNetworks.HeadSpec("l0", 1), new ScalarNetworks.HeadSpec("l2", 5));

    private final long savedLimit = Gemm.smallLimit;
    private final int savedChunk = SpeciesMlp.chunkForNewWorkspaces;
    private final int savedRowBlock = SpeciesMlp.rowBlockForNewWorkspaces;

    @AfterEach
    void restoreGemm() {
        Gemm.smallLimit = savedLimit;
        SpeciesMlp.chunkForNewWorkspaces = savedChunk;
        SpeciesMlp.rowBlockForNewWorkspaces = savedRowBlock;
    }

    /**
     * depth, width, F, whether every product goes through BLAS (else plain loops), feature-column
     * block width of the first layer (smaller than F: several blocks, the last one partial).
     */
    static Stream<Arguments> configs() {
        return Stream.of(
            Arguments.of(1, 4, 7, true, 3), Arguments.of(1, 6, 5, false, 256),
            Arguments.of(2, 5, 9, true, 256), Arguments.of(2, 8, 6, false, 4), Arguments.of(2, 3, 11, true, 5),
            Arguments.of(3, 4, 8, true, 8), Arguments.of(3, 7, 5, false, 2));
    }

    /** Random batch: species mixed, rows with different offsets and scales. */
    record Batch(double[] x, int[] z, int n) {}

    static Batch randomBatch(SplittableRandom rng, int n, int f) {
        double[] x = new double[n * f];
        int[] z = new int[n];
        for (int i = 0; i < n; i++) {
            z[i] = SPECIES[rng.nextInt(SPECIES.length)];
            double off = rng.nextDouble(-2, 2);
            double sc = Math.exp(rng.nextDouble(-1, 1));
            for (int j = 0; j < f; j++) x[i * f + j] = off + sc * rng.nextGaussian();
        }
        // make sure every species is present
        for (int s = 0; s < SPECIES.length && s < n; s++) z[s] = SPECIES[s];
        return new Batch(x, z, n);
    }

    /** Random parameters, including γ ≠ 1 and β ≠ 0 so their gradients are exercised fully. */
    static void randomize(Parameters p, SplittableRandom rng) {
        double[] v = p.values();
        for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble(-0.8, 0.8);
        for (Parameters.Block b : p.blocks()) {
            if (b.name().endsWith("ln.gamma")) for (int i = b.offset(); i < b.end(); i++) v[i] = 1 + v[i];
        }
    }

    static double loss(ScalarNetworks net, double[][] w, int n) {
        double l = 0;
        for (int h = 0; h < net.numHeads(); h++) {
            double[] o = net.output(h);
            for (int i = 0; i < n * net.head(h).nOut(); i++) l += w[h][i] * o[i];
        }
        return l;
    }

    @ParameterizedTest(name = "depth {0} width {1} F {2} blas {3} chunk {4}")
    @MethodSource("configs")
    void parameterAndInputGradientsMatchCentralDifferences(int depth, int width, int f, boolean blas, int chunk) {
        Gemm.smallLimit = blas ? 0 : Long.MAX_VALUE;
        SpeciesMlp.chunkForNewWorkspaces = chunk;
        SplittableRandom rng = new SplittableRandom(1000L * depth + 10L * width + f);
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "scalar.", SPECIES, f, width, depth, HEADS);
        randomize(p, rng);
        Batch b = randomBatch(rng, 11, f);
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
        for (Parameters.Block blk : p.blocks()) {
            double maxDiff = 0, maxG = 0;
            for (int i = blk.offset(); i < blk.end(); i++) {
                double save = v[i];
                v[i] = save + eps;
                net.forward(b.x(), b.z(), b.n());
                double lp = loss(net, w, b.n());
                v[i] = save - eps;
                net.forward(b.x(), b.z(), b.n());
                double lm = loss(net, w, b.n());
                v[i] = save;
                double fd = (lp - lm) / (2 * eps);
                maxDiff = Math.max(maxDiff, Math.abs(fd - g[i]));
                maxG = Math.max(maxG, Math.abs(fd));
            }
            assertThat(maxG).as("gradient of %s should not vanish", blk.name()).isGreaterThan(1e-6);
            double rel = maxDiff / maxG;
            worst = Math.max(worst, rel);
            assertThat(rel).as("relative gradient error of %s", blk.name()).isLessThan(1e-6);
        }
        // input gradient
        double maxDiff = 0, maxG = 0;
        for (int i = 0; i < dx.length; i++) {
            double save = b.x()[i];
            b.x()[i] = save + eps;
            net.forward(b.x(), b.z(), b.n());
            double lp = loss(net, w, b.n());
            b.x()[i] = save - eps;
            net.forward(b.x(), b.z(), b.n());
            double lm = loss(net, w, b.n());
            b.x()[i] = save;
            double fd = (lp - lm) / (2 * eps);
            maxDiff = Math.max(maxDiff, Math.abs(fd - dx[i]));
            maxG = Math.max(maxG, Math.abs(fd));
        }
        assertThat(maxDiff / maxG).as("relative input-gradient error").isLessThan(1e-6);
        System.out.printf("gradcheck depth %d width %d F %d blas %b chunk %d: worst parameter block rel err %.2e, input %.2e%n",
            depth, width, f, blas, chunk, worst, maxDiff / maxG);
    }

    /** Unfused textbook forward of one row: LayerNorm → (Linear → SiLU)×depth → head. */
    static double[] naiveForward(Parameters p, String prefix, int z, int depth, int width, int f, String head,
                                 int nOut, double[] x, int row) {
        double[] v = p.values();
        double mean = 0;
        for (int j = 0; j < f; j++) mean += x[row * f + j];
        mean /= f;
        double var = 0;
        for (int j = 0; j < f; j++) var += (x[row * f + j] - mean) * (x[row * f + j] - mean);
        var /= f;
        Parameters.Block g = p.block(prefix + "Z" + z + ".ln.gamma");
        Parameters.Block bt = p.block(prefix + "Z" + z + ".ln.beta");
        double[] h = new double[f];
        for (int j = 0; j < f; j++) {
            h[j] = (x[row * f + j] - mean) / Math.sqrt(var + 1e-5) * v[g.offset() + j] + v[bt.offset() + j];
        }
        for (int l = 0; l < depth; l++) {
            Parameters.Block wb = p.block(prefix + "Z" + z + ".linear" + l + ".weight");
            int in = h.length;
            double[] o = new double[width];
            for (int k = 0; k < width; k++) {
                double s = 0;
                for (int j = 0; j < in; j++) s += v[wb.offset() + k * in + j] * h[j];
                o[k] = s / (1 + Math.exp(-s));
            }
            h = o;
        }
        Parameters.Block hb = p.block(prefix + "head." + head + ".Z" + z + ".weight");
        double[] c = new double[nOut];
        for (int k = 0; k < nOut; k++) {
            for (int j = 0; j < width; j++) c[k] += v[hb.offset() + k * width + j] * h[j];
        }
        return c;
    }

    @ParameterizedTest(name = "depth {0} width {1} F {2} blas {3} chunk {4}")
    @MethodSource("configs")
    void forwardMatchesUnfusedTextbookNetwork(int depth, int width, int f, boolean blas, int chunk) {
        Gemm.smallLimit = blas ? 0 : Long.MAX_VALUE;
        SpeciesMlp.chunkForNewWorkspaces = chunk;
        SplittableRandom rng = new SplittableRandom(77L * depth + width + 13L * f);
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, width, depth, HEADS);
        randomize(p, rng);
        Batch b = randomBatch(rng, 13, f);
        net.forward(b.x(), b.z(), b.n());
        for (int h = 0; h < HEADS.size(); h++) {
            int no = HEADS.get(h).nOut();
            for (int i = 0; i < b.n(); i++) {
                double[] ref = naiveForward(p, "s.", b.z()[i], depth, width, f, HEADS.get(h).name(), no, b.x(), i);
                for (int k = 0; k < no; k++) {
                    assertThat(net.output(h)[i * no + k]).isCloseTo(ref[k], org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(ref[k]))));
                }
            }
        }
    }

    @ParameterizedTest(name = "rows grouped by species {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void normalisedInputGivesTheSameOutputsAndGradients(boolean grouped) {
        SpeciesMlp.chunkForNewWorkspaces = 4;
        int f = 10, width = 5;
        SplittableRandom rng = new SplittableRandom(grouped ? 31 : 32);
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, width, 2, HEADS);
        randomize(p, rng);
        Batch b = randomBatch(rng, 15, f);
        if (grouped) java.util.Arrays.sort(b.z()); // rows of a species contiguous: read in place
        double[][] w = {new double[b.n()], new double[5 * b.n()]};
        for (double[] a : w) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
        p.zeroGrads();
        net.forward(b.x(), b.z(), b.n());
        double[][] out = {net.output(0).clone(), net.output(1).clone()};
        net.backward(w);
        double[] g = p.grads().clone();

        double[] xhat = new double[b.x().length];
        SpeciesMlp.normalizeRows(b.x(), b.n(), f, xhat);
        net.setInputNormalized(true);
        p.zeroGrads();
        net.forward(xhat, b.z(), b.n());
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < out[h].length; i++) {
                assertThat(net.output(h)[i]).isCloseTo(out[h][i], org.assertj.core.data.Offset.offset(1e-13));
            }
        }
        double[] dxhat = new double[xhat.length];
        net.backward(w, dxhat);
        for (int i = 0; i < g.length; i++) {
            assertThat(p.grads()[i]).isCloseTo(g[i], org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(g[i]))));
        }
        // dL/dx̂ against central differences in x̂
        double eps = 1e-6, maxDiff = 0, maxG = 0;
        for (int i = 0; i < xhat.length; i++) {
            double save = xhat[i];
            xhat[i] = save + eps;
            net.forward(xhat, b.z(), b.n());
            double lp = loss(net, w, b.n());
            xhat[i] = save - eps;
            net.forward(xhat, b.z(), b.n());
            double lm = loss(net, w, b.n());
            xhat[i] = save;
            double fd = (lp - lm) / (2 * eps);
            maxDiff = Math.max(maxDiff, Math.abs(fd - dxhat[i]));
            maxG = Math.max(maxG, Math.abs(fd));
        }
        assertThat(maxDiff / maxG).isLessThan(1e-6);
    }

    /**
     * Rows held by reference (scattered over several arrays at arbitrary offsets, as a feature cache
     * lends them) and every first-layer row block give the outputs and gradients of one flat batch.
     */
    @ParameterizedTest(name = "normalised input {0}, row block {1}, BLAS {2}")
    @org.junit.jupiter.params.provider.CsvSource({
        "false, 1, true", "false, 4, true", "false, 256, true", "true, 1, true", "true, 3, true", "true, 256, true",
        "false, 2, false", "true, 5, false"})
    void rowsByReferenceAndRowBlocksGiveTheSameOutputsAndGradients(boolean normalized, int rowBlock, boolean blas) {
        Gemm.smallLimit = blas ? 0 : Long.MAX_VALUE;
        int f = 12, width = 6, depth = 2;
        SplittableRandom rng = new SplittableRandom(rowBlock * 7L + (normalized ? 1 : 0));
        Batch b = randomBatch(rng, 17, f);
        double[] x = b.x().clone();
        if (normalized) SpeciesMlp.normalizeRows(x, b.n(), f, x);
        double[][] w = {new double[b.n()], new double[5 * b.n()]};
        for (double[] a : w) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();

        // reference: a flat batch, one block of all rows
        SpeciesMlp.rowBlockForNewWorkspaces = 256;
        Parameters p = new Parameters();
        ScalarNetworks ref = new ScalarNetworks(p, "s.", SPECIES, f, width, depth, HEADS);
        randomize(p, rng);
        ref.setInputNormalized(normalized);
        p.zeroGrads();
        ref.forward(x, b.z(), b.n());
        double[][] out = {ref.output(0).clone(), ref.output(1).clone()};
        ref.backward(w);
        double[] g = p.grads().clone();

        SpeciesMlp.rowBlockForNewWorkspaces = rowBlock;
        Parameters q = new Parameters();
        ScalarNetworks net = new ScalarNetworks(q, "s.", SPECIES, f, width, depth, HEADS);
        System.arraycopy(p.values(), 0, q.values(), 0, p.size());
        net.setInputNormalized(normalized);
        // rows in 3 arrays, each row at its own offset, the arrays padded with NaN (never read)
        double[][] arrays = new double[3][(b.n() / 3 + 1) * (f + 2) + 5];
        for (double[] a : arrays) java.util.Arrays.fill(a, Double.NaN);
        double[][] rowArrays = new double[b.n()][];
        int[] rowOffsets = new int[b.n()];
        int[] used = new int[3];
        for (int i = 0; i < b.n(); i++) {
            int k = i % 3;
            int off = used[k] + 1 + (i % 2);
            System.arraycopy(x, i * f, arrays[k], off, f);
            rowArrays[i] = arrays[k];
            rowOffsets[i] = off;
            used[k] = off + f;
        }
        for (int pass = 0; pass < 2; pass++) { // the second pass reuses the workspaces
            q.zeroGrads();
            net.forward(rowArrays, rowOffsets, b.z(), b.n());
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < out[h].length; i++) {
                    assertThat(net.output(h)[i]).isCloseTo(out[h][i], org.assertj.core.data.Offset.offset(1e-13 * (1 + Math.abs(out[h][i]))));
                }
            }
            net.backward(w);
            for (int i = 0; i < g.length; i++) {
                assertThat(q.grads()[i]).isCloseTo(g[i], org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(g[i]))));
            }
        }
        assertThatThrownBy(() -> net.forward(rowArrays, new int[b.n()], b.z(), b.n() + 1))
            .isInstanceOf(IllegalArgumentException.class);
        rowOffsets[4] = arrays[1].length - f + 1; // row 4 would run past its array
        assertThatThrownBy(() -> net.forward(rowArrays, rowOffsets, b.z(), b.n()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 4");
    }

    @Test
    void rowBlockFollowsTheLayerShapeAndTheKernels() {
        SpeciesMlp.rowBlockForNewWorkspaces = 0;
        // AVX-512 kernels: narrow layers in blocks that take OpenBLAS's unpacked small-matrix path
        assertThat(SpeciesMlp.rowBlock(32, 2360, true)).isEqualTo(13);
        assertThat(SpeciesMlp.rowBlock(128, 2360, true)).isEqualTo(256); // wide: packed blocks
        assertThat(SpeciesMlp.rowBlock(4, 10, true)).isEqualTo(25_000);
        // AVX2 kernels pack on every call: always blocks of 256 rows
        assertThat(SpeciesMlp.rowBlock(32, 2360, false)).isEqualTo(256);
        assertThat(SpeciesMlp.rowBlock(4, 10, false)).isEqualTo(256);
        assertThat(SpeciesMlp.rowBlock(32, 2360)).isEqualTo(SpeciesMlp.rowBlock(32, 2360, org.tensorbasis.linalg.OpenBlasKernels.avx512()));
    }

    @Test
    void nearlyConstantRowsGiveFiniteOutputsAndGradients() {
        int f = 40, width = 8;
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, width, 2, HEADS);
        SplittableRandom rng = new SplittableRandom(5);
        randomize(p, rng);
        int n = 4;
        double[] x = new double[n * f];
        for (int j = 0; j < f; j++) {
            x[j] = 3.7;                                   // exactly constant
            x[f + j] = 1e3 + 1e-11 * rng.nextGaussian();  // large mean, variance 1e-22 far below eps: |x̂| ~ 3e-9
            x[2 * f + j] = 0.0;                           // zeros
            x[3 * f + j] = -2.5 + 1e-12 * rng.nextGaussian();
        }
        int[] z = {8, 8, 8, 8};
        net.forward(x, z, n);
        double[] c0 = net.output(0).clone();
        double[] c1 = net.output(1).clone();
        for (int i = 0; i < n; i++) {
            // x̂ ≈ 0 for all four rows, so all must equal the all-zero row's output
            assertThat(c0[i]).isFinite().isCloseTo(c0[2], org.assertj.core.data.Offset.offset(1e-6));
            for (int k = 0; k < 5; k++) assertThat(c1[i * 5 + k]).isFinite().isCloseTo(c1[10 + k], org.assertj.core.data.Offset.offset(1e-6));
        }
        double[][] w = {new double[n], new double[5 * n]};
        java.util.Arrays.fill(w[0], 1.0);
        java.util.Arrays.fill(w[1], 1.0);
        double[] dx = new double[n * f];
        p.zeroGrads();
        net.backward(w, dx);
        for (double d : p.grads()) assertThat(d).isFinite();
        for (double d : dx) assertThat(d).isFinite();
    }

    @Test
    void rowPermutationPermutesOutputsAndWorkspacesAreReused() {
        int f = 12, width = 6;
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, width, 2, HEADS);
        p.initialize(3);
        SplittableRandom rng = new SplittableRandom(9);
        Batch big = randomBatch(rng, 30, f);
        net.forward(big.x(), big.z(), big.n());
        double[] ref = net.output(1).clone();
        // a smaller, permuted batch after a bigger one: the same per-row results
        int n = 17;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = (7 * i + 3) % 30;
        double[] x = new double[n * f];
        int[] z = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(big.x(), order[i] * f, x, i * f, f);
            z[i] = big.z()[order[i]];
        }
        net.forward(x, z, n);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 5; k++) assertThat(net.output(1)[i * 5 + k]).isEqualTo(ref[order[i] * 5 + k]);
        }
    }

    @Test
    void parallelSpeciesGivesIdenticalResults() {
        int f = 64, width = 16;
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, width, 2, HEADS);
        p.initialize(11);
        Batch b = randomBatch(new SplittableRandom(2), 200, f);
        double[][] w = {new double[b.n()], new double[5 * b.n()]};
        SplittableRandom rng = new SplittableRandom(4);
        for (double[] a : w) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
        List<double[]> results = new ArrayList<>();
        for (boolean par : new boolean[] {false, true}) {
            net.setParallel(par);
            p.zeroGrads();
            net.forward(b.x(), b.z(), b.n());
            net.backward(w);
            results.add(net.output(1).clone());
            results.add(p.grads().clone());
        }
        assertThat(results.get(2)).containsExactly(results.get(0));
        assertThat(results.get(3)).containsExactly(results.get(1));
    }

    @Test
    void backwardAccumulates() {
        int f = 10;
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, 4, 2, HEADS);
        p.initialize(1);
        Batch b = randomBatch(new SplittableRandom(8), 9, f);
        double[][] w = {new double[b.n()], null};
        java.util.Arrays.fill(w[0], 0.5);
        p.zeroGrads();
        net.forward(b.x(), b.z(), b.n());
        net.backward(w);
        double[] once = p.grads().clone();
        net.backward(w);
        for (int i = 0; i < once.length; i++) assertThat(p.grads()[i]).isCloseTo(2 * once[i], org.assertj.core.data.Offset.offset(1e-15 + 1e-14 * Math.abs(once[i])));
        // the l2 head got no gradient
        Parameters.Block hb = p.block("s.head.l2.Z8.weight");
        for (int i = hb.offset(); i < hb.end(); i++) assertThat(p.grads()[i]).isZero();
    }

    @Test
    void absentSpeciesGetNoGradientAndEmptyBatchesWork() {
        int f = 6;
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, 4, 2, HEADS);
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
        for (Parameters.Block b : p.blocks()) {
            double norm = 0;
            for (int i = b.offset(); i < b.end(); i++) norm += Math.abs(p.grads()[i]);
            if (b.name().contains("Z6")) {
                assertThat(norm).as(b.name()).isZero();
            } else {
                assertThat(norm).as(b.name()).isPositive();
            }
        }
        net.forward(x, z, 0);
        net.backward(new double[][] {new double[0], new double[0]});
        assertThat(net.rows()).isZero();
    }

    @Test
    void unknownSpeciesAndBadConstructionAreRejected() {
        Parameters p = new Parameters();
        ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, 3, 2, 1, HEADS);
        assertThatThrownBy(() -> net.forward(new double[6], new int[] {1, 7}, 2))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> net.forward(new double[6], new int[] {1, 200}, 2))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScalarNetworks(new Parameters(), "s.", new int[] {1, 1}, 3, 2, 1, HEADS))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScalarNetworks(new Parameters(), "s.", SPECIES, 3, 2, 0, HEADS))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameSeedSameWeightsAndOutputsDifferentSeedDifferent() {
        int f = 20;
        double[][] outs = new double[3][];
        double[][] vals = new double[3][];
        long[] seeds = {42, 42, 43};
        Batch b = randomBatch(new SplittableRandom(1), 12, f);
        for (int k = 0; k < 3; k++) {
            Parameters p = new Parameters();
            ScalarNetworks net = new ScalarNetworks(p, "s.", SPECIES, f, 8, 2, HEADS);
            p.initialize(seeds[k]);
            net.forward(b.x(), b.z(), b.n());
            outs[k] = net.output(1).clone();
            vals[k] = p.snapshot();
        }
        assertThat(vals[1]).containsExactly(vals[0]);
        assertThat(outs[1]).containsExactly(outs[0]);
        assertThat(vals[2]).isNotEqualTo(vals[0]);
        assertThat(outs[2]).isNotEqualTo(outs[0]);
    }

    @Test
    void initialisationIsPyTorchLike() {
        int f = 500, width = 32;
        Parameters p = new Parameters();
        new ScalarNetworks(p, "s.", new int[] {6}, f, width, 2, List.of(new ScalarNetworks.HeadSpec("h", 11)));
        p.initialize(7);
        double[] v = p.values();
        for (double x : java.util.Arrays.copyOfRange(v, p.block("s.Z6.ln.gamma").offset(), p.block("s.Z6.ln.gamma").end())) assertThat(x).isEqualTo(1.0);
        for (double x : java.util.Arrays.copyOfRange(v, p.block("s.Z6.ln.beta").offset(), p.block("s.Z6.ln.beta").end())) assertThat(x).isEqualTo(0.0);
        checkUniform(v, p.block("s.Z6.linear0.weight"), 1 / Math.sqrt(f));
        checkUniform(v, p.block("s.Z6.linear1.weight"), 1 / Math.sqrt(width));
        checkUniform(v, p.block("s.head.h.Z6.weight"), 1 / Math.sqrt(width));
    }

    private static void checkUniform(double[] v, Parameters.Block b, double bound) {
        double s2 = 0, max = 0;
        for (int i = b.offset(); i < b.end(); i++) {
            max = Math.max(max, Math.abs(v[i]));
            s2 += v[i] * v[i];
        }
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
        double var = s2 / b.size();
        // U(−a, a) has variance a²/3; 5 standard errors of the sample variance
        double se = bound * bound * Math.sqrt(4.0 / 45.0 / b.size());
        assertThat(var).isCloseTo(bound * bound / 3, org.assertj.core.data.Offset.offset(5 * se));
    }
}
