package org.tensorbasis.linearridge;

import org.tensorbasis.linalg.Gemm;

/**
 * Weights of an exactly equivariant linear model of one target block (λ, σ): for a sample of group g (its centre
 * species) with features X (F × (2λ+1)),
 * <pre>  y^p_μ = Σ_f w^{g p}_f X_{f μ}</pre>
 * — one scalar weight per feature, shared by all 2λ+1 components, so y transforms exactly like every X_{f·}.
 *
 * <p>Layout: {@code weights()[(g · P + p) · F + f]}, i.e. a row-major tensor of shape [groups, properties, F]
 * (for a model file: {@code <block>.weight} with that shape). Inputs X: per sample F × (2λ+1) row-major (the
 * {@link org.tensorbasis.descriptors.LambdaSoap} layout); outputs per sample P × (2λ+1) row-major. Immutable.
 */
public final class RidgeWeights {
    private final int groups, properties, features, components;
    private final double[] w;

    /** Copies {@code w} (length groups · properties · features). */
    public RidgeWeights(int groups, int properties, int features, int components, double[] w) {
        if (groups < 1 || properties < 1 || features < 0 || components < 1 || components % 2 == 0) {
            throw new IllegalArgumentException("bad shape: groups " + groups + ", properties " + properties + ", features " + features
                + ", components " + components);
        }
        if (w.length != (long) groups * properties * features) {
            throw new IllegalArgumentException("weights length " + w.length + " != " + groups + "·" + properties + "·" + features);
        }
        this.groups = groups;
        this.properties = properties;
        this.features = features;
        this.components = components;
        this.w = w.clone();
    }

    public int groups() { return groups; }

    public int properties() { return properties; }

    public int features() { return features; }

    /** 2λ+1. */
    public int components() { return components; }

    /** A copy of the weights, [groups][properties][features]. */
    public double[] weights() { return w.clone(); }

    /** One weight. */
    public double weight(int group, int property, int feature) {
        return w[(group * properties + property) * features + feature];
    }

    /**
     * Predictions for {@code samples} samples of one group: x at {@code xOff}, sample s at xOff + s·F·(2λ+1); writes
     * {@code out[outOff + s·P·(2λ+1) + p·(2λ+1) + μ]} (overwritten).
     */
    public void predict(int group, double[] x, int xOff, int samples, double[] out, int outOff) {
        final int dm = components, P = properties, F = features;
        int wo = group * P * F;
        if (F == 0) {
            java.util.Arrays.fill(out, outOff, outOff + samples * P * dm, 0.0);
            return;
        }
        // per sample: Y (P × dm) = W_g (P × F) · X (F × dm)
        for (int s = 0; s < samples; s++) {
            Gemm.gemm(false, false, P, dm, F, 1.0, w, wo, F, x, xOff + s * F * dm, dm, 0.0, out, outOff + s * P * dm, dm);
        }
    }

    /**
     * Sum of the predictions of several samples (e.g. the atoms of a structure, each with its own group):
     * {@code out[outOff + p·(2λ+1) + μ]} = Σ_s y_s (overwritten).
     *
     * @param groupOf group of each sample
     */
    public void predictSum(int[] groupOf, double[] x, int xOff, int samples, double[] out, int outOff) {
        final int dm = components, P = properties, F = features;
        java.util.Arrays.fill(out, outOff, outOff + P * dm, 0.0);
        if (F == 0) return;
        for (int s = 0; s < samples; s++) {
            Gemm.gemm(false, false, P, dm, F, 1.0, w, groupOf[s] * P * F, F, x, xOff + s * F * dm, dm, 1.0, out, outOff, dm);
        }
    }
}
