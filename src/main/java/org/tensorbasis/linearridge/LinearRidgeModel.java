package org.tensorbasis.linearridge;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.LambdaSoap;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.Json;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.modelfile.ModelMetadata;
import org.tensorbasis.modelfile.SpeciesMixingTensor;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.options.Options;
import org.tensorbasis.options.SoapOptions;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.TargetLayout;

/**
 * A trained linear ridge model: per block (λ, σ) and centre species g, one weight per λ-SOAP feature,
 * shared by the 2λ+1 components, so that an atom's contribution y_i = Σ_f w^{g}_f X_f(i) is exactly
 * equivariant ({@link RidgeWeights}); per-structure targets sum the atoms' contributions. Targets are
 * learned normalised like λ-MCoV's ({@link Normalization}: composition baseline for invariant blocks,
 * a scale per block or per species), but per structure rather than per atom.
 */
public final class LinearRidgeModel implements TrainedModel {
    private final Options options;
    private final String optionsYaml;
    private final Map<String, String> provenance;
    private final int[] species;
    private final Map<String, TargetLayout> layouts;
    private final List<ModelBlock> blocks;
    private final Normalization[] norms;
    private final SphericalExpansion calc;
    private final BlockFeatures[] features;
    private final RidgeWeights[] weights;     // per block, [species][P][F] (per-atom form, also for per-structure blocks)
    private final double[][] alphas;          // per block, per group (species, or one for per-structure blocks)
    private final KernelWeights[] kernels;    // per block, the kernel fit (model.kernel.zeta ≥ 1), else null
    private final BlockFeatures scalar;       // invariant features of the kernel (null without a kernel)
    private final BlockFeatures invariantFeatures; // λ = 0, σ = +1 features: each atom's density scale (round-off rule)
    private double kernelSoft; // the kernel normalisation's soft scale this model was fitted with (model.kernel.soft_normalization)

    /** {@code mixing}: the species mixing of compressed channels (S × d over the sorted species), null = one-hot; no position features. */
    LinearRidgeModel(Options options, String optionsYaml, Map<String, String> provenance, int[] species, Map<String, TargetLayout> layouts,
                     Normalization[] norms, RidgeWeights[] weights, double[][] alphas, double[] mixing) {
        this(options, optionsYaml, provenance, species, layouts, norms, weights, alphas, mixing, java.util.Set.of());
    }

    /** As above, with the names of the blocks that have position features ({@link PositionFeatures}). */
    LinearRidgeModel(Options options, String optionsYaml, Map<String, String> provenance, int[] species, Map<String, TargetLayout> layouts,
                     Normalization[] norms, RidgeWeights[] weights, double[][] alphas, double[] mixing, java.util.Set<String> positionBlocks) {
        this.options = options;
        this.kernelSoft = LinearRidgeOptions.of(options).softNormalization();
        this.optionsYaml = optionsYaml;
        this.provenance = new LinkedHashMap<>(provenance);
        this.species = species.clone();
        this.layouts = new LinkedHashMap<>(layouts);
        this.blocks = ModelBlock.of(options, this.layouts);
        this.norms = norms.clone();
        this.calc = expansion(LinearRidgeOptions.of(options).soap(), species, mixing);
        this.features = new BlockFeatures[blocks.size()];
        BlockFeatures invariant = null;
        for (int b = 0; b < blocks.size(); b++) {
            ModelBlock mb = blocks.get(b);
            features[b] = BlockFeatures.of(calc, mb.irrep());
            if (positionBlocks.contains(mb.name())) {
                if (mb.perAtom() || mb.sigma() != 1) throw new IllegalArgumentException(mb.name() + ": position features are for per-structure proper blocks");
                if (invariant == null) invariant = BlockFeatures.of(calc, new org.tensorbasis.targets.Irrep(0, 1));
                features[b] = new PositionFeatures(features[b], invariant, mb.lambda());
            }
        }
        this.weights = weights == null ? new RidgeWeights[blocks.size()] : weights.clone();
        this.alphas = alphas == null ? new double[blocks.size()][] : alphas.clone();
        this.kernels = new KernelWeights[blocks.size()];
        this.scalar = LinearRidgeOptions.of(options).kernel() ? BlockFeatures.of(calc, new org.tensorbasis.targets.Irrep(0, 1)) : null;
        this.invariantFeatures = BlockFeatures.of(calc, new org.tensorbasis.targets.Irrep(0, 1));
    }

