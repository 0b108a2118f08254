package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.tensorbasis.RandomMolecules;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.descriptors.SpeciesMixing;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.CacheBatches;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.model.SpeciesMlp;
import org.tensorbasis.model.TensorModel;
import org.tensorbasis.structure.Structure;

/**
 * {@link TrainedMixing}: dL/dW through the whole model (LayerNorm'd power spectrum, vector basis, axial l = 2
 * tensors, λ correction) against central finite differences; the mixed batch equals the fixed-mixing cache's
 * (identity W: the one-hot features; random W: the compressed ones).
 */
class TrainedMixingGradientTest {
    static final int[] SPECIES = {1, 6, 8};

    static List<Structure> structures() {
        SplittableRandom rng = new SplittableRandom(11);
        List<Structure> out = new ArrayList<>();
        out.add(RandomMolecules.of(rng, 6, 3.0, 0.9, 1, 6, 8, 6, 1, 1));
        out.add(RandomMolecules.of(rng, 5, 3.0, 0.9, 8, 8, 1, 6, 1));
        out.add(RandomMolecules.crystal(rng, 4, 3.6, 6, 8, 1, 8));
        return out;
    }

    static SphericalExpansion expansion(double[] w, PowerSpectrumForm form, int maxL) {
        return new SphericalExpansion(new DescriptorSettings(3.2, 0.5, 2, 2, SPECIES, form, w), maxL);
    }

    static int[] kPerL(SphericalExpansion e) {
        int[] k = new int[e.maxExpansionL() + 1];
        for (int l = 0; l < k.length; l++) k[l] = e.blockSize(l) / (2 * l + 1);
        return k;
    }

    static TensorModel network(SphericalExpansion e, ScalarNetworks.Mode mode) {
        List<TensorModel.Block> blocks = List.of(
            new TensorModel.Block("s", 0, 1, 1, true, true, PseudoMode.AXIAL),
            new TensorModel.Block("v", 1, -1, 1, true, true, PseudoMode.AXIAL),
            new TensorModel.Block("t", 2, 1, 2, true, true, PseudoMode.AXIAL),
            new TensorModel.Block("h", 3, 1, 1, true, true, PseudoMode.AXIAL));
        TensorModel.Hypers hy = new TensorModel.Hypers(8, 2, 2, mode, mode == ScalarNetworks.Mode.SHARED ? 3 : 0);
        TensorModel net = new TensorModel(SPECIES, e.powerSpectrumSize(), kPerL(e), hy, blocks, 7);
        net.scalarNetworks().setInputNormalized(true);
        return net;
    }

    /** L = Σ_b Σ g_b · y_b (per-atom outputs) for the mixed batch. */
    static double loss(TrainedMixing tm, TensorModel net, List<Structure> st, int[] which, double[] w, double[][] g) {
        AtomBatch b = tm.batch(which, st, w, net.kPerL());
        net.forward(b);
        double l = 0;
        for (int k = 0; k < g.length; k++) {
            double[] y = net.atomOutput(k);
            for (int j = 0; j < g[k].length; j++) l += g[k][j] * y[j];
        }
        return l;
    }

    @ParameterizedTest
    @CsvSource({"PER_ELEMENT, UNIQUE_PAIRS", "SHARED, UNIQUE_PAIRS", "PER_ELEMENT, FULL"})
    void mixingGradientMatchesFiniteDifferences(ScalarNetworks.Mode mode, PowerSpectrumForm form) {
        List<Structure> st = structures();
        double[] w = SpeciesMixing.random(3, 2, 5);
        SphericalExpansion e = expansion(w, form, 3);
        TensorModel net = network(e, mode);
        TrainedMixing tm = TrainedMixing.compute(st, e, net.expansionOrders(), 2);
        int[] which = {2, 0, 1};
        int atoms = 0;
        for (int s : which) atoms += st.get(s).size();
        SplittableRandom rng = new SplittableRandom(3);
        double[][] g = new double[net.blocks().size()][];
        for (int b = 0; b < g.length; b++) {
            TensorModel.Block bl = net.blocks().get(b);
            g[b] = new double[atoms * bl.properties() * bl.dim()];
            for (int j = 0; j < g[b].length; j++) g[b][j] = rng.nextDouble(-1, 1);
        }
        loss(tm, net, st, which, w, g);
        net.parameters().zeroGrads();
        net.backward(g, tm.featureGradient(), tm.expansionGradients());
        double[] an = new double[w.length];
        tm.backward(an);
        double h = 1e-5, worst = 0, scale = 0;
        for (double a : an) scale = Math.max(scale, Math.abs(a));
        assertThat(scale).isGreaterThan(1e-3);
        for (int k = 0; k < w.length; k++) {
            double[] wp = w.clone(), wm = w.clone();
            wp[k] += h;
            wm[k] -= h;
            double fd = (loss(tm, net, st, which, wp, g) - loss(tm, net, st, which, wm, g)) / (2 * h);
            worst = Math.max(worst, Math.abs(fd - an[k]) / Math.max(Math.abs(an[k]), 1e-2 * scale));
        }
        assertThat(worst).as("relative error of dL/dW").isLessThan(1e-6);
    }

    /** The mixed batch against the feature cache of the fixed-mixing path with the same W. */
    static void assertSameBatch(double[] w, double[] cacheMixing, double tol) {
        List<Structure> st = structures();
        SphericalExpansion e = expansion(w, PowerSpectrumForm.UNIQUE_PAIRS, 3);
        TensorModel net = network(e, ScalarNetworks.Mode.PER_ELEMENT);
        TrainedMixing tm = TrainedMixing.compute(st, e, net.expansionOrders(), 1);
        SphericalExpansion fixed = expansion(cacheMixing, PowerSpectrumForm.UNIQUE_PAIRS, 3);
        FeatureCache cache = FeatureCache.compute(st, fixed, net.expansionOrders(), FeatureCache.Storage.FLOAT64, 1);
        LambdaMcovModel.normalizeInPlace(cache);
        int[] which = {1, 2, 0};
        AtomBatch ref = CacheBatches.assemble(cache, which, st, net.expansionOrders(), net.kPerL(), new CacheBatches.Buffer());
        AtomBatch got = tm.batch(which, st, w, net.kPerL());
        int f = e.powerSpectrumSize();
        assertThat(got.atoms()).isEqualTo(ref.atoms());
        double worst = 0;
        for (int i = 0; i < ref.atoms(); i++) {
            for (int j = 0; j < f; j++) {
                worst = Math.max(worst, Math.abs(got.rowArray(i)[got.rowOffset(i) + j] - ref.rowArray(i)[ref.rowOffset(i) + j]));
            }
        }
        for (int l : net.expansionOrders()) {
            double[] a = got.expansion(l), b = ref.expansion(l);
            for (int j = 0; j < ref.atoms() * net.kPerL()[l] * (2 * l + 1); j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
        }
        assertThat(worst).isLessThanOrEqualTo(tol);
    }

    @Test
    void identityMixingReproducesTheOneHotFeatures() {
        // the one-hot path (mixing null) against W = identity on the sparse per-element expansions: bit for bit
        assertSameBatch(SpeciesMixing.identity(3), null, 0.0);
    }

    @Test
    void randomMixingReproducesTheFixedMixingFeatures() {
        double[] w = SpeciesMixing.random(3, 2, 9);
        assertSameBatch(w, w, 1e-12);
    }

    @Test
    void layerNormHelpersArePublicForTheMixing() {
        double[] x = {1, 2, 4, 8};
        double r = SpeciesMlp.normalizeRow(x, 0, x, 0, 4);
        assertThat(r).isPositive();
    }
}
