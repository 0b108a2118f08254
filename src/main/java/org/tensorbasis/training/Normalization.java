package org.tensorbasis.training;

import java.util.Arrays;

/**
 * Normalisation of one model block: targets are learned as {@code (y − baseline) / scale}, per atom
 * for per-structure targets (y / N_atoms), with a composition baseline for invariant blocks
 * (λ = 0, σ = +1): a linear fit of the target on the species counts (per-structure targets) or the
 * per-species mean (per-atom targets). The scale is the uncentred RMS of the baseline-corrected,
 * per-atom-normalised training values (1 when they are all zero).
 */
public final class Normalization {
    private final double scale;
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
        double[][] x = new double[species][properties];
        for (int p = 0; p < properties; p++) {
            double[] col = new double[species];
            for (int i = 0; i < species; i++) col[i] = b[i][p];
            double[] sol = solveSpd(a, col);
            for (int i = 0; i < species; i++) x[i][p] = sol[i];
        }
        return x;
    }

    /** Solves A x = b for a symmetric positive (semi-)definite A by Cholesky with pivot guards. */
    static double[] solveSpd(double[][] a0, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a0[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                if (i == j) {
                    l[i][i] = Math.sqrt(Math.max(s, 1e-300));
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
            x[i] = s / l[i][i];
        }
        return x;
    }

    @Override
    public String toString() {
        return "Normalization[scale=" + scale + (speciesScale == null ? "" : ", speciesScale=" + Arrays.toString(speciesScale)) + (baseline == null ? "" : ", baseline=" + Arrays.deepToString(baseline)) + "]";
    }
}
