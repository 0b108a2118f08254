package org.tensorbasis.linearridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.tensorbasis.linalg.Cholesky;
import org.tensorbasis.linalg.Gemm;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.Irrep;

/**
 * The sparse environments of a kernel fit ({@code model.kernel.zeta} ≥ 1 of linear_ridge) and the training-time
 * features built from them: the sparse λ-SOAP kernel of SA-GPR (Grisafi et al., PRL 120, 036002 (2018)) in its
 * Nyström form, so that the ridge of {@link RidgeSystem} fits it unchanged.
 *
 * <p><b>Kernel.</b> Per environment, the block's λ-SOAP features X(i) (F × (2λ+1)) and the invariant ones p(i) (the
 * λ = 0 features without their constant) are scaled to unit length, X̂ = X/‖X‖, p̂ = p/‖p‖ (an invariant factor, so
 * X̂ is still exactly equivariant; an all-zero environment stays zero). Between environments of the same species,
 * k^λ_{μν}(i, j) = (p̂_i · p̂_j)^{ζ−1} Σ_f X̂_{fμ}(i) X̂_{fν}(j); for λ = 0 this is (p̂_i · p̂_j)^ζ, and p̂_i · p̂_j ≥ 0
 * (a Frobenius product of two positive semi-definite Gram matrices of density channels), so every integer ζ is a
 * valid kernel. Environments of different species do not see each other, unless {@code model.kernel.element_coupling}
 * c &gt; 0: then the kernel is one joint kernel over every element, k(i, j) × κ(s_i, s_j) with κ = 1 for one element and
 * c for two (κ = (1 − c) I + c 11ᵀ is positive semi-definite for 0 ≤ c ≤ 1), the sparse points of all elements form one
 * set, and the ridge fits one weight vector for all of them — the elements share what they learn (c = 1 is TENSOAP's
 * sum over all pairs of atoms, the centre element ignored).
 *
 * <p><b>Sparse points.</b> Per species, at most {@code sparse_points} training environments, chosen by farthest-point
 * sampling on p̂ (start: the first candidate; stop early when the rest are duplicates). Species with more than
 * {@link #CANDIDATES_PER_POINT} × sparse_points environments (at least {@link #MIN_CANDIDATES}) are subsampled first,
 * seeded, to bound the sampling's cost.
 *
 * <p><b>Nyström features.</b> With K_MM the (M·(2λ+1))² kernel of the sparse points of a species (plus a jitter of
 * 1e-8 of its mean diagonal) and K_MM = L Lᵀ, an environment's features are ψ(i) = L⁻¹ k(M, i): M·(2λ+1) features of
 * 2λ+1 components each, every one an order-λ tensor because k(M, i) transforms as X̂(i) does in its μ index. A ridge
 * on ψ with one uniform scale ({@link RidgeSystem#uniformScale}) is sparse GPR (the projected process):
 * (ΦᵀΦ + α K_MM) a = Φᵀ y with Φ the kernel design and a = L⁻ᵀ w. Per-structure targets sum k over the atoms of a
 * structure before the (linear) whitening, per species ({@link StructureDesign}). {@link #predictor} folds the fit
 * back into {@link KernelWeights}.
 */
final class SparseKernel {
    /** Candidates per sparse point before subsampling. */
    static final int CANDIDATES_PER_POINT = 8;
    static final int MIN_CANDIDATES = 4000;
    static final double JITTER = 1e-8;

    final int zeta;
    final int species;
    final BlockFeatures scalar;
    final int scalarFeatures;
    /** Per species: the sparse points' p̂, M_g × F0, and where they are (structure index, atom) in the training list. */
    final double[][] sparseScalar;
    final int[][] where;
    final int[] candidates;
    /** The model's elements; with a joint kernel {@link #species} is 1 (one set of sparse points) and this is larger. */
    final int elements;
    /** κ between two elements (model.kernel.element_coupling); 0 = separate kernels. */
    final double coupling;
    /** With a joint kernel: the element of every sparse point; else null. */
    final int[] pointSpecies;
    /** Sparse points chosen per element (for the log). */
    final int[] chosen;

