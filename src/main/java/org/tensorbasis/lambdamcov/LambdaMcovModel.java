package org.tensorbasis.lambdamcov;

import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.modelfile.ModelMetadata;
import org.tensorbasis.modelfile.SpeciesMixingTensor;
import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.Json;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.TargetLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.basis.TensorBasis;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.SpeciesMixing;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.CacheBatches;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.model.SpeciesMlp;
import org.tensorbasis.model.TensorModel;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;

/**
 * A complete model: descriptor settings, the network ({@link TensorModel}), how every target maps
 * onto its spherical blocks ({@link TargetLayout}), the normalisation of each block, the resolved
 * options and provenance. It predicts targets in the user's layout and saves to / loads from the
 * model file ({@link ModelFile}; format described in {@code docs/model-file.md}).
 */
public final class LambdaMcovModel implements TrainedModel {
    private final Options options;
    private final String optionsYaml;
    private final DescriptorSettings descriptor;
    private final SphericalExpansion expansion;
    private final int[] species;
    private final Map<String, TargetLayout> layouts;
    private final TensorModel network;
    private final Normalization[] norms;
    private final List<ModelBlock> modelBlocks; // block b of the network ↔ its target and position in the layout
    private final Map<String, String> provenance;
    private final Design design;

    /**
     * What the network of a model will be, decided from the options, the species and the layouts
     * alone: the descriptor, the expansion calculator (small) and the target blocks. Nothing large is
     * allocated, so {@link MemoryEstimate} can size a run from it before the network exists.
     */
    record Design(DescriptorSettings descriptor, SphericalExpansion expansion, List<ModelBlock> modelBlocks,
                  List<TensorModel.Block> blocks, int width, int depth, ScalarNetworks.Mode scalarNetwork, int embedding,
                  SpeciesMixing.Mode speciesChannels) {
        /** Whether one scalar network serves all elements. */
        boolean shared() { return scalarNetwork == ScalarNetworks.Mode.SHARED; }

        /** Names of the blocks with position elements. */
        java.util.Set<String> positionBlocks() {
            java.util.Set<String> out = new java.util.LinkedHashSet<>();
            for (TensorModel.Block b : blocks) if (b.position()) out.add(b.name());
            return out;
        }

        /** K_l of the density expansion for every l up to the largest expansion order. */
        int[] kPerL() {
            int[] k = new int[expansion.maxExpansionL() + 1];
            for (int l = 0; l < k.length; l++) k[l] = expansion.blockSize(l) / (2 * l + 1);
            return k;
        }

        /**
         * @param mixing the species mixing (S × d over the sorted species), or null for one-hot channels
         * (the scalar networks as {@code model.scalar_network} resolves for these species)
         */
        static Design of(Options options, int[] species, Map<String, TargetLayout> layouts, double[] mixing) {
            return of(options, species, layouts, mixing, null);
        }

        /** As {@link #of(Options, int[], Map, double[])} with the scalar networks given (a model file's), or null to resolve the option. */
        static Design of(Options options, int[] species, Map<String, TargetLayout> layouts, double[] mixing, ScalarNetworks.Mode scalarNetwork) {
            return of(options, species, layouts, mixing, scalarNetwork, null);
        }

        /**
         * As above, with the neighbour-species channels given (a model file's), or null: one-hot without a mixing,
         * else {@code species_channels} resolved for a trainable mixing ({@link SpeciesMixing#resolve}).
         */
        static Design of(Options options, int[] species, Map<String, TargetLayout> layouts, double[] mixing, ScalarNetworks.Mode scalarNetwork,
                         SpeciesMixing.Mode channels) {
            return of(options, species, layouts, mixing, scalarNetwork, channels, null);
        }

        /**
         * As above, with the blocks that have position elements given (a model file's), or null: as
         * {@code model.position_basis} says.
         */
        static Design of(Options options, int[] species, Map<String, TargetLayout> layouts, double[] mixing, ScalarNetworks.Mode scalarNetwork,
                         SpeciesMixing.Mode channels, java.util.Set<String> positionBlocks) {
            int[] sorted = species.clone();
            Arrays.sort(sorted);
            LambdaMcovOptions.ModelOptions mo = LambdaMcovOptions.of(options).model();
            DescriptorSettings descriptor = new DescriptorSettings(mo.cutoff(), mo.cutoffWidth(), mo.maxRadial(), mo.maxAngular(), sorted,
                mo.powerSpectrum(), mixing);
            List<ModelBlock> modelBlocks = ModelBlock.of(options, new LinkedHashMap<>(layouts));
            List<TensorModel.Block> blocks = new ArrayList<>();
            for (ModelBlock mb : modelBlocks) {
                boolean pos = positionBlocks != null ? positionBlocks.contains(mb.name()) : mo.positionElements(mb.perAtom(), mb.lambda(), mb.sigma());
                blocks.add(new TensorModel.Block(mb.name(), mb.lambda(), mb.sigma(), mb.properties(), mb.perAtom(), mo.addLambdaBasis(),
                    mo.pseudotensorBasis(), pos));
            }
            if (blocks.isEmpty()) throw new BadInputException("no target block left to learn (every target is zero in the training data)");
            // the λ correction needs the l = λ density expansion, also for λ > max_angular (expansion-only orders;
            // the power spectrum keeps l ≤ max_angular)
            int maxL = mo.maxAngular();
            for (TensorModel.Block b : blocks) {
                if (b.lambdaCorrection() && b.lambda() >= 2) maxL = Math.max(maxL, b.lambda());
            }
            SphericalExpansion expansion = new SphericalExpansion(descriptor, maxL);
            for (TensorModel.Block b : blocks) {
                if (b.lambda() >= 1 && expansion.maxAngular() < 1) {
                    throw BadInputException.option(null, -1, "model.soap.max_angular", "must be >= 1 for tensorial targets (the vector basis needs l = 1)");
                }
            }
            ScalarNetworks.Mode sn = scalarNetwork != null ? scalarNetwork : mo.scalarNetworkFor(sorted.length);
            SpeciesMixing.Mode ch = mixing == null ? SpeciesMixing.Mode.ONE_HOT
                : channels != null ? channels : SpeciesMixing.resolve(mo.speciesChannels(), sorted.length, mo.pseudoSpecies(), true);
            return new Design(descriptor, expansion, List.copyOf(modelBlocks), List.copyOf(blocks), mo.width(), mo.depth(), sn,
                sn == ScalarNetworks.Mode.SHARED ? mo.elementEmbedding() : 0, ch);
        }
    }

