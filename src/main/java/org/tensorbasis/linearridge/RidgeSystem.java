package org.tensorbasis.linearridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.tensorbasis.linalg.Cholesky;
import org.tensorbasis.linalg.Gemm;

/**
 * Ridge regression of one target block (λ, σ) with P properties for the equivariant linear model of
 * {@link RidgeWeights}: normal equations per group (one group per centre species for per-atom targets, block
 * diagonal; a single group for per-structure targets, see {@link StructureDesign}), a ridge chosen on validation
 * rows, and the final weights.
 *
 * <p><b>Normal equations.</b> Per group g, over the training samples s (with optional weights ω_s):
 * G = Σ_s ω_s Σ_μ X_{s,·μ} X_{s,·μ}ᵀ (F × F), b = Σ_s ω_s Σ_μ X_{s,·μ} y_{s,·μ} (F × P). Samples are buffered
 * feature-major (F × chunk, one column per (sample, μ)) and added with BLAS products ({@link Gemm}), the upper
 * triangle of G only, in parallel over row panels. The feature rows are never stored: memory is the Gram matrices
 * and the buffers ({@link #estimateBytes}).
 *
 * <p><b>Ridge.</b> Per-feature scaling to a unit diagonal, s_f = 1/√G_ff, then
 * (S G S + α I) w̃ = S b, w = S w̃ — equivalently a ridge penalty α Σ_f G_ff w_f² (each feature standardised by its
 * uncentred root sum of squares over the training components), so α is absolute and dimensionless. Solved with
 * {@link Cholesky}, one factorisation per (group, α). A feature whose diagonal is zero (never non-zero in the
 * training rows of the group) gets weight 0 and never produces NaN. A factorisation that fails (only possible
 * through round-off at a tiny α) gives NaN weights and an infinite validation error for that α.
 *
 * <p><b>Choice of α.</b> For every α of the grid ({@link #defaultGrid()}: 1e-10 … 1e2, one per decade) the weights
 * are fitted on the training rows; the validation rows, added after {@link #solve}, give the squared error of every
 * α at once. {@link #select(boolean)} keeps the α of least validation error — per group ({@code perGroup = true},
 * per-atom targets: each centre species its own α) or the pooled error of all groups. A group without validation
 * rows takes the pooled choice (the α minimising the error summed over the groups that have validation rows); if no
 * group has validation rows, the middle of the grid (index n/2, 1e-4 for the default grid). The final weights are
 * those fitted on the training rows with the chosen α — or, with {@link #refitValidation()}, fitted again with that α on
 * the training and validation rows together: the validation columns are added to the normal equations (or the kept
 * columns of the dual form) as they are scored, so the refit costs one factorisation per group, not another pass over
 * the features. Ties keep the smaller α.
 *
 * <p><b>Dual form.</b> While a group has fewer training columns m (samples × (2λ+1)) than features — few
 * structures, many λ-SOAP features — its columns are kept (m·F numbers, as long as m·F + m² ≤ F², so never more
 * memory than the Gram matrix) and the ridge is solved through the m × m kernel: w̃ = B̃ (B̃ᵀB̃ + α I)⁻¹ y with
 * B̃ = S B, one kernel product and one m × m Cholesky per α instead of an F × F one (QM7-X, 72 molecules, 7,248
 * features: 360 columns). The same weights as the normal equations, to round-off ({@code RidgeSystemTest}). A group
 * that outgrows the bound forms its Gram matrix from the kept columns and goes on in the primal form.
 *
 * <p>Lifecycle: {@link #addTraining} … → {@link #solve} → {@link #addValidation} … → {@link #select}. Not
 * thread-safe (compute features in parallel, feed them from one thread); the heavy steps use {@code threads}
 * threads internally.
 */
public final class RidgeSystem implements AutoCloseable {
    private enum Phase { TRAINING, VALIDATION, DONE }

    private final int groups, features, properties, components, chunk, threads;
    private final double[][] gram, rhs;           // [g] F×F (upper triangle valid), F×P
    private final double[][] buf, ybuf;           // [g] F×chunk feature-major, chunk×P
    private final int[] fill;                     // columns in the buffer of g
    private final long[] trainRows, valRows;
    private final double[][] valSse;              // [g][α]
    private final double[] valCount;              // [g] weighted number of validation components
    private double[] alphas;
    private double[][] wAll;                      // [g] [α][p][f]
    private int[] dropped;
    private Phase phase = Phase.TRAINING;
    private ForkJoinPool pool;
    private final boolean allowDual;
    private final List<List<double[]>> keptB = new ArrayList<>(), keptY = new ArrayList<>(); // [g] chunks of a dual group
    private final List<List<Integer>> keptCols = new ArrayList<>();
    private final long[] kept;                    // [g] columns kept (dual form), -1 once primal
    private boolean uniformScale;                 // one scale for all features (uniformScale())
    private boolean refit;                        // refitValidation(): keep the normal equations for a final fit
    private double[][] dualB, dualS, dualY;       // [g] with refit: a dual group's scaled columns F × m, their scales, targets
    private final List<List<double[]>> valB = new ArrayList<>(), valY = new ArrayList<>(); // [g] validation columns of a dual group
    private final List<List<Integer>> valCols = new ArrayList<>();
    private boolean[] refitted;                   // [g] weights refit on training + validation rows (select)
    private boolean leaveOneOut;                  // leaveOneOut(): choose α by the leave-one-sample-out error of dual groups
    private double[][] looSse;                    // [g][α] that error (null for a group without it)

