package org.tensorbasis.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.tensorbasis.basis.BasisDiagnostics;
import org.tensorbasis.basis.TensorBasis;
import org.tensorbasis.basis.TensorBasis.PseudoMode;

/**
 * The λ-MCoV model (method.md §3–5): for every target block (λ, σ, n properties) and atom i,
 * {@code y_i[p] = Σ_q c_{pq}(A_i) T_q(A_i)}, where the invariant coefficients c come from a
 * per-species scalar network on the power spectrum (one head per block, {@code n_p × n_basis}
 * outputs) and T is the block's {@link TensorBasis}, fed with learned contractions of the density
 * expansion: per centre species, {@code v_k = Σ_K W_v[K,k] ρ_{K,1·}} (three vectors; a second,
 * independent triplet u for σ = −1) and, for the λ correction, {@code Σ_K W_λ[K,q] ρ_{K,λ·}}.
 * Per-structure targets are the sum of the atoms' y_i.
 *
 * <p>Forward and backward are written by hand over a batch; the basis part runs in parallel over
 * fixed chunks of atoms whose gradient contributions are reduced in a fixed order, so results do not
 * depend on thread timing. The forward keeps, per atom and block, the contractions and the basis
 * program state ({@link TensorBasis#stateSize()} doubles), which the backward reuses instead of
 * recomputing. Not thread-safe: one batch at a time.
 *
 * <p>Parameter blocks: the scalar networks ({@code "scalar."}, see {@link ScalarNetworks}), and per
 * target block {@code "<name>.v.Z<z>" [K_1, 3]}, {@code "<name>.u.Z<z>" [K_1, 3]} (σ = −1),
 * {@code "<name>.lambda.Z<z>" [K_λ, 2λ+1]} (λ correction; {@code .u} is {@code [K_2, 3]} on the l = 2
 * expansion in {@link PseudoMode#AXIAL} mode), initialised U(−1/√K, 1/√K), and the buffer
 * {@code "<name>.basis_scale" [species, n_basis]} ({@link #fitBasisScales}).
 */
public final class TensorModel {
    /** One target block. */
    public record Block(String name, int lambda, int sigma, int properties, boolean perAtom,
                        boolean lambdaCorrection, PseudoMode pseudoMode, boolean position) {
        public Block {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("block name is empty");
            if (position && (perAtom || sigma != 1)) {
                throw new IllegalArgumentException(name + ": position elements are for per-structure blocks with σ = +1");
            }
            if (lambda < 0 || lambda > 12) throw new IllegalArgumentException(name + ": λ must be in 0..12");
            if (sigma != 1 && sigma != -1) throw new IllegalArgumentException(name + ": σ must be ±1");
            if (properties < 1) throw new IllegalArgumentException(name + ": properties must be >= 1");
            if (pseudoMode == null) pseudoMode = PseudoMode.PSEUDOSCALAR;
        }

        /** A block without position elements. */
        public Block(String name, int lambda, int sigma, int properties, boolean perAtom, boolean lambdaCorrection, PseudoMode pseudoMode) {
            this(name, lambda, sigma, properties, perAtom, lambdaCorrection, pseudoMode, false);
        }

        /** Components per property, 2λ+1. */
        public int dim() { return 2 * lambda + 1; }
    }

    /**
     * Hyper-parameters of the scalar network and threading: width, depth, threads, and the layout of
     * the scalar networks over the centre elements ({@link ScalarNetworks.Mode}) with the element
     * embedding's d (shared mode; 0 per element).
     */
    public record Hypers(int width, int depth, int threads, ScalarNetworks.Mode scalarNetwork, int embedding) {
        public Hypers {
            if (width < 1) throw new IllegalArgumentException("width must be >= 1");
            if (depth < 1) throw new IllegalArgumentException("depth must be >= 1");
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
            if (scalarNetwork == null) scalarNetwork = ScalarNetworks.Mode.PER_ELEMENT;
            if (scalarNetwork == ScalarNetworks.Mode.PER_ELEMENT) embedding = 0;
            else if (embedding < 1) throw new IllegalArgumentException("the element embedding needs d >= 1");
        }

        /** One scalar network per element. */
        public Hypers(int width, int depth, int threads) {
            this(width, depth, threads, ScalarNetworks.Mode.PER_ELEMENT, 0);
        }

        /** The same hyper-parameters on {@code threads} threads. */
        public Hypers withThreads(int threads) {
            return new Hypers(width, depth, threads, scalarNetwork, embedding);
        }

        public static Hypers defaults() {
            return new Hypers(32, 2, Runtime.getRuntime().availableProcessors());
        }
    }

    private final int[] species;
    private final int[] speciesIndex; // by Z, -1 if unknown
    private final int nFeatures;
    private final int[] kPerL;
    private final Hypers hypers;
    private final List<Block> blocks;
    private final TensorBasis[] bases;
    private final Parameters params;
    private final ScalarNetworks nets;
    // contraction blocks [block][species], null where unused
    private final Parameters.Block[][] vW;
    private final Parameters.Block[][] uW;
    private final Parameters.Block[][] lamW;
    // per block a buffer [species, n_basis]: fixed scales of the basis elements (see fitBasisScales)
    private final Parameters.Block[] scaleW;
    private final int[] expansionOrders;
    private final boolean usesPositions; // some basis has position elements
    private final int chunks;
    // the contraction weights (vW, uW, lamW) occupy [gradStart, gradEnd) of the parameter vector: the
    // per-chunk gradient accumulators cover only that range (the scalar networks accumulate directly)
    private final int gradStart;
    private final int gradEnd;

