package org.tensorbasis.targets;

import java.util.Arrays;
import java.util.List;
import org.tensorbasis.linalg.Cholesky;
import org.tensorbasis.structure.Structure;

/**
 * Normalisation of one model block: targets are learned as {@code (y − baseline) / scale}, per atom
 * for per-structure targets (y / N_atoms), with a composition baseline for invariant blocks
 * (λ = 0, σ = +1): a linear fit of the target on the species counts (per-structure targets) or the
 * per-species mean (per-atom targets). The scale is the uncentred RMS of the baseline-corrected,
 * per-atom-normalised training values (1 when they are all zero).
 */
public final class Normalization {
    private final double scale;
    /**
     * Per-species scales are shrunk towards the block's scale as if each species had this many more
     * atoms whose values have the block's RMS: no effect on elements with thousands of atoms, the
     * block's scale for an element with a handful.
     */
    public static final double SCALE_PRIOR_ATOMS = 20;

    /** Floor of a per-species scale, relative to the block's. */
    public static final double MIN_SPECIES_SCALE = 1e-3;

    /** Per-atom blocks: one scale per centre species index (null: {@link #scale} for all). */
    private final double[] speciesScale;
    private final int properties;
    private final int dim;
    /** [species index][property], added to the λ = 0 component; null when there is no baseline. */
    private final double[][] baseline;

    public Normalization(double scale, int properties, int dim, double[][] baseline) {
        this(scale, properties, dim, baseline, null);
    }

    /**
     * With per-species scales (per-atom blocks): an atom of species index s is learned as
     * {@code (y − baseline) / speciesScale[s]}, so that every element's errors weigh in the loss relative
     * to its own spread (NMR shieldings of H and S differ ~50× in spread).
     */
    public Normalization(double scale, int properties, int dim, double[][] baseline, double[] speciesScale) {
        if (!(scale > 0) || !Double.isFinite(scale)) throw new IllegalArgumentException("scale must be positive: " + scale);
        if (speciesScale != null) {
            for (double v : speciesScale) {
                if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("species scale must be positive: " + v);
            }
        }
        this.speciesScale = speciesScale == null ? null : speciesScale.clone();
        this.scale = scale;
        this.properties = properties;
        this.dim = dim;
        this.baseline = baseline;
    }

    /** The block's scale (of every atom unless there are per-species scales). */
    public double scale() { return scale; }

    /** Scale of an atom of species index s. */
    public double scale(int s) { return speciesScale == null ? scale : speciesScale[s]; }

    /** Per-species scales (copy), or null. */
    public double[] speciesScales() { return speciesScale == null ? null : speciesScale.clone(); }

    public boolean hasBaseline() { return baseline != null; }

    /** Baseline of species index s for property p (0 when there is none). */
    public double baseline(int s, int p) {
        return baseline == null ? 0 : baseline[s][p];
    }

    /** Baseline table, flattened [species][property] (zeros when none). */
    public double[] baselineFlat(int species) {
        double[] out = new double[species * properties];
        if (baseline != null) {
            for (int s = 0; s < species; s++) System.arraycopy(baseline[s], 0, out, s * properties, properties);
        }
        return out;
    }

    /**
     * Baseline of a set of atoms (species indices), added to each property's single component
     * (λ = 0 blocks only): {@code out[p * dim] += Σ_atoms baseline[s][p]}.
     */
    public void addBaseline(int[] speciesIdx, int from, int to, double[] out, int off) {
        if (baseline == null) return;
        for (int i = from; i < to; i++) {
            for (int p = 0; p < properties; p++) out[off + p * dim] += baseline[speciesIdx[i]][p];
        }
    }

    /**
     * Fits the baseline by least squares on species counts (ridge 1e-10 relative on the normal
     * equations) and returns the coefficients [species][property].
     *
     * @param counts  [structure][species] counts
     * @param targets [structure][property] values of the λ = 0 component
     */
    public static double[][] fitBaseline(double[][] counts, double[][] targets, int species, int properties) {
        double[][] a = new double[species][species];
        double[][] b = new double[species][properties];
        for (int k = 0; k < counts.length; k++) {
            for (int i = 0; i < species; i++) {
                for (int j = 0; j < species; j++) a[i][j] += counts[k][i] * counts[k][j];
                for (int p = 0; p < properties; p++) b[i][p] += counts[k][i] * targets[k][p];
            }
        }
        double trace = 0;
        for (int i = 0; i < species; i++) trace += a[i][i];
        double ridge = 1e-10 * Math.max(trace / Math.max(1, species), 1e-300);
        for (int i = 0; i < species; i++) a[i][i] += ridge;
        double[] l = new double[species * species];
        for (int i = 0; i < species; i++) System.arraycopy(a[i], 0, l, i * species, species);
        double[][] x = new double[species][properties];
        if (!Cholesky.factor(l, species)) return x; // cannot happen with the ridge; no baseline then
        for (int p = 0; p < properties; p++) {
            double[] col = new double[species];
            for (int i = 0; i < species; i++) col[i] = b[i][p];
            Cholesky.solve(l, species, col);
            for (int i = 0; i < species; i++) x[i][p] = col[i];
        }
        return x;
    }

    /**
     * Normalisation of every block from the training values; with {@code perSpeciesScale}, per-atom
     * blocks get one scale per centre species (the RMS of that species' baseline-corrected values).
     */
    public static Normalization[] fit(List<ModelBlock> blocks, int[] species, List<Sample> train, double[][][] values,
                                            boolean composition, boolean perSpeciesScale) {
        return fit(blocks, species, train, values, composition, perSpeciesScale, java.util.Set.of(), SCALE_PRIOR_ATOMS);
    }