    /** Builds the network (seeded initial weights) for the blocks of {@code layouts}, with one-hot species channels. */
    public LambdaMcovModel(Options options, String optionsYaml, int[] species, Map<String, TargetLayout> layouts,
                 Normalization[] norms, Map<String, String> provenance, long seed, int threads) {
        this(Design.of(options, species, layouts, null), options, optionsYaml, layouts, norms, provenance, seed, threads);
    }

    /**
     * As above, with a species mixing (S × d row-major over the sorted species, {@link DescriptorSettings#mixing()};
     * null = one-hot channels).
     */
    public LambdaMcovModel(Options options, String optionsYaml, int[] species, Map<String, TargetLayout> layouts,
                 Normalization[] norms, Map<String, String> provenance, long seed, int threads, double[] mixing) {
        this(Design.of(options, species, layouts, mixing), options, optionsYaml, layouts, norms, provenance, seed, threads);
    }

    /** Builds the network of a design made by {@link Design#of} (which {@link MemoryEstimate} sized first). */
    LambdaMcovModel(Design design, Options options, String optionsYaml, Map<String, TargetLayout> layouts,
                    Normalization[] norms, Map<String, String> provenance, long seed, int threads) {
        this.options = options;
        this.optionsYaml = optionsYaml;
        this.design = design;
        this.descriptor = design.descriptor();
        this.species = descriptor.species();
        this.layouts = new LinkedHashMap<>(layouts);
        this.modelBlocks = design.modelBlocks();
        List<TensorModel.Block> blocks = design.blocks();
        if (norms.length != blocks.size()) throw new IllegalArgumentException("one normalisation per block");
        this.norms = norms.clone();
        this.expansion = design.expansion();
        TensorModel.Hypers hy = new TensorModel.Hypers(design.width(), design.depth(), Math.max(1, threads), design.scalarNetwork(),
            design.embedding());
        this.network = new TensorModel(this.species, expansion.powerSpectrumSize(), design.kPerL(), hy, blocks, seed);
        // features() hands over LayerNorm-normalised rows
        this.network.scalarNetworks().setInputNormalized(true);
        this.provenance = new LinkedHashMap<>(provenance);
    }

