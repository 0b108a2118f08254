package org.tensorbasis.model;

import java.util.Arrays;
import java.util.List;
import org.tensorbasis.linalg.Gemm;
import java.util.stream.IntStream;

/**
 * The scalar networks that give every atom its invariant coefficients, in one of two {@link Mode}s.
 *
 * <p><b>Per element</b> ({@link Mode#PER_ELEMENT}, the original construction): one network and one
 * set of heads per centre species; for an atom of species Z with feature row x, head h gives
 * {@code c_h = W_{h,Z} · MLP_Z(x)}, {@code nOut(h)} coefficients. A batch mixes species;
 * {@link #forward} groups the rows per species (a permutation; the gather is fused into each species'
 * LayerNorm), runs each species' network and heads, and scatters the head outputs back to the
 * original row order. {@link #backward} does the reverse and accumulates into
 * {@link Parameters#grads()}. Species are independent (disjoint parameter blocks, workspaces and
 * output rows), so they may run in parallel ({@link #setParallel}).
 *
 * <p><b>Shared</b> ({@link Mode#SHARED}): one network over all rows of the batch, conditioned on
 * the element through a learned embedding e_Z ∈ R^d mapped by a learned matrix A (width × d) to a
 * bias of the first hidden layer, {@code h1 = SiLU(W1·LN(x) + A·e_Z)}, and one head per target
 * shared by all elements: {@code c_h = W_h · MLP(x, e_Z)}. The parameters no longer grow with the
 * number of elements (apart from d per element), and a rare element learns from every atom.
 *
 * <p>Parameter blocks, per element: {@code prefix + "Z<z>."} + the {@link SpeciesMlp} blocks, and
 * {@code prefix + "head.<name>.Z<z>.weight" [nOut, width]} (initialised U(−1/√width, 1/√width)),
 * registered species by species in the given order, then heads by head, then species. Shared:
 * {@code prefix + "shared."} + the {@link SpeciesMlp} blocks, {@code prefix + "embedding" [species, d]}
 * (rows in the order of the given atomic numbers, U(−0.1, 0.1)), {@code prefix + "embedding_map"
 * [width, d]} (U(−1/√d, 1/√d)) and {@code prefix + "head.<name>.weight" [nOut, width]}, in that order.
 */
public final class ScalarNetworks {

    /** How the networks are laid out over the centre elements. */
    public enum Mode {
        /** One network and one set of heads per centre element. */
        PER_ELEMENT("per_element"),
        /** One network and one set of heads for all elements, conditioned on a learned element embedding. */
        SHARED("shared");

        private final String option;

        Mode(String option) { this.option = option; }

        /** The option's spelling ({@code model.scalar_network}). */
        public String option() { return option; }

        /** The mode spelt {@code option} ({@link #option()}). */
        public static Mode of(String option) {
            for (Mode m : values()) if (m.option.equals(option)) return m;
            throw new IllegalArgumentException("unknown scalar network " + option);
        }
    }

    /** Bound of the uniform initialisation of the element embedding: small, so every element starts near the shared network. */
    public static final double EMBEDDING_INIT = 0.1;

    /** A target head: a name (e.g. the target block) and its number of outputs per atom. */
    public record HeadSpec(String name, int nOut) {
        public HeadSpec {
            if (nOut < 1) throw new IllegalArgumentException("head " + name + ": nOut must be >= 1");
        }
    }

    private final Parameters params;
    private final Mode mode;
    private final int[] atomicNumbers;
    private final int[] speciesOfZ;
    private final int nFeatures;
    private final int width;
    private final SpeciesMlp[] mlps;  // [species], or the one shared network
    private final Linear[][] heads; // [head][species], or [head][0] shared
    // shared mode: the element embedding [species, d], its map to the first layer [width, d], and per
    // forward the species index of every row and the bias table E·Aᵀ [species, width] (and its gradient)
    private final int embeddingDim;
    private final Parameters.Block embedding;
    private final Parameters.Block embeddingMap;
    private int[] rowSpecies = new int[0];
    private final double[] biasTable;
    private boolean biasTableValid;     // fixed weights: the table of an earlier forward still holds
    private final double[] dBiasTable;
    private final HeadSpec[] headSpecs;
    private final SpeciesMlp.Workspace[] ws;
    private boolean parallel;
    private boolean inputNormalized;
    private final double[][] dxBuf;     // per species: its rows' input gradient in backward (when asked for)

