package org.tensorbasis.architecture;

import java.util.List;
import java.util.Map;
import org.tensorbasis.options.Options;
import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.Splits;
import org.tensorbasis.targets.TargetLayout;

/**
 * Everything an architecture trains from, prepared the same way for all of them: the resolved
 * options (and their YAML, stored in the model), provenance, the three splits, the species of the
 * training set, every target's layout, the blocks to learn with their normalisation, and each
 * block's real-unit values for every sample ({@code values[block][k]}, samples in the order of
 * {@link Splits#all()}: train, validation, test).
 */
public record TrainingData(Options options, String optionsYaml, Map<String, String> provenance, Splits splits, int[] species,
                           Map<String, TargetLayout> layouts, List<ModelBlock> blocks, Normalization[] normalization,
                           double[][][] values, int threads) {
    public List<Sample> train() { return splits.train(); }

    public List<Sample> validation() { return splits.validation(); }

    public List<Sample> test() { return splits.test(); }

    /**
     * The normalisation of every block fitted on the training samples' values (the first {@code train().size()} of
     * {@code values}), with the options' composition baseline, per-species scales and their shrinkage.
     */
    public static Normalization[] fitNormalization(Options options, List<ModelBlock> blocks, int[] species, List<Sample> train, double[][][] values) {
        double[][][] trainValues = new double[values.length][][];
        for (int b = 0; b < values.length; b++) trainValues[b] = java.util.Arrays.copyOf(values[b], train.size());
        java.util.Set<String> intensive = new java.util.HashSet<>();
        for (Options.Target t : options.targets().values()) if (t.intensive()) intensive.add(t.name());
        return Normalization.fit(blocks, species, train, trainValues, options.hypers().compositionBaseline(),
            options.hypers().perSpeciesScale(), intensive, options.hypers().speciesScalePrior(species.length));
    }
}