    /**
     * This model with another species mixing (S × d, same d) and the current weights: the fixed-mixing model of a
     * trained mixing ({@code species_channels: trained}), which is what is saved and predicts.
     */
    LambdaMcovModel withMixing(double[] mixing) {
        if (descriptor.mixing() == null || mixing.length != descriptor.mixing().length) {
            throw new IllegalArgumentException("a mixing of the same shape is needed");
        }
        Design d = Design.of(options, species, layouts, mixing.clone(), design.scalarNetwork(), design.speciesChannels(), design.positionBlocks());
        LambdaMcovModel m = new LambdaMcovModel(d, options, optionsYaml, layouts, norms, provenance, 0, network.hypers().threads());
        Parameters p = network.parameters();
        System.arraycopy(p.values(), 0, m.network.parameters().values(), 0, p.size());
        return m;
    }

    /** The model's design (descriptor, blocks, networks). */
    Design design() { return design; }

    @Override
    public String architecture() { return LambdaMcovOptions.NAME; }

    @Override
    public Options options() { return options; }

    @Override
    public String optionsYaml() { return optionsYaml; }

    public DescriptorSettings descriptorSettings() { return descriptor; }

    public SphericalExpansion expansion() { return expansion; }

    @Override
    public int[] species() { return species.clone(); }

    @Override
    public Map<String, TargetLayout> layouts() { return layouts; }

    /** The network's blocks with their targets (block b of {@link #network()} is element b). */
    public List<ModelBlock> modelBlocks() { return modelBlocks; }

    public TensorModel network() { return network; }

    public Normalization normalization(int block) { return norms[block]; }

    @Override
    public Map<String, String> provenance() { return provenance; }

    public int speciesIndex(int z) {
        int k = Arrays.binarySearch(species, z);
        return k >= 0 ? k : -1;
    }

    public String symbols() {
        StringBuilder sb = new StringBuilder();
        for (int z : species) sb.append(sb.length() > 0 ? " " : "").append(Elements.symbol(z));
        return sb.toString();
    }

    /** Descriptors of the structures, with the expansion orders the network needs (float64). */
    public FeatureCache features(List<Structure> structures, int threads) {
        return features(structures, threads, FeatureCache.Storage.FLOAT64);
    }

    /**
     * Descriptors of the structures, the power-spectrum rows normalised ({@link #normalizeInPlace}) by the worker
     * that computed them; a FLOAT32 cache stores the normalised rows rounded to float32 (training only: a
     * prediction always uses float64 rows, so the model's equivariance does not depend on the storage).
     */
    public FeatureCache features(List<Structure> structures, int threads, FeatureCache.Storage storage) {
        return FeatureCache.compute(structures, expansion, network.expansionOrders(), storage, Math.max(1, threads),
            (rows, atoms, f) -> SpeciesMlp.normalizeRows(rows, atoms, f, rows));
    }

    /**
     * Replaces every power-spectrum row of a float64 cache by its LayerNorm-normalised form x̂ (zero
     * mean, unit variance). The statistics do not depend on the weights, so this is done once instead
     * of in every forward pass; the network is built to expect normalised rows
     * ({@link org.tensorbasis.model.ScalarNetworks#setInputNormalized}).
     */
    public static void normalizeInPlace(FeatureCache cache) {
        int f = cache.powerSpectrumSize();
        for (int s = 0; s < cache.size(); s++) {
            double[] ps = cache.powerSpectrum(s);
            SpeciesMlp.normalizeRows(ps, cache.atoms(s), f, ps);
        }
    }

    /** Reusable arrays for {@link #batch}: a batch built in them is valid until the next one is built. */
    public static final class BatchBuffer {
        final CacheBatches.Buffer arrays = new CacheBatches.Buffer();
    }

