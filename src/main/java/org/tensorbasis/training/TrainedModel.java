package org.tensorbasis.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.CacheBatches;
import org.tensorbasis.model.Parameters;
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
public final class TrainedModel {
    /** Identifies the file format; bumped on incompatible changes. */
    public static final String FORMAT = "tensorbasis-model";
    public static final int FORMAT_VERSION = 1;

    private final Options options;
    private final String optionsYaml;
    private final DescriptorSettings descriptor;
    private final SphericalExpansion expansion;
    private final int[] species;
    private final Map<String, TargetLayout> layouts;
    private final TensorModel network;
    private final Normalization[] norms;
    private final int[] blockTarget;   // model block → index of its target
    private final int[] blockInTarget; // model block → index in its layout
    private final Map<String, String> provenance;

    TrainedModel(Options options, String optionsYaml, int[] species, Map<String, TargetLayout> layouts,
                 Normalization[] norms, Map<String, String> provenance, long seed, int threads) {
        this.options = options;
        this.optionsYaml = optionsYaml;
        this.species = species.clone();
        Arrays.sort(this.species);
        this.layouts = new LinkedHashMap<>(layouts);
        Options.ModelOptions mo = options.model();
        this.descriptor = new DescriptorSettings(mo.cutoff(), mo.cutoffWidth(), mo.maxRadial(), mo.maxAngular(), this.species,
            mo.powerSpectrum());
        List<TensorModel.Block> blocks = new ArrayList<>();
        List<Integer> bt = new ArrayList<>();
        List<Integer> bi = new ArrayList<>();
        int t = 0;
        for (Map.Entry<String, TargetLayout> e : this.layouts.entrySet()) {
            Options.Target target = options.targets().get(e.getKey());
            List<TargetLayout.Block> lb = e.getValue().blocks();
            for (int k = 0; k < lb.size(); k++) {
                TargetLayout.Block b = lb.get(k);
                boolean corr = mo.addLambdaBasis();
                blocks.add(new TensorModel.Block(b.name(), b.lambda(), b.sigma(), b.properties(), target.perAtom(), corr,
                    mo.pseudotensorBasis()));
                bt.add(t);
                bi.add(k);
            }
            t++;
        }
        if (blocks.isEmpty()) throw new BadInputException("no target block left to learn (every target is zero in the training data)");
        if (norms.length != blocks.size()) throw new IllegalArgumentException("one normalisation per block");
        this.norms = norms.clone();
        this.blockTarget = bt.stream().mapToInt(Integer::intValue).toArray();
        this.blockInTarget = bi.stream().mapToInt(Integer::intValue).toArray();
        // the λ correction needs the l = λ density expansion, also for λ > max_angular (expansion-only orders;
        // the power spectrum keeps l ≤ max_angular)
        int maxL = mo.maxAngular();
        for (TensorModel.Block b : blocks) {
            if (b.lambdaCorrection() && b.lambda() >= 2) maxL = Math.max(maxL, b.lambda());
        }
        this.expansion = new SphericalExpansion(descriptor, maxL);
        int[] kPerL = new int[expansion.maxExpansionL() + 1];
        for (int l = 0; l < kPerL.length; l++) kPerL[l] = expansion.blockSize(l) / (2 * l + 1);
        for (TensorModel.Block b : blocks) {
            if (b.lambda() >= 1 && expansion.maxAngular() < 1) {
                throw new BadInputException(null, -1, -1, "model.soap.max_angular", "must be >= 1 for tensorial targets (the vector basis needs l = 1)");
            }
        }
        TensorModel.Hypers hy = new TensorModel.Hypers(mo.width(), mo.depth(), Math.max(1, threads));
        this.network = new TensorModel(this.species, expansion.powerSpectrumSize(), kPerL, hy, blocks, seed);
        // features() hands over LayerNorm-normalised rows
        this.network.scalarNetworks().setInputNormalized(true);
        this.provenance = new LinkedHashMap<>(provenance);
    }

    public Options options() { return options; }

    public String optionsYaml() { return optionsYaml; }

    public DescriptorSettings descriptorSettings() { return descriptor; }

