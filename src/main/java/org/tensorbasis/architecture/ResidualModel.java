package org.tensorbasis.architecture;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.Json;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.TargetLayout;

/**
 * A baseline model plus a model trained on what the baseline leaves ({@code model.linear_baseline} of λ-MCoV: a
 * linear ridge of λ-SOAP features first, the neural model on its residual). The prediction is the sum of two
 * exactly equivariant predictions, so it is exactly equivariant; both parts predict in the learned space (before a
 * target transform is undone, {@link TransformedModel}). Everything but the prediction — options, layouts, species,
 * provenance — is the residual model's: its options record the baseline option.
 *
 * <p>Model file: the residual model's metadata and tensors, plus {@value #BASELINE} = the baseline's metadata (a JSON
 * object of strings) and the baseline's tensors under the prefix {@value #PREFIX}. A file without {@value #BASELINE}
 * is an ordinary model.
 */
public final class ResidualModel implements TrainedModel {
    /** Metadata key holding the baseline's own metadata. */
    public static final String BASELINE = "baseline";
    /** Tensor-name prefix of the baseline's tensors. */
    public static final String PREFIX = "baseline/";

    private final TrainedModel baseline;
    private final TrainedModel residual;
    private final java.util.Set<String> targets;
    private final java.util.List<String> blocks;

    /**
     * The baseline predicts some of the residual model's targets; its prediction is added for the blocks named in
     * {@code blocks} ({@code "<target>:L<λ><σ>"}, e.g. {@code ms:L1-}), the rest are the residual model's alone.
     */
    public ResidualModel(TrainedModel baseline, TrainedModel residual, java.util.List<String> blocks) {
        if (!residual.layouts().keySet().containsAll(baseline.layouts().keySet())) {
            throw new IllegalArgumentException("the baseline predicts targets the residual model does not");
        }
        for (String b : blocks) {
            if (block(baseline.layouts(), b) == null) throw new IllegalArgumentException("the baseline has no block " + b);
        }
        this.baseline = baseline;
        this.residual = residual;
        this.targets = java.util.Set.copyOf(baseline.layouts().keySet());
        this.blocks = java.util.List.copyOf(blocks);
    }

    /** Metadata key of the blocks the baseline is added to (a JSON array of block names). */
    public static final String BLOCKS = "baseline_blocks";

    /** The blocks the baseline is added to. */
    public java.util.List<String> baselineBlocks() { return blocks; }

    private static TargetLayout.Block block(Map<String, TargetLayout> layouts, String name) {
        for (TargetLayout l : layouts.values()) for (TargetLayout.Block b : l.blocks()) if (b.name().equals(name)) return b;
        return null;
    }

