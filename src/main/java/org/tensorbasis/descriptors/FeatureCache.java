package org.tensorbasis.descriptors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Structure;

/**
 * Descriptors of a list of structures, computed once (in parallel over structures) and kept in compact
 * flat arrays for the later stages: per structure s, the power spectrum {@code [atoms × F]} (F =
 * {@link #powerSpectrumSize()}), the l = 1 expansion {@code [atoms × channels × n_1 × 3]} and any requested
 * l = λ expansion {@code [atoms × channels × n_λ × (2λ+1)]} (layouts of {@link SphericalExpansion}).
 * The arrays are float64, or with {@link Storage#FLOAT32} stored in float32 to halve the memory (the power spectrum
 * and the expansions; widened back to float64 on read): the training run of a large set uses the rounded rows, every
 * prediction of a model computes its own float64 features.
 */
public final class FeatureCache {
    /** Structures with at least this many atoms are also split over atoms. */
    static final int LARGE = 512;
    private static final int CHUNK = 64;

    /**
     * Storage precision: FLOAT64; FLOAT32, the power spectrum and the expansions in float32 (a training run's cache that
     * would not fit otherwise); FLOAT32_POWER_SPECTRUM, the power spectrum in float32 and the expansions in float64 (a
     * prediction in float32, {@code architecture.Precision}: the network reads the float32 rows in place, the tensor basis
     * is built from float64 expansions).
     */
    public enum Storage { FLOAT64, FLOAT32, FLOAT32_POWER_SPECTRUM }

    /**
     * A transformation of one structure's float64 power-spectrum rows {@code [atoms × features]}, in place, applied
     * by the worker that computed them and before they are stored (so a float32 cache rounds the transformed rows).
     */
    @FunctionalInterface
    public interface RowTransform {
        void apply(double[] rows, int atoms, int features);
    }

    private final SphericalExpansion calc;
    private final Storage storage;
    private final int[] ls;              // expansion l kept, sorted
    private final int[] atoms;
    private final long[] atomOffsets;
    private final double[][] ps64;       // [structure] or null
    private final float[][] ps32;
    private final double[][][] exp;      // [structure][index of l], or null
    private final float[][][] exp32;     // the same in float32, or null

    private FeatureCache(SphericalExpansion calc, Storage storage, int[] ls, int[] atoms, double[][] ps64,
                         float[][] ps32, double[][][] exp, float[][][] exp32) {
        this.calc = calc;
        this.storage = storage;
        this.ls = ls;
        this.atoms = atoms;
        this.atomOffsets = new long[atoms.length + 1];
        for (int s = 0; s < atoms.length; s++) atomOffsets[s + 1] = atomOffsets[s] + atoms[s];
        this.ps64 = ps64;
        this.ps32 = ps32;
        this.exp = exp;
        this.exp32 = exp32;
    }