    /**
     * @param groups     number of groups (centre species; 1 for per-structure targets)
     * @param features   F per sample
     * @param properties P
     * @param components 2λ+1
     * @param threads    threads for the Gram updates and the factorisations (≥ 1)
     */
    public RidgeSystem(int groups, int features, int properties, int components, int threads) {
        this(groups, features, properties, components, threads, true, 0);
    }

    /**
     * @param allowDual false: always the normal equations (tests compare both forms)
     * @param chunk     buffer columns, 0 for the default (tests make it small to pass from the dual to the primal form)
     */
    RidgeSystem(int groups, int features, int properties, int components, int threads, boolean allowDual, int chunk) {
        if (groups < 1 || features < 0 || properties < 1 || components < 1 || components % 2 == 0 || threads < 1) {
            throw new IllegalArgumentException("bad shape: groups " + groups + ", features " + features + ", properties " + properties
                + ", components " + components + ", threads " + threads);
        }
        if ((long) features * features > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("F = " + features + ": the F × F Gram matrix exceeds a Java array");
        }
        this.groups = groups;
        this.features = features;
        this.properties = properties;
        this.components = components;
        this.threads = threads;
        this.chunk = chunk > 0 ? chunk : chunkColumns(features, components);
        gram = new double[groups][];
        rhs = new double[groups][];
        buf = new double[groups][];
        ybuf = new double[groups][];
        fill = new int[groups];
        trainRows = new long[groups];
        valRows = new long[groups];
        valSse = new double[groups][];
        valCount = new double[groups];
        this.allowDual = allowDual;
        kept = new long[groups];
        for (int g = 0; g < groups; g++) {
            keptB.add(new ArrayList<>());
            keptY.add(new ArrayList<>());
            keptCols.add(new ArrayList<>());
            valB.add(new ArrayList<>());
            valY.add(new ArrayList<>());
            valCols.add(new ArrayList<>());
            if (!allowDual) kept[g] = -1;
        }
    }

    /** Whether m kept columns stay within the memory of the F × F Gram matrix (and below F, where the dual form pays). */
    private boolean dualFits(long m) {
        long f = features;
        return m < f && m * f + m * m <= f * f;
    }

    /** Buffer columns (sample × μ) per group: about 2^22 doubles per buffer, between 64 and 1024, a multiple of 2λ+1. */
    private static int chunkColumns(int features, int components) {
        long c = Math.max(64, Math.min(1024, (1L << 22) / Math.max(1, features)));
        return (int) Math.max(components, c / components * components);
    }

    /** The default ridge grid: 1e-10, 1e-9, …, 1e2. */
    public static double[] defaultGrid() {
        double[] g = new double[13];
        for (int k = 0; k < g.length; k++) g[k] = Math.pow(10, k - 10);
        return g;
    }

    /**
     * Bytes this system needs at most: the Gram matrices and right-hand sides of {@code groupsWithRows} groups
     * (8·(F² + F·P) each), their sample buffers (8·(F + P)·chunk each), one F × F factorisation copy per thread,
     * and the weights of every α (8·grid·P·F per group). The feature rows themselves are not stored (add them as they
     * are computed; storing them would be rows · F · (2λ+1) · 8 bytes more, see {@link #featureBytes}).
     */
    public static long estimateBytes(int groupsWithRows, int features, int properties, int components, int gridSize, int threads) {
        long f = features;
        long c = chunkColumns(features, components);
        long perGroup = 8 * (f * f + f * properties + (f + properties) * c + (long) gridSize * properties * f);
        return groupsWithRows * perGroup + threads * 8 * f * f;
    }

    /** Bytes to store the features of {@code rows} samples: rows · F · (2λ+1) · 8. */
    public static long featureBytes(long rows, int features, int components) {
        return rows * features * components * 8L;
    }

    public int groups() { return groups; }

    public int features() { return features; }

    public int properties() { return properties; }

    public int components() { return components; }

    /**
     * Adds training samples of one group.
     *
     * @param x       {@code samples} feature blocks, sample s at xOff + s·F·(2λ+1), F × (2λ+1) row-major
     * @param y       targets, sample s at yOff + s·P·(2λ+1), P × (2λ+1) row-major
     */
    public void addTraining(int group, double[] x, int xOff, double[] y, int yOff, int samples) {
        addTraining(group, x, xOff, y, yOff, samples, 1.0);
    }

