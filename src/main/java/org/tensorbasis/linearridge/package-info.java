/**
 * The numerics of the {@code linear_ridge} architecture: an exactly equivariant linear model per target block
 * (λ, σ), y^p_μ = Σ_f w^p_f X_{f μ} on λ-SOAP features ({@link org.tensorbasis.descriptors.LambdaSoap}), one scalar
 * weight per feature shared by the 2λ+1 components, fitted by ridge regression.
 *
 * <ul>
 *   <li>{@link org.tensorbasis.linearridge.RidgeSystem}: normal equations per group (centre species), streamed with
 *       BLAS products; unit-diagonal scaling and Cholesky ({@link org.tensorbasis.linalg.Cholesky}) for every α of a
 *       log grid; validation error per α; choice per species or pooled; memory estimate.</li>
 *   <li>{@link org.tensorbasis.linearridge.RidgeWeights}: the weights, [groups][properties][features], and
 *       prediction.</li>
 *   <li>{@link org.tensorbasis.linearridge.RidgeResult}: chosen α's, validation RMSE per α, weights.</li>
 *   <li>{@link org.tensorbasis.linearridge.StructureDesign}: per-structure targets (features summed per centre
 *       species, concatenated).</li>
 * </ul>
 */
package org.tensorbasis.linearridge;