    // batch state
    private int n;
    private int[] perm = new int[0];          // species-sorted position → original row
    private final int[] start;                // species s occupies perm[start[s] .. start[s+1])
    private final int[] fill;
    private final double[][] out;             // [head][n × nOut], original row order
    private double[][] headBuf;               // [species] rows × max nOut, species order
    private double[][] dHBuf;                 // [species] rows × width
    private final int maxOut;

    /**
     * @param params        where the blocks are registered
     * @param prefix        block-name prefix, e.g. {@code "scalar."}
     * @param atomicNumbers the centre species (distinct atomic numbers ≥ 1)
     * @param nFeatures     F, the feature-row length
     * @param width         hidden width
     * @param depth         hidden layers (≥ 1)
     * @param heads         target heads
     */
    public ScalarNetworks(Parameters params, String prefix, int[] atomicNumbers, int nFeatures, int width,
                          int depth, List<HeadSpec> heads) {
        this(params, prefix, atomicNumbers, nFeatures, width, depth, heads, Mode.PER_ELEMENT, 0);
    }

    /**
     * As {@link #ScalarNetworks(Parameters, String, int[], int, int, int, List)} in the given mode.
     *
     * @param embeddingDim d of the element embedding ({@link Mode#SHARED}, ≥ 1; ignored per element)
     */
    public ScalarNetworks(Parameters params, String prefix, int[] atomicNumbers, int nFeatures, int width,
                          int depth, List<HeadSpec> heads, Mode mode, int embeddingDim) {
        if (atomicNumbers.length == 0) throw new IllegalArgumentException("no species");
        if (mode == null) throw new IllegalArgumentException("no scalar network mode");
        if (mode == Mode.SHARED && embeddingDim < 1) throw new IllegalArgumentException("the element embedding needs d >= 1");
        this.params = params;
        this.mode = mode;
        this.atomicNumbers = atomicNumbers.clone();
        int maxZ = Arrays.stream(atomicNumbers).max().getAsInt();
        this.speciesOfZ = new int[maxZ + 1];
        Arrays.fill(speciesOfZ, -1);
        for (int s = 0; s < atomicNumbers.length; s++) {
            int z = atomicNumbers[s];
            if (z < 1) throw new IllegalArgumentException("atomic number must be >= 1: " + z);
            if (speciesOfZ[z] >= 0) throw new IllegalArgumentException("duplicate species " + z);
            speciesOfZ[z] = s;
        }
        this.nFeatures = nFeatures;
        this.width = width;
        boolean shared = mode == Mode.SHARED;
        int species = atomicNumbers.length;
        int ns = shared ? 1 : species; // networks
        this.mlps = new SpeciesMlp[ns];
        this.ws = new SpeciesMlp.Workspace[ns];
        for (int s = 0; s < ns; s++) {
            mlps[s] = new SpeciesMlp(params, prefix + (shared ? "shared." : "Z" + atomicNumbers[s] + "."), nFeatures, width, depth);
            ws[s] = mlps[s].newWorkspace();
        }
        this.embeddingDim = shared ? embeddingDim : 0;
        this.embedding = shared ? params.register(prefix + "embedding", Parameters.Init.uniform(EMBEDDING_INIT), species, embeddingDim) : null;
        this.embeddingMap = shared ? params.register(prefix + "embedding_map", Parameters.Init.linear(embeddingDim), width, embeddingDim) : null;
        this.biasTable = new double[shared ? species * width : 0];
        this.dBiasTable = new double[shared ? species * width : 0];
        this.headSpecs = heads.toArray(new HeadSpec[0]);
        this.heads = new Linear[headSpecs.length][ns];
        int mo = 1;
        for (int h = 0; h < headSpecs.length; h++) {
            for (int k = 0; k < h; k++) {
                if (headSpecs[k].name().equals(headSpecs[h].name())) {
                    throw new IllegalArgumentException("duplicate head " + headSpecs[h].name());
                }
            }
            for (int s = 0; s < ns; s++) {
                this.heads[h][s] = new Linear(params, prefix + "head." + headSpecs[h].name() + (shared ? "" : ".Z" + atomicNumbers[s]) + ".weight",
                    width, headSpecs[h].nOut());
            }
            mo = Math.max(mo, headSpecs[h].nOut());
        }
        this.maxOut = mo;
        this.start = new int[ns + 1];
        this.fill = new int[ns];
        this.out = new double[headSpecs.length][0];
        this.headBuf = new double[ns][0];
        this.dHBuf = new double[ns][0];
        this.dxBuf = new double[ns][0];
    }