    /** Float64 cache of the l = 1 expansion and power spectrum, plus the given λ, on all cores. */
    public static FeatureCache compute(List<Structure> structures, SphericalExpansion calc, int... lambdas) {
        return compute(structures, calc, lambdas, Storage.FLOAT64, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Computes the cache.
     *
     * @param lambdas extra expansion orders to keep (l = 1 is always kept when maxAngular ≥ 1), each at most
     *                {@link SphericalExpansion#maxExpansionL()} (orders above maxAngular are computed only when
     *                requested here)
     * @param threads number of worker threads (parallel over structures)
     * @throws org.tensorbasis.BadInputException if a structure holds an element that is not a channel (names its frame)
     * @throws IllegalArgumentException if some λ is negative or above the calculator's maxExpansionL
     */
    public static FeatureCache compute(List<Structure> structures, SphericalExpansion calc, int[] lambdas,
                                       Storage storage, int threads) {
        return compute(structures, calc, lambdas, storage, threads, null);
    }

    /** As {@link #compute(List, SphericalExpansion, int[], Storage, int)}, with {@code rows} (or null) applied to each structure's rows. */
    public static FeatureCache compute(List<Structure> structures, SphericalExpansion calc, int[] lambdas,
                                       Storage storage, int threads, RowTransform rows) {
        List<Integer> wanted = new ArrayList<>();
        if (calc.maxAngular() >= 1) wanted.add(1);
        for (int l : lambdas) {
            if (l < 0 || l > calc.maxExpansionL()) {
                throw new IllegalArgumentException("λ = " + l + " outside 0.." + calc.maxExpansionL() + ": the descriptor calculator "
                    + "expands the density up to l = " + calc.maxExpansionL() + " (max_angular = " + calc.maxAngular()
                    + "); build it with new SphericalExpansion(settings, maxExpansionL ≥ " + l + ")");
            }
            if (!wanted.contains(l)) wanted.add(l);
        }
        int[] ls = wanted.stream().mapToInt(Integer::intValue).sorted().toArray();
        int n = structures.size();
        for (int s = 0; s < n; s++) calc.checkSpecies(structures.get(s).numbers(), null, s);
        int[] atoms = new int[n];
        double[][] ps64 = storage == Storage.FLOAT64 ? new double[n][] : null;
        float[][] ps32 = storage != Storage.FLOAT64 ? new float[n][] : null;
        double[][][] exp = storage != Storage.FLOAT32 ? new double[n][][] : null;
        float[][][] exp32 = storage == Storage.FLOAT32 ? new float[n][][] : null;
        int F = calc.powerSpectrumSize();
        int workers = Math.max(1, Math.min(threads, n));  // worker tasks; the pool has `threads` threads
        // one workspace per worker, structures handed out by a counter (a ThreadLocal lookup per structure
        // was 17 % of the samples on small molecules); only large structures fork over their atoms
        AtomicInteger next = new AtomicInteger();
        ThreadLocal<SphericalExpansion.Workspace> chunkWs = ThreadLocal.withInitial(calc::newWorkspace);
        Runnable worker = () -> {
            SphericalExpansion.Workspace ws = calc.newWorkspace();
            for (int s = next.getAndIncrement(); s < n; s = next.getAndIncrement()) {
                Structure st = structures.get(s);
                int na = st.size();
                atoms[s] = na;
                NeighborList nl = NeighborList.build(st, calc.settings().cutoff());
                double[][] e = new double[ls.length][];
                for (int q = 0; q < ls.length; q++) e[q] = new double[na * calc.blockSize(ls[q])];
                double[] ps = new double[na * F];  // float32 storage: transient float64 buffer
                if (na >= LARGE && threads > 1) {
                    // large structure: also parallel over chunks of atoms (compute() itself never forks, so a
                    // per-thread workspace is never shared by two running computations)
                    int[] numbers = st.numbers();
                    int chunks = (na + CHUNK - 1) / CHUNK;
                    IntStream.range(0, chunks).parallel().forEach(c -> calc.compute(numbers, nl.offsets(), nl.neighbors(),
                        nl.vectors(), nl.distances(), c * CHUNK, Math.min(na, (c + 1) * CHUNK), ps, ls, e, chunkWs.get()));
                } else {
                    calc.compute(st, nl, ps, ls, e, ws);
                }
                if (rows != null) rows.apply(ps, na, F);
                if (storage == Storage.FLOAT64) {
                    ps64[s] = ps;
                } else {
                    float[] f = new float[na * F];
                    for (int k = 0; k < f.length; k++) f[k] = (float) ps[k];
                    ps32[s] = f;
                }
                if (exp != null) {
                    exp[s] = e;
                } else {
                    float[][] e32 = new float[e.length][];
                    for (int q = 0; q < e.length; q++) {
                        e32[q] = new float[e[q].length];
                        for (int k = 0; k < e32[q].length; k++) e32[q][k] = (float) e[q][k];
                    }
                    exp32[s] = e32;
                }
            }
        };
        if (threads <= 1) {
            worker.run();
        } else {
            // a dedicated pool bounds the parallelism (the large-structure streams run in it too)
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                List<java.util.concurrent.ForkJoinTask<?>> tasks = new ArrayList<>();
                for (int w = 0; w < workers; w++) tasks.add(pool.submit(worker));
                for (java.util.concurrent.ForkJoinTask<?> t : tasks) t.join();
            } finally {
                pool.shutdown();
            }
        }
        return new FeatureCache(calc, storage, ls, atoms, ps64, ps32, exp, exp32);
    }

    public SphericalExpansion calculator() { return calc; }

    public Storage storage() { return storage; }

    /** Number of structures. */
    public int size() { return atoms.length; }

    /** Number of atoms of structure s. */
    public int atoms(int s) { return atoms[s]; }

    /** Index of the first atom of structure s in a concatenation of all structures. */
    public long atomOffset(int s) { return atomOffsets[s]; }

    public long totalAtoms() { return atomOffsets[atoms.length]; }

    /** Power-spectrum features per atom. */
    public int powerSpectrumSize() { return calc.powerSpectrumSize(); }

    /** The expansion orders kept, ascending (copy). */
    public int[] expansionLs() { return ls.clone(); }

    public boolean hasExpansion(int l) { return Arrays.binarySearch(ls, l) >= 0; }

    /**
     * Power spectrum of structure s, {@code [atoms × F]}. FLOAT64: the stored array itself (read-only by
     * contract, no copy); FLOAT32: a new float64 copy.
     */
    public double[] powerSpectrum(int s) {
        if (ps64 != null) return ps64[s];
        float[] f = ps32[s];
        double[] d = new double[f.length];
        for (int k = 0; k < f.length; k++) d[k] = f[k];
        return d;
    }

    /**
     * Power spectrum of structure s in float32, {@code [atoms × F]}: the stored array itself (read-only by contract), for
     * FLOAT32 and FLOAT32_POWER_SPECTRUM storage.
     *
     * @throws IllegalStateException for a FLOAT64 cache
     */
    public float[] powerSpectrum32(int s) {
        if (ps32 == null) throw new IllegalStateException("a float64 cache holds no float32 rows");
        return ps32[s];
    }

    /** Copies atom {@code atom}'s power-spectrum row of structure s into {@code dst[off .. off+F)}. No allocation. */
    public void powerSpectrumRow(int s, int atom, double[] dst, int off) {
        int F = calc.powerSpectrumSize();
        if (ps64 != null) {
            System.arraycopy(ps64[s], atom * F, dst, off, F);
        } else {
            float[] f = ps32[s];
            for (int k = 0; k < F; k++) dst[off + k] = f[atom * F + k];
        }
    }

    /**
     * Expansion block l of structure s, {@code [atoms × channels × n_l × (2l+1)]}. FLOAT64: the stored array (read-only);
     * FLOAT32: a new float64 copy.
     */
    public double[] expansion(int s, int l) {
        int q = order(l);
        if (exp != null) return exp[s][q];
        float[] f = exp32[s][q];
        double[] d = new double[f.length];
        for (int k = 0; k < f.length; k++) d[k] = f[k];
        return d;
    }

    /** Copies the whole expansion block l of structure s into {@code dst[off ..]} (widened from float32 if so stored). No allocation. */
    public void expansionInto(int s, int l, double[] dst, int off) {
        int q = order(l);
        if (exp != null) {
            System.arraycopy(exp[s][q], 0, dst, off, exp[s][q].length);
        } else {
            float[] f = exp32[s][q];
            for (int k = 0; k < f.length; k++) dst[off + k] = f[k];
        }
    }

    private int order(int l) {
        int q = Arrays.binarySearch(ls, l);
        if (q < 0) throw new IllegalArgumentException("expansion l = " + l + " not cached (have " + Arrays.toString(ls) + ")");
        return q;
    }

    /** Bytes held by the feature arrays (array payloads; headers ignored). */
    public long bytes() {
        long b = 0;
        for (int s = 0; s < atoms.length; s++) {
            b += ps64 != null ? 8L * ps64[s].length : 4L * ps32[s].length;
            if (exp != null) for (double[] e : exp[s]) b += 8L * e.length;
            else for (float[] e : exp32[s]) b += 4L * e.length;
        }
        return b;
    }

    /** Memory footprint per atom in bytes. */
    public double bytesPerAtom() { return totalAtoms() == 0 ? 0 : (double) bytes() / totalAtoms(); }

    /** Bytes per atom, analytic: (4 or 8 bytes) × F + (4 or 8 bytes) × Σ_l blockSize(l), as the storage keeps them. */
    public static long bytesPerAtom(SphericalExpansion calc, int[] ls, Storage storage) {
        long e = 0;
        for (int l : ls) e += calc.blockSize(l);
        return (storage == Storage.FLOAT64 ? 8L : 4L) * calc.powerSpectrumSize() + (storage == Storage.FLOAT32 ? 4L : 8L) * e;
    }
}
