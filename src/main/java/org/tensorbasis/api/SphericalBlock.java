package org.tensorbasis.api;

/**
 * One irreducible (spherical) block of a predicted target, e.g. {@code alpha:L2+} (λ = 2, σ = +1).
 * {@code values} holds {@code rows × properties × (2λ+1)} numbers (rows = atoms for per-atom targets,
 * 1 otherwise), μ = −λ..λ fastest, in the real spherical-harmonic convention of
 * {@code docs/architecture.md}. {@code properties} is the number of copies of this (λ, σ) in the
 * target (e.g. 2 for the λ = 1 blocks of a general rank-3 tensor).
 *
 * @param name       block name, {@code target:L<λ><+|->}
 * @param lambda     angular order λ
 * @param sigma      parity under inversion relative to a proper tensor: +1 or −1
 * @param properties copies of this (λ, σ) in the target
 * @param values     rows × properties × (2λ+1) numbers (owned by the caller)
 */
public record SphericalBlock(String name, int lambda, int sigma, int properties, double[] values) {
    /** 2λ + 1. */
    public int dim() {
        return 2 * lambda + 1;
    }
}
