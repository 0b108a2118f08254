package org.tensorbasis.lambdamcov;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.tensorbasis.BadInputException;
import org.tensorbasis.basis.TensorBasis;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.model.TensorModel;

/**
 * The heap a λ-MCoV run will need, computed from the settings and the data (species, atoms per
 * structure) with closed formulas before anything large is allocated (docs/options.md, "Memory").
 * It counts the payload of the large arrays the code really holds at its peak:
 *
 * <ul>
 *   <li><b>feature cache</b>: every structure of train + validation + test, atoms ×
 *       {@link FeatureCache#bytesPerAtom(SphericalExpansion, int[], FeatureCache.Storage)} (power
 *       spectrum and the l = 1 / l = λ expansions, in float64 or float32 ({@code training.feature_cache}));
 *       a float32 cache adds the float64 rows of the largest batch;</li>
 *   <li><b>parameters</b> P (exactly what {@link TensorModel} registers) × 8 bytes × 5: values,
 *       gradients, Adam's two moments and the best-weights snapshot; plus the per-species W0⊙γ
 *       buffer of each scalar network's first layer (width × F per element);</li>
 *   <li><b>batch work arrays</b> kept by the networks between batches: per element its rows of the
 *       largest batch × (F copied feature columns + the activations), and per atom of the largest
 *       batch the basis, coefficient and output arrays (1.5 × the largest batch: the growth factor);</li>
 *   <li>the largest <b>transient</b> on top: a new best snapshot (1 P), a checkpoint (4 P copied
 *       tensors), the head refit (its normal equations, one block's factors, 3 P weight copies, the hidden rows and
 *       basis values of training + validation it scores the ridges with) or,
 *       when resuming, the checkpoint read (file, tensors and three restored copies, 11 P).</li>
 * </ul>
 *
 * A run is refused when this exceeds {@link #MARGIN} of the heap that is free now
 * ({@code Runtime.maxMemory()} minus what is in use, after a garbage collection when that matters).
 */
public final class MemoryEstimate {
    /**
     * Share of the free heap a run may plan to use. The estimate counts array payloads only (no object
     * headers, structures, neighbour lists or targets); the garbage collector needs free regions to
     * copy live objects, and G1 places each large array in whole contiguous regions (up to one region
     * lost per array, and a large array needs contiguous free regions): 20 % is left for all that.
     * The same share as the linear ridge's check.
     */
    public static final double MARGIN = 0.8;

    private static final double GB = 1L << 30;

    /**
     * {@code -Dtensorbasis.skipMemoryCheck=true} (e.g. in TENSORBASIS_JAVA_OPTS) runs even when the
     * estimate does not fit: for an estimate that is too pessimistic for a data set; the run may then
     * stop with "error: out of memory".
     */
    public static final String SKIP_PROPERTY = "tensorbasis.skipMemoryCheck";

    private final String what;
    private final int elements;
    private final long features;
    private final long atoms;
    private final long cacheBytes;
    private final long parameters;
    private final long parameterBytes;
    private final long workBytes;
    private final long transientBytes;
    private final String transientName;
    private final long totalBytes;
    private final boolean widthDominates;
    private final boolean shared;       // one scalar network for all elements
    private final long finalMetricsBytes;
    private FeatureCache.Storage storage = FeatureCache.Storage.FLOAT64;

    private MemoryEstimate(String what, int elements, long features, long atoms, long cacheBytes, long parameters, long parameterBytes,
                           long workBytes, long transientBytes, String transientName, boolean widthDominates, long finalMetricsBytes,
                           boolean shared) {
        this.what = what;
        this.elements = elements;
        this.features = features;
        this.atoms = atoms;
        this.cacheBytes = cacheBytes;
        this.parameters = parameters;
        this.parameterBytes = parameterBytes;
        this.workBytes = workBytes;
        this.transientBytes = transientBytes;
        this.transientName = transientName;
        this.finalMetricsBytes = finalMetricsBytes;
        this.totalBytes = Math.max(cacheBytes + parameterBytes + workBytes + transientBytes, finalMetricsBytes);
        this.widthDominates = widthDominates;
        this.shared = shared;
    }

    // ------------------------------------------------------------------ closed formulas

    /** Power-spectrum features per atom, F. */
    public long features() { return features; }

    /** Bytes of the feature cache. */
    public long cacheBytes() { return cacheBytes; }