    private SparseKernel(int zeta, BlockFeatures scalar, double[][] sparseScalar, int[][] where, int[] candidates, int elements,
                         double coupling, int[] pointSpecies, int[] chosen) {
        this.zeta = zeta;
        this.species = sparseScalar.length;
        this.scalar = scalar;
        this.scalarFeatures = scalar.features();
        this.sparseScalar = sparseScalar;
        this.where = where;
        this.candidates = candidates;
        this.elements = elements;
        this.coupling = coupling;
        this.pointSpecies = pointSpecies;
        this.chosen = chosen;
    }

    int count(int g) { return where[g].length / 2; }

    /** Whether this is one joint kernel over every element. */
    boolean joint() { return pointSpecies != null; }

    /** κ(a, b): 1 for one element, the coupling for two. */
    double coupling(int a, int b) { return a == b ? 1.0 : coupling; }

    /** The kernel's group of an atom of element g (0 for every atom of a joint kernel). */
    int group(int g) { return joint() ? 0 : g; }

    int maxCount() {
        int m = 0;
        for (int g = 0; g < species; g++) m = Math.max(m, count(g));
        return m;
    }

    /** The invariant features of a kernel model: λ = 0, σ = +1 of the model's expansion. */
    static BlockFeatures scalarFeatures(LinearRidgeModel model) {
        return BlockFeatures.of(model.expansion(), new Irrep(0, 1));
    }

    /** Whether the block's first feature is the linear model's constant (λ = 0, σ = +1), which the kernel leaves out. */
    static boolean hasConstant(Irrep irrep) {
        return irrep.lambda() == 0 && irrep.sigma() == 1;
    }