    // state of the last forward
    private AtomBatch last;
    private double[][] basisValues = new double[0][];  // [block] atoms × nb × dim
    private double[][] atomOut = new double[0][];      // [block] atoms × p × dim
    private double[][] structOut = new double[0][];    // [block] structures × p × dim
    private double[][] dCoef = new double[0][];         // [block] atoms × (p × nb)
    // contractions of the last forward, reused by backward: [block] atoms × 9 (v, u), atoms × dim² (λ)
    private double[][] vOf = new double[0][];
    private double[][] uOf = new double[0][];
    private double[][] lamOf = new double[0][];
    // basis intermediate values of the last forward (atoms × stateSize), so backward need not recompute them
    private double[][] basisState = new double[0][];
    private final ChunkScratch[] scratch;

    /**
     * @param species   centre (and neighbour) atomic numbers known to the model, sorted or not
     * @param nFeatures power-spectrum length F
     * @param kPerL     K_l of the density expansion for each l (index l), at least up to the largest
     *                  order the blocks need
     * @param seed      initialisation seed
     */
    public TensorModel(int[] species, int nFeatures, int[] kPerL, Hypers hypers, List<Block> blocks, long seed) {
        if (blocks.isEmpty()) throw new IllegalArgumentException("no target blocks");
        this.species = species.clone();
        int maxZ = Arrays.stream(species).max().orElseThrow();
        speciesIndex = new int[maxZ + 1];
        Arrays.fill(speciesIndex, -1);
        for (int s = 0; s < species.length; s++) speciesIndex[species[s]] = s;
        this.nFeatures = nFeatures;
        this.kPerL = kPerL.clone();
        this.hypers = hypers;
        this.blocks = List.copyOf(blocks);
        this.params = new Parameters();
        int nb = blocks.size();
        bases = new TensorBasis[nb];
        List<ScalarNetworks.HeadSpec> heads = new ArrayList<>();
        TreeSet<Integer> orders = new TreeSet<>();
        for (int b = 0; b < nb; b++) {
            Block bl = blocks.get(b);
            for (int c = 0; c < b; c++) {
                if (blocks.get(c).name().equals(bl.name())) throw new IllegalArgumentException("duplicate block " + bl.name());
            }
            bases[b] = new TensorBasis(bl.lambda(), bl.sigma(), bl.lambdaCorrection(), bl.pseudoMode(), bl.position());
            heads.add(new ScalarNetworks.HeadSpec(bl.name(), bl.properties() * bases[b].size()));
            if (bases[b].usesV()) orders.add(1);
            if (bases[b].usesU()) orders.add(bases[b].uOrder());
            if (bases[b].usesLambdaCorrection()) orders.add(bl.lambda());
        }
        for (int l : orders) {
            if (l >= kPerL.length || kPerL[l] < 1) {
                throw new IllegalArgumentException("the model needs the l=" + l + " density expansion, K_l not given");
            }
        }
        expansionOrders = orders.stream().mapToInt(Integer::intValue).toArray();
        usesPositions = java.util.Arrays.stream(bases).anyMatch(TensorBasis::usesPosition);
        nets = new ScalarNetworks(params, "scalar.", this.species, nFeatures, hypers.width(), hypers.depth(), heads,
            hypers.scalarNetwork(), hypers.embedding());
        // species own disjoint rows and parameter blocks: running them concurrently is bit-identical
        nets.setParallel(hypers.threads() > 1);
        vW = new Parameters.Block[nb][];
        uW = new Parameters.Block[nb][];
        lamW = new Parameters.Block[nb][];
        for (int b = 0; b < nb; b++) {
            Block bl = blocks.get(b);
            TensorBasis tb = bases[b];
            if (tb.usesV()) vW[b] = register(bl.name() + ".v", kPerL[1], 3);
            if (tb.usesU()) uW[b] = register(bl.name() + ".u", kPerL[tb.uOrder()], 3);
            if (tb.usesLambdaCorrection()) lamW[b] = register(bl.name() + ".lambda", kPerL[bl.lambda()], bl.dim());
        }
        int gs = params.size();
        int ge = params.size();
        for (Parameters.Block[][] group : new Parameters.Block[][][] {vW, uW, lamW}) {
            for (Parameters.Block[] perSpecies : group) {
                if (perSpecies == null) continue;
                for (Parameters.Block bl : perSpecies) gs = Math.min(gs, bl.offset());
            }
        }
        scaleW = new Parameters.Block[nb];
        for (int b = 0; b < nb; b++) {
            scaleW[b] = params.registerBuffer(blocks.get(b).name() + ".basis_scale", Parameters.Init.constant(1.0),
                species.length, bases[b].size());
        }
        params.initialize(seed);
        gradStart = gs;
        gradEnd = ge;
        chunks = hypers.threads();
        scratch = new ChunkScratch[chunks];
        for (int c = 0; c < chunks; c++) scratch[c] = new ChunkScratch();
    }

    /**
     * A replica for prediction ({@link #replica}) whose parameters are declared fixed: weight-derived products (the first
     * layers' W0⊙γ and W0·β, the element-bias table, the shared mode's derived contractions) are formed by its first
     * forward and reused by the next ones, and the bases are evaluated without the derivatives and per-atom state a
     * backward pass would need. The same predictions bit for bit; its {@link #backward} is refused. The copy does not
     * follow later changes of this model's parameters.
     */
    public TensorModel predictionReplica(int threads) {
        return predictionReplica(threads, false);
    }

    /**
     * As {@link #predictionReplica(int)}; with {@code float32} its scalar networks multiply the first layer in float32
     * ({@link ScalarNetworks#setFloat32}) and it reads float32 batches ({@link AtomBatch#ofFloatRows}).
     */
    public TensorModel predictionReplica(int threads, boolean float32) {
        TensorModel r = replica(threads);
        if (float32) r.nets.setFloat32(true);
        r.nets.setFixedWeights(true);
        r.fixedWeights = true;
        // and basis workspaces without the derivatives and saved state only a backward pass needs
        for (ChunkScratch cs : r.scratch) for (int b = 0; b < r.bases.length; b++) cs.ws[b] = r.bases[b].newValuesOnlyWorkspace();
        return r;
    }