    public SphericalExpansion expansion() { return expansion; }

    /** Known species (sorted atomic numbers). */
    public int[] species() { return species.clone(); }

    public Map<String, TargetLayout> layouts() { return layouts; }

    public TensorModel network() { return network; }

    public Normalization normalization(int block) { return norms[block]; }

    public Map<String, String> provenance() { return provenance; }

    /** Index of the target of model block b (in the order of {@link #layouts()}). */
    int blockTarget(int b) { return blockTarget[b]; }

    int blockInTarget(int b) { return blockInTarget[b]; }

    int speciesIndex(int z) {
        int k = Arrays.binarySearch(species, z);
        return k >= 0 ? k : -1;
    }

    /** Checks that every atom's species is known; names file, frame and element otherwise. */
    public void checkSpecies(List<Sample> samples) {
        for (Sample smp : samples) {
            Structure s = smp.structure();
            for (int i = 0; i < s.size(); i++) {
                if (speciesIndex(s.number(i)) < 0) {
                    throw new BadInputException(smp.file(), smp.frame(), -1, "species",
                        "atom " + i + " is " + Elements.symbol(s.number(i)) + ", which the model never saw (known: " + symbols() + ")");
                }
            }
        }
    }

    String symbols() {
        StringBuilder sb = new StringBuilder();
        for (int z : species) sb.append(sb.length() > 0 ? " " : "").append(Elements.symbol(z));
        return sb.toString();
    }

    /** Descriptors of the structures, with the expansion orders the network needs. */
    public FeatureCache features(List<Structure> structures, int threads) {
        FeatureCache cache = FeatureCache.compute(structures, expansion, network.expansionOrders(), FeatureCache.Storage.FLOAT64,
            Math.max(1, threads));
        normalizeInPlace(cache);
        return cache;
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
        return CacheBatches.assemble(cache, which, structures, network.expansionOrders(), network.kPerL(), buf.arrays);
    }

