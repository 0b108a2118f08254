package org.tensorbasis.lambdamcov;

import org.tensorbasis.model.AtomChunks;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.SpeciesMlp;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Structure;

/**
 * Trained species mixing ({@code model.soap.species_channels: trained}): the mixing W (S × d) is a parameter
 * trained with the network. Each structure's atoms keep, once, their <em>unmixed</em> per-element expansion
 * c^Z_{nlm}(i) = Σ_{j ∈ Z} f_c R_nl Y_lm for the neighbour elements Z actually present (sparse entries), for every
 * order the model reads (l ≤ max_angular for the power spectrum, and the network's expansion orders). Every
 * step mixes them, ρ^k_{nlm}(i) = Σ_Z W[Z][k] c^Z_{nlm}(i), forms the power spectrum of ρ and its LayerNorm
 * x̂, and hands x̂ and the mixed expansions to the network as an ordinary {@link AtomBatch}. The backward turns
 * dL/dx̂ (from the scalar network) into dL/dx (LayerNorm), then dL/dρ (power spectrum, added to the dL/dρ of the
 * vector basis, the axial l = 2 tensors and the λ correction, {@link org.tensorbasis.model.TensorModel#backward(
 * double[][], double[], double[][])}), then dL/dW[Z][k] = Σ_i Σ_{nlm} dL/dρ^k_{nlm}(i) c^Z_{nlm}(i).
 *
 * <p>Layout of the mixed blocks: that of {@link SphericalExpansion} (atom, (k n), m), so the batch is the one the
 * fixed-mixing path builds with the same W, equal up to the order of the sums. Not thread-safe (one batch at a
 * time); parallel over fixed chunks of atoms, per-chunk W gradients reduced in chunk order (deterministic for
 * a fixed thread count). Allocates only when a batch is larger than every earlier one.
 */
final class TrainedMixing {
    private static final double SQRT2 = Math.sqrt(2.0);

    private final int s;              // elements
    private final int d;              // pseudo-species
    private final int maxAngular;
    private final int[] ls;           // stored orders, ascending
    private final int[] nPerL;        // by l (≤ largest stored)
    private final int[] entryOff;     // by l: offset in an entry, −1 when not stored
    private final int entry;          // doubles per (atom, element) entry
    private final int[] psOff;        // by l ≤ maxAngular
    private final int features;
    private final boolean full;
    private final int[] kPerL;        // d n_l (0 where not stored)
    private final int threads;
    // per structure: entries of atom i are start[i] .. start[i+1]−1, element index elem[e], coefficients coef[e·entry ..)
    private final int[][] start;
    private final int[][] elem;
    private final double[][] coef;
    private final long entries;

    // work arrays of the last batch
    private AtomBatch last;
    private int[] lastWhich = new int[0];
    private double[] xhat = new double[0];
    private double[] rstd = new double[0];
    private double[] dx = new double[0];
    private double[][] rho;
    private double[][] drho;
    private double[][] chunkGrad = new double[0][];
    private int[] z = new int[0];
    private int[] sof = new int[0];
    private int[] atomStruct = new int[0];  // per batch atom: its structure (cache index) and atom index
    private int[] atomIndex = new int[0];

    private TrainedMixing(int s, int d, int maxAngular, int[] ls, int[] nPerL, int[] psOff, int features, boolean full,
                          int threads, int[][] start, int[][] elem, double[][] coef) {
        this.s = s;
        this.d = d;
        this.maxAngular = maxAngular;
        this.ls = ls;
        this.nPerL = nPerL;
        int top = ls[ls.length - 1];
        entryOff = new int[top + 1];
        Arrays.fill(entryOff, -1);
        kPerL = new int[top + 1];
        int e = 0;
        for (int l : ls) {
            entryOff[l] = e;
            e += nPerL[l] * (2 * l + 1);
            kPerL[l] = d * nPerL[l];
        }
        this.entry = e;
        this.psOff = psOff;
        this.features = features;
        this.full = full;
        this.threads = Math.max(1, threads);
        this.start = start;
        this.elem = elem;
        this.coef = coef;
        long n = 0;
        for (int[] st : start) n += st[st.length - 1];
        this.entries = n;
        rho = new double[top + 1][0];
        drho = new double[top + 1][0];
    }