    /**
     * Assembles the network input of the structures {@code which} of a cache (in that order);
     * {@code structures} are the cache's structures (for their atomic numbers).
     */
    public AtomBatch batch(FeatureCache cache, int[] which, List<Structure> structures) {
        return batch(cache, which, structures, new BatchBuffer());
    }

    /** As {@link #batch(FeatureCache, int[], List)}, reusing (and growing) the arrays of {@code buf}. */
    public AtomBatch batch(FeatureCache cache, int[] which, List<Structure> structures, BatchBuffer buf) {
        return CacheBatches.assemble(cache, which, structures, network.expansionOrders(), network.kPerL(), network.usesPositions(), buf.arrays);
    }

    /**
     * Real-unit values of model block b for the last forward of {@code net} (the network or a replica):
     * per-structure rows (structures × properties × dim) or per-atom rows (atoms × ...), baseline added.
     */
    public double[] denormalize(TensorModel net, int b, AtomBatch batch) {
        TensorModel.Block bl = net.blocks().get(b);
        int w = bl.properties() * bl.dim();
        Normalization nz = norms[b];
        int[] sidx = new int[batch.atoms()];
        for (int i = 0; i < sidx.length; i++) sidx[i] = speciesIndex(batch.numbers()[i]);
        double[] out;
        if (bl.perAtom()) {
            double[] y = net.atomOutput(b);
            out = new double[batch.atoms() * w];
            for (int k = 0; k < out.length; k++) out[k] = y[k] * nz.scale(sidx[k / w]);
            for (int i = 0; i < batch.atoms(); i++) nz.addBaseline(sidx, i, i + 1, out, i * w);
        } else {
            double[] y = net.structureOutput(b);
            out = new double[batch.structures() * w];
            for (int k = 0; k < out.length; k++) out[k] = y[k] * nz.scale();
            for (int s = 0; s < batch.structures(); s++) nz.addBaseline(sidx, batch.structureStart(s), batch.structureStart(s + 1), out, s * w);
        }
        return out;
    }

    private volatile org.tensorbasis.architecture.Precision precision = org.tensorbasis.architecture.Precision.FLOAT64;

    /**
     * FLOAT32: predictions store the normalised power spectrum in float32 and multiply it by the first layer in float32
     * ({@link org.tensorbasis.architecture.Precision}); the descriptors, the rest of the network and the bases stay float64.
     */
    @Override
    public void setPrecision(org.tensorbasis.architecture.Precision precision) {
        this.precision = java.util.Objects.requireNonNull(precision, "precision");
    }

    @Override
    public org.tensorbasis.architecture.Precision precision() { return precision; }

    @Override
    public Predictions predict(List<Structure> structures, int threads) {
        return predict(structures, threads, -1);
    }

    /**
     * As {@link #predict(List, int)} within {@code available} bytes of heap (negative: the heap that is free). The cache
     * of the structures and the replicas are sized first; when they do not fit, the structures are predicted in
     * consecutive parts that do (each part's descriptors computed, predicted and dropped before the next), so a long
     * trajectory needs the memory of a part, not of the whole file. A single structure that does not fit is a one-line
     * error with the numbers.
     */
    Predictions predict(List<Structure> structures, int threads, long available) {
        List<int[]> numbers = new ArrayList<>(structures.size());
        for (Structure st : structures) numbers.add(st.numbers());
        MemoryEstimate memory = MemoryEstimate.prediction(design, numbers, network.hypers().threads());
        long free = available >= 0 ? available : memory.availableFor();
        if (memory.fits(free) || structures.size() <= 1) {
            memory.check(free);
            return predict(cache(structures, threads), structures, null);
        }
        // parts of consecutive structures, in order: each the largest that fits, found by halving the previous one's size
        Predictions p = new Predictions(layouts, Predictions.perAtom(options, layouts), structures, null);
        int part = structures.size();
        for (int first = 0; first < structures.size(); first += part) {
            part = Math.min(part, structures.size() - first);
            MemoryEstimate est = MemoryEstimate.prediction(design, numbers.subList(first, first + part), network.hypers().threads());
            while (part > 1 && !est.fits(free)) {
                part = (part + 1) / 2;
                est = MemoryEstimate.prediction(design, numbers.subList(first, first + part), network.hypers().threads());
            }
            int to = first + part;
            est.check(free);
            List<Structure> sub = structures.subList(first, to);
            Predictions q = predict(cache(sub, threads), sub, null);
            for (String t : q.targets()) {
                for (int k = 0; k < q.size(); k++) {
                    double[] rows = q.spherical(t, k);
                    p.mapSpherical(t, first + k, dst -> System.arraycopy(rows, 0, dst, 0, rows.length));
                }
            }
        }
        return p;
    }

