package org.tensorbasis.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Per-centre-species scalar networks with per-species target heads: for an atom of species Z with
 * feature row x, head h gives {@code c_h = W_{h,Z} · MLP_Z(x)}, {@code nOut(h)} coefficients.
 *
 * <p>A batch mixes species; {@link #forward} groups the rows per species (a permutation; the gather is
 * fused into each species' LayerNorm), runs each species' network and heads, and scatters the head
 * outputs back to the original row order. {@link #backward} does the reverse and accumulates into
 * {@link Parameters#grads()}. Species are independent (disjoint parameter blocks, workspaces and
 * output rows), so they may run in parallel ({@link #setParallel}).
 *
 * <p>Parameter blocks: {@code prefix + "Z<z>."} + the {@link SpeciesMlp} blocks, and
 * {@code prefix + "head.<name>.Z<z>.weight" [nOut, width]} (initialised U(−1/√width, 1/√width)).
 * Blocks are registered species by species in the given order, then heads by head, then species.
 */
public final class ScalarNetworks {

    /** A target head: a name (e.g. the target block) and its number of outputs per atom. */
    public record HeadSpec(String name, int nOut) {
        public HeadSpec {
            if (nOut < 1) throw new IllegalArgumentException("head " + name + ": nOut must be >= 1");
        }
    }

    private final int[] atomicNumbers;
    private final int[] speciesOfZ;
    private final int nFeatures;
    private final int width;
    private final SpeciesMlp[] mlps;
    private final Linear[][] heads; // [head][species]
    private final HeadSpec[] headSpecs;
    private final SpeciesMlp.Workspace[] ws;
    private boolean parallel;
    private boolean inputNormalized;

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
        if (atomicNumbers.length == 0) throw new IllegalArgumentException("no species");
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
        int ns = atomicNumbers.length;
        this.mlps = new SpeciesMlp[ns];
        this.ws = new SpeciesMlp.Workspace[ns];
        for (int s = 0; s < ns; s++) {
            mlps[s] = new SpeciesMlp(params, prefix + "Z" + atomicNumbers[s] + ".", nFeatures, width, depth);
            ws[s] = mlps[s].newWorkspace();
        }
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
                this.heads[h][s] = new Linear(params, prefix + "head." + headSpecs[h].name() + ".Z" + atomicNumbers[s] + ".weight",
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

    /** Run species concurrently on the common fork-join pool (default false). */
    public void setParallel(boolean parallel) { this.parallel = parallel; }

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

    /** The network of species index {@code s} (order of the constructor's atomic numbers). */
    public SpeciesMlp mlp(int s) { return mlps[s]; }

    /** Head {@code h} of species index {@code s}. */
    public Linear headLinear(int h, int s) { return heads[h][s]; }

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
        group(z, n);
        forEachSpecies(s -> forwardSpecies(s, x, null, null));
    }

    /**
     * As {@link #forward(double[], int[], int)} with the rows held by reference: row i is
     * {@code rowArrays[i][rowOffsets[i] .. + F)}, e.g. a row of a feature cache, read in place (no batch
     * copy). The arrays must not change before the backward pass.
     */
    public void forward(double[][] rowArrays, int[] rowOffsets, int[] z, int n) {
        if (rowArrays.length < n || rowOffsets.length < n) throw new IllegalArgumentException("fewer than n rows");
        for (int i = 0; i < n; i++) {
            if (rowOffsets[i] < 0 || rowArrays[i].length - rowOffsets[i] < nFeatures) {
                throw new IllegalArgumentException("row " + i + " holds fewer than " + nFeatures + " features");
            }
        }
        group(z, n);
        forEachSpecies(s -> forwardSpecies(s, null, rowArrays, rowOffsets));
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
        for (int h = 0; h < out.length; h++) {
            int need = n * headSpecs[h].nOut();
            if (out[h].length < need) out[h] = new double[Math.max(need, out[h].length + (out[h].length >> 1))];
        }
        for (int s = 0; s < ns; s++) {
            int rows = start[s + 1] - start[s];
            if (headBuf[s].length < rows * maxOut) headBuf[s] = new double[Math.max(rows * maxOut, headBuf[s].length + (headBuf[s].length >> 1))];
            if (dHBuf[s].length < rows * width) dHBuf[s] = new double[Math.max(rows * width, dHBuf[s].length + (dHBuf[s].length >> 1))];
        }
    }

    private void forwardSpecies(int s, double[] x, double[][] rowArrays, int[] rowOffsets) {
        int r0 = start[s];
        int rows = start[s + 1] - r0;
        if (rows == 0) return;
        double[] hid = x != null
            ? mlps[s].forward(x, perm, r0, rows, ws[s], inputNormalized)
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
     * original row order). Meant for tests: it costs one more n×F×width product.
     */
    public void backward(double[][] dOut, double[] dx) {
        if (dOut.length != headSpecs.length) throw new IllegalArgumentException("need one gradient per head");
        for (int h = 0; h < dOut.length; h++) {
            if (dOut[h] != null && dOut[h].length < n * headSpecs[h].nOut()) {
                throw new IllegalArgumentException("gradient of head " + headSpecs[h].name() + " holds fewer than n rows");
            }
        }
        forEachSpecies(s -> backwardSpecies(s, dOut, dx));
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
            double[] dxs = new double[rows * nFeatures]; // test path only
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