    /** The orders stored: l ≤ max_angular (power spectrum) and the network's expansion orders. */
    static int[] storedOrders(SphericalExpansion mixed, int[] networkOrders) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int l = 0; l <= mixed.maxAngular(); l++) set.add(l);
        for (int l : networkOrders) set.add(l);
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Doubles of one (atom, element) entry. */
    static long entrySize(SphericalExpansion mixed, int[] networkOrders) {
        long e = 0;
        for (int l : storedOrders(mixed, networkOrders)) e += (long) mixed.nRadial(l) * (2 * l + 1);
        return e;
    }

    /**
     * Upper bound of the bytes of the sparse cache, from the atomic numbers alone: an atom's neighbour elements are
     * among its structure's (periodic images included), so it has at most min(S, distinct elements) entries.
     */
    static long cacheBytes(SphericalExpansion mixed, int[] networkOrders, List<int[]> numbers) {
        int s = mixed.settings().species().length;
        long e = entrySize(mixed, networkOrders);
        long bytes = 0;
        for (int[] zs : numbers) {
            long distinct = Arrays.stream(zs).distinct().count();
            long n = zs.length * Math.min(s, distinct);
            bytes += n * (8 * e + 4) + 4L * (zs.length + 1);
        }
        return bytes;
    }

    /**
     * Bytes of the per-batch work arrays for a batch of {@code atoms} atoms: x̂, dx̂ and (per-element networks) the
     * per-species input-gradient rows, 1/σ, ρ and dρ of every stored order.
     */
    static long workBytes(SphericalExpansion mixed, int[] networkOrders, long atoms, int threads) {
        int d = mixed.channels();
        long perAtom = 3L * mixed.powerSpectrumSize() + 1 + 2 * (long) d * entrySize(mixed, networkOrders) + 4 * 4;
        return 8 * (atoms + (atoms >> 1)) * perAtom + 8L * Math.max(1, threads) * mixed.settings().species().length * d;
    }

    /**
     * The sparse unmixed expansions of the structures (in parallel over structures).
     *
     * @param mixed         the model's (d-channel) expansion calculator: settings, orders and layout
     * @param networkOrders the expansion orders the network reads ({@link org.tensorbasis.model.TensorModel#expansionOrders()})
     */
    static TrainedMixing compute(List<Structure> structures, SphericalExpansion mixed, int[] networkOrders, int threads) {
        DescriptorSettings one = mixed.settings().withMixing(null);
        SphericalExpansion oneHot = new SphericalExpansion(one, mixed.maxExpansionL());
        int[] ls = storedOrders(mixed, networkOrders);
        int top = ls[ls.length - 1];
        int s = one.species().length;
        int d = mixed.channels();
        int[] nPerL = new int[top + 1];
        for (int l = 0; l <= top; l++) nPerL[l] = mixed.nRadial(l);
        int[] psOff = new int[mixed.maxAngular() + 1];
        for (int l = 0; l <= mixed.maxAngular(); l++) psOff[l] = mixed.powerSpectrumOffset(l);
        int n = structures.size();
        int[][] start = new int[n][];
        int[][] elem = new int[n][];
        double[][] coef = new double[n][];
        int entry = (int) entrySize(mixed, networkOrders);
        ThreadLocal<SphericalExpansion.Workspace> wsLocal = ThreadLocal.withInitial(oneHot::newWorkspace);
        Runnable work = () -> IntStream.range(0, n).parallel().forEach(k -> {
            Structure st = structures.get(k);
            int na = st.size();
            NeighborList nl = NeighborList.build(st, one.cutoff());
            double[][] exp = new double[ls.length][];
            for (int q = 0; q < ls.length; q++) exp[q] = new double[na * oneHot.blockSize(ls[q])];
            oneHot.compute(st, nl, null, ls, exp, wsLocal.get());
            // an element is an entry of atom i when any of its coefficients is non-zero (absent ones add nothing)
            int[] st0 = new int[na + 1];
            int[] el = new int[na * Math.min(s, (int) Arrays.stream(st.numbers()).distinct().count())];
            int ne = 0;
            for (int i = 0; i < na; i++) {
                for (int a = 0; a < s; a++) {
                    boolean any = false;
                    for (int q = 0; q < ls.length && !any; q++) {
                        int l = ls[q], w = nPerL[l] * (2 * l + 1), o = i * oneHot.blockSize(l) + a * w;
                        for (int t = 0; t < w; t++) {
                            if (exp[q][o + t] != 0) {
                                any = true;
                                break;
                            }
                        }
                    }
                    if (any) {
                        if (ne == el.length) el = Arrays.copyOf(el, Math.max(4, 2 * el.length)); // cannot happen: bound above
                        el[ne++] = a;
                    }
                }
                st0[i + 1] = ne;
            }
            double[] c = new double[ne * entry];
            for (int i = 0; i < na; i++) {
                for (int e = st0[i]; e < st0[i + 1]; e++) {
                    int a = el[e], co = e * entry;
                    for (int q = 0; q < ls.length; q++) {
                        int l = ls[q], w = nPerL[l] * (2 * l + 1);
                        System.arraycopy(exp[q], i * oneHot.blockSize(l) + a * w, c, co, w);
                        co += w;
                    }
                }
            }
            start[k] = st0;
            elem[k] = Arrays.copyOf(el, ne);
            coef[k] = c;
        });
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(work).join();
        } finally {
            pool.shutdown();
        }
        return new TrainedMixing(s, d, mixed.maxAngular(), ls, nPerL, psOff, mixed.powerSpectrumSize(),
            mixed.settings().form() == PowerSpectrumForm.FULL, threads, start, elem, coef);
    }

    /** (atom, element) entries held. */
    long entries() { return entries; }

    /** Bytes held by the sparse cache (payloads). */
    long bytes() {
        long b = 0;
        for (int k = 0; k < coef.length; k++) b += 8L * coef[k].length + 4L * (elem[k].length + start[k].length);
        return b;
    }

    private int chunkCount(int atoms) { return AtomChunks.count(threads, atoms); }

    private void forEachChunk(int atoms, AtomChunks.Body body) {
        AtomChunks.forEach(threads, atoms, body);
    }

    /**
     * The batch of structures {@code which} (cache indices) with mixing {@code w} (S × d): x̂ (LayerNorm-normalised
     * power spectrum) as flat rows and the mixed expansions of the network's orders. Valid until the next call.
     *
     * @param structures the cache's structures (atomic numbers)
     * @param kPerL      the network's K_l by l
     */
    AtomBatch batch(int[] which, List<Structure> structures, double[] w, int[] kPerL) {
        return batch(which, structures, w, kPerL, false);
    }

    /** As above; with {@code positions}, the batch also carries the atoms' centred positions (the network's position elements). */
    AtomBatch batch(int[] which, List<Structure> structures, double[] w, int[] kPerL, boolean positions) {
        if (w.length != s * d) throw new IllegalArgumentException("mixing of " + w.length + " entries, need " + s + " × " + d);
        int atoms = 0;
        for (int k : which) atoms += start[k].length - 1;
        ensure(atoms);
        int a = 0;
        for (int k = 0; k < which.length; k++) {
            int st = which[k];
            int na = start[st].length - 1;
            Structure str = structures.get(st);
            if (str.size() != na) throw new IllegalArgumentException("structure " + st + " does not match the mixing cache");
            for (int i = 0; i < na; i++) {
                z[a + i] = str.number(i);
                sof[a + i] = k;
                atomStruct[a + i] = st;
                atomIndex[a + i] = i;
            }
            a += na;
        }
        final int n = atoms;
        forEachChunk(n, (chunk, from, to) -> {
            for (int i = from; i < to; i++) mixAtom(i, w);
        });
        lastWhich = which.clone();
        int top = ls[ls.length - 1];
        double[][] exp = new double[top + 1][];
        for (int l = 0; l <= top; l++) {
            if (l < kPerL.length && kPerL[l] > 0 && entryOff[l] >= 0) {
                if (kPerL[l] != this.kPerL[l]) throw new IllegalArgumentException("K_" + l + " of the network differs from the mixing's");
                exp[l] = rho[l];
            }
        }
        last = new AtomBatch(features, xhat, Arrays.copyOf(z, n), Arrays.copyOf(sof, n), which.length, exp, kPerL);
        if (positions) {
            double[] pos = new double[3 * n];
            int o = 0;
            for (int st : which) {
                structures.get(st).centredPositions(pos, o);
                o += 3 * structures.get(st).size();
            }
            last = last.withPositions(pos);
        }
        return last;
    }

    /** Mixed expansions, power spectrum and its LayerNorm of batch atom i. */
    private void mixAtom(int i, double[] w) {
        int st = atomStruct[i], ai = atomIndex[i];
        int[] s0 = start[st];
        int[] el = elem[st];
        double[] c = coef[st];
        for (int l : ls) {
            int bs = kPerL[l] * (2 * l + 1);
            Arrays.fill(rho[l], i * bs, (i + 1) * bs, 0.0);
        }
        for (int e = s0[ai]; e < s0[ai + 1]; e++) {
            int wo = el[e] * d, co = e * entry;
            for (int l : ls) {
                int len = nPerL[l] * (2 * l + 1), bs = kPerL[l] * (2 * l + 1), src = co + entryOff[l];
                double[] r = rho[l];
                for (int k = 0; k < d; k++) {
                    double wk = w[wo + k];
                    int dst = i * bs + k * len;
                    for (int t = 0; t < len; t++) r[dst + t] += wk * c[src + t];
                }
            }
        }
        // power spectrum of the mixed density: p^l_{uv} = Σ_m X_um X_vm, X = rho[l] of atom i (rows u = k n_l + n)
        int xo = i * features;
        for (int l = 0; l <= maxAngular; l++) {
            int kk = kPerL[l], dm = 2 * l + 1, bo = i * kk * dm, po = xo + psOff[l];
            double[] r = rho[l];
            for (int u = 0; u < kk; u++) {
                int rs = po + u * kk - u * (u - 1) / 2 - u;
                for (int v = u; v < kk; v++) {
                    double acc = 0;
                    for (int m = 0; m < dm; m++) acc += r[bo + u * dm + m] * r[bo + v * dm + m];
                    if (full) {
                        xhat[po + u * kk + v] = acc;
                        xhat[po + v * kk + u] = acc;
                    } else {
                        xhat[rs + v] = u == v ? acc : SQRT2 * acc;
                    }
                }
            }
        }
        rstd[i] = SpeciesMlp.normalizeRow(xhat, xo, xhat, xo, features);
    }

    /** dL/dx̂ of the last batch ({@code atoms × F}, zeroed), to be filled by the scalar networks' backward. */
    double[] featureGradient() {
        Arrays.fill(dx, 0, last.atoms() * features, 0.0);
        return dx;
    }

    /**
     * dL/dρ of the last batch by l (the same layout as the batch's expansions), zeroed for its atoms: the network's
     * backward adds the bases' part into it.
     */
    double[][] expansionGradients() {
        int n = last.atoms();
        for (int l : ls) Arrays.fill(drho[l], 0, n * kPerL[l] * (2 * l + 1), 0.0);
        return drho;
    }

    /**
     * Adds dL/dW (S × d) into {@code gw}, from dL/dx̂ in {@link #featureGradient()} (overwritten) and dL/dρ in
     * {@link #expansionGradients()} of the last batch.
     */
    void backward(double[] gw) {
        if (last == null) throw new IllegalStateException("backward before batch");
        int n = last.atoms();
        int chunks = chunkCount(n);
        if (chunkGrad.length < chunks) chunkGrad = new double[chunks][s * d];
        for (int c = 0; c < chunks; c++) Arrays.fill(chunkGrad[c], 0.0);
        forEachChunk(n, (chunk, from, to) -> {
            double[] g = chunkGrad[chunk];
            for (int i = from; i < to; i++) backwardAtom(i, g);
        });
        for (int c = 0; c < chunks; c++) for (int k = 0; k < s * d; k++) gw[k] += chunkGrad[c][k];
    }

    private void backwardAtom(int i, double[] gw) {
        int xo = i * features;
        SpeciesMlp.layerNormBackwardRow(dx, xo, xhat, xo, rstd[i], features);
        for (int l = 0; l <= maxAngular; l++) {
            int kk = kPerL[l], dm = 2 * l + 1, bo = i * kk * dm, po = xo + psOff[l];
            double[] r = rho[l], g = drho[l];
            for (int u = 0; u < kk; u++) {
                int rs = po + u * kk - u * (u - 1) / 2 - u;
                for (int v = u; v < kk; v++) {
                    double f;
                    if (full) {
                        f = u == v ? 2 * dx[po + u * kk + u] : dx[po + u * kk + v] + dx[po + v * kk + u];
                    } else {
                        f = u == v ? 2 * dx[rs + v] : SQRT2 * dx[rs + v];
                    }
                    if (f == 0) continue;
                    if (u == v) {
                        for (int m = 0; m < dm; m++) g[bo + u * dm + m] += f * r[bo + u * dm + m];
                    } else {
                        for (int m = 0; m < dm; m++) {
                            g[bo + u * dm + m] += f * r[bo + v * dm + m];
                            g[bo + v * dm + m] += f * r[bo + u * dm + m];
                        }
                    }
                }
            }
        }
        int st = atomStruct[i], ai = atomIndex[i];
        int[] s0 = start[st];
        int[] el = elem[st];
        double[] c = coef[st];
        for (int e = s0[ai]; e < s0[ai + 1]; e++) {
            int wo = el[e] * d, co = e * entry;
            for (int l : ls) {
                int len = nPerL[l] * (2 * l + 1), bs = kPerL[l] * (2 * l + 1), src = co + entryOff[l];
                double[] g = drho[l];
                for (int k = 0; k < d; k++) {
                    int o = i * bs + k * len;
                    double acc = 0;
                    for (int t = 0; t < len; t++) acc += g[o + t] * c[src + t];
                    gw[wo + k] += acc;
                }
            }
        }
    }

    private void ensure(int atoms) {
        if (z.length < atoms) {
            int cap = atoms + (atoms >> 1);
            z = new int[cap];
            sof = new int[cap];
            atomStruct = new int[cap];
            atomIndex = new int[cap];
            rstd = new double[cap];
        }
        if ((long) xhat.length < (long) atoms * features) {
            long cap = (long) (atoms + (atoms >> 1)) * features;
            xhat = new double[(int) cap];
            dx = new double[(int) cap];
        }
        for (int l : ls) {
            int need = atoms * kPerL[l] * (2 * l + 1);
            if (rho[l].length < need) {
                int cap = (atoms + (atoms >> 1)) * kPerL[l] * (2 * l + 1);
                rho[l] = new double[cap];
                drho[l] = new double[cap];
            }
        }
    }
}
