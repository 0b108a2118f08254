package org.tensorbasis.model;

import java.util.Arrays;
import java.util.List;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.structure.Structure;

/**
 * Assembles the model input of some structures of a {@link FeatureCache}: the one place where
 * training, prediction and the benchmarks build batches.
 *
 * <p>A float64 cache lends its power-spectrum rows by reference ({@link AtomBatch#ofRows}): no
 * feature row is copied, and the scalar networks read each row once, just before the product that
 * uses it. A float32 prediction's cache (FLOAT32_POWER_SPECTRUM) lends its float32 rows the same way
 * ({@link AtomBatch#ofFloatRows}); a float32 training cache's rows are widened into one flat array. The expansion rows (a few hundred
 * numbers per atom) are copied.
 */
public final class CacheBatches {
    private CacheBatches() {}

    /** Reusable arrays: a batch built in a buffer is valid until the next batch is built in it. */
    public static final class Buffer {
        double[] x = new double[0];
        double[][] rowArrays = new double[0][];
        float[][] rowArrays32 = new float[0][];
        int[] rowOffsets = new int[0];
        int[] z = new int[0];
        int[] sof = new int[0];
        double[][] exp = new double[0][];
        double[] pos = new double[0];
    }

    /**
     * The batch of structures {@code which} of {@code cache} (in that order).
     *
     * @param structures the cache's structures (for their atomic numbers)
     * @param orders     the expansion orders the model needs ({@link TensorModel#expansionOrders()})
     * @param kPerL      K_l per order ({@link TensorModel#kPerL()})
     * @param buf        arrays to reuse (grown when needed)
     * @throws IllegalArgumentException if a structure does not match its cache entry
     */
    public static AtomBatch assemble(FeatureCache cache, int[] which, List<Structure> structures, int[] orders, int[] kPerL,
                                     Buffer buf) {
        return assemble(cache, which, structures, orders, kPerL, false, buf);
    }

    /** As above; with {@code positions}, the batch also carries the atoms' centred positions ({@link AtomBatch#withPositions}). */
    public static AtomBatch assemble(FeatureCache cache, int[] which, List<Structure> structures, int[] orders, int[] kPerL,
                                     boolean positions, Buffer buf) {
        int atoms = 0;
        for (int s : which) atoms += cache.atoms(s);
        int f = cache.powerSpectrumSize();
        int maxL = 0;
        for (int l : orders) maxL = Math.max(maxL, l);
        boolean byReference = cache.storage() == FeatureCache.Storage.FLOAT64;
        // a float32 prediction's cache: its float32 rows by reference, for a network that multiplies them in float32
        boolean float32Rows = cache.storage() == FeatureCache.Storage.FLOAT32_POWER_SPECTRUM;
        if (byReference || float32Rows) {
            if (buf.rowOffsets.length < atoms) buf.rowOffsets = new int[atoms];
            if (byReference && buf.rowArrays.length < atoms) buf.rowArrays = new double[atoms][];
            if (float32Rows && buf.rowArrays32.length < atoms) buf.rowArrays32 = new float[atoms][];
        } else if (buf.x.length < (long) atoms * f) {
            buf.x = new double[atoms * f];
        }
        if (buf.z.length < atoms) {
            buf.z = new int[atoms];
            buf.sof = new int[atoms];
        }
        if (positions && buf.pos.length < 3 * atoms) buf.pos = new double[3 * atoms];
        if (buf.exp.length < maxL + 1) buf.exp = Arrays.copyOf(buf.exp, maxL + 1);
        for (int l : orders) {
            int need = atoms * kPerL[l] * (2 * l + 1);
            if (buf.exp[l] == null || buf.exp[l].length < need) buf.exp[l] = new double[need];
        }
        double[][] exp = new double[maxL + 1][];
        for (int l : orders) exp[l] = buf.exp[l];
        int a = 0;
        for (int k = 0; k < which.length; k++) {
            int s = which[k];
            int n = cache.atoms(s);
            Structure st = structures.get(s);
            if (st.size() != n) throw new IllegalArgumentException("structure " + s + " does not match the cache");
            if (byReference) {
                double[] ps = cache.powerSpectrum(s);
                for (int i = 0; i < n; i++) {
                    buf.rowArrays[a + i] = ps;
                    buf.rowOffsets[a + i] = i * f;
                }
            } else if (float32Rows) {
                float[] ps = cache.powerSpectrum32(s);
                for (int i = 0; i < n; i++) {
                    buf.rowArrays32[a + i] = ps;
                    buf.rowOffsets[a + i] = i * f;
                }
            } else {
                for (int i = 0; i < n; i++) cache.powerSpectrumRow(s, i, buf.x, (a + i) * f);
            }
            for (int l : orders) {
                int w = kPerL[l] * (2 * l + 1);
                cache.expansionInto(s, l, exp[l], a * w);
            }
            if (positions) st.centredPositions(buf.pos, 3 * a);
            for (int i = 0; i < n; i++) {
                buf.sof[a + i] = k;
                buf.z[a + i] = st.number(i);
            }
            a += n;
        }
        int[] z = Arrays.copyOf(buf.z, atoms);
        int[] sof = Arrays.copyOf(buf.sof, atoms);
        AtomBatch batch = byReference
            ? AtomBatch.ofRows(f, buf.rowArrays, buf.rowOffsets, z, sof, which.length, exp, kPerL)
            : float32Rows ? AtomBatch.ofFloatRows(f, buf.rowArrays32, buf.rowOffsets, z, sof, which.length, exp, kPerL)
            : new AtomBatch(f, buf.x, z, sof, which.length, exp, kPerL);
        return positions ? batch.withPositions(buf.pos) : batch;
    }
}