    /** The descriptors a prediction of {@link #precision()} uses. */
    private FeatureCache cache(List<Structure> structures, int threads) {
        return features(structures, threads, precision == org.tensorbasis.architecture.Precision.FLOAT32
            ? FeatureCache.Storage.FLOAT32_POWER_SPECTRUM : FeatureCache.Storage.FLOAT64);
    }

    /**
     * Predictions for the structures of a cache ({@code which}: their indices, null = all), in batches; in float32 when
     * {@link #precision()} is FLOAT32 or the cache holds float32 rows for prediction (FLOAT32_POWER_SPECTRUM).
     */
    public Predictions predict(FeatureCache cache, List<Structure> structures, int[] which) {
        if (which == null) {
            which = new int[cache.size()];
            for (int i = 0; i < which.length; i++) which[i] = i;
        }
        final int[] all = which;
        Predictions p = new Predictions(layouts, Predictions.perAtom(options, layouts), structures, all);
        final int size = predictBatch(all.length);
        int batches = (all.length + size - 1) / size;
        int workers = Math.min(network.hypers().threads(), batches);
        boolean f32 = precision == org.tensorbasis.architecture.Precision.FLOAT32
            || cache.storage() == FeatureCache.Storage.FLOAT32_POWER_SPECTRUM;
        if (workers <= 1) {
            // a replica with fixed weights: the weight products are formed once, not per batch
            predictBatches(batches > 1 || f32 ? network.predictionReplica(1, f32) : network, cache, structures, all, size, 0, 1, p);
        } else {
            // data parallel: one single-threaded replica per worker, batches dealt round-robin (measured
            // 1.6× one thread on 2 cores, against 1.35× for one model running species in parallel)
            TensorModel[] replicas = new TensorModel[workers];
            for (int k = 0; k < workers; k++) replicas[k] = network.predictionReplica(1, f32);
            java.util.stream.IntStream.range(0, workers).parallel()
                .forEach(k -> predictBatches(replicas[k], cache, structures, all, size, k, workers, p));
        }
        return p;
    }

    /** Most structures per prediction batch. */
    public static final int PREDICT_BATCH = 64;

    /**
     * Structures per prediction batch for {@code structures}: 64, or fewer (down to 8) so that there are at least eight
     * batches to deal round-robin to the workers; 100 bulk-water boxes on 2 workers were one batch of 64 and one of 36
     * (0.09 s: the larger batch alone), now 8 batches of 13. It does not depend on the thread count, so neither do the
     * predictions (a batch's products can differ in the last bit with its size).
     */
    public static int predictBatch(int structures) {
        return Math.max(8, Math.min(PREDICT_BATCH, (structures + 7) / 8));
    }

    /** Batches first, first + step, … of {@code which} ({@code size} structures each), forwarded through {@code net} into {@code p}. */
    private void predictBatches(TensorModel net, FeatureCache cache, List<Structure> structures, int[] which, int size, int first,
                                int step, Predictions p) {
        CacheBatches.Buffer buf = new CacheBatches.Buffer();
        for (int start = first * size; start < which.length; start += step * size) {
            int[] part = Arrays.copyOfRange(which, start, Math.min(which.length, start + size));
            AtomBatch batch = CacheBatches.assemble(cache, part, structures, net.expansionOrders(), net.kPerL(), net.usesPositions(), buf);
            net.forward(batch);
            int[] atomStart = new int[batch.structures() + 1];
            for (int s = 0; s <= batch.structures(); s++) atomStart[s] = batch.structureStart(s);
            for (int b = 0; b < net.blocks().size(); b++) p.put(modelBlocks.get(b), start, batch.structures(), atomStart, denormalize(net, b, batch));
        }
    }

