package org.tensorbasis.evaluation;

import java.util.List;
import java.util.Map;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.TargetLayout;

/**
 * Anything that predicts tensor targets for structures: what metrics, prediction fields and the
 * symmetry check need of a model ({@link org.tensorbasis.architecture.TrainedModel} extends it).
 */
public interface Predictor {
    /** The options, for each target's key, unit and per-atom flag. */
    Options options();

    /** Every target's layout, in the options' order. */
    Map<String, TargetLayout> layouts();

    /** Predictions of every target for the structures. */
    Predictions predict(List<Structure> structures, int threads);
}
