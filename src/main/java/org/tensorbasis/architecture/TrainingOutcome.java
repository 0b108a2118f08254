package org.tensorbasis.architecture;

/**
 * What an architecture's training returns: the model (with the best weights), the best epoch
 * (1-based; 1 for architectures without epochs), its validation loss, and whether the run was
 * stopped early (then a checkpoint was written and the model is not final).
 */
public record TrainingOutcome(TrainedModel model, int bestEpoch, double bestValidationLoss, boolean interrupted) {}
