package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.model.TensorModel;

/**
 * The head refit scores every ridge from hidden rows and basis values captured once: with new heads, the coefficients
 * and outputs it computes are those of a forward pass (per-element and shared networks, per-atom and per-structure
 * blocks, σ = ±1).
 */
class RefitScoresTest {
    static final int[] SPECIES = {1, 6, 8};
    static final int F = 10;

    @ParameterizedTest(name = "shared={0}")
    @CsvSource({"false", "true"})
    void capturedRowsGiveTheForwardPassOfNewHeads(boolean shared) {
        SplittableRandom rng = new SplittableRandom(shared ? 11 : 12);
        int[] kPerL = {3, 4, 3, 4};
        List<TensorModel.Block> blocks = List.of(new TensorModel.Block("a", 0, 1, 2, false, true, null),
            new TensorModel.Block("b", 2, 1, 1, true, true, null), new TensorModel.Block("c", 1, -1, 1, true, true, null),
            new TensorModel.Block("d", 3, 1, 2, false, true, null));
        TensorModel.Hypers hy = shared ? new TensorModel.Hypers(5, 2, 2, ScalarNetworks.Mode.SHARED, 3) : new TensorModel.Hypers(5, 2, 2);
        TensorModel net = new TensorModel(SPECIES, F, kPerL, hy, blocks, 3);
        int structures = 70; // two chunks of 64 and a partial one
        int[] sizes = new int[structures];
        int atoms = 0;
        for (int s = 0; s < structures; s++) atoms += sizes[s] = 1 + rng.nextInt(5);
        double[] x = new double[atoms * F];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        int[] z = new int[atoms];
        int[] sof = new int[atoms];
        int[][] zs = new int[structures][];
        for (int s = 0, a = 0; s < structures; s++) {
            zs[s] = new int[sizes[s]];
            for (int k = 0; k < sizes[s]; k++) {
                z[a] = zs[s][k] = SPECIES[rng.nextInt(SPECIES.length)];
                sof[a++] = s;
            }
        }
        double[][] exp = new double[4][];
        for (int l = 0; l < 4; l++) {
            exp[l] = new double[atoms * kPerL[l] * (2 * l + 1)];
            for (int i = 0; i < exp[l].length; i++) exp[l][i] = rng.nextGaussian();
        }
        int[] offset = new int[structures + 1];
        for (int s = 0; s < structures; s++) offset[s + 1] = offset[s] + sizes[s];
        RefitScores scores = new RefitScores(net, zs, zz -> Arrays.binarySearch(SPECIES, zz));
        // captured in chunks as the trainer does (batches of up to 64 structures)
        for (int s0 = 0; s0 < structures; s0 += 64) {
            int s1 = Math.min(structures, s0 + 64);
            AtomBatch batch = slice(x, z, exp, kPerL, offset, s0, s1);
            net.forward(batch);
            scores.capture(net, batch, range(s0, s1), new double[batch.atoms() * net.scalarNetworks().width()]);
        }
        // new heads: only what the refit changes
        Parameters p = net.parameters();
        double[] v = p.values().clone();
        for (int b = 0; b < blocks.size(); b++) {
            for (int sp = 0; sp < (shared ? 1 : SPECIES.length); sp++) {
                Parameters.Block w = net.scalarNetworks().headLinear(b, sp).weight();
                for (int k = 0; k < w.size(); k++) v[w.offset() + k] = rng.nextGaussian();
            }
        }
        p.restore(v);
        for (int[] range : new int[][] {{0, 64}, {64, 70}, {5, 9}}) {
            RefitScores.Chunk cached = scores.chunk(net, range[0], range[1]);
            AtomBatch batch = slice(x, z, exp, kPerL, offset, range[0], range[1]);
            net.forward(batch);
            RefitScores.Chunk fwd = RefitScores.Chunk.of(net, batch, range(range[0], range[1]));
            assertThat(cached.which).isEqualTo(fwd.which);
            assertThat(cached.start).isEqualTo(Arrays.copyOf(fwd.start, fwd.which.length + 1));
            assertThat(cached.numbers).isEqualTo(Arrays.copyOf(fwd.numbers, cached.atoms()));
            for (int b = 0; b < blocks.size(); b++) {
                int np = blocks.get(b).properties(), nbas = net.basis(b).size(), dim = blocks.get(b).dim();
                close(cached.coef[b], fwd.coef[b], cached.atoms() * np * nbas);
                close(cached.basis[b], fwd.basis[b], cached.atoms() * nbas * dim);
                close(cached.atomOut[b], fwd.atomOut[b], cached.atoms() * np * dim);
                close(cached.structOut[b], fwd.structOut[b], cached.structures() * np * dim);
            }
        }
        // the bytes it holds
        int[] bd = new int[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) bd[b] = net.basis(b).size() * blocks.get(b).dim();
        assertThat(RefitScores.bytes(atoms, net.scalarNetworks().width(), bd)).isEqualTo(8L * atoms * (net.scalarNetworks().width() + 1
            + Arrays.stream(bd).sum()));
    }

    private static void close(double[] a, double[] ref, int n) {
        double scale = 0;
        for (int k = 0; k < n; k++) scale = Math.max(scale, Math.abs(ref[k]));
        assertThat(scale).isGreaterThan(0);
        for (int k = 0; k < n; k++) assertThat(Math.abs(a[k] - ref[k])).isLessThanOrEqualTo(1e-12 * scale);
    }

    private static int[] range(int from, int to) {
        int[] w = new int[to - from];
        for (int k = 0; k < w.length; k++) w[k] = from + k;
        return w;
    }

    private static AtomBatch slice(double[] x, int[] z, double[][] exp, int[] kPerL, int[] offset, int s0, int s1) {
        int a0 = offset[s0], a1 = offset[s1];
        int[] sof = new int[a1 - a0];
        for (int s = s0; s < s1; s++) for (int i = offset[s]; i < offset[s + 1]; i++) sof[i - a0] = s - s0;
        double[][] e = new double[exp.length][];
        for (int l = 0; l < exp.length; l++) {
            int w = kPerL[l] * (2 * l + 1);
            e[l] = Arrays.copyOfRange(exp[l], a0 * w, a1 * w);
        }
        return new AtomBatch(F, Arrays.copyOfRange(x, a0 * F, a1 * F), Arrays.copyOfRange(z, a0, a1), sof, s1 - s0, e, kPerL);
    }
}
