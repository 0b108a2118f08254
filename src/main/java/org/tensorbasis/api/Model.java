package org.tensorbasis.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.options.Options;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.TargetLayout;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TransformedModel;

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
        return new Model(TransformedModel.wrap(Objects.requireNonNull(model, "model")), defaultThreads());
    }

    private static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The arithmetic of the next predictions: {@code "float64"} (the default) or {@code "float32"} (λ-MCoV models: the
     * power spectrum and the first network layer in float32, the rest float64; the network part up to 1.6× faster on one
     * core, QM7-X at the peer's settings, the descriptors unchanged; relative deviation from float64 ~1e-7; see
     * {@link org.tensorbasis.architecture.Precision}).
     *
     * @throws BadInputException for another value, or float32 with an architecture that has no float32 path
     */
    public synchronized void setPrecision(String precision) {
        model.setPrecision(org.tensorbasis.architecture.Precision.of(precision, "precision"));
    }

    /** The arithmetic of predictions ({@link #setPrecision}): "float64" or "float32". */
    public synchronized String precision() { return model.precision().option(); }

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
        if (structures.isEmpty()) {
            predictions(structures);
            return List.of();
        }
        Predictions p = predictions(structures);
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

    /** Checks the structures and predicts them all (null for an empty list). */
    private Predictions predictions(List<Structure> structures) {
        List<Sample> samples = new ArrayList<>(structures.size());
        for (int k = 0; k < structures.size(); k++) samples.add(new Sample(Objects.requireNonNull(structures.get(k)), null, k));
        model.checkInput(samples);
        if (structures.isEmpty()) return null;
        return model.predict(structures, Math.min(threads, structures.size()));
    }

    /**
     * Predicts every target for a batch of structures given as flat primitive arrays, for callers
     * outside Java (the Python package calls it once per batch): no Java object per atom or structure
     * crosses the boundary. Frame {@code k} has {@code counts[k]} atoms; its atomic numbers and
     * positions (Å, {@code x y z} per atom) follow those of frame {@code k − 1} in {@code numbers}
     * and {@code positions}; {@code cells[9k .. 9k+8]} are its lattice vectors row by row and
     * {@code pbc[3k .. 3k+2]} its periodicity. A frame with no periodic axis and an all-zero cell
     * has no cell (a molecule); {@code cells} and {@code pbc} may both be null: all molecules.
     *
     * @return one array per target, in {@link #targets()} order, in the file layout: per-structure
     *     targets {@code frames × width} numbers, per-atom targets {@code Σ counts × width} (frame by
     *     frame); the same numbers as {@link #predict(List)}'s {@link Prediction#tensor}
     * @throws BadInputException if the arrays are inconsistent, a frame is invalid (non-finite
     *     position, unknown element, degenerate periodic cell: the message names the frame)
     */
    public synchronized double[][] predictFlat(int[] counts, int[] numbers, double[] positions, double[] cells, boolean[] pbc) {
        List<Structure> structures = structures(counts, numbers, positions, cells, pbc);
        List<String> names = targets();
        double[][] out = new double[names.size()][];
        Predictions p = predictions(structures);
        for (int t = 0; t < names.size(); t++) {
            String name = names.get(t);
            int w = width(name);
            int rows = isPerAtom(name) ? numbers.length : counts.length;
            double[] flat = new double[rows * w];
            int at = 0;
            for (int k = 0; k < counts.length; k++) {
                double[] v = p.values(name, k);
                System.arraycopy(v, 0, flat, at, v.length);
                at += v.length;
            }
            out[t] = flat;
        }
        return out;
    }

    /**
     * As {@link #predictFlat}, but the irreducible blocks: one array per block, targets in
     * {@link #targets()} order and each target's blocks in {@link #blocks(String)} order; per-structure
     * blocks {@code frames × properties × (2λ+1)}, per-atom blocks {@code Σ counts × properties × (2λ+1)}
     * (the values of {@link Prediction#spherical}, frame after frame).
     */
    public synchronized double[][] predictFlatSpherical(int[] counts, int[] numbers, double[] positions, double[] cells, boolean[] pbc) {
        List<Structure> structures = structures(counts, numbers, positions, cells, pbc);
        Predictions p = predictions(structures);
        List<double[]> out = new ArrayList<>();
        for (String name : targets()) {
            int rows = isPerAtom(name) ? numbers.length : counts.length;
            for (TargetLayout.Block blk : layout(name).blocks()) {
                double[] flat = new double[rows * blk.properties() * blk.dim()];
                int at = 0;
                for (int k = 0; k < counts.length; k++) {
                    double[] x = p.blocks(name, k).get(blk.name());
                    System.arraycopy(x, 0, flat, at, x.length);
                    at += x.length;
                }
                out.add(flat);
            }
        }
        return out.toArray(new double[0][]);
    }

    /** The structures of a flat batch (see {@link #predictFlat}). */
    private static List<Structure> structures(int[] counts, int[] numbers, double[] positions, double[] cells, boolean[] pbc) {
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(numbers, "numbers");
        Objects.requireNonNull(positions, "positions");
        int frames = counts.length;
        long total = 0;
        for (int k = 0; k < frames; k++) {
            if (counts[k] < 0) throw BadInputException.field("counts", "frame " + k + " has a negative atom count " + counts[k]);
            total += counts[k];
        }
        if (total != numbers.length) {
            throw BadInputException.field("numbers", numbers.length + " atomic numbers for " + total + " atoms (the sum of the counts)");
        }
        if (positions.length != 3 * total) {
            throw BadInputException.field("positions", positions.length + " numbers for " + total + " atoms (expected " + 3 * total + ")");
        }
        if ((cells == null) != (pbc == null)) throw BadInputException.field(cells == null ? "cells" : "pbc", "give both cells and pbc, or neither");
        if (cells != null && cells.length != 9 * frames) {
            throw BadInputException.field("cells", cells.length + " numbers for " + frames + " frames (expected " + 9 * frames + ")");
        }
        if (pbc != null && pbc.length != 3 * frames) {
            throw BadInputException.field("pbc", pbc.length + " flags for " + frames + " frames (expected " + 3 * frames + ")");
        }
        List<Structure> out = new ArrayList<>(frames);
        int a0 = 0;
        for (int k = 0; k < frames; k++) {
            int n = counts[k];
            int[] z = java.util.Arrays.copyOfRange(numbers, a0, a0 + n);
            double[] r = java.util.Arrays.copyOfRange(positions, 3 * a0, 3 * (a0 + n));
            Cell cell = null;
            if (cells != null) {
                double[] v = java.util.Arrays.copyOfRange(cells, 9 * k, 9 * k + 9);
                boolean[] p = java.util.Arrays.copyOfRange(pbc, 3 * k, 3 * k + 3);
                boolean periodic = p[0] || p[1] || p[2];
                boolean zero = true;
                for (double x : v) zero &= x == 0;
                try {
                    if (periodic || !zero) cell = new Cell(v, p);
                } catch (IllegalArgumentException e) {
                    throw BadInputException.atFrame(null, k, "cell", e.getMessage());
                }
            }
            try {
                out.add(new Structure(z, r, cell, null, null));
            } catch (IllegalArgumentException e) {
                throw BadInputException.atFrame(null, k, null, e.getMessage());
            }
            a0 += n;
        }
        return out;
    }
}