    /** Every block of the baseline's targets. */
    private static java.util.List<String> allBlocks(TrainedModel baseline) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (TargetLayout l : baseline.layouts().values()) for (TargetLayout.Block b : l.blocks()) out.add(b.name());
        return out;
    }

    /** The baseline (e.g. the linear ridge). */
    public TrainedModel baseline() { return baseline; }

    /** The model of the baseline's residual (e.g. λ-MCoV). */
    public TrainedModel residual() { return residual; }

    /** The targets the baseline is added to. */
    public java.util.Set<String> baselineTargets() { return targets; }

    /** The model itself, or the residual part of a {@link ResidualModel} (after a transform is unwrapped). */
    public static TrainedModel residualOf(TrainedModel model) {
        TrainedModel m = TransformedModel.unwrap(model);
        return m instanceof ResidualModel r ? r.residual : m;
    }

    /** The network part follows {@code precision}; the linear baseline (linear_ridge) always predicts in float64. */
    @Override
    public void setPrecision(Precision precision) {
        residual.setPrecision(precision);
    }

    @Override
    public Precision precision() { return residual.precision(); }

    @Override
    public Predictions predict(List<Structure> structures, int threads) {
        Predictions sum = residual.predict(structures, threads);
        Predictions base = baseline.predict(structures, threads);
        for (String t : base.targets()) {
            TargetLayout l = baseline.layouts().get(t);
            int ss = l.sphericalSize();
            java.util.List<Integer> comps = new java.util.ArrayList<>(); // the spherical components of the chosen blocks
            for (TargetLayout.Block b : l.blocks()) if (blocks.contains(b.name())) for (int c : b.index()) comps.add(c);
            if (comps.isEmpty()) continue;
            int[] idx = comps.stream().mapToInt(Integer::intValue).toArray();
            for (int k = 0; k < sum.size(); k++) {
                double[] add = base.spherical(t, k);
                sum.mapSpherical(t, k, rows -> {
                    for (int r = 0; r < rows.length / ss; r++) for (int c : idx) rows[r * ss + c] += add[r * ss + c];
                });
            }
        }
        return sum;
    }

    @Override
    public String architecture() { return residual.architecture(); }

    @Override
    public Options options() { return residual.options(); }

    @Override
    public String optionsYaml() { return residual.optionsYaml(); }

    @Override
    public Map<String, String> provenance() { return residual.provenance(); }

    @Override
    public Map<String, TargetLayout> layouts() { return residual.layouts(); }

    @Override
    public int[] species() { return residual.species(); }

    @Override
    public String describe() {
        return residual.describe() + "; plus a " + baseline.architecture() + " baseline for " + String.join(", ", blocks);
    }

    @Override
    public void checkInput(List<Sample> samples) {
        residual.checkInput(samples);
        baseline.checkInput(samples);
    }

    @Override
    public void checkSpecies(List<Sample> samples) { residual.checkSpecies(samples); }

    @Override
    public ModelFile.Contents contents() {
        ModelFile.Contents r = residual.contents();
        ModelFile.Contents b = baseline.contents();
        Map<String, String> meta = new LinkedHashMap<>(r.metadata());
        Map<String, Object> bm = new LinkedHashMap<>(b.metadata());
        bm.remove(ModelFile.CHECKSUM);
        meta.put(BASELINE, Json.write(bm));
        meta.put(BLOCKS, Json.write(blocks));
        Map<String, ModelFile.Tensor> tensors = new LinkedHashMap<>(r.tensors());
        for (Map.Entry<String, ModelFile.Tensor> e : b.tensors().entrySet()) tensors.put(PREFIX + e.getKey(), e.getValue());
        return new ModelFile.Contents(meta, tensors);
    }

    /**
     * Splits a file's contents into the baseline's and the residual model's, loads both through their architectures
     * and combines them; null when the file has no baseline.
     */
    static TrainedModel fromContents(ModelFile.Contents c, String name, int threads) {
        String json = c.metadata().get(BASELINE);
        if (json == null) return null;
        Map<String, String> bm = new LinkedHashMap<>();
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (RuntimeException e) {
            throw BadInputException.atField(name, BASELINE, "is not a JSON object: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m)) throw BadInputException.atField(name, BASELINE, "is not a JSON object");
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) throw BadInputException.atField(name, BASELINE + "." + e.getKey(), "is not a string");
            bm.put(String.valueOf(e.getKey()), s);
        }
        Map<String, String> rm = new LinkedHashMap<>(c.metadata());
        rm.remove(BASELINE);
        String bl = rm.remove(BLOCKS);
        Map<String, ModelFile.Tensor> bt = new LinkedHashMap<>();
        Map<String, ModelFile.Tensor> rt = new LinkedHashMap<>();
        for (Map.Entry<String, ModelFile.Tensor> e : c.tensors().entrySet()) {
            if (e.getKey().startsWith(PREFIX)) bt.put(e.getKey().substring(PREFIX.length()), e.getValue());
            else rt.put(e.getKey(), e.getValue());
        }
        TrainedModel base = load(new ModelFile.Contents(bm, bt, c.checksummed()), name + " (baseline)", threads);
        TrainedModel res = load(new ModelFile.Contents(rm, rt, c.checksummed()), name, threads);
        for (Map.Entry<String, TargetLayout> e : base.layouts().entrySet()) {
            TargetLayout l = res.layouts().get(e.getKey());
            if (l == null || l.sphericalSize() != e.getValue().sphericalSize()) {
                throw BadInputException.atField(name, BASELINE, "predicts target '" + e.getKey() + "', which the model "
                    + (l == null ? "does not predict" : "predicts in another layout"));
            }
        }
        java.util.List<String> chosen;
        if (bl == null) {
            chosen = allBlocks(base);
        } else {
            chosen = new java.util.ArrayList<>();
            Object arr;
            try {
                arr = Json.parse(bl);
            } catch (RuntimeException e) {
                throw BadInputException.atField(name, BLOCKS, "is not a JSON array: " + e.getMessage());
            }
            if (!(arr instanceof List<?> list) || list.isEmpty()) throw BadInputException.atField(name, BLOCKS, "is not a non-empty JSON array of block names");
            for (Object o : list) {
                if (!(o instanceof String s) || block(base.layouts(), s) == null) {
                    throw BadInputException.atField(name, BLOCKS, "names '" + o + "', which is no block of the baseline (" + String.join(", ", allBlocks(base)) + ")");
                }
                chosen.add(s);
            }
        }
        return new ResidualModel(base, res, chosen);
    }

    private static TrainedModel load(ModelFile.Contents c, String name, int threads) {
        String arch = org.tensorbasis.modelfile.ModelMetadata.architecture(c, name);
        return Architectures.get(arch, name).load(c, name, threads);
    }
}