    // ---------------------------------------------------------------- saving and loading

    /** The model file's metadata: the common entries and, as {@code model}, this architecture's description. */
    public Map<String, String> metadata() {
        Map<String, String> meta = ModelMetadata.common(architecture(), optionsYaml, provenance);
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("species", species);
        arch.put("n_features", network.nFeatures());
        arch.put("k_per_l", network.kPerL());
        arch.put(SCALAR_NETWORK, design.scalarNetwork().option());
        arch.put(SPECIES_CHANNELS, design.speciesChannels().option());
        if (design.shared()) arch.put(ELEMENT_EMBEDDING, design.embedding());
        arch.put(POSITION_BLOCKS, List.copyOf(design.positionBlocks()));
        arch.put("targets", ModelMetadata.layoutsJson(layouts));
        arch.put("normalization", ModelMetadata.normalizationJson(norms, species.length));
        meta.put("model", Json.write(arch));
        return meta;
    }

    /** The network parameter blocks as named tensors, values taken from {@code values} (weights, best weights, Adam moments). */
    public Map<String, ModelFile.Tensor> tensors(double[] values) {
        Map<String, ModelFile.Tensor> out = new LinkedHashMap<>();
        for (Parameters.Block b : network.parameters().blocks()) {
            long[] shape = new long[b.shape().length];
            for (int i = 0; i < shape.length; i++) shape[i] = b.shape()[i];
            out.put(b.name(), new ModelFile.Tensor(shape, Arrays.copyOfRange(values, b.offset(), b.end())));
        }
        return out;
    }

    @Override
    public ModelFile.Contents contents() {
        return new ModelFile.Contents(metadata(), fileTensors());
    }

    /** The tensors of the model file: the parameter blocks and the species mixing (if compressed channels). */
    Map<String, ModelFile.Tensor> fileTensors() {
        Map<String, ModelFile.Tensor> t = tensors(network.parameters().values());
        ModelFile.Tensor mix = SpeciesMixingTensor.of(descriptor);
        if (mix != null) t.put(SpeciesMixingTensor.NAME, mix);
        return t;
    }

    /**
     * Loads a λ-MCoV model file (any other architecture is a {@link BadInputException} naming the file): the
     * architecture's own model, whose predictions are in the learned space — without the targets' transforms
     * ({@code transform}, {@code intensive}, {@code zero_sum}), which {@code Architectures.load} applies.
     */
    public static LambdaMcovModel load(Path path) {
        return load(path, 1);
    }

    /** As {@link #load(Path)}, with the network evaluated on {@code threads} threads. */
    public static LambdaMcovModel load(Path path, int threads) {
        TrainedModel m = org.tensorbasis.architecture.TransformedModel.unwrap(org.tensorbasis.architecture.Architectures.load(path, threads));
        if (m instanceof LambdaMcovModel l) return l;
        if (m instanceof org.tensorbasis.architecture.ResidualModel) {
            throw BadInputException.atField(path.toString(), org.tensorbasis.architecture.ResidualModel.BASELINE, "a " + LambdaMcovOptions.NAME
                + " model with a linear baseline (model.linear_baseline), not a single network: load it with Architectures.load (org.tensorbasis.api.Model.load)");
        }
        if (m instanceof CommitteeModel) {
            throw BadInputException.atField(path.toString(), CommitteeModel.COMMITTEE, "a committee of " + LambdaMcovOptions.NAME
                + " models, not a single one: load it with Architectures.load (org.tensorbasis.api.Model.load)");
        }
        throw BadInputException.atField(path.toString(), "architecture", "a " + m.architecture() + " model, not " + LambdaMcovOptions.NAME);
    }

