package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.TargetLayout;

/** The memory estimate against the arrays the model and the cache really allocate. */
class MemoryEstimateTest {
    static final int[] SPECIES = {1, 6, 8, 16};
    static final String YAML = "training_set: t.xyz\n"
        + "targets:\n"
        + "  s: {type: spherical, blocks: [[1, 1], [2, 1]]}\n"
        + "  q: {type: spherical, per_atom: true, blocks: [[0, 1], [1, -1], [2, 1]]}\n"
        + "model:\n"
        + "  soap: {max_radial: 5, max_angular: 4}\n"
        + "  bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 24}\n";

    static Map<String, TargetLayout> layouts() {
        Map<String, TargetLayout> layouts = new LinkedHashMap<>();
        layouts.put("s", TargetLayout.spherical("s", List.of(new int[] {1, 1}, new int[] {2, 1})));
        layouts.put("q", TargetLayout.spherical("q", List.of(new int[] {0, 1}, new int[] {1, -1}, new int[] {2, 1})));
        return layouts;
    }

    static Normalization[] norms(Map<String, TargetLayout> layouts) {
        List<Normalization> out = new ArrayList<>();
        for (TargetLayout l : layouts.values()) {
            for (TargetLayout.Block b : l.blocks()) out.add(new Normalization(1, b.properties(), b.dim(), null));
        }
        return out.toArray(new Normalization[0]);
    }