    /**
     * Declares that the feature rows given to {@link #forward} are already normalised by
     * {@link SpeciesMlp#normalizeRows} (default false): the LayerNorm statistics do not depend on
     * the parameters, so a cache can normalise once and every epoch skips that pass. Rows of one
     * species that are contiguous in x are then read in place (x must not change before backward).
     * With this set, the input gradient of {@link #backward(double[][], double[])} is dL/dx̂.
     */
    public void setInputNormalized(boolean normalized) { this.inputNormalized = normalized; }

    /** Whether input rows are expected LayerNorm-normalised. */
    public boolean isInputNormalized() { return inputNormalized; }

    /**
     * Declares the parameters fixed (a prediction replica; {@link SpeciesMlp.Workspace#setFixedWeights}): products of the
     * weights formed by the first forward are reused by the next ones (in shared mode also the element-bias table);
     * {@link #backward} is then refused. Setting it again, either way, discards them.
     */
    public void setFixedWeights(boolean fixed) {
        for (SpeciesMlp.Workspace w : ws) w.setFixedWeights(fixed);
        biasTableValid = false;
    }

    /** Whether the parameters are declared fixed ({@link #setFixedWeights}). */
    public boolean hasFixedWeights() { return ws[0].fixedWeights(); }

    /**
     * Prediction with the first layers' products in float32 ({@link SpeciesMlp.Workspace#setFloat32}; default false), for
     * every network of this object; float32 rows ({@link #forward(float[][], int[], int[], int)}) need it, and
     * {@link #backward} is refused while it is on.
     */
    public void setFloat32(boolean float32) {
        for (SpeciesMlp.Workspace w : ws) w.setFloat32(float32);
    }

    /** Whether the first layers run in float32 ({@link #setFloat32}). */
    public boolean isFloat32() { return ws[0].float32(); }

    /**
     * Run species concurrently on the common fork-join pool (default false). In shared mode (one
     * network) the first layer's row blocks and column blocks run concurrently instead, dealt whole to
     * the threads: bit-identical to one thread.
     */
    public void setParallel(boolean parallel) {
        this.parallel = parallel;
        if (isShared()) setSharedParallelism(parallel ? java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1 : 1);
    }

    /** Shared mode: the threads of the first layer's blocks ({@link SpeciesMlp.Workspace#setParallelism}); tests set any count. */
    void setSharedParallelism(int slots) {
        if (!isShared()) throw new IllegalStateException("only the shared network runs its blocks in parallel");
        ws[0].setParallelism(slots);
    }

    /** How the networks are laid out over the elements. */
    public Mode mode() { return mode; }

    /** Whether one network and one set of heads serve all elements ({@link Mode#SHARED}). */
    public boolean isShared() { return mode == Mode.SHARED; }

    /** d of the element embedding (shared mode), 0 per element. */
    public int embeddingDim() { return embeddingDim; }

    /** The element embedding block [species, d] (shared mode), else null. */
    public Parameters.Block embedding() { return embedding; }

    /** The embedding map block [width, d] (shared mode), else null. */
    public Parameters.Block embeddingMap() { return embeddingMap; }

    public int[] atomicNumbers() { return atomicNumbers.clone(); }

    public int nFeatures() { return nFeatures; }

    public int width() { return width; }

    public int numHeads() { return headSpecs.length; }

    public HeadSpec head(int h) { return headSpecs[h]; }

    /** Index of the head called {@code name}. @throws IllegalArgumentException if absent */
    public int headIndex(String name) {
        for (int h = 0; h < headSpecs.length; h++) if (headSpecs[h].name().equals(name)) return h;
        throw new IllegalArgumentException("no head " + name);
    }

    /** The network of species index {@code s} (order of the constructor's atomic numbers; the shared one for every s in shared mode). */
    public SpeciesMlp mlp(int s) { return mlps[isShared() ? 0 : s]; }

