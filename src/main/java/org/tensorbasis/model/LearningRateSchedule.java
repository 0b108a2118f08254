package org.tensorbasis.model;

/** A learning rate as a function of the optimizer step index (0 for the first update). */
@FunctionalInterface
public interface LearningRateSchedule {
    /** Learning rate for the update with index {@code step} (0-based). */
    double lr(long step);

    /** A constant rate. */
    static LearningRateSchedule constant(double lr) { return step -> lr; }
}