    static List<Structure> molecules(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Structure> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int na = 3 + rng.nextInt(10);
            int[] z = new int[na];
            double[] x = new double[3 * na];
            for (int i = 0; i < na; i++) {
                z[i] = SPECIES[rng.nextInt(SPECIES.length)];
                for (int k = 0; k < 3; k++) x[3 * i + k] = 3.0 * rng.nextDouble();
            }
            out.add(new Structure(z, x));
        }
        return out;
    }

    static List<int[]> numbers(List<Structure> structures) {
        List<int[]> out = new ArrayList<>();
        for (Structure s : structures) out.add(s.numbers());
        return out;
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "scalar_network {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"auto", "shared"})
    void parametersAndCacheAreExactlyThoseAllocated(String scalarNetwork) {
        boolean shared = scalarNetwork.equals("shared");
        Options options = Options.parse(YAML + "  scalar_network: " + scalarNetwork + "\n" + (shared ? "  element_embedding: 5\n" : ""), "opts.yaml", null);
        Map<String, TargetLayout> layouts = layouts();
        LambdaMcovModel.Design design = LambdaMcovModel.Design.of(options, SPECIES, layouts, null);
        List<Structure> structures = molecules(150, 5);
        List<int[]> numbers = numbers(structures);
        long atoms = numbers.stream().mapToLong(z -> z.length).sum();
        MemoryEstimate est = MemoryEstimate.training(design, numbers, 120, 15, 8, true, false, 2);

        LambdaMcovModel model = new LambdaMcovModel(design, options, YAML, layouts, norms(layouts), new LinkedHashMap<>(), 3, 2);
        assertThat(model.network().scalarNetworks().isShared()).isEqualTo(shared);
        assertThat(est.parameters()).isEqualTo(model.network().parameters().size());
        assertThat(est.features()).isEqualTo(model.network().nFeatures());
        FeatureCache cache = model.features(structures, 2);
        assertThat(est.cacheBytes()).isEqualTo(cache.bytes()).isEqualTo(MemoryEstimate.cacheBytes(design, atoms));
        // the state: values, gradients, Adam's moments, the best snapshot (5 P), and the W0⊙γ buffers
        long w0 = 0;
        for (int s = 0; s < SPECIES.length; s++) {
            w0 += model.network().parameters().block("scalar." + (shared ? "shared" : "Z" + SPECIES[s]) + ".linear0.weight").size();
            if (shared) break;
        }
        assertThat(est.parameterBytes()).isEqualTo(8L * 5 * model.network().parameters().size() + 8 * w0);
        // the head refit: its normal equations as allocated, plus the largest block's factors
        long normals = 0;
        long factors = 0;
        for (int b = 0; b < model.network().blocks().size(); b++) {
            HeadRefinement.Normal nm = HeadRefinement.newNormal(model.network(), b);
            long f = 0;
            for (int k = 0; k < nm.ata.length; k++) {
                normals += 8L * (nm.ata[k].length + nm.atb[k].length + nm.rows[k].length + nm.rhs[k].length);
                f += 8L * nm.ata[k].length;
            }
            factors = Math.max(factors, f);
        }
        assertThat(MemoryEstimate.refitBytes(design)).isEqualTo(normals + factors);
        if (shared) assertThat(est.describe(8L << 30)).contains("parameters of one shared scalar network");
        else assertThat(est.describe(8L << 30)).doesNotContain("shared");
        assertThat(est.describe(8L << 30)).startsWith("memory: " + est.features() + " power-spectrum features per atom (4 elements)")
            .contains(MemoryEstimate.count(est.parameters()) + " parameters").endsWith("of 8.00 GB available");
    }

    /** training.feature_cache: float32 — the estimate is the allocation, and the rows and expansions are the float64 ones rounded. */
    @Test
    void aFloat32CacheIsHalfThePowerSpectrumAndTheRoundedNormalisedRows() {
        Options options = Options.parse(YAML, "opts.yaml", null);
        Map<String, TargetLayout> layouts = layouts();
        LambdaMcovModel.Design design = LambdaMcovModel.Design.of(options, SPECIES, layouts, null);
        List<Structure> structures = molecules(60, 11);
        List<int[]> numbers = numbers(structures);
        long atoms = numbers.stream().mapToLong(z -> z.length).sum();
        LambdaMcovModel model = new LambdaMcovModel(design, options, YAML, layouts, norms(layouts), new LinkedHashMap<>(), 3, 2);
        FeatureCache c64 = model.features(structures, 2);
        FeatureCache c32 = model.features(structures, 2, FeatureCache.Storage.FLOAT32);
        MemoryEstimate e64 = MemoryEstimate.training(design, numbers, 50, 5, 8, true, false, 2);
        MemoryEstimate e32 = MemoryEstimate.training(design, numbers, 50, 5, 8, true, false, 2, false, FeatureCache.Storage.FLOAT32);
        assertThat(e32.storage()).isEqualTo(FeatureCache.Storage.FLOAT32);
        assertThat(e32.cacheBytes()).isEqualTo(c32.bytes());
        long expansionRow = 0;
        for (int l : c64.expansionLs()) expansionRow += model.expansion().blockSize(l);
        assertThat(e64.cacheBytes() - e32.cacheBytes()).isEqualTo(4L * atoms * (c64.powerSpectrumSize() + expansionRow));
        assertThat(e32.describe(8L << 30)).contains(" (float32) for " + atoms + " atoms");
        for (int s = 0; s < structures.size(); s++) {
            double[] x64 = c64.powerSpectrum(s);
            double[] x32 = c32.powerSpectrum(s);
            for (int k = 0; k < x64.length; k++) assertThat(x32[k]).isEqualTo((double) (float) x64[k]);
            for (int l : c64.expansionLs()) {
                double[] x64e = c64.expansion(s, l);
                double[] x32e = c32.expansion(s, l);
                for (int k = 0; k < x64e.length; k++) assertThat(x32e[k]).isEqualTo((double) (float) x64e[k]);
            }
        }
        // normalised rows (LayerNorm form: zero mean, unit variance), the same as normalising the raw cache afterwards
        FeatureCache raw = FeatureCache.compute(structures, model.expansion(), model.network().expansionOrders(), FeatureCache.Storage.FLOAT64, 1);
        LambdaMcovModel.normalizeInPlace(raw);
        for (int s = 0; s < structures.size(); s++) assertThat(c64.powerSpectrum(s)).isEqualTo(raw.powerSpectrum(s));
    }

    /**
     * Issue 16: 10⁶ cached atoms of a 4-element system fit in a 16 GB heap at the defaults (a dipole and a
     * polarizability, width 128), with the float32 cache that feature_cache: auto picks when float64 does not fit.
     */
    @Test
    void aMillionAtomsOfFourElementsFitInSixteenGigabytes() {
        String yaml = "training_set: t.xyz\ntargets:\n  mu: {}\n  alpha: {}\n";
        Map<String, TargetLayout> layouts = new LinkedHashMap<>();
        layouts.put("mu", TargetLayout.cartesian("mu", 1, false, null));
        layouts.put("alpha", TargetLayout.cartesian("alpha", 2, true, null));
        LambdaMcovModel.Design design = LambdaMcovModel.Design.of(Options.parse(yaml, "o.yaml", null), new int[] {1, 6, 7, 8}, layouts, null);
        List<int[]> numbers = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(1);
        for (int s = 0; s < 50_000; s++) {
            int[] z = new int[20];
            for (int i = 0; i < z.length; i++) z[i] = new int[] {1, 6, 7, 8}[rng.nextInt(4)];
            numbers.add(z);
        }
        long heap = 16L << 30;
        MemoryEstimate e64 = MemoryEstimate.training(design, numbers, 40_000, 5_000, 8, true, false, 2);
        MemoryEstimate e32 = MemoryEstimate.training(design, numbers, 40_000, 5_000, 8, true, false, 2, false, FeatureCache.Storage.FLOAT32);
        double perAtom64 = e64.cacheBytes() / 1e6, perAtom32 = e32.cacheBytes() / 1e6;
        System.out.printf(java.util.Locale.ROOT, "10^6 atoms, 4 elements, defaults: cache %.0f -> %.0f bytes per atom; estimate %s -> %s%n",
            perAtom64, perAtom32, MemoryEstimate.gb(e64.totalBytes()), MemoryEstimate.gb(e32.totalBytes()));
        assertThat(perAtom64).isGreaterThan(16_000);
        assertThat(perAtom32).isLessThan(16_000);
        assertThat(e64.fits(heap)).isFalse();
        assertThat(e32.fits(heap)).isTrue();
        assertThatThrownBy(() -> e64.check(heap)).hasMessageContaining("training.feature_cache: float32");
        assertThat(MemoryEstimate.forFeatureCache("auto", e64, () -> e32, heap)).isSameAs(e32);
        assertThat(MemoryEstimate.forFeatureCache("auto", e64, () -> e32, 2 * heap)).isSameAs(e64);
        assertThat(MemoryEstimate.forFeatureCache("float64", e64, () -> e32, heap)).isSameAs(e64);
        assertThat(MemoryEstimate.forFeatureCache("float32", e64, () -> e32, 2 * heap)).isSameAs(e32);
        assertThatThrownBy(() -> e32.check(heap / 2)).hasMessageContaining("(float32)").hasMessageNotContaining("feature_cache");
    }

    @Test
    void aFullHeapIsRefusedWithTheNumbers() {
        Options options = Options.parse(YAML, "opts.yaml", null);
        LambdaMcovModel.Design design = LambdaMcovModel.Design.of(options, SPECIES, layouts(), null);
        List<int[]> numbers = new ArrayList<>();
        for (Structure s : molecules(40, 9)) numbers.add(s.numbers());
        MemoryEstimate est = MemoryEstimate.training(design, numbers, 30, 5, 8, true, false, 1);
        est.check(est.totalBytes() * 2); // fits
        assertThatThrownBy(() -> est.check(est.totalBytes()))
            .isInstanceOf(BadInputException.class)
            .hasMessageContaining("features per atom (4 elements)")
            .hasMessageContaining("parameters")
            .hasMessageContaining("TENSORBASIS_JAVA_OPTS=-Xmx")
            .hasMessageContaining("model.scalar_network: shared")
            .hasMessageNotContaining("\n");
    }

    /** 64 elements: the shared network has one network's parameters and one small refit system per block. */
    @Test
    void theSharedNetworkRemovesTheFactorOfElements() {
        int[] many = new int[64];
        for (int k = 0; k < many.length; k++) many[k] = k + 1;
        LambdaMcovModel.Design perElement = LambdaMcovModel.Design.of(Options.parse(YAML + "  scalar_network: per_element\n", "o.yaml", null),
            many, layouts(), null);
        LambdaMcovModel.Design auto = LambdaMcovModel.Design.of(Options.parse(YAML, "o.yaml", null), many, layouts(), null);
        assertThat(perElement.shared()).isFalse();
        assertThat(auto.shared()).isTrue();
        assertThat(auto.embedding()).isEqualTo(LambdaMcovOptions.DEFAULT_ELEMENT_EMBEDDING);
        long contractionsAndBuffers = MemoryEstimate.contractions(auto);
        for (org.tensorbasis.model.TensorModel.Block b : auto.blocks()) {
            contractionsAndBuffers += 64L * new org.tensorbasis.basis.TensorBasis(b.lambda(), b.sigma(), b.lambdaCorrection(), b.pseudoMode(), b.position()).size();
        }
        long scalarPerElement = MemoryEstimate.parameters(perElement) - contractionsAndBuffers;
        // shared: the per-element contractions are derived buffers of shared and embedded weights (1 + d sets)
        long derived = MemoryEstimate.contractions(auto) / 64 * (1 + 16);
        long scalarShared = MemoryEstimate.parameters(auto) - contractionsAndBuffers - derived;
        long embedding = 64L * 16 + 24L * 16;
        assertThat(scalarPerElement).isEqualTo(64 * (scalarShared - embedding));
        assertThat(MemoryEstimate.refitBytes(auto)).isLessThan(MemoryEstimate.refitBytes(perElement) / 60);
        assertThat(MemoryEstimate.firstLayerBytes(auto) * 64).isEqualTo(MemoryEstimate.firstLayerBytes(perElement));
        List<int[]> numbers = new ArrayList<>();
        for (Structure s : molecules(40, 9)) numbers.add(s.numbers());
        MemoryEstimate est = MemoryEstimate.training(auto, numbers, 30, 5, 8, true, false, 1);
        assertThatThrownBy(() -> est.check(est.totalBytes())).isInstanceOf(BadInputException.class)
            .hasMessageNotContaining("model.scalar_network");
    }

    @Test
    void prediction() {
        Options options = Options.parse(YAML, "opts.yaml", null);
        LambdaMcovModel.Design design = LambdaMcovModel.Design.of(options, SPECIES, layouts(), null);
        List<int[]> numbers = new ArrayList<>();
        for (Structure s : molecules(200, 11)) numbers.add(s.numbers());
        MemoryEstimate one = MemoryEstimate.prediction(design, numbers, 1);
        MemoryEstimate two = MemoryEstimate.prediction(design, numbers, 2);
        // one worker: one prediction replica (values, gradients, buffers); two workers: two, and their work arrays
        assertThat(two.cacheBytes()).isEqualTo(one.cacheBytes());
        assertThat(one.parameterBytes()).isEqualTo(16 * one.parameters() + MemoryEstimate.firstLayerBytes(design));
        assertThat(two.parameterBytes()).isEqualTo(2 * one.parameterBytes());
        assertThatThrownBy(() -> two.check(two.totalBytes())).isInstanceOf(BadInputException.class)
            .hasMessageStartingWith("prediction would need").hasMessageContaining("use fewer threads, or raise the heap")
            .hasMessageNotContaining("elements,");
    }

    /** species_channels: trained adds the sparse unmixed expansions (an upper bound of what they hold) and the mixing's work arrays. */
    @Test
    void trainedMixingAddsTheSparseCache() {
        Options options = Options.parse(YAML, "o.yaml", null);
        double[] w = org.tensorbasis.descriptors.SpeciesMixing.random(SPECIES.length, 2, 3);
        LambdaMcovModel.Design design = LambdaMcovModel.Design.of(options, SPECIES, layouts(), w);
        List<Structure> st = molecules(40, 5);
        List<int[]> numbers = new ArrayList<>();
        for (Structure s : st) numbers.add(s.numbers());
        MemoryEstimate fixed = MemoryEstimate.training(design, numbers, 30, 5, 8, true, false, 1);
        MemoryEstimate trained = MemoryEstimate.training(design, numbers, 30, 5, 8, true, false, 1, true);
        long bound = TrainedMixing.cacheBytes(design.expansion(), MemoryEstimate.cachedOrders(design), numbers);
        assertThat(trained.cacheBytes() - fixed.cacheBytes()).isEqualTo(bound);
        assertThat(trained.workBytes()).isGreaterThan(fixed.workBytes());
        TrainedMixing real = TrainedMixing.compute(st, design.expansion(), MemoryEstimate.cachedOrders(design), 1);
        assertThat(real.bytes()).isPositive().isLessThanOrEqualTo(bound);
    }
}
