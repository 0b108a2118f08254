package org.tensorbasis.model;

import org.tensorbasis.linalg.Gemm;
import org.tensorbasis.linalg.OpenBlasKernels;
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
 * and the parameter gradients cost one n×F×width product instead of two. The forward product runs
 * over blocks of rows ({@link #rowBlock}) against the whole W0⊙γ (rebuilt by every forward pass, so
 * parameters may change between passes); the backward product runs over blocks of {@link #CHUNK}
 * feature columns so that the weight-sized temporaries stay in cache.
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
        double[] xsrc;  // the normalised rows used by the last forward: xhat, or the caller's array
        int xsrcOff;
        boolean normalizedInput;
        int[] biasIndex; // the row-bias rows of the last forward (the caller's array), null without a row bias
        double[][] pre;
        double[][] sig;
        double[][] post;
        double[] dA = new double[0];
        double[] dH = new double[0];
        final int chunk;
        final double[] weff;   // W0⊙γ for one block of CHUNK feature columns (input gradient)
        final double[] bias;
        final double[] colsum;
        final int rowBlock;
        private double[] weffAll = new double[0];  // W0⊙γ, width × F, rebuilt by every forward
        private final int width;
        // per slot of the parallel loops (slot 0 for the serial ones): the scratch of one block of columns
        private Columns[] slots;
        private int parallelism = 1;
        // fixed weights (setFixedWeights): W0⊙γ and W0·β, formed by the first forward, are kept for the next ones
        private boolean fixedWeights;
        private boolean weffValid;
        // float32 inference (setFloat32): the first layer's product in single precision
        private boolean float32;
        private float[] weff32 = new float[0];

        Workspace(int nFeatures, int width, int depth) {
            rowBlock = rowBlock(width, nFeatures);
            pre = new double[depth][0];
            sig = new double[depth][0];
            post = new double[depth][0];
            int ch = Math.min(chunkForNewWorkspaces, nFeatures);
            chunk = ch;
            this.width = width;
            weff = new double[width * ch];
            bias = new double[width];
            colsum = new double[width];
            slots = new Columns[] {new Columns(width, ch)};
        }

        /**
         * Runs the row blocks of the first-layer forward and the column blocks of its backward on up to
         * {@code slots} threads of the common pool (default 1). Every block is computed by the same
         * operations in either case (blocks are dealt to threads whole, each thread with its own
         * scratch, writing disjoint outputs), so the results are bit-identical to one thread.
         */
        public void setParallelism(int slots) {
            if (slots < 1) throw new IllegalArgumentException("parallelism must be >= 1");
            this.parallelism = slots;
        }

        /** Threads the first layer may use ({@link #setParallelism}). */
        public int parallelism() { return parallelism; }

        /**
         * Declares that the network's parameters no longer change (a replica made for prediction; default false): the
         * first forward forms W0⊙γ and W0·β, and later ones reuse them instead of forming them again from the
         * parameters (a pass over the width × F weights per batch, ~15 % of a prediction forward at width 32). The
         * same products as without it, bit for bit. A workspace with fixed weights refuses the backward pass.
         */
        public void setFixedWeights(boolean fixed) {
            this.fixedWeights = fixed;
            this.weffValid = false;
        }

        /** Whether the weights are declared fixed ({@link #setFixedWeights}). */
        public boolean fixedWeights() { return fixedWeights; }

        /**
         * Prediction in float32 (default false; {@code architecture.Precision}): the first layer's product x̂·(W0⊙γ)ᵀ,
         * most of a prediction's arithmetic, is formed from x̂ and W0⊙γ rounded to float32 by a single-precision GEMM
         * (twice the rate of the float64 one, half the bytes); its result is widened to float64, and the bias W0·β and
         * the later layers stay float64. Rows given as float32 ({@code forward32}) are read in place. A workspace in
         * this mode refuses the backward pass.
         */
        public void setFloat32(boolean float32) {
            this.float32 = float32;
            this.weffValid = false;
        }

        /** Whether the first layer runs in float32 ({@link #setFloat32}). */
        public boolean float32() { return float32; }

        float[] weff32(int nFeatures, int width) {
            if (weff32.length < width * nFeatures) weff32 = new float[width * nFeatures];
            return weff32;
        }

        /** The scratch of slot k (0 ≤ k &lt; parallelism), created on first use. */
        Columns slot(int k) {
            if (slots.length <= k) {
                Columns[] grown = Arrays.copyOf(slots, Math.max(k + 1, parallelism));
                for (int i = slots.length; i < grown.length; i++) grown[i] = new Columns(width, chunk);
                slots = grown;
            }
            return slots[k];
        }

        void ensure(int rows, int nFeatures, int width) {
            if (rows <= capacity) return;
            int cap = Math.max(rows, capacity + (capacity >> 1));
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

        double[] weffAll(int nFeatures, int width) {
            if (weffAll.length < width * nFeatures) weffAll = new double[width * nFeatures];
            return weffAll;
        }

        /** The n×F row buffer, allocated only when used (not for in-place normalised input). */
        double[] xhat(int rows, int nFeatures) {
            if (xhat.length < rows * nFeatures) xhat = new double[Math.max(rows, capacity) * nFeatures];
            return xhat;
        }

        /** Rows of the last forward pass. */
        public int rows() { return n; }
    }

    /** Scratch for one block of feature columns of the first layer. */
    static final class Columns {
        final double[] g;      // dA0ᵀ·x̂ for one block of CHUNK feature columns
        final double[] dgl;
        final double[] dbl;
        // zero-offset copies of one block of columns: C2 (JDK 17) vectorises a loop only when all its
        // arrays are indexed alike; with different offsets into possibly-aliased arrays it stays scalar
        final double[] gam;
        final double[] bet;
        final double[] wl;
        final double[] gl;
        final double[] gs;
        float[] x32 = new float[0];   // float32 prediction: one block of rows of x̂, and its product
        float[] a32 = new float[0];

        Columns(int width, int ch) {
            g = new double[width * ch];
            dgl = new double[ch];
            dbl = new double[ch];
            gam = new double[ch];
            bet = new double[ch];
            wl = new double[ch];
            gl = new double[ch];
            gs = new double[ch];
        }
    }

    /**
     * {@code body(slot, block)} for blocks 0 .. blocks−1, dealt round-robin to
     * min(parallelism, blocks) slots running on the common pool; serial when that is 1.
     */
    private static void forBlocks(Workspace ws, int blocks, BlockBody body) {
        int slots = Math.min(ws.parallelism, blocks);
        if (slots <= 1) {
            for (int b = 0; b < blocks; b++) body.run(0, b);
            return;
        }
        for (int k = 0; k < slots; k++) ws.slot(k); // created before the threads start
        java.util.stream.IntStream.range(0, slots).parallel().forEach(k -> {
            for (int b = k; b < blocks; b += slots) body.run(k, b);
        });
    }

    @FunctionalInterface
    private interface BlockBody {
        void run(int slot, int block);
    }

    /**
     * Feature columns per block in the first layer: the W0⊙γ and dA0ᵀ·x̂ blocks (width × CHUNK)
     * stay in cache instead of streaming weight-sized arrays through memory.
     */
    static final int CHUNK = 256;

    /**
     * Rows per first-layer product in the forward pass. With OpenBLAS's AVX-512 kernels
     * ({@link OpenBlasKernels#avx512()}), narrow layers (width·F·rows within 10⁶ multiply-adds for at
     * least 4 rows) use the largest such block: OpenBLAS then takes its small-matrix path, which reads
     * the operands without packing them first; packing cost as much as the arithmetic at width 32
     * (measured on QM7-X features, F = 2360, an Intel AVX-512 machine: 4.3 µs/atom in blocks of 12 rows,
     * 5.2 in blocks of 128). Other kernels (AVX2: Haswell, Zen) have no such path and pack the whole
     * W0⊙γ on every call, so a dozen rows per call re-packed it every dozen rows: blocks of 256 rows
     * there (bench model on one thread, QM7-X, Haswell kernels: 94k–117k → 127k–137k atoms/s), as for
     * wider layers, which have enough arithmetic per row to amortise packing.
     * {@code -Dtensorbasis.rowBlock=R} overrides the choice.
     */
    static int rowBlock(int width, int nFeatures) {
        if (rowBlockForNewWorkspaces > 0) return rowBlockForNewWorkspaces;
        Integer forced = Integer.getInteger("tensorbasis.rowBlock");
        if (forced != null && forced > 0) return forced;
        return rowBlock(width, nFeatures, OpenBlasKernels.avx512());
    }

    /** {@link #rowBlock(int, int)} for kernels with ({@code smallMatrixPath}) or without OpenBLAS's small-matrix path. */
    static int rowBlock(int width, int nFeatures, boolean smallMatrixPath) {
        long fits = 1_000_000L / ((long) width * nFeatures);
        return smallMatrixPath && fits >= 4 ? (int) fits : 256;
    }

    /** Row block of new workspaces if positive (tests), else {@link #rowBlock}'s choice. */
    static volatile int rowBlockForNewWorkspaces = 0;

    /** Block width used by new workspaces; tests lower it to exercise several blocks. */
    static volatile int chunkForNewWorkspaces = CHUNK;

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
        return forward(x, rows, rowsStart, n, ws, false);
    }

    /**
     * As {@link #forward(double[], int[], int, int, Workspace)}; if {@code normalizedInput}, the rows
     * are already x̂ (see {@link #normalizeRows}: the LayerNorm statistics do not depend on the
     * parameters, so a feature cache can normalise once) and only γ, β are applied. Rows that are
     * contiguous in {@code x} are then used in place, without a copy: {@code x} must not change
     * before the backward pass.
     */
    public double[] forward(double[] x, int[] rows, int rowsStart, int n, Workspace ws, boolean normalizedInput) {
        return forward(x, null, null, null, rows, rowsStart, n, ws, normalizedInput, null, null);
    }

    /**
     * As {@link #forward(double[], int[], int, int, Workspace, boolean)} with rows held by reference:
     * row r of the batch is {@code rowArrays[a][rowOffsets[a] .. + F)} with {@code a = rows[rowsStart + r]}
     * (or {@code rowsStart + r} if {@code rows == null}), e.g. rows of a feature cache used without
     * first copying them into one batch array. They are gathered into the workspace block by block
     * just before the product that reads them, so each row is read from memory once.
     */
    public double[] forward(double[][] rowArrays, int[] rowOffsets, int[] rows, int rowsStart, int n, Workspace ws,
                            boolean normalizedInput) {
        return forward(null, rowArrays, null, rowOffsets, rows, rowsStart, n, ws, normalizedInput, null, null);
    }

    /**
     * As {@link #forward(double[], int[], int, int, Workspace, boolean)} with a bias per row added to
     * the first layer's pre-activation (before its SiLU): batch row r gets
     * {@code biasTable[biasIndex[r]·width .. + width)}, e.g. a learned embedding of the row's element
     * ({@link ScalarNetworks}, shared mode). {@code biasIndex} must not change before the backward pass,
     * whose {@link #backward(double[], int, Workspace, double[], int, double[])} returns the gradient
     * of the table.
     */
    public double[] forward(double[] x, int[] rows, int rowsStart, int n, Workspace ws, boolean normalizedInput,
                            double[] biasTable, int[] biasIndex) {
        return forward(x, null, null, null, rows, rowsStart, n, ws, normalizedInput, biasTable, biasIndex);
    }

    /**
     * A float32 prediction ({@link Workspace#setFloat32} must be on): as the by-reference forward with normalised input,
     * the rows given in float32 ({@code rowArrays[a][rowOffsets[a] .. + F)}) and multiplied in place; {@code biasTable}
     * and {@code biasIndex} as in the row-bias forward, or both null.
     */
    public double[] forward32(float[][] rowArrays, int[] rowOffsets, int[] rows, int rowsStart, int n, Workspace ws,
                              double[] biasTable, int[] biasIndex) {
        if (!ws.float32) throw new IllegalStateException("float32 rows need a workspace in float32 mode");
        return forward(null, null, rowArrays, rowOffsets, rows, rowsStart, n, ws, true, biasTable, biasIndex);
    }

    /** As {@link #forward(double[], int[], int, int, Workspace, boolean, double[], int[])} with rows held by reference. */
    public double[] forward(double[][] rowArrays, int[] rowOffsets, int[] rows, int rowsStart, int n, Workspace ws,
                            boolean normalizedInput, double[] biasTable, int[] biasIndex) {
        return forward(null, rowArrays, null, rowOffsets, rows, rowsStart, n, ws, normalizedInput, biasTable, biasIndex);
    }

    private double[] forward(double[] x, double[][] rowArrays, float[][] rows32, int[] rowOffsets, int[] rows, int rowsStart, int n,
                             Workspace ws, boolean normalizedInput, double[] biasTable, int[] biasIndex) {
        if ((biasTable == null) != (biasIndex == null)) throw new IllegalArgumentException("a row bias needs its table and its index");
        ws.ensure(n, nFeatures, width);
        ws.n = n;
        ws.normalizedInput = normalizedInput;
        ws.biasIndex = biasIndex;
        final int f = nFeatures;
        final double[] p = params.values();
        // rows used in place: normalised, contiguous rows of one flat array; otherwise gathered into x̂ (float32 rows are
        // gathered block by block into float32 scratch instead)
        final boolean inPlace = rows32 == null && normalizedInput && rowArrays == null && contiguous(rows, rowsStart, n);
        if (inPlace) {
            ws.xsrc = x;
            ws.xsrcOff = (rows == null ? rowsStart : n > 0 ? rows[rowsStart] : 0) * f;
        } else {
            ws.xsrc = rows32 != null ? null : ws.xhat(n, f);
            ws.xsrcOff = 0;
        }
        // A0 = (γ⊙x̂ + β)·W0ᵀ = x̂·(W0⊙γ)ᵀ + W0·β
        double[] a0 = ws.pre[0];
        final boolean f32 = ws.float32;
        final double[] weff = f32 ? null : ws.weffAll(f, width);
        final float[] weff32 = f32 ? ws.weff32(f, width) : null;
        // with fixed weights, W0·β and W0⊙γ of an earlier forward are still valid
        if (!(ws.fixedWeights && ws.weffValid)) {
            weightProducts(ws, p, weff, weff32);
            ws.weffValid = ws.fixedWeights;
        }
        // by blocks of rows: each block is gathered (or normalised) and multiplied while it is in cache
        final int rb = ws.rowBlock;
        forBlocks(ws, (n + rb - 1) / rb, (slot, blk) -> {
            int r0 = blk * rb;
            int nb = Math.min(rb, n - r0);
            if (rows32 != null) {
                Columns c = ws.slot(slot);
                if (c.x32.length < nb * f) c.x32 = new float[rb * f];
                for (int r = 0; r < nb; r++) {
                    int a = rows == null ? rowsStart + r0 + r : rows[rowsStart + r0 + r];
                    System.arraycopy(rows32[a], rowOffsets[a], c.x32, r * f, f);
                }
                productFloat32(c, nb, f, weff32, a0, r0 * width);
                return;
            }
            if (!inPlace) {
                for (int r = r0; r < r0 + nb; r++) {
                    int a = rows == null ? rowsStart + r : rows[rowsStart + r];
                    double[] src = rowArrays == null ? x : rowArrays[a];
                    int so = rowArrays == null ? a * f : rowOffsets[a];
                    if (normalizedInput) {
                        System.arraycopy(src, so, ws.xsrc, r * f, f);
                    } else {
                        ws.rstd[r] = normalizeRow(src, so, ws.xsrc, r * f, f);
                    }
                }
            }
            if (f32) {
                Columns c = ws.slot(slot);
                if (c.x32.length < nb * f) c.x32 = new float[rb * f];
                final float[] x32 = c.x32;
                final double[] xs = ws.xsrc;
                for (int k = 0, o = ws.xsrcOff + r0 * f, m = nb * f; k < m; k++) x32[k] = (float) xs[o + k];
                productFloat32(c, nb, f, weff32, a0, r0 * width);
            } else {
                Gemm.gemm(false, true, nb, width, f, 1.0, ws.xsrc, ws.xsrcOff + r0 * f, f, weff, 0, f, 0.0, a0, r0 * width, width);
            }
        });
        for (int r = 0; r < n; r++) {
            int ro = r * width;
            for (int o = 0; o < width; o++) a0[ro + o] += ws.bias[o];
        }
        if (biasTable != null) {
            for (int r = 0; r < n; r++) {
                int ro = r * width;
                int bo = biasIndex[r] * width;
                for (int o = 0; o < width; o++) a0[ro + o] += biasTable[bo + o];
            }
        }
        silu(a0, ws.sig[0], ws.post[0], n * width);
        for (int l = 1; l < depth; l++) {
            hidden[l].forward(ws.post[l - 1], 0, n, ws.pre[l], 0);
            silu(ws.pre[l], ws.sig[l], ws.post[l], n * width);
        }
        return ws.post[depth - 1];
    }

    /**
     * The first layer's weight products: the bias W0·β into {@code ws.bias}, and W0⊙γ into {@code weff} (float64) or,
     * rounded, into {@code weff32} (float32 workspaces), by blocks of feature columns.
     */
    private void weightProducts(Workspace ws, double[] p, double[] weff, float[] weff32) {
        final int f = nFeatures, ch = ws.chunk, gOff = gamma.offset();
        final boolean f32 = weff32 != null;
        // bias = W0·β as a 1×F by F×width product (BLAS streams W0 faster than a scalar dot loop)
        Gemm.gemm(false, true, 1, width, f, 1.0, p, beta.offset(), p, w0.offset(), 0.0, ws.bias, 0);
        forBlocks(ws, (f + ch - 1) / ch, (slot, blk) -> {
            Columns c = ws.slot(slot);
            final double[] gam = c.gam, wl = c.wl;
            int c0 = blk * ch;
            int cw = Math.min(ch, f - c0);
            System.arraycopy(p, gOff + c0, gam, 0, cw);
            for (int o = 0; o < width; o++) {
                System.arraycopy(p, w0.offset() + o * f + c0, wl, 0, cw);
                for (int j = 0; j < cw; j++) wl[j] *= gam[j];
                if (f32) {
                    for (int j = 0, d = o * f + c0; j < cw; j++) weff32[d + j] = (float) wl[j];
                } else {
                    System.arraycopy(wl, 0, weff, o * f + c0, cw);
                }
            }
        });
    }

    /** a0[aOff ..] = the nb rows of {@code c.x32} (float32 x̂) times (W0⊙γ)ᵀ in float32, widened to float64. */
    private void productFloat32(Columns c, int nb, int f, float[] weff32, double[] a0, int aOff) {
        if (c.a32.length < nb * width) c.a32 = new float[nb * width];
        final float[] a32 = c.a32;
        Gemm.sgemm(false, true, nb, width, f, 1f, c.x32, 0, f, weff32, 0, f, 0f, a32, 0, width);
        for (int k = 0, m = nb * width; k < m; k++) a0[aOff + k] = a32[k];
    }

    private static boolean contiguous(int[] rows, int start, int n) {
        if (rows == null) return true;
        for (int r = 1; r < n; r++) if (rows[start + r] != rows[start] + r) return false;
        return true;
    }

    /**
     * Normalises {@code n} rows of F features (LayerNorm without affine, ε = {@link #LN_EPS}) from
     * {@code x} into {@code out} (may be the same array), for
     * {@link #forward(double[], int[], int, int, Workspace, boolean)} with normalised input.
     */
    public static void normalizeRows(double[] x, int n, int f, double[] out) {
        for (int r = 0; r < n; r++) normalizeRow(x, r * f, out, r * f, f);
    }

    /**
     * Backward pass for the rows of the last forward with {@code ws}: accumulates the parameter
     * gradients into {@link Parameters#grads()}. {@code dH[n×width]} (read only) is the gradient of
     * the loss with respect to the hidden output. If {@code dx != null}, the input gradient is written
     * (overwritten) to {@code dx[dxOff ..]} as n compact rows of F in batch order (with respect to x̂
     * if the forward pass had normalised input).
     */
    public void backward(double[] dH, int dHOff, Workspace ws, double[] dx, int dxOff) {
        backward(dH, dHOff, ws, dx, dxOff, null);
    }

    /**
     * As {@link #backward(double[], int, Workspace, double[], int)}; if the last forward had a row bias
     * and {@code dBiasTable != null}, also accumulates its gradient: row k of the table gets the sum of
     * dL/d(pre-activation of the first layer) over the batch rows r with {@code biasIndex[r] = k}
     * (rows in batch order, so the sum has a fixed order).
     */
    public void backward(double[] dH, int dHOff, Workspace ws, double[] dx, int dxOff, double[] dBiasTable) {
        if (ws.fixedWeights) throw new IllegalStateException("a workspace with fixed weights is for prediction only: it has no backward pass");
        if (ws.float32) throw new IllegalStateException("a float32 workspace is for prediction only: it has no backward pass");
        final int n = ws.n;
        final int nw = n * width;
        final int f = nFeatures;
        System.arraycopy(dH, dHOff, ws.dH, 0, nw);
        for (int l = depth - 1; l >= 0; l--) {
            siluBackward(ws.dH, ws.pre[l], ws.sig[l], ws.dA, nw);
            if (l > 0) hidden[l].backward(ws.dA, 0, ws.post[l - 1], 0, n, ws.dH, 0, 0.0);
        }
        if (dBiasTable != null && ws.biasIndex != null) {
            for (int r = 0; r < n; r++) {
                int ro = r * width;
                int bo = ws.biasIndex[r] * width;
                for (int o = 0; o < width; o++) dBiasTable[bo + o] += ws.dA[ro + o];
            }
        }
        // first layer, fused with the LayerNorm, by blocks of feature columns
        final double[] p = params.values();
        final double[] gr = params.grads();
        Arrays.fill(ws.colsum, 0.0);
        for (int r = 0; r < n; r++) {
            int ro = r * width;
            for (int o = 0; o < width; o++) ws.colsum[o] += ws.dA[ro + o];
        }
        final int gOff = gamma.offset();
        final int bOff = beta.offset();
        final int ch = ws.chunk;
        // the column blocks write disjoint parts of dW0, dγ, dβ: they may run on several threads
        forBlocks(ws, (f + ch - 1) / ch, (slot, blk) -> {
            Columns c = ws.slot(slot);
            final double[] g = c.g;
            int c0 = blk * ch;
            int cw = Math.min(ch, f - c0);
            // G = dA0ᵀ·x̂[:, block];  dW0 += γ⊙G + s⊗β;  dγ += Σ_o W0⊙G;  dβ += Σ_o W0·s_o
            Gemm.gemm(true, false, width, cw, n, 1.0, ws.dA, 0, width, ws.xsrc, ws.xsrcOff + c0, f, 0.0, g, 0, cw);
            final double[] gam = c.gam, bet = c.bet, wl = c.wl, gl = c.gl, gs = c.gs;
            System.arraycopy(p, gOff + c0, gam, 0, cw);
            System.arraycopy(p, bOff + c0, bet, 0, cw);
            // dγ and dβ of this block accumulate in zero-offset slices
            final double[] dgl = c.dgl, dbl = c.dbl;
            Arrays.fill(dgl, 0, cw, 0.0);
            Arrays.fill(dbl, 0, cw, 0.0);
            for (int o = 0; o < width; o++) {
                int wr = w0.offset() + o * f + c0;
                double so = ws.colsum[o];
                System.arraycopy(p, wr, wl, 0, cw);
                System.arraycopy(g, o * cw, gs, 0, cw);
                System.arraycopy(gr, wr, gl, 0, cw);
                for (int j = 0; j < cw; j++) gl[j] += gam[j] * gs[j] + bet[j] * so;
                System.arraycopy(gl, 0, gr, wr, cw);
                for (int j = 0; j < cw; j++) dgl[j] += wl[j] * gs[j];
                for (int j = 0; j < cw; j++) dbl[j] += wl[j] * so;
            }
            for (int j = 0; j < cw; j++) gr[gOff + c0 + j] += dgl[j];
            for (int j = 0; j < cw; j++) gr[bOff + c0 + j] += dbl[j];
        });
        if (dx != null) {
            // dx̂ = dA0·(W0⊙γ), then through the normalisation unless the input was x̂ already
            for (int c0 = 0; c0 < f; c0 += ws.chunk) {
                int cw = Math.min(ws.chunk, f - c0);
                for (int o = 0; o < width; o++) {
                    int wr = w0.offset() + o * f + c0;
                    for (int j = 0; j < cw; j++) ws.weff[o * cw + j] = p[wr + j] * p[gOff + c0 + j];
                }
                Gemm.gemm(false, false, n, cw, width, 1.0, ws.dA, 0, width, ws.weff, 0, cw, 0.0, dx, dxOff + c0, f);
            }
            if (!ws.normalizedInput) {
                for (int r = 0; r < n; r++) layerNormBackwardRow(dx, dxOff + r * f, ws.xhat, r * f, ws.rstd[r], f);
            }
        }
    }

    /**
     * x̂ = (x − mean)/√(var + ε) for one row (two-pass variance, stable for nearly constant rows);
     * returns 1/√(var + ε).
     */
    public static double normalizeRow(double[] x, int xOff, double[] out, int outOff, int f) {
        double mean = sum(x, xOff, f) / f;
        double v = sumSquaredDeviations(x, xOff, f, mean);
        double rstd = 1.0 / Math.sqrt(v / f + LN_EPS);
        // copy, then transform in place: one array, one index expression, so C2 vectorises it
        if (out != x || outOff != xOff) System.arraycopy(x, xOff, out, outOff, f);
        for (int j = outOff; j < outOff + f; j++) out[j] = (out[j] - mean) * rstd;
        return rstd;
    }

    // Reductions with four independent accumulators: a single running sum is bound by the
    // floating-point add latency (C2 does not reorder it), four chains run ~3-4x faster.

    static double sum(double[] a, int off, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += a[off + j];
            s1 += a[off + j + 1];
            s2 += a[off + j + 2];
            s3 += a[off + j + 3];
        }
        for (; j < len; j++) s0 += a[off + j];
        return (s0 + s1) + (s2 + s3);
    }

    static double sumSquaredDeviations(double[] a, int off, int len, double mean) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            double d0 = a[off + j] - mean, d1 = a[off + j + 1] - mean;
            double d2 = a[off + j + 2] - mean, d3 = a[off + j + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < len; j++) {
            double d = a[off + j] - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    static double dot(double[] a, int aOff, double[] b, int bOff, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += a[aOff + j] * b[bOff + j];
            s1 += a[aOff + j + 1] * b[bOff + j + 1];
            s2 += a[aOff + j + 2] * b[bOff + j + 2];
            s3 += a[aOff + j + 3] * b[bOff + j + 3];
        }
        for (; j < len; j++) s0 += a[aOff + j] * b[bOff + j];
        return (s0 + s1) + (s2 + s3);
    }

    /** In place: d ← rstd·(d − mean(d) − x̂·mean(d⊙x̂)), the LayerNorm input gradient from dx̂. */
    public static void layerNormBackwardRow(double[] d, int dOff, double[] xhat, int xOff, double rstd, int f) {
        double m1 = sum(d, dOff, f);
        double m2 = dot(d, dOff, xhat, xOff, f);
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