    private boolean fixedWeights;      // predictionReplica(): parameters never change
    private boolean contractionsDerived;

    /**
     * An independent copy with the same architecture and current weights, running on {@code threads}
     * threads: for data-parallel inference (each replica forwards its own batches; a model runs one
     * batch at a time).
     */
    public TensorModel replica(int threads) {
        TensorModel r = new TensorModel(species, nFeatures, kPerL, hypers.withThreads(threads), blocks, 0);
        System.arraycopy(params.values(), 0, r.params.values(), 0, params.size());
        r.nets.setInputNormalized(nets.isInputNormalized());
        r.nets.setFloat32(nets.isFloat32());
        return r;
    }

    private Parameters.Block[] register(String name, int k, int cols) {
        Parameters.Block[] out = new Parameters.Block[species.length];
        if (nets.embedding() != null) {
            // shared network: the element's weights are derived, W(Z) = W_shared + Σ_e E[Z, e] W_e, with E
            // the network's element embedding, so rare elements borrow what the common ones learned
            for (int s = 0; s < species.length; s++) {
                out[s] = params.registerBuffer(name + ".Z" + species[s], Parameters.Init.constant(0.0), k, cols);
            }
            Parameters.Block shared = params.register(name + ".shared", Parameters.Init.linear(k), k, cols);
            Parameters.Block embed = params.register(name + ".embed", Parameters.Init.linear(k), nets.embeddingDim(), k, cols);
            embedded.add(new EmbeddedContraction(out, shared, embed));
            return out;
        }
        for (int s = 0; s < species.length; s++) {
            out[s] = params.register(name + ".Z" + species[s], Parameters.Init.linear(k), k, cols);
        }
        return out;
    }

    /** A contraction whose per-element weights (buffers) derive from shared weights and the element embedding. */
    private record EmbeddedContraction(Parameters.Block[] perElement, Parameters.Block shared, Parameters.Block embed) {}

    private final List<EmbeddedContraction> embedded = new ArrayList<>();

    /** Shared mode: {@code W(Z_s) = W_shared + Σ_e E[s, e] W_e} into the per-element blocks. */
    private void deriveContractions() {
        if (embedded.isEmpty() || (fixedWeights && contractionsDerived)) return;
        contractionsDerived = fixedWeights;
        double[] w = params.values();
        Parameters.Block emb = nets.embedding();
        int d = nets.embeddingDim();
        for (EmbeddedContraction c : embedded) {
            int n = c.shared().size();
            for (int s = 0; s < species.length; s++) {
                int o = c.perElement()[s].offset();
                System.arraycopy(w, c.shared().offset(), w, o, n);
                for (int e = 0; e < d; e++) {
                    double es = w[emb.offset() + s * d + e];
                    int we = c.embed().offset() + e * n;
                    for (int k = 0; k < n; k++) w[o + k] += es * w[we + k];
                }
            }
        }
    }

    /**
     * Shared mode: moves the gradients accumulated on the derived per-element weights G_s to the
     * shared weights (Σ_s G_s), the embedded ones (Σ_s E[s, e] G_s) and the embedding (⟨W_e, G_s⟩),
     * and clears them (they are buffers).
     */
    private void foldContractionGradients() {
        if (embedded.isEmpty()) return;
        double[] w = params.values();
        double[] g = params.grads();
        Parameters.Block emb = nets.embedding();
        int d = nets.embeddingDim();
        for (EmbeddedContraction c : embedded) {
            int n = c.shared().size();
            for (int s = 0; s < species.length; s++) {
                int o = c.perElement()[s].offset();
                for (int k = 0; k < n; k++) g[c.shared().offset() + k] += g[o + k];
                for (int e = 0; e < d; e++) {
                    int ei = emb.offset() + s * d + e;
                    double es = w[ei];
                    int we = c.embed().offset() + e * n;
                    double dot = 0;
                    for (int k = 0; k < n; k++) {
                        g[we + k] += es * g[o + k];
                        dot += w[we + k] * g[o + k];
                    }
                    g[ei] += dot;
                }
                Arrays.fill(g, o, o + n, 0.0);
            }
        }
    }

    /** Per-chunk scratch: basis workspaces, per-atom temporaries, private gradient accumulator. */
    private final class ChunkScratch {
        final TensorBasis.Workspace[] ws = new TensorBasis.Workspace[bases.length];
        final double[] gv = new double[9];
        final double[] gu;
        double[] glam = new double[0];
        double[] gT = new double[0];
        double[] grads = new double[0];

        ChunkScratch() {
            int maxDim = 1;
            int maxT = 1;
            for (int b = 0; b < bases.length; b++) {
                ws[b] = bases[b].newWorkspace();
                maxDim = Math.max(maxDim, bases[b].dim());
                maxT = Math.max(maxT, bases[b].size() * bases[b].dim());
            }
            glam = new double[maxDim * maxDim];
            gT = new double[maxT];
            int maxU = 9;
            for (TensorBasis tb : bases) maxU = Math.max(maxU, tb.uSize());
            gu = new double[maxU];
        }
    }

    public Parameters parameters() { return params; }

    public ScalarNetworks scalarNetworks() { return nets; }

    public List<Block> blocks() { return blocks; }

    public TensorBasis basis(int b) { return bases[b]; }

    public int[] species() { return species.clone(); }

    public int nFeatures() { return nFeatures; }

    public int[] kPerL() { return kPerL.clone(); }

    public Hypers hypers() { return hypers; }

    /** The density-expansion orders the blocks need (l = 1 and the λ of λ corrections). */
    public int[] expansionOrders() { return expansionOrders.clone(); }

    /** Index of the block called {@code name}. */
    public int blockIndex(String name) {
        for (int b = 0; b < blocks.size(); b++) if (blocks.get(b).name().equals(name)) return b;
        throw new IllegalArgumentException("no block " + name);
    }