    /** Head {@code h} of species index {@code s} (the shared head for every s in shared mode). */
    public Linear headLinear(int h, int s) { return heads[h][isShared() ? 0 : s]; }

    /** Rows of the last forward pass. */
    public int rows() { return n; }

    /**
     * Forward pass over {@code n} rows of {@code x} (row-major, F columns), row i of species
     * {@code z[i]}. Outputs are then read with {@link #output(int)}.
     *
     * @throws IllegalArgumentException if a row's species is not one of the networks'
     */
    public void forward(double[] x, int[] z, int n) {
        if (x.length < (long) n * nFeatures) throw new IllegalArgumentException("x holds fewer than n rows");
        if (isShared()) {
            forwardShared(x, null, null, null, z, n);
            return;
        }
        group(z, n);
        forEachSpecies(s -> forwardSpecies(s, x, null, null, null));
    }

    /**
     * As {@link #forward(double[], int[], int)} with the rows held by reference: row i is
     * {@code rowArrays[i][rowOffsets[i] .. + F)}, e.g. a row of a feature cache, read in place (no batch
     * copy). The arrays must not change before the backward pass.
     */
    public void forward(double[][] rowArrays, int[] rowOffsets, int[] z, int n) {
        checkRows(rowArrays.length, i -> rowArrays[i].length, rowOffsets, n);
        forwardByReference(rowArrays, null, rowOffsets, z, n);
    }

    /**
     * As {@link #forward(double[][], int[], int[], int)} with normalised float32 rows held by reference (a float32
     * prediction: {@link #setFloat32} must be on and the input declared normalised).
     */
    public void forward(float[][] rowArrays, int[] rowOffsets, int[] z, int n) {
        if (!isFloat32() || !inputNormalized) throw new IllegalStateException("float32 rows need float32, normalised-input networks");
        checkRows(rowArrays.length, i -> rowArrays[i].length, rowOffsets, n);
        forwardByReference(null, rowArrays, rowOffsets, z, n);
    }

    /** Every row i &lt; n (of {@code held} arrays, row i's array {@code length(i)} long) holds F features from its offset. */
    private void checkRows(int held, java.util.function.IntUnaryOperator length, int[] rowOffsets, int n) {
        if (held < n || rowOffsets.length < n) throw new IllegalArgumentException("fewer than n rows");
        for (int i = 0; i < n; i++) {
            if (rowOffsets[i] < 0 || length.applyAsInt(i) - rowOffsets[i] < nFeatures) {
                throw new IllegalArgumentException("row " + i + " holds fewer than " + nFeatures + " features");
            }
        }
    }

    /** The forward of rows held by reference, float64 ({@code rows64}) or float32 ({@code rows32}). */
    private void forwardByReference(double[][] rows64, float[][] rows32, int[] rowOffsets, int[] z, int n) {
        if (isShared()) {
            forwardShared(null, rows64, rows32, rowOffsets, z, n);
            return;
        }
        group(z, n);
        forEachSpecies(s -> forwardSpecies(s, null, rows64, rows32, rowOffsets));
    }

    /**
     * Shared mode: the rows in their own order through the one network, the element entering as the
     * first-layer bias {@code A·e_Z} (one table of species × width per forward), then the shared heads
     * write the outputs in place.
     */
    private void forwardShared(double[] x, double[][] rowArrays, float[][] rows32, int[] rowOffsets, int[] z, int n) {
        if (z.length < n) throw new IllegalArgumentException("z holds fewer than n species");
        this.n = n;
        if (rowSpecies.length < n) rowSpecies = new int[Math.max(n, rowSpecies.length + (rowSpecies.length >> 1))];
        for (int i = 0; i < n; i++) rowSpecies[i] = speciesIndex(z[i]);
        sizeOutputs(n);
        if (dHBuf[0].length < n * width) dHBuf[0] = new double[Math.max(n * width, dHBuf[0].length + (dHBuf[0].length >> 1))];
        double[] p = params.values();
        // B = E·Aᵀ: row s is the first-layer bias of species s (with fixed weights, once)
        if (!biasTableValid) {
            Gemm.gemm(false, true, atomicNumbers.length, width, embeddingDim, 1.0, p, embedding.offset(), p, embeddingMap.offset(),
                0.0, biasTable, 0);
            biasTableValid = hasFixedWeights();
        }
        double[] hid = x != null
            ? mlps[0].forward(x, null, 0, n, ws[0], inputNormalized, biasTable, rowSpecies)
            : rows32 != null ? mlps[0].forward32(rows32, rowOffsets, null, 0, n, ws[0], biasTable, rowSpecies)
            : mlps[0].forward(rowArrays, rowOffsets, null, 0, n, ws[0], inputNormalized, biasTable, rowSpecies);
        for (int h = 0; h < headSpecs.length; h++) heads[h][0].forward(hid, 0, n, out[h], 0);
    }