    /**
     * As {@link #fit(List, int[], List, double[][][], boolean, boolean)}; the per-structure blocks of the
     * {@code intensive} targets (learned as n_atoms × y, {@link TargetTransform}) get their composition baseline
     * from a fit of y on the composition fractions n_s / n_atoms, i.e. every structure's error counts once, not
     * n_atoms² times: the baseline of a mean is a composition-weighted mean of per-species values. Per-species
     * scales shrink towards the block's scale by {@code scalePriorAtoms} atoms' worth of it.
     */
    public static Normalization[] fit(List<ModelBlock> blocks, int[] species, List<Sample> train, double[][][] values,
                                      boolean composition, boolean perSpeciesScale, java.util.Set<String> intensive,
                                      double scalePriorAtoms) {
        Normalization[] out = new Normalization[blocks.size()];
        int ns = species.length;
        for (int b = 0; b < blocks.size(); b++) {
            ModelBlock bl = blocks.get(b);
            int w = bl.properties() * bl.dim();
            double[][] base = null;
            if (composition && bl.lambda() == 0 && bl.sigma() == 1) {
                if (bl.perAtom()) {
                    base = new double[ns][bl.properties()];
                    long[] count = new long[ns];
                    for (int s = 0; s < train.size(); s++) {
                        Structure st = train.get(s).structure();
                        for (int i = 0; i < st.size(); i++) {
                            int k = Arrays.binarySearch(species, st.number(i));
                            count[k]++;
                            for (int p = 0; p < bl.properties(); p++) base[k][p] += values[b][s][i * w + p];
                        }
                    }
                    for (int k = 0; k < ns; k++) for (int p = 0; p < bl.properties(); p++) base[k][p] /= Math.max(1, count[k]);
                } else {
                    double[][] counts = new double[train.size()][ns];
                    double[][] targets = new double[train.size()][bl.properties()];
                    boolean mean = intensive.contains(bl.targetName());
                    for (int s = 0; s < train.size(); s++) {
                        Structure st = train.get(s).structure();
                        double f = mean ? 1.0 / st.size() : 1.0; // the same equations divided by n_atoms
                        for (int i = 0; i < st.size(); i++) counts[s][Arrays.binarySearch(species, st.number(i))] += f;
                        for (int p = 0; p < bl.properties(); p++) targets[s][p] = values[b][s][p] * f;
                    }
                    base = fitBaseline(counts, targets, ns, bl.properties());
                }
            }
            Normalization tmp = new Normalization(1.0, bl.properties(), bl.dim(), base);
            double sq = 0;
            long n = 0;
            double[] sqs = new double[ns];  // per-atom blocks: the same sums per centre species
            long[] cnt = new long[ns];
            for (int s = 0; s < train.size(); s++) {
                Structure st = train.get(s).structure();
                int[] sidx = speciesIndices(st, species);
                double[] v = values[b][s];
                int rows = v.length / w;
                for (int r = 0; r < rows; r++) {
                    double[] bs = new double[w];
                    if (bl.perAtom()) tmp.addBaseline(sidx, r, r + 1, bs, 0);
                    else tmp.addBaseline(sidx, 0, st.size(), bs, 0);
                    double norm = bl.perAtom() ? 1.0 : st.size();
                    for (int k = 0; k < w; k++) {
                        double x = (v[r * w + k] - bs[k]) / norm;
                        sq += x * x;
                        n++;
                        if (bl.perAtom()) {
                            sqs[sidx[r]] += x * x;
                            cnt[sidx[r]]++;
                        }
                    }
                }
            }
            double scale = Math.sqrt(sq / Math.max(1, n));
            if (!(scale > 1e-300) || !Double.isFinite(scale)) scale = 1.0;
            double[] speciesScale = null;
            if (bl.perAtom() && ns > 1 && perSpeciesScale) {
                // the RMS per centre species, shrunk towards the block's RMS by SCALE_PRIOR_ATOMS atoms'
                // worth of it and floored at MIN_SPECIES_SCALE of it: an element seen on a few atoms (or
                // only at sites where the block vanishes by symmetry) would otherwise get a scale near 0,
                // and any error on it would swamp the loss (the spikes of the 64-element Born charges)
                speciesScale = new double[ns];
                double prior = scalePriorAtoms * w;
                for (int k = 0; k < ns; k++) {
                    double sc = Math.sqrt((sqs[k] + prior * scale * scale) / (cnt[k] + prior));
                    speciesScale[k] = Double.isFinite(sc) ? Math.max(sc, MIN_SPECIES_SCALE * scale) : scale;
                }
            }
            out[b] = new Normalization(scale, bl.properties(), bl.dim(), base, speciesScale);
        }
        return out;
    }

    /** Index of each atom's species in the sorted {@code species}. */
    public static int[] speciesIndices(Structure st, int[] species) {
        int[] out = new int[st.size()];
        for (int i = 0; i < out.length; i++) out[i] = Arrays.binarySearch(species, st.number(i));
        return out;
    }

    @Override
    public String toString() {
        return "Normalization[scale=" + scale + (speciesScale == null ? "" : ", speciesScale=" + Arrays.toString(speciesScale)) + (baseline == null ? "" : ", baseline=" + Arrays.deepToString(baseline)) + "]";
    }
}
