package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.model.TensorModel;

/** The refit heads are the least-squares optimum: the loss gradient with respect to every head vanishes. */
class HeadRefinementTest {
    static final int[] SPECIES = {1, 6, 8};
    static final int F = 10;

    @ParameterizedTest(name = "λ={0} σ={1} perAtom={2} shared={3}")
    @CsvSource({"0,1,false,false", "1,1,false,false", "2,1,false,false", "3,-1,false,false", "0,1,true,false", "2,1,true,false",
        "1,-1,true,false", "0,1,false,true", "2,1,false,true", "3,-1,false,true", "0,1,true,true", "2,1,true,true", "1,-1,true,true"})
    void refitHeadsZeroTheHeadGradient(int lambda, int sigma, boolean perAtom, boolean shared) {
        SplittableRandom rng = new SplittableRandom(7 + lambda + (perAtom ? 100 : 0) + (shared ? 1000 : 0));
        int[] kPerL = {3, 4, 3, 4};
        TensorModel.Block block = new TensorModel.Block("t", lambda, sigma, 2, perAtom, true, null);
        TensorModel.Hypers hy = shared ? new TensorModel.Hypers(5, 2, 2, ScalarNetworks.Mode.SHARED, 3) : new TensorModel.Hypers(5, 2, 2);
        TensorModel net = new TensorModel(SPECIES, F, kPerL, hy, List.of(block), 3);
        int structures = 40;
        int atoms = 0;
        int[] sizes = new int[structures];
        for (int s = 0; s < structures; s++) atoms += sizes[s] = 2 + rng.nextInt(4);
        double[] x = new double[atoms * F];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        int[] z = new int[atoms];
        int[] sof = new int[atoms];
        int a = 0;
        for (int s = 0; s < structures; s++) {
            for (int k = 0; k < sizes[s]; k++) {
                z[a] = SPECIES[rng.nextInt(SPECIES.length)];
                sof[a++] = s;
            }
        }
        double[][] exp = new double[4][];
        for (int l = 0; l < 4; l++) {
            exp[l] = new double[atoms * kPerL[l] * (2 * l + 1)];
            for (int i = 0; i < exp[l].length; i++) exp[l][i] = rng.nextGaussian();
        }
        AtomBatch batch = new AtomBatch(F, x, z, sof, structures, exp, kPerL);
        int w = block.properties() * block.dim();
        double[][][] targets = new double[1][structures][];
        for (int s = 0; s < structures; s++) {
            targets[0][s] = new double[(perAtom ? sizes[s] : 1) * w];
            for (int k = 0; k < targets[0][s].length; k++) targets[0][s][k] = rng.nextGaussian();
        }
        int[] which = new int[structures];
        for (int s = 0; s < structures; s++) which[s] = s;
        int[] sidx = new int[atoms];
        for (int i = 0; i < atoms; i++) sidx[i] = java.util.Arrays.binarySearch(SPECIES, z[i]);

        net.forward(batch);
        ScalarNetworks nets = net.scalarNetworks();
        // the hidden layer times the head weights is the head output
        double[] hidden = new double[atoms * nets.width()];
        nets.hidden(hidden);
        double[] coef = nets.output(0);
        double[] values = net.parameters().values();
        for (int i = 0; i < atoms; i++) {
            Parameters.Block wb = nets.headLinear(0, sidx[i]).weight();
            int nOut = nets.head(0).nOut();
            for (int o = 0; o < nOut; o++) {
                double acc = 0;
                for (int h = 0; h < nets.width(); h++) acc += values[wb.offset() + o * nets.width() + h] * hidden[i * nets.width() + h];
                assertThat(Math.abs(acc - coef[i * nOut + o])).isLessThan(1e-12 * Math.max(1, Math.abs(acc)));
            }
        }

        HeadRefinement.Normal[] normals = {HeadRefinement.newNormal(net, 0)};
        // one system per species for per-atom blocks, one coupling the species for per-structure blocks; one shared head: one system
        int seg = net.basis(0).size() * nets.width();
        assertThat(normals[0].ata.length).isEqualTo(perAtom && !shared ? SPECIES.length : 1);
        assertThat(normals[0].d).isEqualTo(perAtom || shared ? seg : SPECIES.length * seg);
        HeadRefinement.accumulate(net, batch, which, targets, sidx, normals, new double[atoms * nets.width()]);
        normals[0].flushAll();
        double before = headGradientNorm(net, batch, targets, sizes, perAtom, w);
        double[] vals = values.clone();
        HeadRefinement.solve(net, 0, normals[0], HeadRefinement.factor(normals[0], 1e-14), vals);
        net.parameters().restore(vals);
        double after = headGradientNorm(net, batch, targets, sizes, perAtom, w);
        assertThat(before).isGreaterThan(1e-3);
        assertThat(after / before).as("head gradient after / before the refit").isLessThan(1e-6);
    }

    /** ‖∂L/∂heads‖ of L = Σ (prediction − target)², prediction per atom or structure / N as in training. */
    private static double headGradientNorm(TensorModel net, AtomBatch batch, double[][][] targets, int[] sizes, boolean perAtom, int w) {
        net.forward(batch);
        double[] g = new double[batch.atoms() * w];
        for (int s = 0; s < batch.structures(); s++) {
            int a0 = batch.structureStart(s);
            int n = sizes[s];
            if (perAtom) {
                double[] y = net.atomOutput(0);
                for (int i = 0; i < n * w; i++) g[a0 * w + i] = 2 * (y[a0 * w + i] - targets[0][s][i]);
            } else {
                double[] y = net.structureOutput(0);
                for (int j = 0; j < w; j++) {
                    double d = 2 * (y[s * w + j] / n - targets[0][s][j]) / n;
                    for (int i = a0; i < a0 + n; i++) g[i * w + j] = d;
                }
            }
        }
        Parameters p = net.parameters();
        p.zeroGrads();
        net.backward(new double[][] {g});
        double sq = 0;
        for (int s = 0; s < (net.scalarNetworks().isShared() ? 1 : SPECIES.length); s++) {
            Parameters.Block b = net.scalarNetworks().headLinear(0, s).weight();
            for (int k = b.offset(); k < b.end(); k++) sq += p.grads()[k] * p.grads()[k];
        }
        return Math.sqrt(sq);
    }
}