    private void sizeOutputs(int n) {
        for (int h = 0; h < out.length; h++) {
            int need = n * headSpecs[h].nOut();
            if (out[h].length < need) out[h] = new double[Math.max(need, out[h].length + (out[h].length >> 1))];
        }
    }

    /** Groups the rows by species (the permutation {@code perm}) and sizes the output buffers. */
    private void group(int[] z, int n) {
        if (z.length < n) throw new IllegalArgumentException("z holds fewer than n species");
        int ns = mlps.length;
        this.n = n;
        if (perm.length < n) perm = new int[Math.max(n, perm.length + (perm.length >> 1))];
        Arrays.fill(fill, 0);
        for (int i = 0; i < n; i++) fill[speciesIndex(z[i])]++;
        start[0] = 0;
        for (int s = 0; s < ns; s++) start[s + 1] = start[s] + fill[s];
        System.arraycopy(start, 0, fill, 0, ns);
        for (int i = 0; i < n; i++) perm[fill[speciesOfZ[z[i]]]++] = i;
        sizeOutputs(n);
        for (int s = 0; s < ns; s++) {
            int rows = start[s + 1] - start[s];
            if (headBuf[s].length < rows * maxOut) headBuf[s] = new double[Math.max(rows * maxOut, headBuf[s].length + (headBuf[s].length >> 1))];
            if (dHBuf[s].length < rows * width) dHBuf[s] = new double[Math.max(rows * width, dHBuf[s].length + (dHBuf[s].length >> 1))];
        }
    }

    private void forwardSpecies(int s, double[] x, double[][] rowArrays, float[][] rows32, int[] rowOffsets) {
        int r0 = start[s];
        int rows = start[s + 1] - r0;
        if (rows == 0) return;
        double[] hid = x != null
            ? mlps[s].forward(x, perm, r0, rows, ws[s], inputNormalized)
            : rows32 != null ? mlps[s].forward32(rows32, rowOffsets, perm, r0, rows, ws[s], null, null)
            : mlps[s].forward(rowArrays, rowOffsets, perm, r0, rows, ws[s], inputNormalized);
        double[] buf = headBuf[s];
        for (int h = 0; h < headSpecs.length; h++) {
            int no = headSpecs[h].nOut();
            heads[h][s].forward(hid, 0, rows, buf, 0);
            double[] o = out[h];
            for (int r = 0; r < rows; r++) System.arraycopy(buf, r * no, o, perm[r0 + r] * no, no);
        }
    }

    /**
     * Output of head {@code h} for the last forward: {@code n × nOut} row-major in the original row
     * order (the array may be longer; it is reused by the next forward).
     */
    public double[] output(int h) { return out[h]; }

    /**
     * The last hidden layer of every row for the last forward, {@code n × width} in the original row
     * order, copied into {@code dst} (which must hold n × width numbers). The heads are linear in it,
     * which training uses to refit them exactly.
     */
    public void hidden(double[] dst) {
        if (isShared()) {
            System.arraycopy(ws[0].post[mlps[0].depth() - 1], 0, dst, 0, n * width);
            return;
        }
        for (int s = 0; s < mlps.length; s++) {
            int r0 = start[s];
            int rows = start[s + 1] - r0;
            if (rows == 0) continue;
            double[] hid = ws[s].post[mlps[s].depth() - 1];
            for (int r = 0; r < rows; r++) System.arraycopy(hid, r * width, dst, perm[r0 + r] * width, width);
        }
    }