    /** Number of parameters P (with the buffers), as {@code Parameters.size()} will be. */
    public long parameters() { return parameters; }

    /** Bytes held for the parameters: the copies of P and the first-layer buffers. */
    public long parameterBytes() { return parameterBytes; }

    /** Bytes of the batch work arrays. */
    public long workBytes() { return workBytes; }

    /** Bytes of the largest transient allocation. */
    public long transientBytes() { return transientBytes; }

    /** The estimated peak, bytes. */
    public long totalBytes() { return totalBytes; }

    /**
     * Parameters of the network of a design: per element, its scalar network (LayerNorm γ, β: 2F;
     * W0: width × F; width² per further layer) and per block its head (width × properties × n_basis)
     * and contractions (K_1 × 3 for v, and for u when σ = −1; K_λ × (2λ+1) for the λ correction),
     * plus per block the basis-scale buffer (elements × n_basis). The shared scalar network has one
     * network and one head per block for all elements, plus the embedding (elements × d) and its map
     * (width × d); the contractions stay per element.
     */
    static long parameters(LambdaMcovModel.Design d) {
        long s = d.descriptor().species().length;
        long f = d.expansion().powerSpectrumSize();
        long w = d.width();
        int[] k = d.kPerL();
        long network = 2 * f + w * f + (d.depth() - 1L) * w * w;
        long heads = 0;
        long perSpecies = 0;
        long buffers = 0;
        for (TensorModel.Block b : d.blocks()) {
            TensorBasis tb = basis(b);
            heads += w * b.properties() * tb.size();
            if (tb.usesV()) perSpecies += 3L * k[1];
            if (tb.usesU()) perSpecies += 3L * k[tb.uOrder()];
            if (tb.usesLambdaCorrection()) perSpecies += (long) k[b.lambda()] * b.dim();
            buffers += s * tb.size();
        }
        long scalar = d.shared() ? network + heads + s * d.embedding() + w * d.embedding() : s * (network + heads);
        // shared mode: the per-element contractions are derived buffers of W_shared + Σ_e E[Z, e] W_e
        long contractions = d.shared() ? (s + 1 + d.embedding()) * perSpecies : s * perSpecies;
        return scalar + contractions + buffers;
    }

    /** Scalar networks that forward (one per element, or the shared one). */
    private static long networks(LambdaMcovModel.Design d) {
        return d.shared() ? 1 : d.descriptor().species().length;
    }

    /** Bytes of the float64 feature cache of structures with {@code atoms} atoms in all. */
    static long cacheBytes(LambdaMcovModel.Design d, long atoms) {
        return cacheBytes(d, atoms, FeatureCache.Storage.FLOAT64);
    }

    /** Bytes of the feature cache of structures with {@code atoms} atoms in all, its power spectrum stored as {@code storage}. */
    static long cacheBytes(LambdaMcovModel.Design d, long atoms, FeatureCache.Storage storage) {
        return atoms * FeatureCache.bytesPerAtom(d.expansion(), cachedOrders(d), storage);
    }

    /** The expansion orders the feature cache keeps: l = 1 (when max_angular ≥ 1) and those of the network. */
    static int[] cachedOrders(LambdaMcovModel.Design d) {
        TreeSet<Integer> ls = new TreeSet<>();
        if (d.expansion().maxAngular() >= 1) ls.add(1);
        for (TensorModel.Block b : d.blocks()) {
            TensorBasis tb = basis(b);
            if (tb.usesV()) ls.add(1);
            if (tb.usesU()) ls.add(tb.uOrder());
            if (tb.usesLambdaCorrection()) ls.add(b.lambda());
        }
        return ls.stream().mapToInt(Integer::intValue).toArray();
    }

    private static TensorBasis basis(TensorModel.Block b) {
        return new TensorBasis(b.lambda(), b.sigma(), b.lambdaCorrection(), b.pseudoMode(), b.position());
    }

