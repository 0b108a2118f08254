package org.tensorbasis.model;

import java.util.Arrays;

/**
 * The scalar network of one centre species: LayerNorm (elementwise affine γ, β; ε = 1e-5, biased
 * variance, like PyTorch) → Linear(no bias) → SiLU → [Linear(no bias) → SiLU] × (depth − 1).
 * Input rows are feature vectors of length F; the output is the last hidden activation
 * {@code H[n×width]}. Target heads are separate {@link Linear}s.
 *
 * <p>Parameter blocks ({@code prefix} + name): {@code ln.gamma [F]}, {@code ln.beta [F]},
 * {@code linear0.weight [width, F]}, {@code linear1.weight [width, width]}, …
 *
 * <p>The LayerNorm is fused with the first Linear: with x̂ the normalised row,
 * {@code (γ⊙x̂ + β)·W0ᵀ = x̂·(W0⊙γ)ᵀ + W0·β}, and in the backward pass, with
 * {@code G = dA0ᵀ·x̂ [width×F]} and {@code s = Σ_rows dA0}: {@code dW0 = γ⊙G + s⊗β},
 * {@code dγ = Σ_o W0⊙G}, {@code dβ = Σ_o W0⊙s}. Only x̂ is stored (no separate γ⊙x̂ + β array),
 * and the parameter gradients cost one n×F×width product instead of two.
 */
public final class SpeciesMlp {
    /** LayerNorm ε (PyTorch's default). */
    public static final double LN_EPS = 1e-5;

    private final Parameters params;
    private final int nFeatures;
    private final int width;
    private final int depth;
    private final Parameters.Block gamma;
    private final Parameters.Block beta;
    private final Parameters.Block w0;
    private final Linear[] hidden; // hidden[l] for l = 1..depth-1; hidden[0] unused

    /**
     * Registers the blocks of one species network.
     *
     * @param prefix    block-name prefix, e.g. {@code "scalar.Z8."}
     * @param nFeatures F, length of an input row
     * @param width     hidden width
     * @param depth     number of Linear→SiLU layers (≥ 1)
     */
    public SpeciesMlp(Parameters params, String prefix, int nFeatures, int width, int depth) {
        if (nFeatures < 1 || width < 1 || depth < 1) {
            throw new IllegalArgumentException("SpeciesMlp needs nFeatures, width, depth >= 1");
        }
        this.params = params;
        this.nFeatures = nFeatures;
        this.width = width;
        this.depth = depth;
        this.gamma = params.register(prefix + "ln.gamma", Parameters.Init.constant(1.0), nFeatures);
        this.beta = params.register(prefix + "ln.beta", Parameters.Init.constant(0.0), nFeatures);
        this.w0 = params.register(prefix + "linear0.weight", Parameters.Init.linear(nFeatures), width, nFeatures);
        this.hidden = new Linear[depth];
        for (int l = 1; l < depth; l++) hidden[l] = new Linear(params, prefix + "linear" + l + ".weight", width, width);
    }

    public int nFeatures() { return nFeatures; }

    public int width() { return width; }

    public int depth() { return depth; }

    /** Activations kept between forward and backward; grows on demand, never shrinks. */
    public static final class Workspace {
        int capacity;
        int n;
        double[] xhat = new double[0];
        double[] rstd = new double[0];
        double[][] pre;
        double[][] sig;
        double[][] post;
        double[] dA = new double[0];
        double[] dH = new double[0];
        final double[] weff;
        final double[] bias;
        final double[] g;
        final double[] colsum;

        Workspace(int nFeatures, int width, int depth) {
            pre = new double[depth][0];
            sig = new double[depth][0];
            post = new double[depth][0];
            weff = new double[width * nFeatures];
            g = new double[width * nFeatures];
            bias = new double[width];
            colsum = new double[width];
        }

        void ensure(int rows, int nFeatures, int width) {
            if (rows <= capacity) return;
            int cap = Math.max(rows, capacity + (capacity >> 1));
            xhat = new double[cap * nFeatures];
            rstd = new double[cap];
            for (int l = 0; l < pre.length; l++) {
                pre[l] = new double[cap * width];
                sig[l] = new double[cap * width];
                post[l] = new double[cap * width];
            }
            dA = new double[cap * width];
            dH = new double[cap * width];
            capacity = cap;
        }

        /** Rows of the last forward pass. */
        public int rows() { return n; }
    }

    /** A fresh workspace for this network's sizes. */
    public Workspace newWorkspace() { return new Workspace(nFeatures, width, depth); }