    /**
     * Scales every row of {@code rows} rows of length len at off to unit length (zero rows stay zero); with
     * {@code dropFirst} the first entry of each row is set to 0 first.
     */
    static void normalize(double[] x, int off, int rows, int len, boolean dropFirst) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * len;
            if (dropFirst && len > 0) x[o] = 0.0;
            double s = 0;
            for (int k = 0; k < len; k++) s += x[o + k] * x[o + k];
            if (s > 0) {
                double inv = 1.0 / Math.sqrt(s);
                for (int k = 0; k < len; k++) x[o + k] *= inv;
            }
        }
    }

    /**
     * Below this fraction of the atom's density scale a block's features are round-off, not signal: the axial vectors and
     * pseudoscalars of a site where symmetry makes them vanish come out as ~1e-17 of it, and scaled to unit length they
     * would be noise of size 1 that a rotated structure draws differently.
     */
    static final double NUMERICAL_ZERO = 1e-12;

    /**
     * Sets to zero the rows of a block's raw features (the linear model's) that are round-off by the rule of
     * {@link #normalize(BlockFeatures, Irrep, double[], int, int, double[], int, double)}; other rows are unchanged. λ = 0, σ = +1
     * rows are never round-off (they are the density scale).
     */
    static void zeroRoundOff(BlockFeatures bf, Irrep irrep, double[] x, int off, int rows, double[] pNorm) {
        if (hasConstant(irrep)) return;
        int len = bf.rowSize(), prefix = bf.normalizedFeatures() * bf.components();
        for (int r = 0; r < rows; r++) {
            int o = off + r * len;
            double s = 0;
            for (int k = 0; k < prefix; k++) s += x[o + k] * x[o + k];
            if (Math.sqrt(s) <= NUMERICAL_ZERO * Math.pow(pNorm[r], 0.5 * bf.degree())) java.util.Arrays.fill(x, o, o + prefix, 0.0);
        }
    }

    /**
     * Scale below which the kernel's normalisation shrinks a block's features instead of scaling them to unit length, as
     * a fraction of the atom's density scale. Why 1e-3 and not smaller: below it X̂ ≈ X / η, so the absolute round-off of X
     * (1e-16 … 1e-14 of the scale, from the cancelling terms of a site a hair from a symmetric one) reaches the
     * predictions multiplied by 1/η; with 1e-6 the axial Born-charge kernels' predictions of such sites moved by ~1e-9 of
     * the typical prediction under rotation (the symmetry check's tolerance is 1e-10), with 1e-3 by ~4e-12. Kernel
     * results on molecules moved by 1e-7 relative (docs/results.md). The model file records it ({@code soft_normalization}).
     */
    static final double SOFT = 1e-3;

    /** The value of {@link #SOFT} in files that do not record it (written with the first soft normalisation). */
    static final double LEGACY_SOFT = 1e-6;

    /** ‖p‖ per row of the raw invariant features (without the constant), the density scale of each atom. */
    static double[] invariantNorms(double[] p, int off, int rows, int f0) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int k = 1; k < f0; k++) s += p[off + r * f0 + k] * p[off + r * f0 + k];
            out[r] = Math.sqrt(s);
        }
        return out;
    }

    /**
     * Normalises {@code rows} feature rows of a block for the kernel: the block's own λ-SOAP part X to X / √(‖X‖² + η²)
     * with η = {@code soft} × ‖p‖^{degree/2} ({@code pNorm}: the atoms' {@link #invariantNorms}; {@code soft}: {@link #SOFT}
     * when fitting, the model file's value when predicting) — unit length where X is
     * signal, shrunk where it is smaller than η, and zero below {@link #NUMERICAL_ZERO} × the scale (round-off: symmetry
     * zeros) — without the constant of λ = 0, σ = +1; position
     * features ({@link PositionFeatures}) keep their length.
     */
    static void normalize(BlockFeatures bf, Irrep irrep, double[] x, int off, int rows, double[] pNorm, int pOff, double soft) {
        int len = bf.rowSize(), prefix = bf.normalizedFeatures() * bf.components();
        boolean dropFirst = hasConstant(irrep);
        for (int r = 0; r < rows; r++) {
            int o = off + r * len;
            if (dropFirst && prefix > 0) x[o] = 0.0;
            double s = 0;
            for (int k = 0; k < prefix; k++) s += x[o + k] * x[o + k];
            // soft: features well above SOFT × the scale get unit length, round-off far below it stays round-off-sized
            // (noise of 1e-17 of the scale becomes 1e-14, not 1); the denominator is invariant, so X̂ is exactly a tensor
            double scale = Math.pow(pNorm[pOff + r], 0.5 * bf.degree());
            double eta = soft * scale;
            double d = s + eta * eta;
            // below NUMERICAL_ZERO × the scale the features are round-off: exactly zero
            double inv = d > 0 && Math.sqrt(s) > NUMERICAL_ZERO * scale ? 1.0 / Math.sqrt(d) : 0.0;
            for (int k = 0; k < prefix; k++) x[o + k] *= inv;
        }
    }

    /** Bytes of one block's sparse-point features (every block's are held during the fit). */
    static long featureBytes(int species, int points, int features, int components) {
        return species * (long) points * components * features * 8L;
    }

    /** Bytes of one block's kernel matrices while they are factored (the kernel and its factor, per element). */
    static long factorBytes(int species, int points, int components) {
        long n = (long) points * components;
        return species * 2L * n * n * 8L;
    }

    /** Chooses the sparse points of every species among the training structures. */
    static SparseKernel select(LinearRidgeModel model, List<Structure> train, int zeta, int points, long seed, int threads) {
        return select(model, train, zeta, points, 0.0, seed, threads);
    }

    /**
     * Chooses the sparse points of every species among the training structures (farthest points per element); with a
     * coupling c &gt; 0 they then form one joint set.
     */
    static SparseKernel select(LinearRidgeModel model, List<Structure> train, int zeta, int points, double coupling, long seed, int threads) {
        int ns = model.species().length;
        BlockFeatures scalar = scalarFeatures(model);
        int f0 = scalar.features();
        // candidates per species: (structure, atom), subsampled when there are many
        List<List<int[]>> cand = new ArrayList<>();
        for (int g = 0; g < ns; g++) cand.add(new ArrayList<>());
        for (int k = 0; k < train.size(); k++) {
            int[] gr = model.groups(train.get(k));
            for (int i = 0; i < gr.length; i++) cand.get(gr[i]).add(new int[] {k, i});
        }
        int cap = Math.max(MIN_CANDIDATES, CANDIDATES_PER_POINT * points);
        int[] total = new int[ns];
        for (int g = 0; g < ns; g++) {
            List<int[]> c = cand.get(g);
            total[g] = c.size();
            if (c.size() > cap) {
                SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + g);
                for (int a = c.size() - 1; a > 0; a--) java.util.Collections.swap(c, a, rng.nextInt(a + 1));
                List<int[]> keep = new ArrayList<>(c.subList(0, cap));
                keep.sort((x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]));
                cand.set(g, keep);
            }
        }
        // p̂ of every candidate, a structure at a time
        double[][] ph = new double[ns][];
        int[][] slot = new int[train.size()][];
        for (int g = 0; g < ns; g++) {
            ph[g] = new double[Math.multiplyExact(cand.get(g).size(), f0)];
            for (int c = 0; c < cand.get(g).size(); c++) {
                int[] e = cand.get(g).get(c);
                if (slot[e[0]] == null) {
                    slot[e[0]] = new int[train.get(e[0]).size()];
                    Arrays.fill(slot[e[0]], -1);
                }
                slot[e[0]][e[1]] = c;
            }
        }
        parallel(model, train, slot, threads, (k, ws) -> {
            Structure s = train.get(k);
            int n = s.size();
            double[] x = new double[n * f0];
            scalar.fromExpansions(ws.blocks, 0, n, x, 0);
            normalize(x, 0, n, f0, true);
            int[] gr = model.groups(s);
            for (int i = 0; i < n; i++) if (slot[k][i] >= 0) System.arraycopy(x, i * f0, ph[gr[i]], slot[k][i] * f0, f0);
        });
        double[][] sparse = new double[ns][];
        int[][] where = new int[ns][];
        for (int g = 0; g < ns; g++) {
            int[] chosen = farthestPoints(ph[g], cand.get(g).size(), f0, points);
            sparse[g] = new double[chosen.length * f0];
            where[g] = new int[2 * chosen.length];
            for (int m = 0; m < chosen.length; m++) {
                System.arraycopy(ph[g], chosen[m] * f0, sparse[g], m * f0, f0);
                int[] e = cand.get(g).get(chosen[m]);
                where[g][2 * m] = e[0];
                where[g][2 * m + 1] = e[1];
            }
        }
        int[] chosen = new int[ns];
        for (int g = 0; g < ns; g++) chosen[g] = where[g].length / 2;
        if (coupling <= 0) return new SparseKernel(zeta, scalar, sparse, where, total, ns, 0.0, null, chosen);
        // one joint set, element by element
        int all = 0;
        for (int c : chosen) all += c;
        double[] js = new double[Math.multiplyExact(all, f0)];
        int[] jw = new int[2 * all], ps = new int[all];
        for (int g = 0, at = 0; g < ns; g++) {
            System.arraycopy(sparse[g], 0, js, at * f0, chosen[g] * f0);
            System.arraycopy(where[g], 0, jw, 2 * at, 2 * chosen[g]);
            java.util.Arrays.fill(ps, at, at + chosen[g], g);
            at += chosen[g];
        }
        return new SparseKernel(zeta, scalar, new double[][] {js}, new int[][] {jw}, total, ns, coupling, ps, chosen);
    }

    /**
     * Farthest-point sampling of up to {@code points} of {@code n} unit rows (distance² = 2 − 2 p̂·p̂'), from row 0;
     * stops early when every remaining row duplicates a chosen one (distance² ≤ 1e-12).
     */
    static int[] farthestPoints(double[] rows, int n, int len, int points) {
        if (n <= points) {
            int[] all = new int[n];
            for (int k = 0; k < n; k++) all[k] = k;
            return dedupe(rows, all, len);
        }
        double[] minD = new double[n];
        Arrays.fill(minD, Double.POSITIVE_INFINITY);
        double[] dot = new double[n];
        int[] out = new int[points];
        int count = 0, next = 0;
        while (count < points) {
            out[count++] = next;
            Gemm.gemm(false, false, n, 1, len, 1.0, rows, 0, len, rows, next * len, 1, 0.0, dot, 0, 1);
            int best = -1;
            double bestD = -1;
            for (int k = 0; k < n; k++) {
                double d = Math.max(0.0, 2.0 - 2.0 * dot[k]);
                if (d < minD[k]) minD[k] = d;
                if (minD[k] > bestD) {
                    bestD = minD[k];
                    best = k;
                }
            }
            if (bestD <= 1e-12) break;
            next = best;
        }
        return Arrays.copyOf(out, count);
    }

    /** Drops rows that duplicate an earlier kept one (all rows kept when there are few). */
    private static int[] dedupe(double[] rows, int[] idx, int len) {
        int[] keep = new int[idx.length];
        int kept = 0;
        for (int a : idx) {
            boolean dup = false;
            for (int b = 0; b < kept && !dup; b++) {
                double d = 0;
                for (int f = 0; f < len; f++) {
                    double e = rows[a * len + f] - rows[keep[b] * len + f];
                    d += e * e;
                }
                dup = d <= 1e-12;
            }
            if (!dup) keep[kept++] = a;
        }
        return Arrays.copyOf(keep, kept);
    }

    /**
     * The sparse points' normalised features of every block of the model, [block][species] (M_g·(2λ+1)) × F with rows
     * (m, ν), computed in one pass over their structures; {@link #features} turns one block's into its kernel features.
     */
    double[][][] sparseFeatures(LinearRidgeModel model, List<Structure> train, int threads) {
        int nb = model.blocks().size();
        double[][][] xt = new double[nb][species][];
        for (int b = 0; b < nb; b++) {
            BlockFeatures raw = model.features(b);
            for (int g = 0; g < species; g++) xt[b][g] = new double[Math.multiplyExact(count(g) * raw.components(), raw.features())];
        }
        // where each sparse point sits: slot[k][i] = g · 2^20 + m
        int[][] slot = new int[train.size()][];
        for (int g = 0; g < species; g++) {
            for (int m = 0; m < count(g); m++) {
                int k = where[g][2 * m], i = where[g][2 * m + 1];
                if (slot[k] == null) {
                    slot[k] = new int[train.get(k).size()];
                    Arrays.fill(slot[k], -1);
                }
                slot[k][i] = g << 20 | m;
            }
        }
        parallel(model, train, slot, threads, (k, ws) -> {
            Structure s = train.get(k);
            int n = s.size();
            double[] centred = null;
            double[] p0 = new double[n * scalarFeatures];
            scalar.fromExpansions(ws.blocks, 0, n, p0, 0);
            double[] pNorm = invariantNorms(p0, 0, n, scalarFeatures);
            for (int b = 0; b < nb; b++) {
                BlockFeatures raw = model.features(b);
                int F = raw.features(), C = raw.components(), row = F * C;
                double[] x = new double[n * row];
                if (raw.usesPositions()) {
                    if (centred == null) {
                        centred = new double[3 * n];
                        s.centredPositions(centred, 0);
                    }
                    raw.fromStructure(ws.blocks, model.groups(s), centred, 0, n, x, 0);
                } else {
                    raw.fromExpansions(ws.blocks, 0, n, x, 0);
                }
                for (int i = 0; i < n; i++) {
                    if (slot[k][i] < 0) continue;
                    int g = slot[k][i] >>> 20, m = slot[k][i] & 0xFFFFF;
                    normalize(raw, model.blocks().get(b).irrep(), x, i * row, 1, pNorm, i, model.kernelSoft());
                    // transpose F × C into the rows (m, ν) of Xt
                    for (int f = 0; f < F; f++) for (int nu = 0; nu < C; nu++) xt[b][g][(m * C + nu) * F + f] = x[i * row + f * C + nu];
                }
            }
        });
        return xt;
    }

    /** The kernel features of block b (its kernels factored now, so that only one block's factors are held at a time). */
    KernelFeatures features(LinearRidgeModel model, int b, double[][] sparseFeatures) {
        return new KernelFeatures(this, model.features(b), model.blocks().get(b).irrep(), sparseFeatures, model.kernelSoft());
    }

    /** Every block's kernel features at once (tests). */
    KernelFeatures[] blocks(LinearRidgeModel model, List<Structure> train, int threads) {
        double[][][] xt = sparseFeatures(model, train, threads);
        KernelFeatures[] out = new KernelFeatures[xt.length];
        for (int b = 0; b < xt.length; b++) out[b] = features(model, b, xt[b]);
        return out;
    }

    private interface StructureTask {
        void run(int k, LinearRidgeModel.Workspace ws);
    }

    /** Runs the task on every structure k with {@code slot[k] != null}, its expansion in the workspace, in parallel. */
    private static void parallel(LinearRidgeModel model, List<Structure> train, int[][] slot, int threads, StructureTask task) {
        int[] todo = IntStream.range(0, train.size()).filter(k -> slot[k] != null).toArray();
        ThreadLocal<LinearRidgeModel.Workspace> workspaces = ThreadLocal.withInitial(() -> model.new Workspace());
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(() -> Arrays.stream(todo).parallel().forEach(k -> {
                LinearRidgeModel.Workspace ws = workspaces.get();
                ws.expand(train.get(k));
                task.run(k, ws);
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The kernel features of one block: raw kernel rows k(M_g, i) from {@link #fromExpansions(double[][], int[], int, int,
     * double[], int)}, whitened by L_g⁻¹ ({@link #whitenBatch}) before they reach the ridge.
     * Thread-safe after construction.
     */
    static final class KernelFeatures implements BlockFeatures {
        private final SparseKernel kernel;
        private final BlockFeatures raw;
        private final Irrep irrep;
        private final int F, C, width;
        private final double[][] xt;     // [g] (M_g·C) × F, rows (m, ν) = X̂_m[·, ν]
        private final double[][] chol;   // [g] lower factor of K_MM + jitter, n_g × n_g
        private final double soft;       // the normalisation's soft scale (model.kernel.soft_normalization)

        KernelFeatures(SparseKernel kernel, BlockFeatures raw, Irrep irrep, double[][] xt, double soft) {
            this.kernel = kernel;
            this.soft = soft;
            this.raw = raw;
            this.irrep = irrep;
            this.F = raw.features();
            this.C = raw.components();
            this.width = kernel.maxCount() * C;
            this.xt = xt;
            this.chol = new double[kernel.species][];
            for (int g = 0; g < kernel.species; g++) chol[g] = factor(g);
        }

        /** L of K_MM + jitter for species g (K_MM: t(m, m') · X̂_m[·, ν] · X̂_m'[·, ν']). */
        private double[] factor(int g) {
            int m = kernel.count(g), n = m * C, f0 = kernel.scalarFeatures;
            if (n == 0) return new double[0];
            double[] k = new double[n * n];
            Gemm.syrkLower(false, n, F, 1.0, xt[g], 0, F, 0.0, k, 0, n);
            double[] t = new double[m * m];
            Gemm.gemm(false, true, m, m, f0, 1.0, kernel.sparseScalar[g], 0, f0, kernel.sparseScalar[g], 0, f0, 0.0, t, 0, m);
            double trace = 0;
            int[] ps = kernel.pointSpecies;
            for (int r = 0; r < n; r++) {
                int mr = r / C;
                for (int c = 0; c <= r; c++) {
                    double kap = ps == null ? 1.0 : kernel.coupling(ps[mr], ps[c / C]);
                    k[r * n + c] *= kap * KernelWeights.power(t[mr * m + c / C], kernel.zeta);
                }
                trace += k[r * n + r];
            }
            double jitter = JITTER * Math.max(trace / n, 1e-300);
            double[] a = new double[n * n];
            for (int attempt = 0; attempt < 8; attempt++, jitter *= 100) {
                System.arraycopy(k, 0, a, 0, n * n);
                for (int r = 0; r < n; r++) a[r * n + r] += jitter;
                if (Cholesky.factor(a, n)) return a;
            }
            throw new IllegalStateException("the sparse kernel of species " + g + " is not positive definite even with a jitter of " + jitter);
        }

        @Override
        public int features() { return width; }

        @Override
        public int components() { return C; }

        @Override
        public void fromExpansions(double[][] expansions, int from, int to, double[] out, int outOff) {
            throw new UnsupportedOperationException("kernel features need the atoms' species");
        }

        @Override
        public boolean usesPositions() { return raw.usesPositions(); }

        @Override
        public void fromExpansions(double[][] expansions, int[] groups, int from, int to, double[] out, int outOff) {
            fromStructure(expansions, groups, null, from, to, out, outOff);
        }

        @Override
        public void fromStructure(double[][] expansions, int[] groups, double[] centred, int from, int to, double[] out, int outOff) {
            int n = to - from, row = F * C, f0 = kernel.scalarFeatures;
            double[] x = new double[n * row];
            double[] p = new double[n * f0];
            if (raw.usesPositions()) raw.fromStructure(expansions, groups, centred, from, to, x, 0);
            else raw.fromExpansions(expansions, from, to, x, 0);
            kernel.scalar.fromExpansions(expansions, from, to, p, 0);
            normalize(raw, irrep, x, 0, n, invariantNorms(p, 0, n, f0), 0, soft);
            normalize(p, 0, n, f0, true);
            java.util.Arrays.fill(out, outOff, outOff + n * width * C, 0.0);
            for (int g = 0; g < kernel.species; g++) {
                int m = kernel.count(g), cnt = 0;
                if (m == 0) continue;
                for (int a = 0; a < n; a++) if (kernel.group(groups[from + a]) == g) cnt++;
                if (cnt == 0) continue;
                // the atoms of species g side by side: Xg (F × cnt·C), their invariants Pg (cnt × F0)
                int[] atom = new int[cnt];
                double[] xg = new double[F * cnt * C], pg = new double[cnt * f0];
                for (int a = 0, c = 0; a < n; a++) {
                    if (kernel.group(groups[from + a]) != g) continue;
                    atom[c] = a;
                    for (int f = 0; f < F; f++) System.arraycopy(x, a * row + f * C, xg, f * cnt * C + c * C, C);
                    System.arraycopy(p, a * f0, pg, c * f0, f0);
                    c++;
                }
                // t (cnt × M) = Pg P̂_gᵀ, k (n_g × cnt·C) = Xt_g Xg: one product each for all the atoms
                double[] t = new double[cnt * m];
                Gemm.gemm(false, true, cnt, m, f0, 1.0, pg, 0, f0, kernel.sparseScalar[g], 0, f0, 0.0, t, 0, m);
                for (int e = 0; e < t.length; e++) t[e] = KernelWeights.power(t[e], kernel.zeta);
                if (kernel.joint()) {
                    for (int c = 0; c < cnt; c++) {
                        int sa = groups[from + atom[c]];
                        for (int q = 0; q < m; q++) t[c * m + q] *= kernel.coupling(sa, kernel.pointSpecies[q]);
                    }
                }
                double[] k = new double[m * C * cnt * C];
                Gemm.gemm(false, false, m * C, cnt * C, F, 1.0, xt[g], 0, F, xg, 0, cnt * C, 0.0, k, 0, cnt * C);
                for (int c = 0; c < cnt; c++) {
                    int o = outOff + atom[c] * width * C;
                    for (int r = 0; r < m * C; r++) {
                        double tq = t[c * m + r / C];
                        int src = r * cnt * C + c * C, dst = o + r * C;
                        for (int mu = 0; mu < C; mu++) out[dst + mu] = tq * k[src + mu];
                    }
                }
            }
        }

        @Override
        public boolean whitensInBatches() { return true; }

        /**
         * Whitens many rows at once, one triangular solve per species over all of them (BLAS level 3): per-atom rows
         * ({@code groups} the species of each row's sample) or, with {@code groups == null}, per-structure design rows
         * (S slices each). Rows are {@link #rowSize()} (per atom) or S · rowSize() (design) doubles.
         */
        @Override
        public void whitenBatch(java.util.List<double[]> rows, java.util.List<int[]> groups, int threads) {
            int S = kernel.species, rs = width * C;
            java.util.stream.IntStream.range(0, S).parallel().forEach(g -> {
                int n = kernel.count(g) * C;
                if (n == 0) return;
                // the (row, offset) pairs of species g
                java.util.List<int[]> at = new java.util.ArrayList<>();
                for (int r = 0; r < rows.size(); r++) {
                    if (groups == null) {
                        at.add(new int[] {r, g * rs});
                    } else {
                        int[] gr = groups.get(r);
                        for (int a = 0; a < gr.length; a++) if (kernel.group(gr[a]) == g) at.add(new int[] {r, a * rs});
                    }
                }
                int cols = at.size() * C;
                if (cols == 0) return;
                double[] b = new double[n * cols];
                for (int q = 0; q < at.size(); q++) {
                    double[] src = rows.get(at.get(q)[0]);
                    int o = at.get(q)[1];
                    for (int r = 0; r < n; r++) System.arraycopy(src, o + r * C, b, r * cols + q * C, C);
                }
                Cholesky.forwardColumns(chol[g], n, b, 0, cols);
                for (int q = 0; q < at.size(); q++) {
                    double[] dst = rows.get(at.get(q)[0]);
                    int o = at.get(q)[1];
                    for (int r = 0; r < n; r++) System.arraycopy(b, r * cols + q * C, dst, o + r * C, C);
                }
            });
        }

        /** The fitted model: per-atom-form weights w [S][P][M_max·C] on ψ folded into U (see {@link KernelWeights}). */
        KernelWeights predictor(RidgeWeights w) {
            int P = w.properties();
            double[][] u = new double[kernel.species][];
            for (int g = 0; g < kernel.species; g++) {
                int m = kernel.count(g), n = m * C;
                u[g] = new double[m * P * F];
                double[] a = new double[n];
                for (int p = 0; p < P; p++) {
                    for (int j = 0; j < n; j++) a[j] = w.weight(g, p, j);
                    Cholesky.backward(chol[g], n, a);
                    for (int q = 0; q < m; q++) {
                        int uo = (q * P + p) * F;
                        for (int nu = 0; nu < C; nu++) {
                            double an = a[q * C + nu];
                            if (an == 0.0) continue;
                            int xo = (q * C + nu) * F;
                            for (int f = 0; f < F; f++) u[g][uo + f] += an * xt[g][xo + f];
                        }
                    }
                }
            }
            if (!kernel.joint()) return new KernelWeights(kernel.zeta, P, F, C, kernel.scalarFeatures, kernel.sparseScalar, u);
            // a joint kernel, κ(s, s_m) = c + (1 − c) [s = s_m]: c·U over every point, shared by all elements, plus
            // (1 − c)·U over each element's own points (none for c = 1)
            int S = kernel.elements, m = kernel.count(0), f0 = kernel.scalarFeatures, pf = P * F;
            double c = kernel.coupling;
            double[] shared = u[0].clone();
            for (int j = 0; j < shared.length; j++) shared[j] *= c;
            double[][] us = new double[S][], sc = new double[S][];
            for (int e = 0; e < S; e++) {
                int own = 0;
                if (c < 1.0) for (int q = 0; q < m; q++) if (kernel.pointSpecies[q] == e) own++;
                sc[e] = new double[own * f0];
                us[e] = new double[own * pf];
                for (int q = 0, k = 0; k < own; q++) {
                    if (kernel.pointSpecies[q] != e) continue;
                    System.arraycopy(kernel.sparseScalar[0], q * f0, sc[e], k * f0, f0);
                    for (int j = 0; j < pf; j++) us[e][k * pf + j] = (1.0 - c) * u[0][q * pf + j];
                    k++;
                }
            }
            return new KernelWeights(kernel.zeta, P, F, C, f0, sc, us, kernel.sparseScalar[0], shared);
        }
    }
}