    /**
     * Work arrays of one network (its scalar networks' workspaces and the per-atom arrays of the
     * forward and backward) after it has run batches whose largest one has {@code maxBatch} atoms and
     * holds at most {@code maxRows[s]} atoms of element s.
     */
    static long workBytes(LambdaMcovModel.Design d, long[] maxRows, long maxBatch, int threads) {
        long f = d.expansion().powerSpectrumSize();
        long w = d.width();
        long maxOut = 1;
        long perAtom = w; // the hidden rows of the head refit
        for (TensorModel.Block b : d.blocks()) {
            TensorBasis tb = basis(b);
            long p = b.properties(), nb = tb.size(), dim = b.dim();
            maxOut = Math.max(maxOut, p * nb);
            // basis values, atom outputs, coefficient gradients, head outputs, v and u, λ contractions, basis state
            perAtom += nb * dim + p * dim + p * nb + p * nb + (tb.usesV() ? 9 : 0) + (tb.usesU() ? tb.uSize() : 0)
                + (tb.usesLambdaCorrection() ? dim * dim : 0) + tb.stateSize();
        }
        // per element: copied feature rows (F), 3 arrays per layer and 2 gradient arrays (width each),
        // the head buffers (maxOut, width) and 1/σ; capacities grow by 1.5
        long perRow = f + w * (3L * d.depth() + 2) + maxOut + w + 1;
        long bytes = 0;
        if (d.shared()) {
            // one network over every row of the batch (its head outputs are written in place), the
            // species index of each row, and the bias table and its gradient (elements × width each)
            bytes = grown(maxBatch) * (perRow * 8 + 4) + 2L * 8 * d.descriptor().species().length * w;
        } else {
            for (long r : maxRows) bytes += grown(r) * perRow * 8;
        }
        // per chunk of the basis part (one per thread), a gradient accumulator of the contraction weights
        return bytes + grown(maxBatch) * perAtom * 8 + Math.max(1, threads) * 8 * contractions(d);
    }

    /** Contraction weights of all blocks and elements (v, u, λ). */
    static long contractions(LambdaMcovModel.Design d) {
        int[] k = d.kPerL();
        long c = 0;
        for (TensorModel.Block b : d.blocks()) {
            TensorBasis tb = basis(b);
            if (tb.usesV()) c += 3L * k[1];
            if (tb.usesU()) c += 3L * k[tb.uOrder()];
            if (tb.usesLambdaCorrection()) c += (long) k[b.lambda()] * b.dim();
        }
        return c * d.descriptor().species().length;
    }

    /** The first-layer buffers W0⊙γ (width × F per scalar network that forwards: per element, or the shared one). */
    static long firstLayerBytes(LambdaMcovModel.Design d) {
        return 8L * networks(d) * d.width() * d.expansion().powerSpectrumSize();
    }

    /**
     * Normal equations of the head refit of every block, and the largest block's factors. Per element:
     * a per-atom block has one system of n_basis·width unknowns per element, a per-structure block one
     * of elements·n_basis·width; shared: one system of n_basis·width per block.
     */
    static long refitBytes(LambdaMcovModel.Design d) {
        return refitBytes(d, 1);
    }

    /**
     * As {@link #refitBytes(LambdaMcovModel.Design)}, with {@code ridges} ridges factored at once
     * ({@link HeadRefinement#parallelRidges}): that many copies of the largest block's factors.
     */
    static long refitBytes(LambdaMcovModel.Design d, int ridges) {
        long s = networks(d);
        long w = d.width();
        long normals = 0;
        long factors = 0;
        for (TensorModel.Block b : d.blocks()) {
            long seg = basis(b).size() * w;
            long p = b.properties();
            long dd = b.perAtom() ? seg : s * seg;
            long systems = b.perAtom() ? s : 1;
            normals += systems * 8 * (dd * dd + dd * p + 512 * dd + 512 * p);
            factors = Math.max(factors, systems * 8 * dd * dd);
        }
        return normals + Math.max(1, ridges) * factors;
    }

    /** The head refit's captured hidden rows and basis values of {@code atoms} atoms ({@link RefitScores}). */
    static long refitScoreBytes(LambdaMcovModel.Design d, long atoms) {
        int[] bd = new int[d.blocks().size()];
        for (int b = 0; b < bd.length; b++) bd[b] = basis(d.blocks().get(b)).size() * d.blocks().get(b).dim();
        return RefitScores.bytes(atoms, d.width(), bd);
    }

    private static long grown(long rows) {
        return rows + (rows >> 1);
    }

    // ------------------------------------------------------------------ the two uses

