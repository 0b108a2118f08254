package org.tensorbasis.model;

import java.util.Arrays;

/**
 * Adam (Kingma &amp; Ba) over flat parameter and gradient arrays, with PyTorch's {@code torch.optim.Adam}
 * semantics: {@code m ← β1 m + (1−β1) g}, {@code v ← β2 v + (1−β2) g²},
 * {@code θ ← θ − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)}. The optional weight decay is the
 * coupled L2 form ({@code g ← g + wd·θ} before the moments), off by default.
 *
 * <p>The state (m, v, t) is exposed as flat arrays for checkpoints.
 */
public final class Adam {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double[] m;
    private final double[] v;
    private long t;

    /** Adam with β1 0.9, β2 0.999, ε 1e-8, no weight decay, for {@code size} parameters. */
    public Adam(int size) { this(size, 0.9, 0.999, 1e-8, 0.0); }

    /** Adam with explicit hyper-parameters. */
    public Adam(int size, double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps >= 0 && weightDecay >= 0)) {
            throw new IllegalArgumentException("invalid Adam hyper-parameters");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** One update of {@code p.values()} from {@code p.grads()} with learning rate {@code lr}. */
    public void step(Parameters p, double lr) { step(p.values(), p.grads(), lr); }

    /** One update of {@code values} from {@code grads} (both of this optimizer's size). */
    public void step(double[] values, double[] grads, double lr) { step(values, grads, lr, false); }

    /**
     * One update that also zeroes the gradients as it reads them: one pass over the parameter arrays
     * fewer than {@link #step(Parameters, double)} followed by {@link Parameters#zeroGrads()}.
     */
    public void stepAndZeroGrads(Parameters p, double lr) { step(p.values(), p.grads(), lr, true); }

    private void step(double[] values, double[] grads, double lr, boolean zero) {
        int n = m.length;
        if (values.length != n || grads.length != n) {
            throw new IllegalArgumentException("Adam sized for " + n + " parameters, got " + values.length);
        }
        t++;
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2 = 1.0 - Math.pow(beta2, t);
        double stepSize = lr / bc1;
        double rbc2 = 1.0 / Math.sqrt(bc2);
        double b1 = beta1, b2 = beta2, c1 = 1.0 - beta1, c2 = 1.0 - beta2, wd = weightDecay, e = eps;
        for (int i = 0; i < n; i++) {
            double g = grads[i];
            if (zero) grads[i] = 0.0;
            if (wd != 0.0) g += wd * values[i];
            double mi = b1 * m[i] + c1 * g;
            double vi = b2 * v[i] + c2 * g * g;
            m[i] = mi;
            v[i] = vi;
            values[i] -= stepSize * mi / (Math.sqrt(vi) * rbc2 + e);
        }
    }

    /** Number of steps taken. */
    public long stepCount() { return t; }

    /** First-moment state (live array). */
    public double[] firstMoment() { return m; }

    /** Second-moment state (live array). */
    public double[] secondMoment() { return v; }

    /** Restores a checkpointed state. @throws IllegalArgumentException on size mismatch */
    public void restore(double[] m, double[] v, long t) {
        if (m.length != this.m.length || v.length != this.v.length || t < 0) {
            throw new IllegalArgumentException("Adam state does not match: " + m.length + " vs " + this.m.length);
        }
        System.arraycopy(m, 0, this.m, 0, m.length);
        System.arraycopy(v, 0, this.v, 0, v.length);
        this.t = t;
    }

    /** Clears the moments and the step count. */
    public void reset() {
        Arrays.fill(m, 0.0);
        Arrays.fill(v, 0.0);
        t = 0;
    }
}