    /** Rebuilds a model from a model file's contents (architecture lambda_mcov, checked by the caller). */
    static LambdaMcovModel fromContents(ModelFile.Contents c, String name, int threads) {
        Map<String, String> meta = c.metadata();
        try {
            String yaml = meta.get("options");
            Options options = Options.parse(yaml, name + " (embedded options)", null);
            Map<?, ?> arch = (Map<?, ?>) Json.parse(meta.get("model"));
            int[] species = ModelMetadata.ints(arch.get("species"));
            Map<String, TargetLayout> layouts = ModelMetadata.layouts(arch.get("targets"));
            Normalization[] norms = ModelMetadata.normalization(arch.get("normalization"), layouts, species.length);
            Map<String, String> prov = ModelMetadata.provenance(meta);
            double[] mixing = SpeciesMixingTensor.read(c.tensors(), name, species.length);
            ScalarNetworks.Mode sn = scalarNetwork(arch, options, name);
            Design design = Design.of(options, species, layouts, mixing, sn, speciesChannels(arch, options, mixing, name), positionBlocks(arch, name));
            LambdaMcovModel model = new LambdaMcovModel(design, options, yaml, layouts, norms, prov, 0, threads);
            model.checkDescription(arch, name);
            model.loadValues(c.tensors(), name, model.network.parameters().values(), "", ModelMetadata.version(meta) >= 2);
            return model;
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw BadInputException.inFile(name, "corrupt model description: " + e);
        }
    }

    /** Key of {@code model} in the model file: the names of the blocks with position elements. */
    static final String POSITION_BLOCKS = "position_blocks";