    /**
     * Backward pass for the last forward: {@code dOut[h]} is dL/d(output h), {@code n × nOut} in the
     * original row order (a null entry means zero). Accumulates into {@link Parameters#grads()}.
     */
    public void backward(double[][] dOut) { backward(dOut, null); }

    /**
     * As {@link #backward(double[][])}, and if {@code dx != null} also writes dL/dx ({@code n × F},
     * original row order; rows of species that receive no gradient are left as they were). For tests and the
     * trained species mixing: it costs one more n×F×width product.
     */
    public void backward(double[][] dOut, double[] dx) {
        if (dOut.length != headSpecs.length) throw new IllegalArgumentException("need one gradient per head");
        for (int h = 0; h < dOut.length; h++) {
            if (dOut[h] != null && dOut[h].length < n * headSpecs[h].nOut()) {
                throw new IllegalArgumentException("gradient of head " + headSpecs[h].name() + " holds fewer than n rows");
            }
        }
        if (isShared()) {
            backwardShared(dOut, dx);
            return;
        }
        forEachSpecies(s -> backwardSpecies(s, dOut, dx));
    }

    /** Shared mode: heads, the network, then the bias table's gradient into the embedding and its map. */
    private void backwardShared(double[][] dOut, double[] dx) {
        double[] hid = ws[0].post[mlps[0].depth() - 1];
        double[] dH = dHBuf[0];
        boolean first = true;
        for (int h = 0; h < headSpecs.length; h++) {
            if (dOut[h] == null) continue;
            heads[h][0].backward(dOut[h], 0, hid, 0, n, dH, 0, first ? 0.0 : 1.0);
            first = false;
        }
        if (first) return; // no gradient at all
        int species = atomicNumbers.length;
        Arrays.fill(dBiasTable, 0.0);
        mlps[0].backward(dH, 0, ws[0], dx, 0, dBiasTable);
        double[] p = params.values();
        double[] g = params.grads();
        // B = E·Aᵀ:  dA += dBᵀ·E,  dE += dB·A
        Gemm.gemm(true, false, width, embeddingDim, species, 1.0, dBiasTable, 0, p, embedding.offset(), 1.0, g, embeddingMap.offset());
        Gemm.gemm(false, false, species, embeddingDim, width, 1.0, dBiasTable, 0, p, embeddingMap.offset(), 1.0, g, embedding.offset());
    }

    private void backwardSpecies(int s, double[][] dOut, double[] dx) {
        int r0 = start[s];
        int rows = start[s + 1] - r0;
        if (rows == 0) return;
        double[] hid = ws[s].post[mlps[s].depth() - 1];
        double[] buf = headBuf[s];
        double[] dH = dHBuf[s];
        boolean first = true;
        for (int h = 0; h < headSpecs.length; h++) {
            if (dOut[h] == null) continue;
            int no = headSpecs[h].nOut();
            for (int r = 0; r < rows; r++) System.arraycopy(dOut[h], perm[r0 + r] * no, buf, r * no, no);
            heads[h][s].backward(buf, 0, hid, 0, rows, dH, 0, first ? 0.0 : 1.0);
            first = false;
        }
        if (first) return; // no gradient reaches this species
        if (dx == null) {
            mlps[s].backward(dH, 0, ws[s], null, 0);
        } else {
            // the input gradient (tests, and a trained species mixing): a per-species buffer, grown when needed
            if (dxBuf[s].length < rows * nFeatures) dxBuf[s] = new double[(rows + (rows >> 1)) * nFeatures];
            double[] dxs = dxBuf[s];
            mlps[s].backward(dH, 0, ws[s], dxs, 0);
            for (int r = 0; r < rows; r++) System.arraycopy(dxs, r * nFeatures, dx, perm[r0 + r] * nFeatures, nFeatures);
        }
    }

    private int speciesIndex(int z) {
        int s = z >= 0 && z < speciesOfZ.length ? speciesOfZ[z] : -1;
        if (s < 0) throw new IllegalArgumentException("no scalar network for atomic number " + z);
        return s;
    }

    private void forEachSpecies(java.util.function.IntConsumer body) {
        if (parallel && mlps.length > 1) {
            IntStream.range(0, mlps.length).parallel().forEach(body);
        } else {
            for (int s = 0; s < mlps.length; s++) body.accept(s);
        }
    }
}