    /**
     * Forward pass over {@code n} rows. Row r of the batch is row {@code rows[rowsStart + r]} of
     * {@code x} ({@code x} is row-major with F columns), or row {@code rowsStart + r} if
     * {@code rows == null}: the gather of one species' rows is fused into the LayerNorm.
     *
     * @return the hidden output {@code H[n×width]} (an array of the workspace, rows 0..n-1 valid
     *         until the next forward with this workspace)
     */
    public double[] forward(double[] x, int[] rows, int rowsStart, int n, Workspace ws) {
        ws.ensure(n, nFeatures, width);
        ws.n = n;
        final int f = nFeatures;
        final double[] p = params.values();
        final double[] xhat = ws.xhat;
        for (int r = 0; r < n; r++) {
            int src = (rows == null ? rowsStart + r : rows[rowsStart + r]) * f;
            ws.rstd[r] = normalizeRow(x, src, xhat, r * f, f);
        }
        // W_eff = W0⊙γ (broadcast over rows), bias = W0·β
        final int gOff = gamma.offset();
        final int bOff = beta.offset();
        for (int o = 0; o < width; o++) {
            int wr = w0.offset() + o * f;
            int er = o * f;
            double s = 0.0;
            for (int j = 0; j < f; j++) {
                double w = p[wr + j];
                ws.weff[er + j] = w * p[gOff + j];
                s += w * p[bOff + j];
            }
            ws.bias[o] = s;
        }
        double[] a0 = ws.pre[0];
        Gemm.gemm(false, true, n, width, f, 1.0, xhat, 0, ws.weff, 0, 0.0, a0, 0);
        for (int r = 0; r < n; r++) {
            int ro = r * width;
            for (int o = 0; o < width; o++) a0[ro + o] += ws.bias[o];
        }
        silu(a0, ws.sig[0], ws.post[0], n * width);
        for (int l = 1; l < depth; l++) {
            hidden[l].forward(ws.post[l - 1], 0, n, ws.pre[l], 0);
            silu(ws.pre[l], ws.sig[l], ws.post[l], n * width);
        }
        return ws.post[depth - 1];
    }

    /**
     * Backward pass for the rows of the last forward with {@code ws}: accumulates the parameter
     * gradients into {@link Parameters#grads()}. {@code dH[n×width]} (read only) is the gradient of
     * the loss with respect to the hidden output. If {@code dx != null}, the input gradient is written
     * (overwritten) to {@code dx[dxOff ..]} as n compact rows of F in batch order.
     */
    public void backward(double[] dH, int dHOff, Workspace ws, double[] dx, int dxOff) {
        final int n = ws.n;
        final int nw = n * width;
        final int f = nFeatures;
        System.arraycopy(dH, dHOff, ws.dH, 0, nw);
        for (int l = depth - 1; l >= 0; l--) {
            siluBackward(ws.dH, ws.pre[l], ws.sig[l], ws.dA, nw);
            if (l > 0) hidden[l].backward(ws.dA, 0, ws.post[l - 1], 0, n, ws.dH, 0, 0.0);
        }
        // first layer, fused with the LayerNorm
        final double[] p = params.values();
        final double[] gr = params.grads();
        Gemm.gemm(true, false, width, f, n, 1.0, ws.dA, 0, ws.xhat, 0, 0.0, ws.g, 0);
        Arrays.fill(ws.colsum, 0.0);
        for (int r = 0; r < n; r++) {
            int ro = r * width;
            for (int o = 0; o < width; o++) ws.colsum[o] += ws.dA[ro + o];
        }
        final int gOff = gamma.offset();
        final int bOff = beta.offset();
        for (int o = 0; o < width; o++) {
            int wr = w0.offset() + o * f;
            int gr0 = o * f;
            double so = ws.colsum[o];
            for (int j = 0; j < f; j++) {
                double gv = ws.g[gr0 + j];
                double w = p[wr + j];
                gr[wr + j] += p[gOff + j] * gv + p[bOff + j] * so;
                gr[gOff + j] += w * gv;
                gr[bOff + j] += w * so;
            }
        }
        if (dx != null) {
            Gemm.gemm(false, false, n, f, width, 1.0, ws.dA, 0, ws.weff, 0, 0.0, dx, dxOff);
            for (int r = 0; r < n; r++) layerNormBackwardRow(dx, dxOff + r * f, ws.xhat, r * f, ws.rstd[r], f);
        }
    }

    /**
     * x̂ = (x − mean)/√(var + ε) for one row (two-pass variance, stable for nearly constant rows);
     * returns 1/√(var + ε).
     */
    static double normalizeRow(double[] x, int xOff, double[] out, int outOff, int f) {
        double s = 0.0;
        for (int j = 0; j < f; j++) s += x[xOff + j];
        double mean = s / f;
        double v = 0.0;
        for (int j = 0; j < f; j++) {
            double d = x[xOff + j] - mean;
            v += d * d;
        }
        double rstd = 1.0 / Math.sqrt(v / f + LN_EPS);
        for (int j = 0; j < f; j++) out[outOff + j] = (x[xOff + j] - mean) * rstd;
        return rstd;
    }

    /** In place: d ← rstd·(d − mean(d) − x̂·mean(d⊙x̂)), the LayerNorm input gradient from dx̂. */
    static void layerNormBackwardRow(double[] d, int dOff, double[] xhat, int xOff, double rstd, int f) {
        double m1 = 0.0;
        double m2 = 0.0;
        for (int j = 0; j < f; j++) {
            double dj = d[dOff + j];
            m1 += dj;
            m2 += dj * xhat[xOff + j];
        }
        m1 /= f;
        m2 /= f;
        for (int j = 0; j < f; j++) d[dOff + j] = rstd * (d[dOff + j] - m1 - xhat[xOff + j] * m2);
    }

    /** SiLU a·σ(a) with σ from Math.exp (Math.tanh is slow on JDK 17); keeps σ for the backward. */
    static void silu(double[] a, double[] sig, double[] h, int len) {
        for (int i = 0; i < len; i++) {
            double ai = a[i];
            double s = 1.0 / (1.0 + Math.exp(-ai)); // exp overflow → s = 0, h = 0: no NaN
            sig[i] = s;
            h[i] = ai * s;
        }
    }

    /** dA = dH·σ(a)·(1 + a·(1 − σ(a))). */
    static void siluBackward(double[] dH, double[] a, double[] sig, double[] dA, int len) {
        for (int i = 0; i < len; i++) {
            double s = sig[i];
            dA[i] = dH[i] * s * (1.0 + a[i] * (1.0 - s));
        }
    }
}