    /** The density expansion the features are built from: orders up to max_angular (at least 1 for σ = −1 scalars). */
    static SphericalExpansion expansion(SoapOptions soap, int[] species, double[] mixing) {
        DescriptorSettings d = new DescriptorSettings(soap.cutoff(), soap.cutoffWidth(), soap.maxRadial(), soap.maxAngular(), species,
            soap.powerSpectrum(), mixing);
        return new SphericalExpansion(d, Math.max(1, soap.maxAngular()));
    }

    /** The kernel normalisation's soft scale ({@link SparseKernel#SOFT} for a model fitted now; a file's own value when loaded). */
    double kernelSoft() { return kernelSoft; }

    @Override
    public String architecture() { return LinearRidgeOptions.NAME; }

    @Override
    public Options options() { return options; }

    @Override
    public String optionsYaml() { return optionsYaml; }

    @Override
    public Map<String, String> provenance() { return provenance; }

    @Override
    public Map<String, TargetLayout> layouts() { return layouts; }

    @Override
    public int[] species() { return species.clone(); }

    List<ModelBlock> blocks() { return blocks; }

    Normalization normalization(int b) { return norms[b]; }

    SphericalExpansion expansion() { return calc; }

    BlockFeatures features(int b) { return features[b]; }

    /** The λ = 0, σ = +1 features, whose norm per atom is its density scale ({@link SparseKernel#zeroRoundOff}). */
    BlockFeatures invariantFeatures() { return invariantFeatures; }

    /** The fitted weights of block b, [species][properties][features]. */
    public RidgeWeights weights(int b) { return weights[b]; }

    void setFit(int b, RidgeWeights w, double[] alpha) {
        weights[b] = w;
        alphas[b] = alpha.clone();
    }

    void setKernelFit(int b, KernelWeights k, double[] alpha) {
        kernels[b] = k;
        alphas[b] = alpha.clone();
    }

    /** The kernel fit of block b, or null for a linear one. */
    KernelWeights kernel(int b) { return kernels[b]; }

    /** Species index of each atom. */
    int[] groups(Structure s) {
        return Normalization.speciesIndices(s, species);
    }