    private int speciesOf(int z) {
        int s = z < speciesIndex.length ? speciesIndex[z] : -1;
        if (s < 0) throw new IllegalArgumentException("species Z=" + z + " unknown to the model");
        return s;
    }

    /** Contracts the vectors (and λ tensors) of atom i for block b into the per-atom caches. */
    private void contract(AtomBatch batch, int b, int i, int s) {
        double[] w = params.values();
        TensorBasis tb = bases[b];
        if (tb.usesV()) {
            int k1 = kPerL[1];
            contractVectors(batch.expansion(1), i * k1 * 3, k1, w, vW[b][s].offset(), vOf[b], 9 * i);
        }
        if (tb.usesU()) {
            int lu = tb.uOrder();
            int ku = kPerL[lu];
            if (lu == 1) {
                contractVectors(batch.expansion(1), i * ku * 3, ku, w, uW[b][s].offset(), uOf[b], 9 * i);
            } else {
                int du = 2 * lu + 1;
                contractTensors(batch.expansion(lu), i * ku * du, ku, du, 3, w, uW[b][s].offset(), uOf[b], i * tb.uSize());
            }
        }
        if (tb.usesLambdaCorrection()) {
            int dim = tb.dim();
            int kl = kPerL[tb.lambda()];
            contractTensors(batch.expansion(tb.lambda()), i * kl * dim, kl, dim, dim, w, lamW[b][s].offset(), lamOf[b], i * dim * dim);
        }
    }

    /**
     * {@code out[oo + q dim + μ] = Σ_K W[K, q] e[K, μ]} for q &lt; cols: {@code cols} learned order-l
     * tensors (dim = 2l+1) from the K channels of the order-l expansion {@code e[eo + K dim + μ]}.
     */
    private static void contractTensors(double[] e, int eo, int kk, int dim, int cols, double[] w, int wo, double[] out, int oo) {
        if (dim == 5 && cols == 5) contract5x5(e, eo, kk, w, wo, out, oo);
        else contractTensorsLoop(e, eo, kk, dim, cols, w, wo, out, oo);
    }

    /** The general loop of {@link #contractTensors}. */
    static void contractTensorsLoop(double[] e, int eo, int kk, int dim, int cols, double[] w, int wo, double[] out, int oo) {
        Arrays.fill(out, oo, oo + cols * dim, 0.0);
        for (int k = 0; k < kk; k++) {
            int ro = eo + k * dim;
            for (int q = 0; q < cols; q++) {
                double c = w[wo + k * cols + q];
                int lo = oo + q * dim;
                for (int mu = 0; mu < dim; mu++) out[lo + mu] += c * e[ro + mu];
            }
        }
    }

    /**
     * {@link #contractTensors} for λ = 2 with 5 learned tensors (the λ correction of λ = 2 blocks, the hot loop of
     * the forward pass): the 25 sums in registers instead of 25 loads and stores per channel. Each sum is formed in
     * the same order as the general loop (channel 0 first, from 0.0), so the result is the same bit for bit.
     */
    static void contract5x5(double[] e, int eo, int kk, double[] w, int wo, double[] out, int oo) {
        double a00 = 0, a01 = 0, a02 = 0, a03 = 0, a04 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a20 = 0, a21 = 0, a22 = 0;
        double a23 = 0, a24 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0, a34 = 0, a40 = 0, a41 = 0, a42 = 0, a43 = 0, a44 = 0;
        for (int c = 0; c < kk; c++) {
            int ro = eo + 5 * c;
            double e0 = e[ro], e1 = e[ro + 1], e2 = e[ro + 2], e3 = e[ro + 3], e4 = e[ro + 4];
            int wc = wo + 5 * c;
            double w0 = w[wc + 0];
            a00 += w0 * e0; a01 += w0 * e1; a02 += w0 * e2; a03 += w0 * e3; a04 += w0 * e4;
            double w1 = w[wc + 1];
            a10 += w1 * e0; a11 += w1 * e1; a12 += w1 * e2; a13 += w1 * e3; a14 += w1 * e4;
            double w2 = w[wc + 2];
            a20 += w2 * e0; a21 += w2 * e1; a22 += w2 * e2; a23 += w2 * e3; a24 += w2 * e4;
            double w3 = w[wc + 3];
            a30 += w3 * e0; a31 += w3 * e1; a32 += w3 * e2; a33 += w3 * e3; a34 += w3 * e4;
            double w4 = w[wc + 4];
            a40 += w4 * e0; a41 += w4 * e1; a42 += w4 * e2; a43 += w4 * e3; a44 += w4 * e4;
        }
        out[oo + 0] = a00; out[oo + 1] = a01; out[oo + 2] = a02; out[oo + 3] = a03; out[oo + 4] = a04;
        out[oo + 5] = a10; out[oo + 6] = a11; out[oo + 7] = a12; out[oo + 8] = a13; out[oo + 9] = a14;
        out[oo + 10] = a20; out[oo + 11] = a21; out[oo + 12] = a22; out[oo + 13] = a23; out[oo + 14] = a24;
        out[oo + 15] = a30; out[oo + 16] = a31; out[oo + 17] = a32; out[oo + 18] = a33; out[oo + 19] = a34;
        out[oo + 20] = a40; out[oo + 21] = a41; out[oo + 22] = a42; out[oo + 23] = a43; out[oo + 24] = a44;
    }

    /** The gradient of {@link #contractTensors}: {@code acc[wo + K cols + q] += Σ_μ e[K, μ] g[q dim + μ]}. */
    private static void accumulateTensorGrad(double[] e, int eo, int kk, int dim, int cols, double[] g, double[] acc, int wo) {
        if (dim == 5 && cols == 5) accumulateGrad5x5(e, eo, kk, g, acc, wo);
        else accumulateTensorGradLoop(e, eo, kk, dim, cols, g, acc, wo);
    }