    /** As {@link #addTraining(int, double[], int, double[], int, int)} with a weight ω &gt; 0 on each sample's squared error. */
    public void addTraining(int group, double[] x, int xOff, double[] y, int yOff, int samples, double weight) {
        if (phase != Phase.TRAINING) throw new IllegalStateException("training rows after solve()");
        add(group, x, xOff, y, yOff, samples, weight);
        trainRows[group] += samples;
    }

    /** Adds validation samples of one group (after {@link #solve}); layouts as in {@link #addTraining}. */
    public void addValidation(int group, double[] x, int xOff, double[] y, int yOff, int samples) {
        addValidation(group, x, xOff, y, yOff, samples, 1.0);
    }

    /** As {@link #addValidation(int, double[], int, double[], int, int)} with a weight ω &gt; 0 on each sample's squared error. */
    public void addValidation(int group, double[] x, int xOff, double[] y, int yOff, int samples, double weight) {
        if (phase != Phase.VALIDATION) throw new IllegalStateException(phase == Phase.TRAINING ? "validation rows before solve()" : "validation rows after select()");
        add(group, x, xOff, y, yOff, samples, weight);
        valRows[group] += samples;
        valCount[group] += weight * samples * properties * components;
    }

    private void add(int group, double[] x, int xOff, double[] y, int yOff, int samples, double weight) {
        if (group < 0 || group >= groups) throw new IndexOutOfBoundsException("group " + group + " of " + groups);
        if (!(weight > 0) || !Double.isFinite(weight)) throw new IllegalArgumentException("sample weight must be > 0, got " + weight);
        if (buf[group] == null) {
            buf[group] = new double[features * chunk];
            ybuf[group] = new double[chunk * properties];
        }
        final int F = features, P = properties, dm = components;
        // ω enters as √ω on x and y: training normal equations of Σ ω (y − Xw)², validation errors ω (y − Xw)²
        final double sw = Math.sqrt(weight);
        for (int s = 0; s < samples; s++) {
            if (fill[group] + dm > chunk) flush(group);
            final double[] b = buf[group], yb = ybuf[group];
            int c0 = fill[group], xo = xOff + s * F * dm, yo = yOff + s * P * dm;
            for (int f = 0; f < F; f++) {
                int bo = f * chunk + c0, xf = xo + f * dm;
                for (int mu = 0; mu < dm; mu++) b[bo + mu] = sw * x[xf + mu];
            }
            for (int mu = 0; mu < dm; mu++) {
                for (int p = 0; p < P; p++) yb[(c0 + mu) * P + p] = sw * y[yo + p * dm + mu];
            }
            fill[group] = c0 + dm;
        }
    }

    private ForkJoinPool pool() {
        if (pool == null) pool = new ForkJoinPool(threads);
        return pool;
    }

    /** Runs r on the internal pool (its parallel streams then use at most {@code threads} workers), or inline for 1 thread. */
    private void run(Runnable r) {
        if (threads == 1) {
            r.run();
        } else {
            pool().submit(r).join();
        }
    }

    private IntStream range(int n) {
        IntStream s = IntStream.range(0, n);
        return threads > 1 ? s.parallel() : s;
    }

    private void flush(int g) {
        int cols = fill[g];
        if (cols == 0) return;
        if (phase == Phase.TRAINING) {
            flushTraining(g, cols);
        } else {
            flushValidation(g, cols);
            if (refit && trainRows[g] > 0) {
                // the validation columns join the training ones for the final fit
                if (dualB != null && dualB[g] != null) {
                    valB.get(g).add(Arrays.copyOf(buf[g], buf[g].length));
                    valY.get(g).add(Arrays.copyOf(ybuf[g], ybuf[g].length));
                    valCols.get(g).add(cols);
                } else if (gram[g] != null) {
                    gramUpdate(g, buf[g], ybuf[g], cols);
                }
            }
        }
        fill[g] = 0;
    }

    /** Training columns: kept while the group's dual form fits, else added to the normal equations. */
    private void flushTraining(int g, int cols) {
        if (kept[g] >= 0 && dualFits(kept[g] + cols)) {
            keptB.get(g).add(Arrays.copyOf(buf[g], buf[g].length));
            keptY.get(g).add(Arrays.copyOf(ybuf[g], ybuf[g].length));
            keptCols.get(g).add(cols);
            kept[g] += cols;
            return;
        }
        if (kept[g] > 0) { // outgrew the dual form: its columns go into the Gram matrix first
            for (int c = 0; c < keptB.get(g).size(); c++) gramUpdate(g, keptB.get(g).get(c), keptY.get(g).get(c), keptCols.get(g).get(c));
        }
        keptB.get(g).clear();
        keptY.get(g).clear();
        keptCols.get(g).clear();
        kept[g] = -1;
        gramUpdate(g, buf[g], ybuf[g], cols);
    }

