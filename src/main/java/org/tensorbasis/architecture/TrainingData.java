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
}