    /** The general loop of {@link #accumulateTensorGrad}. */
    static void accumulateTensorGradLoop(double[] e, int eo, int kk, int dim, int cols, double[] g, double[] acc, int wo) {
        for (int k = 0; k < kk; k++) {
            for (int q = 0; q < cols; q++) {
                double sum = 0;
                for (int mu = 0; mu < dim; mu++) sum += e[eo + k * dim + mu] * g[q * dim + mu];
                acc[wo + k * cols + q] += sum;
            }
        }
    }

    /** {@link #accumulateTensorGrad} for dim = cols = 5: g in registers; each sum in the general loop's order (bit for bit). */
    static void accumulateGrad5x5(double[] e, int eo, int kk, double[] g, double[] acc, int wo) {
        double g00 = g[0], g01 = g[1], g02 = g[2], g03 = g[3], g04 = g[4];
        double g10 = g[5], g11 = g[6], g12 = g[7], g13 = g[8], g14 = g[9];
        double g20 = g[10], g21 = g[11], g22 = g[12], g23 = g[13], g24 = g[14];
        double g30 = g[15], g31 = g[16], g32 = g[17], g33 = g[18], g34 = g[19];
        double g40 = g[20], g41 = g[21], g42 = g[22], g43 = g[23], g44 = g[24];
        for (int c = 0; c < kk; c++) {
            int ro = eo + 5 * c;
            double e0 = e[ro], e1 = e[ro + 1], e2 = e[ro + 2], e3 = e[ro + 3], e4 = e[ro + 4];
            int o = wo + 5 * c;
            acc[o + 0] += 0.0 + e0 * g00 + e1 * g01 + e2 * g02 + e3 * g03 + e4 * g04;
            acc[o + 1] += 0.0 + e0 * g10 + e1 * g11 + e2 * g12 + e3 * g13 + e4 * g14;
            acc[o + 2] += 0.0 + e0 * g20 + e1 * g21 + e2 * g22 + e3 * g23 + e4 * g24;
            acc[o + 3] += 0.0 + e0 * g30 + e1 * g31 + e2 * g32 + e3 * g33 + e4 * g34;
            acc[o + 4] += 0.0 + e0 * g40 + e1 * g41 + e2 * g42 + e3 * g43 + e4 * g44;
        }
    }

    /** {@code out[oo + 3k + m] = Σ_K W[K, k] e[K, m]} for k, m in 0..2 (nine register accumulators). */
    private static void contractVectors(double[] e, int eo, int kk, double[] w, int wo, double[] out, int oo) {
        double a0 = 0, a1 = 0, a2 = 0, b0 = 0, b1 = 0, b2 = 0, c0 = 0, c1 = 0, c2 = 0;
        for (int k = 0; k < kk; k++) {
            double e0 = e[eo + 3 * k];
            double e1 = e[eo + 3 * k + 1];
            double e2 = e[eo + 3 * k + 2];
            double wa = w[wo + 3 * k];
            double wb = w[wo + 3 * k + 1];
            double wc = w[wo + 3 * k + 2];
            a0 += wa * e0;
            a1 += wa * e1;
            a2 += wa * e2;
            b0 += wb * e0;
            b1 += wb * e1;
            b2 += wb * e2;
            c0 += wc * e0;
            c1 += wc * e1;
            c2 += wc * e2;
        }
        out[oo] = a0;
        out[oo + 1] = a1;
        out[oo + 2] = a2;
        out[oo + 3] = b0;
        out[oo + 4] = b1;
        out[oo + 5] = b2;
        out[oo + 6] = c0;
        out[oo + 7] = c1;
        out[oo + 8] = c2;
    }

    private void checkBatch(AtomBatch batch) {
        if (batch.nFeatures() != nFeatures) {
            throw new IllegalArgumentException("batch has " + batch.nFeatures() + " features, the model " + nFeatures);
        }
        for (int l : expansionOrders) {
            if (batch.expansion(l) == null || batch.k(l) != kPerL[l]) {
                throw new IllegalArgumentException("batch lacks the l=" + l + " expansion with K=" + kPerL[l]);
            }
        }
        for (int z : batch.numbers()) speciesOf(z);
        if (usesPositions() && batch.positions() == null) {
            throw new IllegalArgumentException("the model has position elements: the batch needs the atoms' centred positions");
        }
    }

    /** Whether some block has position elements, so batches must carry the centred positions ({@link AtomBatch#positions()}). */
    public boolean usesPositions() { return usesPositions; }

    private void ensureCapacity(AtomBatch batch) {
        int nb = bases.length;
        if (basisValues.length != nb) {
            basisValues = new double[nb][0];
            atomOut = new double[nb][0];
            structOut = new double[nb][0];
            dCoef = new double[nb][0];
            vOf = new double[nb][0];
            uOf = new double[nb][0];
            lamOf = new double[nb][0];
            basisState = new double[nb][0];
        }
        for (int b = 0; b < nb; b++) {
            int t = batch.atoms() * bases[b].size() * bases[b].dim();
            if (basisValues[b].length < t) basisValues[b] = new double[t];
            int o = batch.atoms() * blocks.get(b).properties() * bases[b].dim();
            if (atomOut[b].length < o) atomOut[b] = new double[o];
            int so = batch.structures() * blocks.get(b).properties() * bases[b].dim();
            if (structOut[b].length < so) structOut[b] = new double[so];
            int c = batch.atoms() * blocks.get(b).properties() * bases[b].size();
            if (dCoef[b].length < c) dCoef[b] = new double[c];
            int atoms = batch.atoms();
            if (bases[b].usesV() && vOf[b].length < 9 * atoms) vOf[b] = new double[9 * atoms];
            int us = bases[b].uSize();
            if (bases[b].usesU() && uOf[b].length < us * atoms) uOf[b] = new double[us * atoms];
            int d2 = bases[b].dim() * bases[b].dim();
            if (bases[b].usesLambdaCorrection() && lamOf[b].length < d2 * atoms) lamOf[b] = new double[d2 * atoms];
            int st = fixedWeights ? 0 : bases[b].stateSize() * atoms; // a prediction replica keeps no state for a backward
            if (basisState[b].length < st) basisState[b] = new double[st];
        }
    }