    /** G += B Bᵀ (upper triangle, row panels in parallel), b += B Y; B is F × chunk feature-major, Y chunk × P. */
    private void gramUpdate(int g, double[] B, double[] Y, int cols) {
        final int F = features, P = properties;
        if (gram[g] == null) {
            gram[g] = new double[F * F];
            rhs[g] = new double[F * P];
        }
        final double[] G = gram[g];
        final int panel = 64, panels = (F + panel - 1) / panel;
        Runnable work = () -> range(panels).forEach(k -> {
            int i0 = k * panel, rb = Math.min(panel, F - i0);
            Gemm.gemm(false, true, rb, F - i0, cols, 1.0, B, i0 * chunk, chunk, B, i0 * chunk, chunk, 1.0, G, i0 * F + i0, F);
        });
        if (F > 0) run(work);
        Gemm.gemm(false, false, F, P, cols, 1.0, B, 0, chunk, Y, 0, P, 1.0, rhs[g], 0, P);
    }

    /** Predictions of every α for the buffered columns, squared errors per α. */
    private void flushValidation(int g, int cols) {
        final int F = features, P = properties, na = alphas.length;
        final double[] yb = ybuf[g], sse = valSse[g];
        double[] pred = new double[na * P * cols];
        if (F > 0) Gemm.gemm(false, false, na * P, cols, F, 1.0, wAll[g], 0, F, buf[g], 0, chunk, 0.0, pred, 0, cols);
        for (int a = 0; a < na; a++) {
            double s = 0;
            for (int p = 0; p < P; p++) {
                int po = (a * P + p) * cols;
                for (int c = 0; c < cols; c++) {
                    double d = yb[c * P + p] - pred[po + c];
                    s += d * d;
                }
            }
            sse[a] += s;
        }
    }