    /** The blocks with position elements recorded in a model file: none for files written before the key existed. */
    private static java.util.Set<String> positionBlocks(Map<?, ?> arch, String name) {
        Object v = arch.get(POSITION_BLOCKS);
        if (v == null) return java.util.Set.of();
        if (!(v instanceof List<?> list)) throw BadInputException.atField(name, "model." + POSITION_BLOCKS, "is not a list of block names");
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Object o : list) {
            if (!(o instanceof String s)) throw BadInputException.atField(name, "model." + POSITION_BLOCKS, "is not a list of block names");
            out.add(s);
        }
        return out;
    }

    /** Key of {@code model} in the model file: the scalar networks, {@code per_element} or {@code shared}. */
    static final String SCALAR_NETWORK = "scalar_network";

    /** Key of {@code model} in the model file: the neighbour-species channels the model was trained with (resolved, not auto). */
    static final String SPECIES_CHANNELS = "species_channels";

    /**
     * The channels recorded in a model file; files written before the key existed were trained with
     * {@code auto} resolved to random above 8 elements.
     */
    private static SpeciesMixing.Mode speciesChannels(Map<?, ?> arch, Options options, double[] mixing, String name) {
        Object v = arch.get(SPECIES_CHANNELS);
        if (v == null) {
            SpeciesMixing.Mode o = LambdaMcovOptions.of(options).model().speciesChannels();
            return mixing == null ? SpeciesMixing.Mode.ONE_HOT : o == SpeciesMixing.Mode.AUTO ? SpeciesMixing.Mode.RANDOM : o;
        }
        try {
            SpeciesMixing.Mode m = SpeciesMixing.Mode.of(String.valueOf(v));
            if (m == SpeciesMixing.Mode.AUTO || (m == SpeciesMixing.Mode.ONE_HOT) != (mixing == null)) throw new IllegalArgumentException();
            return m;
        } catch (IllegalArgumentException e) {
            throw BadInputException.atField(name, "model." + SPECIES_CHANNELS, "is '" + v + "', which does not match the file's species mixing");
        }
    }
    /** Key of {@code model}: d of the element embedding (shared scalar network only). */
    static final String ELEMENT_EMBEDDING = "element_embedding";

    /**
     * The scalar networks a model file records ({@code model.scalar_network}; files written before the
     * shared network existed have none and hold one network per element). The element embedding's d
     * must be the options' (it is a size of the weights); explicit options must agree with the record.
     */
    private static ScalarNetworks.Mode scalarNetwork(Map<?, ?> arch, Options options, String name) {
        String recorded = ModelMetadata.string(arch, SCALAR_NETWORK, ScalarNetworks.Mode.PER_ELEMENT.option(), name, "model.");
        ScalarNetworks.Mode mode;
        try {
            mode = ScalarNetworks.Mode.of(recorded);
        } catch (IllegalArgumentException e) {
            throw BadInputException.atField(name, "model." + SCALAR_NETWORK, "is '" + recorded + "', expected per_element or shared");
        }
        LambdaMcovOptions.ModelOptions mo = LambdaMcovOptions.of(options).model();
        if (!mo.scalarNetwork().equals("auto") && !mo.scalarNetwork().equals(mode.option())) {
            throw BadInputException.atField(name, "model." + SCALAR_NETWORK, "is " + mode.option() + ", the embedded options say " + mo.scalarNetwork());
        }
        if (mode == ScalarNetworks.Mode.SHARED) {
            Object d = arch.get(ELEMENT_EMBEDDING);
            if (!(d instanceof Number n) || n.intValue() != mo.elementEmbedding()) {
                throw BadInputException.atField(name, "model." + ELEMENT_EMBEDDING, "is " + d + ", the options give " + mo.elementEmbedding());
            }
        }
        return mode;
    }

    /** The sizes recorded in {@code model} must be those of the network rebuilt from the options. */
    private void checkDescription(Map<?, ?> arch, String name) {
        Object nf = arch.get("n_features");
        if (!(nf instanceof Number n) || n.intValue() != network.nFeatures()) {
            throw BadInputException.atField(name, "model.n_features", "is " + nf + ", the options give " + network.nFeatures());
        }
        int[] k = ModelMetadata.ints(arch.get("k_per_l"));
        if (!Arrays.equals(k, network.kPerL())) {
            throw BadInputException.atField(name, "model.k_per_l", "is " + Arrays.toString(k) + ", the options give " + Arrays.toString(network.kPerL()));
        }
    }

    /**
     * Copies the named tensors into a flat parameter array, checking that each has the block's shape and
     * only finite numbers. Every tensor is required, with one documented exception (the format-1
     * upgrade): a missing buffer (a block that is not trained, e.g. the basis scales, absent from files
     * written before it existed) leaves {@code dst} as it is — unit scales, which is what those files'
     * models computed.
     */
    public void loadValues(Map<String, ModelFile.Tensor> tensors, String name, double[] dst) {
        loadValues(tensors, name, dst, "", true);
    }

    /**
     * @param prefix        tensor-name prefix (checkpoints: "best/", "adam_m/", "adam_v/")
     * @param buffersNeeded false only for format-1 files (see above)
     */
    public void loadValues(Map<String, ModelFile.Tensor> tensors, String name, double[] dst, String prefix, boolean buffersNeeded) {
        for (Parameters.Block b : network.parameters().blocks()) {
            String key = prefix + b.name();
            ModelFile.Tensor t = tensors.get(key);
            if (t == null && !b.trainable() && !buffersNeeded) continue;
            if (t == null) throw BadInputException.atField(name, key, b.trainable() ? "missing weights" : "missing buffer");
            if (t.data().length != b.size()) {
                throw BadInputException.atField(name, key, "has " + t.data().length + " numbers, expected " + b.size());
            }
            long[] want = new long[b.shape().length];
            for (int i = 0; i < want.length; i++) want[i] = b.shape()[i];
            if (!Arrays.equals(t.shape(), want)) {
                throw BadInputException.atField(name, key, "has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(want));
            }
            for (double v : t.data()) {
                if (!Double.isFinite(v)) throw BadInputException.atField(name, key, "holds a non-finite number (" + v + ")");
            }
            System.arraycopy(t.data(), 0, dst, b.offset(), b.size());
        }
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < network.blocks().size(); b++) {
            TensorModel.Block bl = network.blocks().get(b);
            sb.append(b > 0 ? ", " : "").append(bl.name()).append(" (").append(bl.properties()).append("×")
                .append(network.basis(b).size()).append(" basis").append(bl.sigma() < 0 && bl.pseudoMode() == PseudoMode.PSEUDO_MAXIMAL ? ", pseudo-maximal"
                    : bl.sigma() < 0 && bl.pseudoMode() == PseudoMode.AXIAL ? ", axial" : "")
                .append(bl.position() ? ", " + TensorBasis.positionElements(bl.lambda()) + " position" : "")
                .append(")");
        }
        return sb.toString();
    }
}