    private void forEachChunk(int atoms, AtomChunks.Body body) {
        AtomChunks.forEach(chunks, atoms, body);
    }

    /**
     * Forward pass; results are read with {@link #atomOutput} and {@link #structureOutput}.
     *
     * @throws IllegalArgumentException if the batch does not fit the model (features, expansions, species)
     */
    public void forward(AtomBatch batch) {
        checkBatch(batch);
        ensureCapacity(batch);
        deriveContractions();
        last = batch;
        int n = batch.atoms();
        if (batch.hasFlatFeatures()) {
            nets.forward(batch.features(), batch.numbers(), n);
        } else if (batch.hasFloatRows()) {
            nets.forward(batch.floatRowArrays(), batch.rowOffsets(), batch.numbers(), n);
        } else {
            nets.forward(batch.rowArrays(), batch.rowOffsets(), batch.numbers(), n);
        }
        int[] z = batch.numbers();
        double[] pos = batch.positions();
        forEachChunk(n, (chunk, from, to) -> {
            ChunkScratch cs = scratch[chunk];
            for (int b = 0; b < bases.length; b++) {
                TensorBasis tb = bases[b];
                int nbas = tb.size();
                int dim = tb.dim();
                int np = blocks.get(b).properties();
                double[] coef = nets.output(b);
                double[] tv = basisValues[b];
                double[] y = atomOut[b];
                double[] vb = vOf[b];
                double[] ub = uOf[b];
                double[] lb = lamOf[b];
                double[] w = params.values();
                int d2 = dim * dim;
                for (int i = from; i < to; i++) {
                    int s = speciesOf(z[i]);
                    contract(batch, b, i, s);
                    int to0 = i * nbas * dim;
                    if (fixedWeights) {
                        tb.forwardPositioned(cs.ws[b], vb, 9 * i, ub, tb.uSize() * i, lb, d2 * i, pos, 3 * i, tv, to0);
                    } else {
                        tb.forwardPositioned(cs.ws[b], vb, 9 * i, ub, tb.uSize() * i, lb, d2 * i, pos, 3 * i, tv, to0, basisState[b], i * tb.stateSize());
                    }
                    int so = scaleW[b].offset() + s * nbas;
                    for (int q = 0; q < nbas; q++) {
                        double sq = w[so + q];
                        for (int mu = 0; mu < dim; mu++) tv[to0 + q * dim + mu] *= sq;
                    }
                    int co = i * np * nbas;
                    int yo = i * np * dim;
                    for (int p = 0; p < np; p++) {
                        for (int mu = 0; mu < dim; mu++) {
                            double acc = 0;
                            for (int q = 0; q < nbas; q++) acc += coef[co + p * nbas + q] * tv[to0 + q * dim + mu];
                            y[yo + p * dim + mu] = acc;
                        }
                    }
                }
            }
        });
        for (int b = 0; b < bases.length; b++) {
            int w = blocks.get(b).properties() * bases[b].dim();
            double[] so = structOut[b];
            Arrays.fill(so, 0, batch.structures() * w, 0.0);
            double[] y = atomOut[b];
            int[] sof = batch.structureOf();
            for (int i = 0; i < n; i++) {
                int base = sof[i] * w;
                for (int k = 0; k < w; k++) so[base + k] += y[i * w + k];
            }
        }
    }

    /** Per-atom outputs of block b from the last forward: atoms × properties × (2λ+1) (array may be longer). */
    public double[] atomOutput(int b) { return atomOut[b]; }

    /** Per-structure sums of block b from the last forward: structures × properties × (2λ+1). */
    public double[] structureOutput(int b) { return structOut[b]; }

    /**
     * Basis values of block b from the last forward, each element multiplied by its scale
     * ({@link #basisScales}): atoms × n_basis × (2λ+1).
     */
    public double[] basisValues(int b) { return basisValues[b]; }

    /**
     * Largest scale {@link #fitBasisScales} gives an element. Elements whose RMS is below its inverse
     * are, up to round-off, zero on the data (e.g. the pseudoscalar of planar molecules, RMS ~1e-21):
     * scaling them fully would turn round-off into a visible signal that is not equivariant.
     */
    public static final double MAX_BASIS_SCALE = 1e6;

    /**
     * The RMS of an element's basis element is shrunk towards its RMS over all atoms as if the element
     * had this many more atoms: an element seen on a few training atoms, all at nearly symmetric sites
     * (raw RMS 1e-5 where others have 1e-2), would otherwise get a scale of 1e5 that turns its first
     * low-symmetry atom into an outlier of 1e3 (the loss spikes of the 64-element Born charges). Elements
     * with thousands of atoms are unaffected.
     */
    public static final double SCALE_PRIOR_ATOMS = 20;

    /**
     * The scales of block b's basis elements for centre species index s (copy). Element q of an atom
     * of species s enters the model as {@code scale[s][q] · T_q}: a constant factor, so equivariance
     * is unchanged. They are buffers (parameter block {@code "<name>.basis_scale" [species, n_basis]},
     * not trained), 1 until {@link #fitBasisScales} sets them.
     */
    public double[] basisScales(int b, int s) {
        int n = bases[b].size();
        return Arrays.copyOfRange(params.values(), scaleW[b].offset() + s * n, scaleW[b].offset() + (s + 1) * n);
    }

