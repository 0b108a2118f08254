package org.tensorbasis.linearridge;

/**
 * Outcome of {@link RidgeSystem#select}: the ridge grid, the validation RMSE of every α, the chosen α per group and
 * the final weights (fitted on the training rows with the chosen α).
 *
 * @param alphas            the grid, ascending
 * @param validationRmse    [group][α]: RMSE over the group's validation components (all properties and μ);
 *                          NaN if the group has no validation rows, +∞ where the factorisation failed
 * @param pooledRmse        [α]: RMSE over the validation components of all groups together
 * @param chosen            [group]: index into {@code alphas}
 * @param fallback          [group]: true if the group had no validation rows and took the fallback α (the pooled
 *                          choice; the middle of the grid if no group had validation rows)
 * @param trainingRows      [group]: samples accumulated for training
 * @param validationRows    [group]: samples accumulated for validation
 * @param droppedFeatures   [group]: features whose training diagonal is zero (weight 0)
 * @param weights           final weights
 * @param leaveOneOut       [group]: α chosen by the leave-one-out error ({@link RidgeSystem#leaveOneOut()}) rather than on validation
 */
public record RidgeResult(double[] alphas, double[][] validationRmse, double[] pooledRmse, int[] chosen, boolean[] fallback,
                          long[] trainingRows, long[] validationRows, int[] droppedFeatures, RidgeWeights weights,
                          boolean[] leaveOneOut) {

    /** The chosen α of a group. */
    public double alpha(int group) { return alphas[chosen[group]]; }

    /** The validation RMSE at the chosen α of a group (NaN without validation rows). */
    public double chosenRmse(int group) { return validationRmse[group][chosen[group]]; }
}