    /**
     * The estimate of a training run.
     *
     * @param numbers    atomic numbers of every structure, in the cache's order: train, validation, test
     * @param nTrain     training structures (the first ones)
     * @param nVal       validation structures (the next ones)
     * @param batchSize  structures per Adam step
     * @param refineHeads whether the heads are refit at the end
     * @param restart    whether the run resumes from a checkpoint
     * @param threads    threads of the run (prediction replicas for the final metrics)
     */
    static MemoryEstimate training(LambdaMcovModel.Design d, List<int[]> numbers, int nTrain, int nVal, int batchSize,
                                   boolean refineHeads, boolean restart, int threads) {
        return training(d, numbers, nTrain, nVal, batchSize, refineHeads, restart, threads, false);
    }

    /**
     * As above; with {@code trainedMixing} ({@code species_channels: trained}) the sparse unmixed expansions
     * ({@link TrainedMixing#cacheBytes}, an upper bound from the atomic numbers) and the per-batch mixing arrays are
     * added (the feature cache is counted too: both are held while the mixing is set up, and at the end).
     */
    static MemoryEstimate training(LambdaMcovModel.Design d, List<int[]> numbers, int nTrain, int nVal, int batchSize,
                                   boolean refineHeads, boolean restart, int threads, boolean trainedMixing) {
        return training(d, numbers, nTrain, nVal, batchSize, refineHeads, restart, threads, trainedMixing, FeatureCache.Storage.FLOAT64);
    }

    /** As above, with the training cache's power spectrum stored as {@code storage} ({@code training.feature_cache}). */
    static MemoryEstimate training(LambdaMcovModel.Design d, List<int[]> numbers, int nTrain, int nVal, int batchSize,
                                   boolean refineHeads, boolean restart, int threads, boolean trainedMixing,
                                   FeatureCache.Storage storage) {
        int ns = d.descriptor().species().length;
        long atoms = 0;
        for (int[] z : numbers) atoms += z.length;
        long p = parameters(d);
        long cache = cacheBytes(d, atoms, storage);
        long params = 8 * 5 * p + firstLayerBytes(d);
        // the largest batches: Adam steps (batchSize training structures in any order: bounded by the
        // largest ones) and the fixed batches of 64 of validation, basis scaling, head refit, amplification
        long[] rows = new long[ns];
        long[] maxBatch = {0};
        largestAnyOrder(d, numbers.subList(0, nTrain), batchSize, rows, maxBatch);
        for (int[] range : new int[][] {{0, nTrain}, {nTrain, nTrain + nVal}, {0, nTrain + nVal}}) {
            int count = range[1] - range[0];
            consecutive(d, numbers, range[0], range[1], LambdaMcovModel.PREDICT_BATCH, rows, maxBatch);
            consecutive(d, numbers, range[0], range[1], LambdaMcovModel.predictBatch(count), rows, maxBatch);  // predictions
        }
        long work = workBytes(d, rows, maxBatch[0], threads);
        // a float32 cache is read into float64 rows of the batch (CacheBatches)
        if (storage == FeatureCache.Storage.FLOAT32) work += 8 * maxBatch[0] * d.expansion().powerSpectrumSize();
        if (trainedMixing) {
            cache += TrainedMixing.cacheBytes(d.expansion(), cachedOrders(d), numbers);
            // x̂ and dx̂ rows, ρ and dρ; the input gradient of the scalar network's first layer
            work += TrainedMixing.workBytes(d.expansion(), cachedOrders(d), maxBatch[0], threads);
        }
        long tr = 8 * p;
        String trName = "best-weights snapshot";
        if (4 * 8 * p > tr) {
            tr = 4 * 8 * p;
            trName = "checkpoint";
        }
        if (refineHeads) {
            long trainVal = 0;
            for (int[] z : numbers.subList(0, nTrain + nVal)) trainVal += z.length;
            // the normal equations, the factors of the ridges solved at once, a weight copy per ridge of that window plus the
            // original and the chosen ones, and the captured scoring rows
            int window = HeadRefinement.parallelRidges(threads);
            long refit = refitBytes(d, window) + (2 + window) * 8 * p + refitScoreBytes(d, trainVal);
            if (refit > tr) {
                tr = refit;
                trName = "head refit";
            }
        }
        if (restart && 11 * 8 * p > tr) {
            tr = 11 * 8 * p;
            trName = "checkpoint read";
        }
        // the final metrics predict validation and test once the training arrays are released (the
        // model's values and gradients stay)
        long after = 16 * p + Math.max(prediction(d, numbers.subList(nTrain, nTrain + nVal), threads).totalBytes,
            prediction(d, numbers.subList(nTrain + nVal, numbers.size()), threads).totalBytes);
        MemoryEstimate m = new MemoryEstimate("training", ns, d.expansion().powerSpectrumSize(), atoms, cache, p, params, work, tr,
            trName, d.width() > d.expansion().powerSpectrumSize(), after, d.shared());
        m.storage = storage;
        return m;
    }