    /**
     * Fits the weights of every α of the grid on the training rows (one Cholesky factorisation per group and α, in
     * parallel over them), then accepts validation rows.
     *
     * @param grid ridge values, &gt; 0, ascending
     */
    public void solve(double[] grid) {
        if (phase != Phase.TRAINING) throw new IllegalStateException("solve() called twice");
        if (grid.length == 0) throw new IllegalArgumentException("empty ridge grid");
        for (int k = 0; k < grid.length; k++) {
            if (!(grid[k] > 0) || !Double.isFinite(grid[k]) || (k > 0 && !(grid[k] > grid[k - 1]))) {
                throw new IllegalArgumentException("ridge grid must be positive, finite and ascending: " + Arrays.toString(grid));
            }
        }
        for (int g = 0; g < groups; g++) flush(g);
        alphas = grid.clone();
        final int F = features, P = properties, na = alphas.length;
        wAll = new double[groups][na * P * F];
        dropped = new int[groups];
        double[][] scale = new double[groups][];
        List<int[]> tasks = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            valSse[g] = new double[na];
            if (kept[g] > 0) {
                solveDual(g);
                continue;
            }
            if (gram[g] == null) {
                dropped[g] = F;  // no training rows: weights stay 0
                continue;
            }
            double[] s = new double[F], diag = new double[F];
            for (int f = 0; f < F; f++) diag[f] = gram[g][f * F + f];
            dropped[g] += scales(diag, s);
            if (uniformScale) uniform(s, gram[g], F);
            scale[g] = s;
            for (int a = 0; a < na; a++) tasks.add(new int[] {g, a});
        }
        if (F > 0) withBuffers(tasks.size(), F * F, (k, A) -> solveOne(tasks.get(k)[0], tasks.get(k)[1], scale[tasks.get(k)[0]], A));
        // the Gram matrices are no longer needed (unless for the refit): free them before the validation pass
        for (int g = 0; g < groups && !refit; g++) {
            gram[g] = null;
            rhs[g] = null;
        }
        phase = Phase.VALIDATION;
    }

    /**
     * Runs tasks 0 .. n−1 on the internal pool, each with a scratch array of {@code size} doubles taken from a pool of
     * one per concurrent worker (factorisation buffers are F² or m² doubles: one per task would not fit).
     */
    private void withBuffers(int n, int size, BufferTask task) {
        java.util.concurrent.LinkedBlockingQueue<double[]> work = new java.util.concurrent.LinkedBlockingQueue<>();
        for (int k = Math.min(threads, n); k > 0; k--) work.add(new double[size]);
        run(() -> range(n).forEach(k -> {
            double[] buf;
            try {
                buf = work.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                task.run(k, buf);
            } finally {
                work.add(buf);
            }
        }));
    }

    /** Task k of {@link #withBuffers}, with its scratch array. */
    private interface BufferTask {
        void run(int k, double[] buf);
    }

    /** The dual form of a group whose columns were kept: kernel of the scaled columns, one m × m Cholesky per α. */
    private void solveDual(int g) {
        final int F = features, P = properties, na = alphas.length;
        final int m = (int) kept[g];
        // the kept columns as one F × m matrix, each feature scaled by s_f = 1/√G_ff
        double[] B = new double[F * m];
        double[] y = new double[m * P];
        appendColumns(keptB.get(g), keptY.get(g), keptCols.get(g), B, y, m, 0);
        keptB.get(g).clear();
        keptY.get(g).clear();
        double[] s = new double[F];
        dropped[g] += columnScales(B, m, s);
        for (int f = 0; f < F; f++) for (int c = 0; c < m; c++) B[f * m + c] *= s[f];
        if (refit) {
            if (dualB == null) {
                dualB = new double[groups][];
                dualS = new double[groups][];
                dualY = new double[groups][];
            }
            dualB[g] = B;
            dualS[g] = s;
            dualY[g] = y;
        }
        double[] K = new double[m * m];
        Gemm.gemm(true, false, m, m, F, 1.0, B, 0, m, B, 0, m, 0.0, K, 0, m);
        double[] w = wAll[g];
        final boolean loo = leaveOneOut && m <= LOO_MAX_ROWS && m % components == 0 && m / components > 1;
        if (loo) {
            if (looSse == null) looSse = new double[groups][];
            looSse[g] = new double[na];
        }
        // the α in parallel, one m × m factorisation buffer per worker (as the primal form); with the leave-one-out error
        // a second m × m half holds L⁻¹
        withBuffers(na, loo ? 2 * m * m : m * m, (a, A) -> {
            System.arraycopy(K, 0, A, 0, m * m);
            for (int i = 0; i < m; i++) A[i * m + i] += alphas[a];
            if (!Cholesky.factor(A, m)) {
                for (int p = 0; p < P; p++) Arrays.fill(w, (a * P + p) * F, (a * P + p + 1) * F, Double.NaN);
                return;
            }
            double[] x = new double[m];
            double[] wt = new double[F];
            double[] xs = loo ? new double[m * P] : null;
            for (int p = 0; p < P; p++) {
                for (int c = 0; c < m; c++) x[c] = y[c * P + p];
                Cholesky.solve(A, m, x);
                if (loo) for (int c = 0; c < m; c++) xs[c * P + p] = x[c];
                Gemm.gemm(false, false, F, 1, m, 1.0, B, 0, m, x, 0, 1, 0.0, wt, 0, 1);
                int o = (a * P + p) * F;
                for (int f = 0; f < F; f++) w[o + f] = s[f] * wt[f];
            }
            if (loo) looSse[g][a] = leaveOneOutSse(A, m, components, xs, P, A, m * m);
        });
        kept[g] = -1;
    }

    /**
     * Σ_S Σ_p ‖([C⁻¹]_SS)⁻¹ x_S,p‖² over the samples S (blocks of {@code dim} consecutive columns) of a factored C = L Lᵀ (m × m),
     * x = C⁻¹ y (m × P): the leave-one-sample-out squared error ({@link #leaveOneOut()}). [C⁻¹]_SS = Zᵀ_S Z_S with Z = L⁻¹,
     * whose columns are found by forward substitution (m³/6) into {@code zt} from {@code zOff} (m² doubles of scratch);
     * NaN when a block is singular.
     */
    static double leaveOneOutSse(double[] l, int m, int dim, double[] x, int P, double[] zt, int zOff) {
        // Zᵀ, Z = L⁻¹: row j of zt is column j of Z (contiguous for both loops below); entries below j are never read
        for (int j = 0; j < m; j++) {
            int zj = zOff + j * m;
            zt[zj + j] = 1.0 / l[j * m + j];
            for (int i = j + 1; i < m; i++) {
                double t = 0;
                int ri = i * m;
                for (int k = j; k < i; k++) t -= l[ri + k] * zt[zj + k];
                zt[zj + i] = t / l[ri + i];
            }
        }
        double sse = 0;
        double[] block = new double[dim * dim], r = new double[dim];
        for (int c0 = 0; c0 < m; c0 += dim) {
            // [C⁻¹]_SS = Σ_k Z[k][c0+a] Z[k][c0+b] (Z is zero above its diagonal: k ≥ max(a, b) + c0)
            for (int a = 0; a < dim; a++) {
                for (int b = 0; b <= a; b++) {
                    double t = 0;
                    int za = zOff + (c0 + a) * m, zb = zOff + (c0 + b) * m;
                    for (int k = c0 + a; k < m; k++) t += zt[za + k] * zt[zb + k];
                    block[a * dim + b] = t;
                }
            }
            if (!Cholesky.factor(block, dim)) return Double.NaN;
            for (int p = 0; p < P; p++) {
                for (int a = 0; a < dim; a++) r[a] = x[(c0 + a) * P + p];
                Cholesky.solve(block, dim, r);
                for (int a = 0; a < dim; a++) sse += r[a] * r[a];
            }
        }
        return sse;
    }

    /**
     * Features whose sum of squares is at most this fraction of the group's largest are round-off, not signal (amplitudes
     * below 1e-12 of the largest feature's): they get weight 0. Scaled to a unit diagonal they would get weights of
     * 1/round-off (10¹⁸ was seen: the pseudoscalars of H atoms whose neighbours are nearly coplanar), and a rotated
     * structure, whose round-off differs, would get another prediction.
     */
    static final double NUMERICAL_ZERO = 1e-24;

    /** The per-feature scales 1/√diag_f, 0 for numerically zero features (see {@link #NUMERICAL_ZERO}); returns how many. */
    static int scales(double[] diag, double[] s) {
        double mx = 0;
        for (double d : diag) mx = Math.max(mx, d);
        int zero = 0;
        for (int f = 0; f < diag.length; f++) {
            if (diag[f] > NUMERICAL_ZERO * mx && diag[f] > 0) {
                s[f] = 1.0 / Math.sqrt(diag[f]);
            } else {
                s[f] = 0;
                zero++;
            }
        }
        return zero;
    }

    /** Copies chunks of buffered columns (F × chunk each) into B (F × m) and their targets into y from column c0 on. */
    private void appendColumns(List<double[]> bs, List<double[]> ys, List<Integer> cols, double[] B, double[] y, int m, int c0) {
        final int F = features, P = properties;
        for (int c = 0; c < bs.size(); c++) {
            int n = cols.get(c);
            double[] src = bs.get(c);
            for (int f = 0; f < F; f++) System.arraycopy(src, f * chunk, B, f * m + c0, n);
            System.arraycopy(ys.get(c), 0, y, c0 * P, n * P);
            c0 += n;
        }
    }

    /**
     * The scales of the dual form from its columns B (F × m): per feature ({@link #scales}), or with the uniform scale
     * one for all live features, 1/√(mean live diagonal of the implicit Gram matrix). Returns the features dropped.
     */
    private int columnScales(double[] B, int m, double[] s) {
        final int F = features;
        double[] diag = new double[F];
        for (int f = 0; f < F; f++) {
            double d = 0;
            for (int c = 0; c < m; c++) d += B[f * m + c] * B[f * m + c];
            diag[f] = d;
        }
        int zero = scales(diag, s);
        if (uniformScale) uniform(s, diag);
        return zero;
    }

    /** One scale for every live feature (s_f &gt; 0): 1/√(mean live diagonal of G). */
    private static void uniform(double[] s, double[] gram, int F) {
        double[] diag = new double[F];
        for (int f = 0; f < F; f++) diag[f] = gram[f * F + f];
        uniform(s, diag);
    }

    /** One scale for every live feature (s_f &gt; 0): 1/√(mean live diag). */
    private static void uniform(double[] s, double[] diag) {
        int F = diag.length;
        double sum = 0;
        int live = 0;
        for (int f = 0; f < F; f++) {
            if (s[f] > 0) {
                sum += diag[f];
                live++;
            }
        }
        double u = live > 0 ? 1.0 / Math.sqrt(sum / live) : 0.0;
        for (int f = 0; f < F; f++) if (s[f] > 0) s[f] = u;
    }

    /**
     * Fits the weights once more in {@link #select}, with the chosen α, on the training and validation rows together (call
     * before {@link #solve}). The α is relative to the normal matrix' diagonal, so it carries over to the larger system.
     * A group without validation rows keeps its weights; a failed factorisation keeps the training-only ones.
     */
    public RidgeSystem refitValidation() {
        if (phase != Phase.TRAINING) throw new IllegalStateException("refitValidation() after solve()");
        refit = true;
        return this;
    }

    /** Dual-form groups of at most this many columns get the leave-one-out error ({@link #leaveOneOut()}): it costs m³/6 per α and a second m² buffer per worker. */
    public static final int LOO_MAX_ROWS = 2048;

    /**
     * Chooses α by the leave-one-sample-out error on the training rows instead of the validation error, for the groups
     * solved in the dual form with at most {@link #LOO_MAX_ROWS} columns (call before {@link #solve}); other groups keep the
     * validation choice. A sample is the 2λ+1 columns of one {@code add} sample, so for per-structure designs it leaves out a
     * structure. Exact and closed-form: with C = K + αI and x = C⁻¹y, the error of sample S fitted without it is
     * ([C⁻¹]_SS)⁻¹ x_S (the ridge of the remaining rows is the same α; the feature scales stay those of all rows).
     */
    public RidgeSystem leaveOneOut() {
        if (phase != Phase.TRAINING) throw new IllegalStateException("leaveOneOut() after solve()");
        leaveOneOut = true;
        return this;
    }

    /** After {@link #solve}: the leave-one-out squared errors of group g per α (weighted as the fit), or null if not computed. */
    double[] leaveOneOutSse(int g) { return looSse == null ? null : looSse[g]; }

    /** After {@link #select}: whether group g's weights were refit on the training and validation rows. */
    public boolean refitted(int g) { return refitted != null && refitted[g]; }

    /** The weights of group g refit with ridge α on the training and validation rows (P × F), or null if it fails. */
    private double[] refitGroup(int g, double alpha, double[] A) {
        final int F = features, P = properties;
        double[] w = new double[P * F];
        if (dualB != null && dualB[g] != null) {
            // the dual form on the training columns (unscaled again) and the validation columns together
            double[] Bt = dualB[g], st = dualS[g], yt = dualY[g];
            int mt = Bt.length / Math.max(1, F), mv = 0;
            for (int c : valCols.get(g)) mv += c;
            int m = mt + mv;
            double[] B = new double[F * m], y = new double[m * P];
            for (int f = 0; f < F; f++) {
                double inv = st[f] > 0 ? 1.0 / st[f] : 0.0;
                for (int c = 0; c < mt; c++) B[f * m + c] = Bt[f * mt + c] * inv;
            }
            System.arraycopy(yt, 0, y, 0, mt * P);
            appendColumns(valB.get(g), valY.get(g), valCols.get(g), B, y, m, mt);
            double[] s = new double[F];
            columnScales(B, m, s);
            for (int f = 0; f < F; f++) for (int c = 0; c < m; c++) B[f * m + c] *= s[f];
            double[] K = new double[m * m];
            Gemm.gemm(true, false, m, m, F, 1.0, B, 0, m, B, 0, m, 0.0, K, 0, m);
            for (int i = 0; i < m; i++) K[i * m + i] += alpha;
            if (!Cholesky.factor(K, m)) return null;
            double[] x = new double[m], wt = new double[F];
            for (int p = 0; p < P; p++) {
                for (int c = 0; c < m; c++) x[c] = y[c * P + p];
                Cholesky.solve(K, m, x);
                Gemm.gemm(false, false, F, 1, m, 1.0, B, 0, m, x, 0, 1, 0.0, wt, 0, 1);
                for (int f = 0; f < F; f++) w[p * F + f] = s[f] * wt[f];
            }
            return w;
        }
        double[] G = gram[g];
        if (G == null) return null;
        double[] s = new double[F], diag = new double[F];
        for (int f = 0; f < F; f++) diag[f] = G[f * F + f];
        scales(diag, s);
        if (uniformScale) uniform(s, G, F);
        lowerScaled(G, s, alpha, A);
        if (!Cholesky.factor(A, F)) return null;
        double[] x = new double[F];
        for (int p = 0; p < P; p++) {
            for (int f = 0; f < F; f++) x[f] = s[f] * rhs[g][f * P + p];
            Cholesky.solve(A, F, x);
            for (int f = 0; f < F; f++) w[p * F + f] = s[f] * x[f];
        }
        return w;
    }

    /** The lower triangle of S G S + α I into A (Cholesky reads the lower triangle); G holds the upper one. */
    private void lowerScaled(double[] G, double[] s, double alpha, double[] A) {
        final int F = features;
        for (int i = 0; i < F; i++) {
            int ri = i * F;
            double si = s[i];
            for (int j = 0; j < i; j++) A[ri + j] = G[j * F + i] * si * s[j];
            A[ri + i] = (si > 0 ? G[ri + i] * si * si : 1.0) + alpha;
        }
    }

    /**
     * One scale for all features instead of one per feature (call before {@link #solve}): the penalty becomes
     * α · mean(G_ff) · ‖w‖², the ridge of a Gaussian-process prior. For features that are already whitened (the
     * Nyström features of {@link KernelFeatures}), where per-feature scaling would blow numerically empty directions
     * up to the weight of real ones.
     */
    public RidgeSystem uniformScale() {
        if (phase != Phase.TRAINING) throw new IllegalStateException("uniformScale() after solve()");
        uniformScale = true;
        return this;
    }

    private void solveOne(int g, int a, double[] s, double[] A) {
        final int F = features, P = properties;
        lowerScaled(gram[g], s, alphas[a], A);
        double[] w = wAll[g];
        if (!Cholesky.factor(A, F)) {
            for (int p = 0; p < P; p++) Arrays.fill(w, (a * P + p) * F, (a * P + p + 1) * F, Double.NaN);
            return;
        }
        double[] x = new double[F];
        for (int p = 0; p < P; p++) {
            for (int f = 0; f < F; f++) x[f] = s[f] * rhs[g][f * P + p];
            Cholesky.solve(A, F, x);
            int o = (a * P + p) * F;
            for (int f = 0; f < F; f++) w[o + f] = s[f] * x[f];
        }
    }

    /**
     * Chooses α (see the class comment) and returns the validation errors and the final weights.
     *
     * @param perGroup true: one α per group (per-atom targets); false: one α for all groups (their pooled error)
     */
    public RidgeResult select(boolean perGroup) {
        if (phase != Phase.VALIDATION) throw new IllegalStateException(phase == Phase.TRAINING ? "select() before solve()" : "select() called twice");
        for (int g = 0; g < groups; g++) flush(g);
        phase = Phase.DONE;
        final int na = alphas.length, F = features, P = properties;
        double[][] rmse = new double[groups][na];
        double[] pooledSse = new double[na], pooled = new double[na];
        double pooledCount = 0;
        for (int g = 0; g < groups; g++) {
            if (valRows[g] > 0) pooledCount += valCount[g];
            for (int a = 0; a < na; a++) {
                double e = valSse[g][a];
                if (Double.isNaN(e)) e = Double.POSITIVE_INFINITY;  // failed factorisation
                rmse[g][a] = valRows[g] > 0 ? Math.sqrt(e / valCount[g]) : Double.NaN;
                if (valRows[g] > 0) pooledSse[a] += e;
            }
        }
        for (int a = 0; a < na; a++) pooled[a] = pooledCount > 0 ? Math.sqrt(pooledSse[a] / pooledCount) : Double.NaN;
        int pooledBest = pooledCount > 0 ? argmin(pooled) : na / 2;
        // with leaveOneOut(): the pooled choice by the leave-one-out error when every group with training rows has it
        boolean[] byLoo = new boolean[groups];
        boolean allLoo = looSse != null;
        double[] pooledLoo = new double[na];
        for (int g = 0; g < groups && allLoo; g++) {
            if (trainRows[g] == 0) continue;
            if (looSse[g] == null) {
                allLoo = false;
                break;
            }
            for (int a = 0; a < na; a++) pooledLoo[a] += Double.isNaN(looSse[g][a]) ? Double.POSITIVE_INFINITY : looSse[g][a];
        }
        int[] chosen = new int[groups];
        boolean[] fallback = new boolean[groups];
        double[] w = new double[groups * P * F];
        for (int g = 0; g < groups; g++) {
            if (!perGroup && allLoo) {
                chosen[g] = argmin(pooledLoo);
                byLoo[g] = trainRows[g] > 0;
            } else if (perGroup && looSse != null && looSse[g] != null) {
                double[] e = looSse[g].clone();
                for (int a = 0; a < na; a++) if (Double.isNaN(e[a])) e[a] = Double.POSITIVE_INFINITY;
                chosen[g] = argmin(e);
                byLoo[g] = true;
            } else if (!perGroup) {
                chosen[g] = pooledBest;
                fallback[g] = valRows[g] == 0;
            } else if (valRows[g] > 0) {
                chosen[g] = argmin(rmse[g]);
            } else {
                chosen[g] = pooledBest;
                fallback[g] = true;
            }
            System.arraycopy(wAll[g], chosen[g] * P * F, w, g * P * F, P * F);
        }
        refitted = new boolean[groups];
        if (refit) {
            // the groups that saw validation rows, in parallel, one F × F buffer per worker for the primal ones
            List<Integer> todo = new ArrayList<>();
            boolean primal = false;
            for (int g = 0; g < groups; g++) {
                if (valRows[g] > 0 && trainRows[g] > 0) {
                    todo.add(g);
                    primal |= dualB == null || dualB[g] == null;
                }
            }
            withBuffers(todo.size(), primal ? F * F : 1, (k, A) -> {
                int g = todo.get(k);
                double[] r = refitGroup(g, alphas[chosen[g]], A);
                boolean ok = r != null;
                for (int j = 0; ok && j < r.length; j++) ok = Double.isFinite(r[j]);
                if (ok) {
                    System.arraycopy(r, 0, w, g * P * F, P * F);
                    refitted[g] = true;
                }
            });
            Arrays.fill(gram, null);
            Arrays.fill(rhs, null);
            dualB = null;
        }
        close();
        for (int k = 0; k < w.length; k++) if (Double.isNaN(w[k])) w[k] = 0.0;  // every α failed: no model rather than NaN
        return new RidgeResult(alphas.clone(), rmse, pooled, chosen, fallback, trainRows.clone(), valRows.clone(), dropped.clone(),
            new RidgeWeights(groups, P, F, components, w), byLoo);
    }

    /** Index of the smallest finite value (the first on ties); the middle of the grid if none is finite. */
    private static int argmin(double[] v) {
        int best = -1;
        for (int k = 0; k < v.length; k++) if (Double.isFinite(v[k]) && (best < 0 || v[k] < v[best])) best = k;
        return best < 0 ? v.length / 2 : best;
    }

    /** Weights fitted for grid entry {@code alphaIndex} (after {@link #solve}), [groups][P][F]; for diagnostics. */
    public RidgeWeights weightsAt(int alphaIndex) {
        if (phase == Phase.TRAINING) throw new IllegalStateException("weightsAt() before solve()");
        int PF = properties * features;
        double[] w = new double[groups * PF];
        for (int g = 0; g < groups; g++) System.arraycopy(wAll[g], alphaIndex * PF, w, g * PF, PF);
        return new RidgeWeights(groups, properties, features, components, w);
    }

    /** Shuts the internal thread pool down (also done by {@link #select}). */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }
}