    @Override
    public Predictions predict(List<Structure> structures, int threads) {
        Predictions p = new Predictions(layouts, Predictions.perAtom(options, layouts), structures, null);
        int n = structures.size();
        ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new); // one per worker, not per structure
        Runnable all = () -> IntStream.range(0, n).parallel().forEach(k -> predictOne(structures.get(k), k, p, workspaces.get()));
        if (threads <= 1 || n <= 1) {
            Workspace ws = new Workspace();
            for (int k = 0; k < n; k++) predictOne(structures.get(k), k, p, ws);
        } else {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                pool.submit(all).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("prediction interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdown();
            }
        }
        return p;
    }

    /** Reusable per-thread arrays. */
    final class Workspace {
        final SphericalExpansion.Workspace exp = calc.newWorkspace();
        double[][] blocks = new double[calc.maxExpansionL() + 1][];
        double[] x = new double[0];
        double[] y = new double[0];

        /** The expansion of every order of one structure, into {@link #blocks}. */
        void expand(Structure s) {
            int n = s.size();
            int[] ls = new int[calc.maxExpansionL() + 1];
            for (int l = 0; l < ls.length; l++) {
                ls[l] = l;
                int need = n * calc.blockSize(l);
                if (blocks[l] == null || blocks[l].length < need) blocks[l] = new double[need];
            }
            calc.compute(s, NeighborList.build(s, calc.settings().cutoff()), null, ls, blocks, exp);
        }

        double[] x(int size) {
            if (x.length < size) x = new double[size];
            return x;
        }

        double[] y(int size) {
            if (y.length < size) y = new double[size];
            return y;
        }
    }

    /** Scales a block's normalised prediction of structure k to real units, adds its baseline, and stores it. */
    private static void finish(ModelBlock mb, Normalization nz, int[] g, int n, double[] out, int k, Predictions p) {
        int width = mb.rowWidth();
        if (mb.perAtom()) {
            for (int i = 0; i < n; i++) {
                double sc = nz.scale(g[i]);
                for (int j = 0; j < width; j++) out[i * width + j] *= sc;
                nz.addBaseline(g, i, i + 1, out, i * width);
            }
        } else {
            for (int j = 0; j < width; j++) out[j] *= nz.scale();
            nz.addBaseline(g, 0, n, out, 0);
        }
        p.put(mb, k, 1, new int[] {0, n}, out);
    }

    /** Real-unit predictions of every block for one structure, stored as structure k of {@code p}. */
    private void predictOne(Structure s, int k, Predictions p, Workspace ws) {
        int n = s.size();
        int[] g = groups(s);
        ws.expand(s);
        double[] phat = null, pNorm = null, invariant = null, rawNorm = null;
        for (int b = 0; b < blocks.size(); b++) {
            ModelBlock mb = blocks.get(b);
            BlockFeatures bf = features[b];
            int row = bf.rowSize();
            double[] x = ws.x(n * row);
            if (bf.usesPositions()) {
                double[] centred = new double[3 * n];
                s.centredPositions(centred, 0);
                bf.fromStructure(ws.blocks, g, centred, 0, n, x, 0);
            } else {
                bf.fromExpansions(ws.blocks, 0, n, x, 0);
            }
            RidgeWeights w = weights[b];
            KernelWeights kw = kernels[b];
            if (kw == null && !SparseKernel.hasConstant(mb.irrep())) {
                // features that are round-off at this atom (a symmetry zero) predict exactly zero
                if (invariant == null) {
                    invariant = new double[n * invariantFeatures.features()];
                    invariantFeatures.fromExpansions(ws.blocks, 0, n, invariant, 0);
                    rawNorm = SparseKernel.invariantNorms(invariant, 0, n, invariantFeatures.features());
                }
                SparseKernel.zeroRoundOff(bf, mb.irrep(), x, 0, n, rawNorm);
            }
            int width = mb.rowWidth();
            double[] out;
            if (kw != null) {
                // the sparse kernel: normalised features per atom, the structure's atoms evaluated together
                // (KernelWeights.addAtoms; batches of several structures were 2× faster on small crystals, but a
                // structure's prediction then depended on its neighbours in the file at round-off, 5.6e-17), summed for
                // per-structure blocks
                if (phat == null) {
                    phat = new double[n * scalar.features()];
                    scalar.fromExpansions(ws.blocks, 0, n, phat, 0);
                    pNorm = SparseKernel.invariantNorms(phat, 0, n, scalar.features());
                    SparseKernel.normalize(phat, 0, n, scalar.features(), true);
                }
                SparseKernel.normalize(bf, mb.irrep(), x, 0, n, pNorm, 0, kernelSoft);
                double[] atoms = new double[n * width];
                kw.addAtoms(g, n, x, row, phat, atoms);
                if (mb.perAtom()) {
                    out = atoms;
                } else {
                    out = new double[width];
                    for (int i = 0; i < n; i++) for (int j = 0; j < width; j++) out[j] += atoms[i * width + j];
                }
            } else if (mb.perAtom()) {
                out = new double[n * width];
                for (int i = 0; i < n; i++) w.predict(g[i], x, i * row, 1, out, i * width);
            } else {
                out = new double[width];
                w.predictSum(g, x, 0, n, out, 0);
            }
            finish(mb, norms[b], g, n, out, k, p);
        }
    }

    // ---------------------------------------------------------------- model file

    @Override
    public ModelFile.Contents contents() {
        Map<String, String> meta = ModelMetadata.common(architecture(), optionsYaml, provenance);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("species", species);
        m.put("targets", ModelMetadata.layoutsJson(layouts));
        m.put("normalization", ModelMetadata.normalizationJson(norms, species.length));
        List<Object> bl = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", blocks.get(b).name());
            e.put("features", features[b].features());
            if (features[b].usesPositions()) e.put(POSITIONS, true);
            e.put("ridge", alphas[b]);
            bl.add(e);
        }
        m.put("blocks", bl);
        Map<String, ModelFile.Tensor> tensors = new LinkedHashMap<>();
        KernelWeights any = null;
        for (KernelWeights k : kernels) if (k != null) any = k;
        if (any != null) {
            // the sparse points' invariant features once (every block shares them), zero-padded to the largest species
            Map<String, Object> km = new LinkedHashMap<>();
            km.put("zeta", any.zeta);
            km.put("sparse_points", any.count);
            km.put("invariant_features", any.scalarFeatures);
            km.put("soft_normalization", kernelSoft);
            m.put("kernel", km);
            int mx = any.maxCount(), f0 = any.scalarFeatures;
            double[] sc = new double[species.length * mx * f0];
            for (int g = 0; g < species.length; g++) System.arraycopy(any.scalar[g], 0, sc, g * mx * f0, any.count[g] * f0);
            tensors.put(KERNEL_INVARIANTS, new ModelFile.Tensor(new long[] {species.length, mx, f0}, sc));
            if (any.sharedCount > 0) {
                // a joint kernel's points, seen by every element (docs/model-file.md)
                km.put("shared_points", any.sharedCount);
                tensors.put(KERNEL_SHARED_INVARIANTS, new ModelFile.Tensor(new long[] {any.sharedCount, f0}, any.sharedScalar));
            }
        }
        meta.put("model", Json.write(m));
        for (int b = 0; b < blocks.size(); b++) {
            KernelWeights k = kernels[b];
            if (k != null) {
                int mx = k.maxCount(), pf = k.properties * k.features;
                double[] u = new double[species.length * mx * pf];
                for (int g = 0; g < species.length; g++) System.arraycopy(k.u[g], 0, u, g * mx * pf, k.count[g] * pf);
                tensors.put(blocks.get(b).name() + KERNEL_WEIGHT, new ModelFile.Tensor(new long[] {species.length, mx, k.properties, k.features}, u));
                if (k.sharedCount > 0) {
                    tensors.put(blocks.get(b).name() + KERNEL_SHARED_WEIGHT, new ModelFile.Tensor(new long[] {k.sharedCount, k.properties, k.features},
                        k.sharedU));
                }
                continue;
            }
            RidgeWeights w = weights[b];
            tensors.put(blocks.get(b).name() + ".weight", new ModelFile.Tensor(new long[] {w.groups(), w.properties(), w.features()}, w.weights()));
        }
        ModelFile.Tensor mix = SpeciesMixingTensor.of(calc.settings());
        if (mix != null) tensors.put(SpeciesMixingTensor.NAME, mix);
        return new ModelFile.Contents(meta, tensors);
    }

    /** Rebuilds a model from a model file's contents (architecture linear_ridge, checked by the caller). */
    static LinearRidgeModel fromContents(ModelFile.Contents c, String name) {
        Map<String, String> meta = c.metadata();
        LinearRidgeModel model;
        try {
            String yaml = meta.get("options");
            Options options = Options.parse(yaml, name + " (embedded options)", null);
            if (!(options.hypers() instanceof LinearRidgeOptions)) {
                throw BadInputException.atField(name, "options", "the embedded options are for " + options.architecture() + ", not linear_ridge");
            }
            Map<?, ?> m = (Map<?, ?>) Json.parse(meta.get("model"));
            int[] species = ModelMetadata.ints(m.get("species"));
            Map<String, TargetLayout> layouts = ModelMetadata.layouts(m.get("targets"));
            Normalization[] norms = ModelMetadata.normalization(m.get("normalization"), layouts, species.length);
            double[] mixing = SpeciesMixingTensor.read(c.tensors(), name, species.length);
            List<?> bl = (List<?>) m.get("blocks");
            // the blocks fitted with position features (files written before they existed have none)
            java.util.Set<String> positions = new java.util.LinkedHashSet<>();
            for (Object o : bl) {
                Map<?, ?> e = (Map<?, ?>) o;
                if (Boolean.TRUE.equals(e.get(POSITIONS))) positions.add(String.valueOf(e.get("name")));
            }
            model = new LinearRidgeModel(options, yaml, ModelMetadata.provenance(meta), species, layouts, norms, null, null, mixing, positions);
            if (bl.size() != model.blocks.size()) throw new IllegalArgumentException(bl.size() + " blocks described, the targets have " + model.blocks.size());
            double[][] sparse = LinearRidgeOptions.of(options).kernel() ? readInvariants(c, name, m.get("kernel"), species.length, model) : null;
            double[] shared = sparse != null ? readShared(c, name, m.get("kernel"), model.scalar.features()) : null;
            if (sparse != null) model.kernelSoft = readSoft(name, m.get("kernel"));
            for (int b = 0; b < model.blocks.size(); b++) {
                ModelBlock mb = model.blocks.get(b);
                if (sparse != null) {
                    double[] alpha = ModelMetadata.doubles(((Map<?, ?>) bl.get(b)).get("ridge"));
                    model.setKernelFit(b, readKernel(c, name, mb, model.features[b].features(), sparse, shared, LinearRidgeOptions.of(options).zeta(),
                        model.scalar.features()), alpha);
                    continue;
                }
                String key = mb.name() + ".weight";
                ModelFile.Tensor t = c.tensors().get(key);
                if (t == null) throw BadInputException.atField(name, key, "missing weights");
                long[] want = {species.length, mb.properties(), model.features[b].features()};
                if (!java.util.Arrays.equals(t.shape(), want)) {
                    throw BadInputException.atField(name, key, "has shape " + java.util.Arrays.toString(t.shape()) + ", expected "
                        + java.util.Arrays.toString(want));
                }
                for (double v : t.data()) if (!Double.isFinite(v)) throw BadInputException.atField(name, key, "holds a non-finite weight");
                double[] alpha = ModelMetadata.doubles(((Map<?, ?>) bl.get(b)).get("ridge"));
                model.setFit(b, new RidgeWeights(species.length, mb.properties(), model.features[b].features(), mb.dim(), t.data()), alpha);
            }
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw BadInputException.inFile(name, "corrupt model description: " + e);
        }
        return model;
    }

    /** Key of a block entry of the model file: the block has position features. */
    static final String POSITIONS = "positions";

    static final String KERNEL_INVARIANTS = "kernel.sparse_invariants";
    static final String KERNEL_WEIGHT = ".kernel_weight";
    static final String KERNEL_SHARED_INVARIANTS = "kernel.shared_invariants";
    static final String KERNEL_SHARED_WEIGHT = ".kernel_shared_weight";

    /** The kernel normalisation's soft scale of a file ({@link SparseKernel#LEGACY_SOFT} when it does not record one), checked. */
    private static double readSoft(String name, Object kernel) {
        Object v = kernel instanceof Map<?, ?> km ? km.get("soft_normalization") : null;
        if (v == null) return SparseKernel.LEGACY_SOFT;
        if (!(v instanceof Number num) || !(num.doubleValue() > 0) || !(num.doubleValue() <= 100)) {
            throw BadInputException.atField(name, "model.kernel.soft_normalization", "not a number in (0, 100]: " + v);
        }
        return num.doubleValue();
    }

    /** A joint kernel's shared points' invariants [M_s × F0] (empty when the file has none), checked. */
    private static double[] readShared(ModelFile.Contents c, String name, Object kernel, int f0) {
        Object sp = kernel instanceof Map<?, ?> km ? km.get("shared_points") : null;
        if (sp == null) return new double[0];
        if (!(sp instanceof Number num)) throw BadInputException.atField(name, "model.kernel.shared_points", "not a count: " + sp);
        int n = num.intValue();
        if (n < 0) throw BadInputException.atField(name, "model.kernel.shared_points", "negative count " + n);
        ModelFile.Tensor t = c.tensors().get(KERNEL_SHARED_INVARIANTS);
        if (t == null) throw BadInputException.atField(name, KERNEL_SHARED_INVARIANTS, "missing shared sparse points");
        long[] want = {n, f0};
        if (!java.util.Arrays.equals(t.shape(), want)) {
            throw BadInputException.atField(name, KERNEL_SHARED_INVARIANTS, "has shape " + java.util.Arrays.toString(t.shape()) + ", expected "
                + java.util.Arrays.toString(want));
        }
        for (double v : t.data()) if (!Double.isFinite(v)) throw BadInputException.atField(name, KERNEL_SHARED_INVARIANTS, "holds a non-finite value");
        return t.data();
    }

    /** The sparse points' invariant features [S][M_g × F0] of a kernel model file, checked. */
    private static double[][] readInvariants(ModelFile.Contents c, String name, Object kernel, int species, LinearRidgeModel model) {
        if (!(kernel instanceof Map<?, ?> km)) throw BadInputException.atField(name, "model.kernel", "missing (the options ask for a kernel model)");
        int[] count = ModelMetadata.ints(km.get("sparse_points"));
        int f0 = model.scalar.features();
        if (count.length != species) throw BadInputException.atField(name, "model.kernel.sparse_points", count.length + " counts for " + species + " species");
        int mx = 0;
        for (int n : count) {
            if (n < 0) throw BadInputException.atField(name, "model.kernel.sparse_points", "negative count " + n);
            mx = Math.max(mx, n);
        }
        ModelFile.Tensor t = c.tensors().get(KERNEL_INVARIANTS);
        if (t == null) throw BadInputException.atField(name, KERNEL_INVARIANTS, "missing sparse points");
        long[] want = {species, mx, f0};
        if (!java.util.Arrays.equals(t.shape(), want)) {
            throw BadInputException.atField(name, KERNEL_INVARIANTS, "has shape " + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(want));
        }
        for (double v : t.data()) if (!Double.isFinite(v)) throw BadInputException.atField(name, KERNEL_INVARIANTS, "holds a non-finite value");
        double[][] out = new double[species][];
        for (int g = 0; g < species; g++) out[g] = java.util.Arrays.copyOfRange(t.data(), g * mx * f0, (g * mx + count[g]) * f0);
        return out;
    }

    /** The kernel weights of one block from a model file, checked against the sparse points. */
    private static KernelWeights readKernel(ModelFile.Contents c, String name, ModelBlock mb, int features, double[][] sparse, double[] shared,
                                            int zeta, int f0) {
        String key = mb.name() + KERNEL_WEIGHT;
        ModelFile.Tensor t = c.tensors().get(key);
        if (t == null) throw BadInputException.atField(name, key, "missing kernel weights");
        int species = sparse.length, mx = 0;
        for (double[] s : sparse) mx = Math.max(mx, s.length / Math.max(1, f0));
        long[] want = {species, mx, mb.properties(), features};
        if (!java.util.Arrays.equals(t.shape(), want)) {
            throw BadInputException.atField(name, key, "has shape " + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(want));
        }
        for (double v : t.data()) if (!Double.isFinite(v)) throw BadInputException.atField(name, key, "holds a non-finite weight");
        int pf = mb.properties() * features;
        double[][] u = new double[species][];
        for (int g = 0; g < species; g++) {
            int n = sparse[g].length / Math.max(1, f0);
            u[g] = java.util.Arrays.copyOfRange(t.data(), g * mx * pf, (g * mx + n) * pf);
        }
        double[] su = new double[0];
        int ns = shared.length / Math.max(1, f0);
        if (ns > 0) {
            String sk = mb.name() + KERNEL_SHARED_WEIGHT;
            ModelFile.Tensor st = c.tensors().get(sk);
            if (st == null) throw BadInputException.atField(name, sk, "missing shared kernel weights");
            long[] sw = {ns, mb.properties(), features};
            if (!java.util.Arrays.equals(st.shape(), sw)) {
                throw BadInputException.atField(name, sk, "has shape " + java.util.Arrays.toString(st.shape()) + ", expected " + java.util.Arrays.toString(sw));
            }
            for (double v : st.data()) if (!Double.isFinite(v)) throw BadInputException.atField(name, sk, "holds a non-finite weight");
            su = st.data();
        }
        return new KernelWeights(zeta, mb.properties(), features, mb.dim(), f0, sparse, u, shared, su);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < blocks.size(); b++) {
            sb.append(b > 0 ? ", " : "").append(blocks.get(b).name()).append(String.format(Locale.ROOT, " (%d features", features[b].features()));
            KernelWeights k = kernels[b];
            if (k != null) {
                sb.append(String.format(Locale.ROOT, "; kernel zeta %d, %d sparse points", k.zeta, k.totalCount()));
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