    /**
     * The estimate of the storage {@code training.feature_cache} asks for: {@code float64} and {@code float32} as
     * given, {@code auto} float64 when it fits in {@code available}, else float32 (whether that fits or not: its
     * check then gives the message).
     */
    static MemoryEstimate forFeatureCache(String mode, MemoryEstimate float64, java.util.function.Supplier<MemoryEstimate> float32,
                                          long available) {
        switch (mode) {
            case "float64": return float64;
            case "float32": return float32.get();
            case "auto": return float64.fits(available) ? float64 : float32.get();
            default: throw new IllegalArgumentException("training.feature_cache: " + mode);
        }
    }

    /** Storage of the feature cache this estimate counts. */
    public FeatureCache.Storage storage() { return storage; }

    /** Whether the estimate fits in {@link #MARGIN} of {@code available} bytes (or the check is skipped). */
    boolean fits(long available) {
        return totalBytes <= MARGIN * available || Boolean.getBoolean(SKIP_PROPERTY);
    }

    /**
     * The estimate of a prediction with a model already in memory: the cache of the structures, and
     * per worker a replica of the network (values, gradients, first-layer buffers) and its work arrays.
     */
    static MemoryEstimate prediction(LambdaMcovModel.Design d, List<int[]> numbers, int threads) {
        int ns = d.descriptor().species().length;
        long atoms = 0;
        for (int[] z : numbers) atoms += z.length;
        long p = parameters(d);
        long[] rows = new long[ns];
        long[] maxBatch = {0};
        int size = LambdaMcovModel.predictBatch(numbers.size());
        consecutive(d, numbers, 0, numbers.size(), size, rows, maxBatch);
        long work = workBytes(d, rows, maxBatch[0], 1);
        int batches = (numbers.size() + size - 1) / size;
        int workers = Math.min(Math.max(1, threads), batches);
        long params = firstLayerBytes(d);
        if (workers > 1) {
            params = workers * (16 * p + firstLayerBytes(d));
            work *= workers;
        } else if (batches > 1) {
            params = 16 * p + firstLayerBytes(d); // one prediction replica (LambdaMcovModel.predict)
        }
        return new MemoryEstimate("prediction", ns, d.expansion().powerSpectrumSize(), atoms, cacheBytes(d, atoms), p, params, work, 0, "",
            d.width() > d.expansion().powerSpectrumSize(), 0, d.shared());
    }