    /**
     * Real-unit values of model block b for the last forward of {@code net} (the network or a replica):
     * per-structure rows (structures × properties × dim) or per-atom rows (atoms × ...), baseline added.
     */
    double[] denormalize(TensorModel net, int b, AtomBatch batch) {
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

    /** Predictions of every target for a list of structures. */
    public Predictions predict(List<Structure> structures, int threads) {
        FeatureCache cache = features(structures, threads);
        return predict(cache, structures, null);
    }

    /**
     * Predictions for the structures of a cache ({@code which}: their indices, null = all), in batches.
     */
    Predictions predict(FeatureCache cache, List<Structure> structures, int[] which) {
        if (which == null) {
            which = new int[cache.size()];
            for (int i = 0; i < which.length; i++) which[i] = i;
        }
        final int[] all = which;
        Predictions p = new Predictions(this, structures, all);
        int batches = (all.length + PREDICT_BATCH - 1) / PREDICT_BATCH;
        int workers = Math.min(network.hypers().threads(), batches);
        if (workers <= 1) {
            predictBatches(network, cache, structures, all, 0, 1, p);
        } else {
            // data parallel: one single-threaded replica per worker, batches dealt round-robin (measured
            // 1.6× one thread on 2 cores, against 1.35× for one model running species in parallel)
            TensorModel[] replicas = new TensorModel[workers];
            for (int k = 0; k < workers; k++) replicas[k] = network.replica(1);
            java.util.stream.IntStream.range(0, workers).parallel()
                .forEach(k -> predictBatches(replicas[k], cache, structures, all, k, workers, p));
        }
        return p;
    }

    /** Structures per prediction batch. */
    static final int PREDICT_BATCH = 64;

    /** Batches first, first + step, … of {@code which}, forwarded through {@code net} into {@code p}. */
    private void predictBatches(TensorModel net, FeatureCache cache, List<Structure> structures, int[] which, int first,
                                int step, Predictions p) {
        CacheBatches.Buffer buf = new CacheBatches.Buffer();
        for (int start = first * PREDICT_BATCH; start < which.length; start += step * PREDICT_BATCH) {
            int[] part = Arrays.copyOfRange(which, start, Math.min(which.length, start + PREDICT_BATCH));
            AtomBatch batch = CacheBatches.assemble(cache, part, structures, net.expansionOrders(), net.kPerL(), buf);
            net.forward(batch);
            for (int b = 0; b < net.blocks().size(); b++) p.put(b, start, batch, denormalize(net, b, batch));
        }
    }

    // ---------------------------------------------------------------- saving and loading

    Map<String, String> metadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(FORMAT_VERSION));
        meta.put("program_version", org.tensorbasis.cli.VersionProvider.version());
        meta.put("options", optionsYaml);
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("species", species);
        arch.put("n_features", network.nFeatures());
        arch.put("k_per_l", network.kPerL());
        List<Object> targets = new ArrayList<>();
        for (Map.Entry<String, TargetLayout> e : layouts.entrySet()) {
            TargetLayout l = e.getValue();
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.getKey());
            t.put("width", l.width());
            t.put("rank", l.rank());
            t.put("symmetric", l.isSymmetric());
            List<Object> bl = new ArrayList<>();
            for (TargetLayout.Block b : l.blocks()) bl.add(List.of(b.lambda(), b.sigma()));
            t.put("blocks", bl);
            targets.add(t);
        }
        arch.put("targets", targets);
        List<Object> nz = new ArrayList<>();
        for (Normalization n : norms) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scale", n.scale());
            if (n.speciesScales() != null) m.put("species_scale", n.speciesScales());
            m.put("baseline", n.hasBaseline() ? n.baselineFlat(species.length) : null);
            nz.add(m);
        }
        arch.put("normalization", nz);
        meta.put("model", Json.write(arch));
        meta.put("provenance", Json.write(provenance));
        return meta;
    }

    Map<String, ModelFile.Tensor> tensors(double[] values) {
        Map<String, ModelFile.Tensor> out = new LinkedHashMap<>();
        for (Parameters.Block b : network.parameters().blocks()) {
            long[] shape = new long[b.shape().length];
            for (int i = 0; i < shape.length; i++) shape[i] = b.shape()[i];
            out.put(b.name(), new ModelFile.Tensor(shape, Arrays.copyOfRange(values, b.offset(), b.end())));
        }
        return out;
    }

    /** Writes the model file atomically. */
    public void save(Path path) throws IOException {
        ModelFile.write(path, metadata(), tensors(network.parameters().values()));
    }

    /** Loads a model file written by {@link #save}; a truncated or foreign file is a {@link BadInputException}. */
    public static TrainedModel load(Path path) {
        return load(path, 1);
    }

    /** As {@link #load(Path)}, with the network evaluated on {@code threads} threads. */
    public static TrainedModel load(Path path, int threads) {
        return fromContents(ModelFile.read(path), path.toString(), Math.max(1, threads));
    }

    static TrainedModel fromContents(ModelFile.Contents c, String name, int threads) {
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new BadInputException(name, -1, -1, "format", "not a tensorbasis model file");
        }
        String v = meta.get("format_version");
        if (!Integer.toString(FORMAT_VERSION).equals(v)) {
            throw new BadInputException(name, -1, -1, "format_version", "model file format version " + v
                + " is not supported by this program (it reads version " + FORMAT_VERSION + ")");
        }
        try {
            String yaml = meta.get("options");
            Options options = Options.parse(yaml, name + " (embedded options)", null);
            Map<?, ?> arch = (Map<?, ?>) Json.parse(meta.get("model"));
            int[] species = ints(arch.get("species"));
            Map<String, TargetLayout> layouts = new LinkedHashMap<>();
            for (Object o : (List<?>) arch.get("targets")) {
                Map<?, ?> t = (Map<?, ?>) o;
                String tname = (String) t.get("name");
                int rank = ((Number) t.get("rank")).intValue();
                boolean sym = (Boolean) t.get("symmetric");
                List<int[]> bl = new ArrayList<>();
                for (Object b : (List<?>) t.get("blocks")) bl.add(ints(b));
                TargetLayout layout;
                if (rank > 0) {
                    Map<String, Boolean> keep = new LinkedHashMap<>();
                    TargetLayout full = TargetLayout.cartesian(tname, rank, sym, null);
                    for (TargetLayout.Block b : full.blocks()) {
                        boolean k = false;
                        for (int[] ls : bl) k |= ls[0] == b.lambda() && ls[1] == b.sigma();
                        keep.put(b.name(), k);
                    }
                    layout = TargetLayout.cartesian(tname, rank, sym, keep);
                } else {
                    layout = TargetLayout.spherical(tname, bl);
                }
                layouts.put(tname, layout);
            }
            List<?> nzl = (List<?>) arch.get("normalization");
            Normalization[] norms = new Normalization[nzl.size()];
            int b = 0;
            for (TargetLayout l : layouts.values()) {
                for (TargetLayout.Block blk : l.blocks()) {
                    Map<?, ?> m = (Map<?, ?>) nzl.get(b);
                    double scale = ((Number) m.get("scale")).doubleValue();
                    double[][] base = null;
                    if (m.get("baseline") != null) {
                        double[] flat = doubles(m.get("baseline"));
                        base = new double[species.length][blk.properties()];
                        for (int s = 0; s < species.length; s++) {
                            System.arraycopy(flat, s * blk.properties(), base[s], 0, blk.properties());
                        }
                    }
                    // files written before per-species scales have none: one scale for every atom
                    double[] speciesScale = m.get("species_scale") == null ? null : doubles(m.get("species_scale"));
                    if (speciesScale != null && speciesScale.length != species.length) {
                        throw new IllegalArgumentException("species_scale has " + speciesScale.length + " entries for " + species.length + " species");
                    }
                    norms[b++] = new Normalization(scale, blk.properties(), blk.dim(), base, speciesScale);
                }
            }
            Map<String, String> prov = new LinkedHashMap<>();
            Object p = meta.get("provenance") == null ? null : Json.parse(meta.get("provenance"));
            if (p instanceof Map) for (Map.Entry<?, ?> e : ((Map<?, ?>) p).entrySet()) prov.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            TrainedModel model = new TrainedModel(options, yaml, species, layouts, norms, prov, 0, threads);
            model.loadValues(c.tensors(), name, model.network.parameters().values());
            return model;
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadInputException(name, -1, -1, null, "corrupt model description: " + e);
        }
    }

    /**
     * Copies the named tensors into a flat parameter array, checking names and shapes. A missing
     * buffer (a block that is not trained, e.g. the basis scales, absent from files written before it
     * existed) leaves {@code dst} as it is: unit scales, which is what those files' models computed.
     */
    void loadValues(Map<String, ModelFile.Tensor> tensors, String name, double[] dst) {
        loadValues(tensors, name, dst, "");
    }

    void loadValues(Map<String, ModelFile.Tensor> tensors, String name, double[] dst, String prefix) {
        for (Parameters.Block b : network.parameters().blocks()) {
            ModelFile.Tensor t = tensors.get(prefix + b.name());
            if (t == null && !b.trainable()) continue;
            if (t == null) throw new BadInputException(name, -1, -1, prefix + b.name(), "missing weights");
            if (t.data().length != b.size()) {
                throw new BadInputException(name, -1, -1, prefix + b.name(), "has " + t.data().length + " numbers, expected " + b.size());
            }
            System.arraycopy(t.data(), 0, dst, b.offset(), b.size());
        }
    }

    private static int[] ints(Object o) {
        List<?> l = (List<?>) o;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).intValue();
        return out;
    }

    private static double[] doubles(Object o) {
        List<?> l = (List<?>) o;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).doubleValue();
        return out;
    }

    /** For docs and logs: a one-line summary of the blocks. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < network.blocks().size(); b++) {
            TensorModel.Block bl = network.blocks().get(b);
            sb.append(b > 0 ? ", " : "").append(bl.name()).append(" (").append(bl.properties()).append("×")
                .append(network.basis(b).size()).append(" basis").append(bl.sigma() < 0 && bl.pseudoMode() == PseudoMode.PSEUDO_MAXIMAL ? ", pseudo-maximal" : "")
                .append(")");
        }
        return sb.toString();
    }
}
