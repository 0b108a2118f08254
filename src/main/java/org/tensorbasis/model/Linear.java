package org.tensorbasis.model;

import org.tensorbasis.linalg.Gemm;

/**
 * A linear map without bias, {@code Y[n×out] = X[n×in]·Wᵀ}, with the weight stored like PyTorch's
 * {@code nn.Linear.weight}: shape [out, in], row-major, in one block of a {@link Parameters}.
 * Initialised U(−1/√in, 1/√in).
 */
public final class Linear {
    private final Parameters params;
    private final Parameters.Block weight;
    private final int in;
    private final int out;

    /** Registers the weight block {@code name} of shape [out, in]. */
    public Linear(Parameters params, String name, int in, int out) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear " + name + ": sizes must be >= 1");
        this.params = params;
        this.in = in;
        this.out = out;
        this.weight = params.register(name, Parameters.Init.linear(in), out, in);
    }

    public int in() { return in; }

    public int out() { return out; }

    /** The weight block ([out, in]). */
    public Parameters.Block weight() { return weight; }

    /** {@code y[yOff..] = x[xOff..]·Wᵀ} for {@code n} rows. */
    public void forward(double[] x, int xOff, int n, double[] y, int yOff) {
        Gemm.gemm(false, true, n, out, in, 1.0, x, xOff, params.values(), weight.offset(), 0.0, y, yOff);
    }

    /**
     * Accumulates {@code dW += dyᵀ·x} into the gradients and, if {@code dx != null}, sets
     * {@code dx = dy·W + dxBeta·dx} ({@code dxBeta} 1 accumulates, 0 overwrites).
     */
    public void backward(double[] dy, int dyOff, double[] x, int xOff, int n,
                         double[] dx, int dxOff, double dxBeta) {
        Gemm.gemm(true, false, out, in, n, 1.0, dy, dyOff, x, xOff, 1.0, params.grads(), weight.offset());
        if (dx != null) {
            Gemm.gemm(false, false, n, in, out, 1.0, dy, dyOff, params.values(), weight.offset(), dxBeta, dx, dxOff);
        }
    }
}
