package org.tensorbasis.architecture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.TargetLayout;
import org.tensorbasis.targets.TargetTransform;

/**
 * A model of any architecture whose targets have a {@link TargetTransform} ({@code transform: log},
 * {@code intensive: true}): the architecture learns and predicts the transformed values; this wrapper maps
 * its predictions back to the file's units, so metrics, written predictions, the symmetry check and the Java
 * API see the target itself. Everything else is the architecture's model's ({@link #inner()}); the model file
 * is the inner model's, whose stored options hold the transforms, and {@link Architectures#load} wraps it again.
 */
public final class TransformedModel implements TrainedModel {
    private final TrainedModel inner;
    private final Map<String, TargetTransform> transforms;

    private TransformedModel(TrainedModel inner, Map<String, TargetTransform> transforms) {
        this.inner = inner;
        this.transforms = transforms;
    }

    /**
     * The model that predicts in the targets' own units: {@code model} itself when no target has a transform
     * (every model trained before these options existed), else a wrapper. Idempotent.
     */
    public static TrainedModel wrap(TrainedModel model) {
        if (model == null || model instanceof TransformedModel) return model;
        Map<String, TargetTransform> t = new LinkedHashMap<>();
        for (String name : model.layouts().keySet()) {
            TargetTransform tr = TargetTransform.of(model.options().targets().get(name));
            if (!tr.isIdentity()) t.put(name, tr);
        }
        return t.isEmpty() ? model : new TransformedModel(model, t);
    }

    /** The architecture's own model (predicting the learned, transformed values) of a possibly wrapped model. */
    public static TrainedModel unwrap(TrainedModel model) {
        return model instanceof TransformedModel w ? w.inner : model;
    }

    /** The architecture's model, which predicts the learned (transformed) values. */
    public TrainedModel inner() { return inner; }

    @Override
    public void setPrecision(Precision precision) { inner.setPrecision(precision); }

    @Override
    public Precision precision() { return inner.precision(); }

    @Override
    public Predictions predict(List<Structure> structures, int threads) {
        Predictions p = inner.predict(structures, threads);
        for (Map.Entry<String, TargetTransform> e : transforms.entrySet()) {
            TargetLayout layout = inner.layouts().get(e.getKey());
            for (int k = 0; k < p.size(); k++) {
                int atoms = structures.get(k).size();
                p.mapSpherical(e.getKey(), k, rows -> e.getValue().inverseSpherical(layout, rows, atoms));
            }
        }
        return p;
    }

    @Override
    public String architecture() { return inner.architecture(); }

    @Override
    public Options options() { return inner.options(); }

    @Override
    public String optionsYaml() { return inner.optionsYaml(); }

    @Override
    public Map<String, String> provenance() { return inner.provenance(); }

    @Override
    public Map<String, TargetLayout> layouts() { return inner.layouts(); }

    @Override
    public int[] species() { return inner.species(); }

    @Override
    public org.tensorbasis.modelfile.ModelFile.Contents contents() { return inner.contents(); }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(inner.describe());
        for (Map.Entry<String, TargetTransform> e : transforms.entrySet()) sb.append("; ").append(e.getKey()).append(' ').append(e.getValue().describe());
        return sb.toString();
    }

    @Override
    public void checkInput(List<org.tensorbasis.targets.Sample> samples) { inner.checkInput(samples); }

    @Override
    public void checkSpecies(List<org.tensorbasis.targets.Sample> samples) { inner.checkSpecies(samples); }
}