    /**
     * Sets the basis scales so that every element has unit RMS over the atoms of each centre species
     * in {@code batches} (in practice the training set, before training): {@code scale = 1 / max(RMS',
     * 1 / MAX_BASIS_SCALE)}, where RMS' is the species' RMS shrunk towards the RMS over all atoms by
     * {@link #SCALE_PRIOR_ATOMS} (for species absent from the batches: the RMS over all atoms). The raw elements differ in size
     * by orders of magnitude (on QM7-X and NMR crystals the pseudoscalar elements have RMS ~3e-5, the
     * λ = 2 products of learned vectors ~1e-3, the λ correction ~0.1), which otherwise leaves the
     * small ones out of reach of gradient descent from the network's O(1) coefficients.
     *
     * @return the raw RMS per block, species and element (0 for absent species)
     */
    public double[][][] fitBasisScales(Iterable<AtomBatch> batches) {
        return fitBasisScales(batches, SCALE_PRIOR_ATOMS);
    }

    /** As {@link #fitBasisScales(Iterable)} with the shrinkage prior {@code priorAtoms} (0: each species' own RMS). */
    public double[][][] fitBasisScales(Iterable<AtomBatch> batches, double priorAtoms) {
        double[] w = params.values();
        for (Parameters.Block sb : scaleW) Arrays.fill(w, sb.offset(), sb.end(), 1.0);
        int nb = bases.length;
        double[][][] sum = new double[nb][species.length][];
        for (int b = 0; b < nb; b++) for (int s = 0; s < species.length; s++) sum[b][s] = new double[bases[b].size()];
        long[] count = new long[species.length];
        for (AtomBatch batch : batches) {
            forward(batch);
            int[] z = batch.numbers();
            for (int i = 0; i < batch.atoms(); i++) {
                int s = speciesOf(z[i]);
                count[s]++;
                for (int b = 0; b < nb; b++) {
                    int nbas = bases[b].size(), dim = bases[b].dim();
                    double[] tv = basisValues[b];
                    for (int q = 0; q < nbas; q++) {
                        double acc = 0;
                        for (int mu = 0; mu < dim; mu++) {
                            double t = tv[(i * nbas + q) * dim + mu];
                            acc += t * t;
                        }
                        sum[b][s][q] += acc;
                    }
                }
            }
        }
        long all = 0;
        for (long c : count) all += c;
        for (int b = 0; b < nb; b++) {
            int nbas = bases[b].size();
            for (int q = 0; q < nbas; q++) {
                // the mean square over all atoms: the prior towards which rare elements' scales shrink
                double pooled = 0;
                for (int s = 0; s < species.length; s++) pooled += sum[b][s][q];
                pooled /= Math.max(1, all);
                for (int s = 0; s < species.length; s++) {
                    double rms = count[s] == 0 ? 0 : Math.sqrt(sum[b][s][q] / count[s]);
                    double shrunk = count[s] == 0 && priorAtoms == 0 ? Math.sqrt(pooled)
                        : Math.sqrt((sum[b][s][q] + priorAtoms * pooled) / (count[s] + priorAtoms));
                    sum[b][s][q] = rms;
                    // a species absent from the batches gets the scale of all atoms (shrunk = the pooled RMS)
                    w[scaleW[b].offset() + s * nbas + q] = all == 0 ? 1.0 : 1.0 / Math.max(shrunk, 1.0 / MAX_BASIS_SCALE);
                }
            }
        }
        last = null; // the last forward used the old scales
        return sum;
    }

    /**
     * Backward pass for the last forward: {@code gAtom[b]} is dL/d(per-atom output of block b)
     * (atoms × properties × dim; null = zero; for per-structure targets pass the structure gradient
     * broadcast to its atoms). Accumulates into {@link Parameters#grads()}.
     */
    public void backward(double[][] gAtom) {
        backward(gAtom, null, null);
    }

