package org.tensorbasis.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.options.Options;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.TargetLayout;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;

/**
 * A trained model, loaded from a model file ({@code .tbm}, see {@code docs/model-file.md}) or
 * returned by {@link Trainer}. Predicts every target of the model for structures:
 *
 * <pre>{@code
 * Model model = Model.load(Path.of("water.tbm"));
 * Prediction p = model.predict(structure);
 * double[] alpha = p.tensor("alpha");                      // 9 numbers, row-major 3×3
 * SphericalBlock l2 = p.spherical("alpha", "alpha:L2+");    // λ = 2 part, 5 numbers
 * }</pre>
 *
 * <p>Thread-safety: the underlying network keeps per-batch buffers and runs one batch at a time,
 * so {@link #predict} is {@code synchronized}: concurrent callers are safe but are served one
 * after the other. For parallel throughput, load one {@code Model} per thread (models are small)
 * or pass many structures to {@link #predict(List)}, which batches them.
 */
public final class Model {
    private final TrainedModel model;
    private final int threads;

    private Model(TrainedModel model, int threads) {
        this.model = model;
        this.threads = threads;
    }

    /**
     * Loads a model file.
     *
     * @throws BadInputException if the file is missing, truncated, not a tensorbasis model or of an
     *                           unsupported format version (the message names the file)
     */
    public static Model load(Path file) {
        return new Model(Architectures.load(file, 1), defaultThreads());
    }

    /** Wraps a model of the training package (e.g. {@code Trainer.Result.model()} of {@code org.tensorbasis.training}). */
    public static Model of(TrainedModel model) {
        return new Model(Objects.requireNonNull(model, "model"), defaultThreads());
    }

    private static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Target names, in the model's order (as in the options). */
    public List<String> targets() {
        return List.copyOf(model.layouts().keySet());
    }

    /** Atomic numbers the model knows, sorted; structures with other elements are rejected. */
    public int[] species() {
        return model.species();
    }

    /** The fully resolved options the model was trained with. */
    public Options options() {
        return model.options();
    }

    /** The resolved options as YAML text, as stored in the model file. */
    public String optionsYaml() {
        return model.optionsYaml();
    }

    /** Whether a target has one row per atom. */
    public boolean isPerAtom(String target) {
        return option(target).perAtom();
    }

    /** Numbers per row of a target in the file layout (e.g. 9 for a rank-2 Cartesian tensor). */
    public int width(String target) {
        return layout(target).width();
    }

    /** Names of a target's spherical blocks (e.g. {@code [alpha:L0+, alpha:L2+]}). */
    public List<String> blocks(String target) {
        List<String> out = new ArrayList<>();
        for (TargetLayout.Block b : layout(target).blocks()) out.add(b.name());
        return out;
    }

    /** Provenance recorded at training time (training-set hash, program version, git commit, date...). */
    public Map<String, String> provenance() {
        return Map.copyOf(model.provenance());
    }

    /** The architecture's model ({@code lambda_mcov}, {@code linear_ridge}), for what this facade does not cover. */
    public String architecture() {
        return model.architecture();
    }

    /** The underlying model, for what this facade does not cover. */
    public TrainedModel trainedModel() {
        return model;
    }

    private TargetLayout layout(String target) {
        TargetLayout l = model.layouts().get(target);
        if (l == null) throw new IllegalArgumentException("no target '" + target + "' (the model predicts " + targets() + ")");
        return l;
    }

    private Options.Target option(String target) {
        layout(target);
        return model.options().targets().get(target);
    }

    /**
     * Predicts every target for one structure.
     *
     * @throws BadInputException if the structure holds an element the model never saw
     */
    public Prediction predict(Structure structure) {
        return predict(List.of(structure)).get(0);
    }

    /**
     * Predicts every target for a list of structures (descriptors computed in parallel, the
     * network run in batches). The result has one {@link Prediction} per structure, in order.
     * Reference values stored in the structures are ignored.
     *
     * @throws BadInputException if a structure holds an element the model never saw (the message
     *                           names its index as the frame)
     */
    public synchronized List<Prediction> predict(List<Structure> structures) {
        List<Sample> samples = new ArrayList<>(structures.size());
        for (int k = 0; k < structures.size(); k++) samples.add(new Sample(Objects.requireNonNull(structures.get(k)), null, k));
        model.checkInput(samples);
        if (structures.isEmpty()) return List.of();
        Predictions p = model.predict(structures, Math.min(threads, structures.size()));
        List<Prediction> out = new ArrayList<>(structures.size());
        for (int k = 0; k < structures.size(); k++) {
            Prediction.Builder b = new Prediction.Builder();
            for (String name : p.targets()) {
                TargetLayout l = model.layouts().get(name);
                Map<String, double[]> values = p.blocks(name, k);
                Map<String, SphericalBlock> blocks = new LinkedHashMap<>();
                for (TargetLayout.Block blk : l.blocks()) {
                    blocks.put(blk.name(), new SphericalBlock(blk.name(), blk.lambda(), blk.sigma(), blk.properties(), values.get(blk.name())));
                }
                b.add(name, model.options().targets().get(name).perAtom(), l.width(), p.values(name, k), blocks);
            }
            out.add(b.build());
        }
        return out;
    }
}