    /** Largest rows per element and atoms of a batch of {@code size} structures taken in any order. */
    private static void largestAnyOrder(LambdaMcovModel.Design d, List<int[]> numbers, int size, long[] rows, long[] maxBatch) {
        int ns = rows.length;
        int n = numbers.size();
        long[][] counts = new long[ns][n];
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = numbers.get(i).length;
            for (int z : numbers.get(i)) {
                int c = d.descriptor().channel(z);
                if (c >= 0) counts[c][i]++;
            }
        }
        maxBatch[0] = Math.max(maxBatch[0], sumOfLargest(sizes, size));
        for (int s = 0; s < ns; s++) rows[s] = Math.max(rows[s], sumOfLargest(counts[s], size));
    }

    private static long sumOfLargest(long[] v, int k) {
        long[] c = v.clone();
        Arrays.sort(c);
        long t = 0;
        for (int i = c.length - 1; i >= 0 && i >= c.length - k; i--) t += c[i];
        return t;
    }

    /** Largest rows per element and atoms over the batches of {@code size} consecutive structures of [from, to). */
    private static void consecutive(LambdaMcovModel.Design d, List<int[]> numbers, int from, int to, int size, long[] rows, long[] maxBatch) {
        long[] r = new long[rows.length];
        for (int s0 = from; s0 < to; s0 += size) {
            Arrays.fill(r, 0);
            long a = 0;
            for (int s = s0; s < Math.min(to, s0 + size); s++) {
                a += numbers.get(s).length;
                for (int z : numbers.get(s)) {
                    int c = d.descriptor().channel(z);
                    if (c >= 0) r[c]++;
                }
            }
            maxBatch[0] = Math.max(maxBatch[0], a);
            for (int c = 0; c < rows.length; c++) rows[c] = Math.max(rows[c], r[c]);
        }
    }

    // ------------------------------------------------------------------ the check

    /** Heap that can still be allocated now: {@code maxMemory − (totalMemory − freeMemory)}. */
    public static long availableBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** The heap available, after a collection if the estimate does not fit in what is free without one. */
    long availableFor() {
        long free = availableBytes();
        if (totalBytes > MARGIN * free && !Boolean.getBoolean(SKIP_PROPERTY)) {
            System.gc(); // "in use" counts garbage not yet collected
            free = availableBytes();
        }
        return free;
    }

    /**
     * Throws a one-line {@link BadInputException} with the numbers and what to change when the
     * estimate exceeds {@link #MARGIN} of {@code available} bytes.
     */
    void check(long available) {
        if (fits(available)) return;
        Runtime rt = Runtime.getRuntime();
        long inUse = rt.maxMemory() - available;
        long suggest = (long) Math.ceil((totalBytes / MARGIN + Math.max(0, inUse)) / GB) + 1;
        String msg = String.format(Locale.ROOT,
            "%s would need ~%s but only %s of heap is available (%.0f %% usable): %s; %slower model.soap.max_radial or "
                + "max_angular (fewer features), model.bpnn.num_neurons_per_layer (fewer parameters), %strain on fewer elements, "
                + "or raise the heap with TENSORBASIS_JAVA_OPTS=-Xmx%dg",
            what, gb(totalBytes), gb(available), 100 * MARGIN, numbers(),
            what.equals("training") && storage == FeatureCache.Storage.FLOAT64 ? "set training.feature_cache: float32 (half the cache), " : "",
            shared || elements < 2 || what.startsWith("prediction") ? "" : "use model.scalar_network: shared (one network for all elements), ", suggest);
        if (what.startsWith("prediction")) {
            // a prediction too large for the heap runs in parts (LambdaMcovModel.predict): this is one structure, or a part
            throw new BadInputException(msg.replace("train on fewer elements, ", "")
                .replace("lower model.soap.max_radial or max_angular (fewer features), model.bpnn.num_neurons_per_layer (fewer parameters), ",
                    "use fewer threads, "));
        }
        throw BadInputException.option(null, -1, widthDominates ? "model.bpnn.num_neurons_per_layer" : "model.soap.max_radial", msg);
    }

    private String numbers() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d power-spectrum features per atom (%d elements), cache %s for %d atoms, "
            + "%s parameters (%s with gradients, Adam and best weights), batch work arrays %s", features, elements,
            gb(cacheBytes) + (storage == FeatureCache.Storage.FLOAT32 ? " (float32)" : ""), atoms,
            count(parameters), gb(parameterBytes), gb(workBytes)));
        if (shared) sb.insert(sb.indexOf(" parameters (") + " parameters".length(), " of one shared scalar network");
        if (transientBytes > 0) sb.append(", ").append(transientName).append(' ').append(gb(transientBytes));
        if (finalMetricsBytes > cacheBytes + parameterBytes + workBytes + transientBytes) {
            sb.append(", final metrics ").append(gb(finalMetricsBytes));
        }
        return sb.toString();
    }

    /** One line for the log: the numbers and the peak against the heap available. */
    public String describe(long available) {
        return "memory: " + numbers() + "; ~" + gb(totalBytes) + " of " + gb(available) + " available";
    }

    /** As {@link #describe(long)} with the heap available now. */
    public String describe() { return describe(availableBytes()); }

    static String gb(long bytes) {
        double g = bytes / GB;
        if (g >= 100) return String.format(Locale.ROOT, "%.0f GB", g);
        if (g >= 10) return String.format(Locale.ROOT, "%.1f GB", g);
        if (g >= 0.1) return String.format(Locale.ROOT, "%.2f GB", g);
        return String.format(Locale.ROOT, "%.3f GB", g);
    }

    static String count(long n) {
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2fG", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        return Long.toString(n);
    }
}