    /**
     * As {@link #backward(double[][])}, and also the input gradients (for a trained species mixing): if
     * {@code dx != null}, dL/d(feature rows) is written to it ({@code atoms × F}; with respect to x̂ when the input
     * is normalised, {@link ScalarNetworks#backward(double[][], double[])}); if {@code dExp != null}, dL/d(expansion
     * rows of order l) is <em>added</em> to {@code dExp[l]} (the batch's layout) for every order the bases read:
     * {@code dρ[K, μ] += Σ_q W[K, q] g[q, μ]} of each contraction.
     */
    public void backward(double[][] gAtom, double[] dx, double[][] dExp) {
        if (last == null) throw new IllegalStateException("backward before forward");
        if (fixedWeights) throw new IllegalStateException("a prediction replica (fixed weights) has no backward pass");
        AtomBatch batch = last;
        int n = batch.atoms();
        int[] z = batch.numbers();
        int gsize = gradEnd - gradStart;
        for (ChunkScratch cs : scratch) {
            if (cs.grads.length < gsize) cs.grads = new double[gsize];
        }
        int used = Math.min(chunks, Math.max(1, n / 8));
        for (int c = 0; c < used; c++) Arrays.fill(scratch[c].grads, 0, gsize, 0.0);
        forEachChunk(n, (chunk, from, to) -> {
            ChunkScratch cs = scratch[chunk];
            for (int b = 0; b < bases.length; b++) {
                double[] g = gAtom[b];
                TensorBasis tb = bases[b];
                int nbas = tb.size();
                int dim = tb.dim();
                int np = blocks.get(b).properties();
                double[] coef = nets.output(b);
                double[] tv = basisValues[b];
                double[] dc = dCoef[b];
                if (g == null) {
                    Arrays.fill(dc, from * np * nbas, to * np * nbas, 0.0);
                    continue;
                }
                boolean needBasisGrad = tb.usesV() || tb.usesU() || tb.usesLambdaCorrection();
                for (int i = from; i < to; i++) {
                    int s = speciesOf(z[i]);
                    int go = i * np * dim;
                    int co = i * np * nbas;
                    int to0 = i * nbas * dim;
                    for (int p = 0; p < np; p++) {
                        for (int q = 0; q < nbas; q++) {
                            double acc = 0;
                            for (int mu = 0; mu < dim; mu++) acc += g[go + p * dim + mu] * tv[to0 + q * dim + mu];
                            dc[co + p * nbas + q] = acc;
                        }
                    }
                    if (!needBasisGrad) continue;
                    // gradient with respect to the unscaled basis (the forward multiplied element q by its scale)
                    double[] gT = cs.gT;
                    double[] w = params.values();
                    int so = scaleW[b].offset() + s * nbas;
                    for (int q = 0; q < nbas; q++) {
                        double sq = w[so + q];
                        for (int mu = 0; mu < dim; mu++) {
                            double acc = 0;
                            for (int p = 0; p < np; p++) acc += coef[co + p * nbas + q] * g[go + p * dim + mu];
                            gT[q * dim + mu] = acc * sq;
                        }
                    }
                    Arrays.fill(cs.gv, 0.0);
                    Arrays.fill(cs.gu, 0.0);
                    Arrays.fill(cs.glam, 0, dim * dim, 0.0);
                    // the forward's basis state is reused: inputs and weights have not changed since
                    tb.backwardFromState(cs.ws[b], basisState[b], i * tb.stateSize(), gT, 0, cs.gv, 0, cs.gu, 0, cs.glam, 0);
                    double[] acc = cs.grads;
                    if (dExp != null) inputGradients(b, s, i, cs, dExp);
                    if (tb.usesV()) {
                        int k1 = kPerL[1];
                        accumulateVectorGrad(batch.expansion(1), i * k1 * 3, k1, cs.gv, acc, vW[b][s].offset() - gradStart);
                    }
                    if (tb.usesU()) {
                        int lu = tb.uOrder();
                        int ku = kPerL[lu];
                        if (lu == 1) {
                            accumulateVectorGrad(batch.expansion(1), i * ku * 3, ku, cs.gu, acc, uW[b][s].offset() - gradStart);
                        } else {
                            int du = 2 * lu + 1;
                            accumulateTensorGrad(batch.expansion(lu), i * ku * du, ku, du, 3, cs.gu, acc, uW[b][s].offset() - gradStart);
                        }
                    }
                    if (tb.usesLambdaCorrection()) {
                        int kl = kPerL[tb.lambda()];
                        accumulateTensorGrad(batch.expansion(tb.lambda()), i * kl * dim, kl, dim, dim, cs.glam, acc, lamW[b][s].offset() - gradStart);
                    }
                }
            }
        });
        double[] grads = params.grads();
        for (int c = 0; c < used; c++) {
            double[] g = scratch[c].grads;
            for (int k = gradStart; k < gradEnd; k++) grads[k] += g[k - gradStart];
        }
        double[][] dOut = new double[bases.length][];
        for (int b = 0; b < bases.length; b++) dOut[b] = gAtom[b] == null ? null : dCoef[b];
        nets.backward(dOut, dx);
        foldContractionGradients();
    }

    /** dL/d(expansion rows) of atom i (species s) of block b from the contraction gradients in {@code cs}, added to dExp. */
    private void inputGradients(int b, int s, int i, ChunkScratch cs, double[][] dExp) {
        TensorBasis tb = bases[b];
        double[] w = params.values();
        if (tb.usesV()) addInputGrad(w, vW[b][s].offset(), kPerL[1], 3, 3, cs.gv, dExp[1], i * kPerL[1] * 3);
        if (tb.usesU()) {
            int lu = tb.uOrder();
            int du = 2 * lu + 1;
            addInputGrad(w, uW[b][s].offset(), kPerL[lu], du, 3, cs.gu, dExp[lu], i * kPerL[lu] * du);
        }
        if (tb.usesLambdaCorrection()) {
            int dim = tb.dim();
            int kl = kPerL[tb.lambda()];
            addInputGrad(w, lamW[b][s].offset(), kl, dim, dim, cs.glam, dExp[tb.lambda()], i * kl * dim);
        }
    }

    /**
     * {@code de[eo + K dim + μ] += Σ_q W[K cols + q] g[q dim + μ]}: the input gradient of {@link #contractTensors}
     * (and of {@link #contractVectors}, dim = cols = 3).
     */
    private static void addInputGrad(double[] w, int wo, int kk, int dim, int cols, double[] g, double[] de, int eo) {
        for (int k = 0; k < kk; k++) {
            for (int q = 0; q < cols; q++) {
                double c = w[wo + k * cols + q];
                int go = q * dim;
                int o = eo + k * dim;
                for (int mu = 0; mu < dim; mu++) de[o + mu] += c * g[go + mu];
            }
        }
    }

    /** {@code gW[K, k] += Σ_m e[K, m] gv[3k + m]}. */
    private static void accumulateVectorGrad(double[] e, int eo, int kk, double[] gv, double[] acc, int wo) {
        for (int k = 0; k < kk; k++) {
            double e0 = e[eo + 3 * k];
            double e1 = e[eo + 3 * k + 1];
            double e2 = e[eo + 3 * k + 2];
            for (int c = 0; c < 3; c++) {
                acc[wo + 3 * k + c] += e0 * gv[3 * c] + e1 * gv[3 * c + 1] + e2 * gv[3 * c + 2];
            }
        }
    }

    /**
     * Rank and condition number of every atom's basis for block b, from the last forward (see
     * {@link BasisDiagnostics}); never NaN.
     */
    public BasisDiagnostics.Result[] diagnostics(int b, double relTol) {
        if (last == null) throw new IllegalStateException("diagnostics before forward");
        int n = last.atoms();
        TensorBasis tb = bases[b];
        BasisDiagnostics.Result[] out = new BasisDiagnostics.Result[n];
        for (int i = 0; i < n; i++) {
            out[i] = BasisDiagnostics.analyse(basisValues[b], i * tb.size() * tb.dim(), tb.size(), tb.dim(), relTol);
        }
        return out;
    }
}
