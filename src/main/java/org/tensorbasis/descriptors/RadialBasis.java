package org.tensorbasis.descriptors;

import org.tensorbasis.BadInputException;

/**
 * The "Laplacian eigenstates" radial basis: R_nl(r) = N_nl j_l(z_nl r / r_c) on [0, r_c], with z_nl the
 * (n+1)-th positive zero of j_l, keeping every (l, n) with z_nl ≤ (maxRadial + 1)π (the eigenvalue trimming
 * of the reference: at the defaults n_per_l = [8, 7, 7, 6, 6, 5, 5] for l ≤ 6).
 * N_nl = sqrt(2/r_c³)/|j_{l+1}(z_nl)| makes ∫_0^{r_c} R_nl R_n'l r² dr = δ_nn' (functions of the same l
 * are orthogonal because they are eigenfunctions of one Sturm–Liouville problem).
 *
 * <p>The functions exist for l = 0..{@link #maxL()}, maxL ≥ maxAngular (the power spectrum's l range):
 * the orders above maxAngular only serve equivariant expansion blocks (the λ basis of targets with
 * λ &gt; maxAngular). They follow the same trimming rule, except that an order l &gt; maxAngular whose first
 * zero is already above (maxRadial + 1)π keeps that one function, so that its expansion block exists (at the
 * defaults this first happens at l = 20); for l ≤ maxAngular such an l is a {@link BadInputException} as before.
 *
 * <p>Fast evaluation goes through cubic-Hermite tables (values and exact derivatives on a uniform grid
 * over [0, r_c]) whose spacing is chosen from the error bound h⁴/384 · max|R⁽⁴⁾| so that the
 * interpolation error is below 1e-8 (tested). There are two tables: one for l ≤ maxAngular, built exactly
 * as without the extra orders (so the power spectrum does not change by a bit), and one for the extra orders
 * with its own spacing. Functions are flattened l-major, index {@code offset(l) + n}, so the functions with
 * l ≤ L are the prefix of length {@link #size(int) size(L)}. The cutoff function is not included (see
 * {@link CosineCutoff}). Immutable and thread-safe.
 */
public final class RadialBasis {
    /** Target absolute interpolation error of the table. */
    public static final double TABLE_TOLERANCE = 1e-8;

    private final double cutoff;
    private final int maxAngular;
    private final int maxL;
    private final int[] nPerL;
    private final int[] offsets;
    private final int size;
    private final double[] zeros;  // flattened like the functions
    private final double[] norms;
    private final int[] lOf;
    private final Table base;      // l ≤ maxAngular
    private final Table extra;     // maxAngular < l ≤ maxL, or null

    /** Interpolation table of the functions first .. first+count−1. */
    private static final class Table {
        final int first, count, intervals;
        final double invH;
        final double[] values;  // per grid point k: [count values][count derivatives × h]

        Table(int first, int count, int intervals, double h, double[] values) {
            this.first = first;
            this.count = count;
            this.intervals = intervals;
            this.invH = 1.0 / h;
            this.values = values;
        }
    }

    /**
     * The basis for l = 0..maxAngular (the power-spectrum setting).
     *
     * @throws BadInputException if some l ≤ maxAngular would have no radial function
     */
    public RadialBasis(double cutoff, int maxRadial, int maxAngular) {
        this(cutoff, maxRadial, maxAngular, maxAngular);
    }

    /**
     * The basis for l = 0..maxL, maxL ≥ maxAngular; the functions of l ≤ maxAngular, their indices and their
     * table are identical to those of {@code RadialBasis(cutoff, maxRadial, maxAngular)}.
     *
     * @throws BadInputException if some l ≤ maxAngular would have no radial function
     * @throws IllegalArgumentException if maxL &lt; maxAngular or maxL &gt; 60
     */
    public RadialBasis(double cutoff, int maxRadial, int maxAngular, int maxL) {
        if (maxL < maxAngular || maxL > 60) {
            throw new IllegalArgumentException("expansion max l = " + maxL + " must be in max_angular (" + maxAngular + ")..60");
        }
        this.cutoff = cutoff;
        this.maxAngular = maxAngular;
        this.maxL = maxL;
        double zmax = (maxRadial + 1) * Math.PI * (1 + 1e-12);  // l = 0 zeros are exactly kπ
        double[][] z = SphericalBessel.zeros(maxL, maxRadial + 1);
        nPerL = new int[maxL + 1];
        offsets = new int[maxL + 2];
        for (int l = 0; l <= maxL; l++) {
            int c = 0;
            while (c < z[l].length && z[l][c] <= zmax) c++;
            if (c == 0 && l <= maxAngular) {
                throw BadInputException.field("max_angular", "no radial function for l = " + l
                    + " with max_radial " + maxRadial + " (first zero of j_" + l + " is above (max_radial+1)π); lower max_angular or raise max_radial");
            }
            // an extra (expansion-only) order keeps at least its first function, see the class comment
            nPerL[l] = Math.max(c, 1);
            offsets[l + 1] = offsets[l] + nPerL[l];
        }
        size = offsets[maxL + 1];
        zeros = new double[size];
        norms = new double[size];
        lOf = new int[size];
        double[] jb = new double[maxL + 3];
        for (int l = 0; l <= maxL; l++) {
            for (int n = 0; n < nPerL[l]; n++) {
                int f = offsets[l] + n;
                zeros[f] = z[l][n];
                lOf[f] = l;
                SphericalBessel.all(l + 1, z[l][n], jb);
                norms[f] = Math.sqrt(2.0 / (cutoff * cutoff * cutoff)) / Math.abs(jb[l + 1]);
            }
        }
        int nb = offsets[maxAngular + 1];
        base = table(0, nb, jb);
        extra = maxL > maxAngular ? table(nb, size - nb, jb) : null;
    }

    /** The interpolation table of functions first .. first+count−1 (jb: scratch of length ≥ maxL + 3). */
    private Table table(int first, int count, double[] jb) {
        double maxD4 = 0;
        for (int f = first; f < first + count; f++) {
            double k = zeros[f] / cutoff;
            maxD4 = Math.max(maxD4, norms[f] * k * k * k * k);  // |j_l^(4)| ≤ 1
        }
        // cubic Hermite: |error| ≤ h^4/384 max|f''''|; factor 4 of safety on the tolerance
        double hMax = Math.pow(384.0 * TABLE_TOLERANCE / 4.0 / maxD4, 0.25);
        int intervals = Math.max(16, (int) Math.ceil(cutoff / hMax));
        double h = cutoff / intervals;
        double[] values = new double[(intervals + 1) * 2 * count];
        double[] v = new double[count], d = new double[count];
        for (int k = 0; k <= intervals; k++) {
            exactAll(k * h, first, count, v, d, jb);
            int b = k * 2 * count;
            for (int f = 0; f < count; f++) {
                values[b + f] = v[f];
                values[b + count + f] = d[f] * h;
            }
        }
        return new Table(first, count, intervals, h, values);
    }

    /** Cutoff radius r_c in Å. */
    public double cutoff() { return cutoff; }

    /** Largest l of the power spectrum (up to it the trimming rule must leave at least one function). */
    public int maxAngular() { return maxAngular; }

    /** Largest l with radial functions (≥ {@link #maxAngular()}). */
    public int maxL() { return maxL; }

    /** Number of radial functions for each l = 0..maxL (copy). */
    public int[] nPerL() { return nPerL.clone(); }

    public int nPerL(int l) { return nPerL[l]; }

    /** Index of (l, n = 0) in the flattened function list. */
    public int offset(int l) { return offsets[l]; }

    /** Total number of functions Σ_{l ≤ maxL} n_l. */
    public int size() { return size; }

    /** Number of functions with l ≤ lmax: the l-major prefix that {@link #evaluate(double, double[], int, int)} fills. */
    public int size(int lmax) { return offsets[lmax + 1]; }

    /** z_nl, the (n+1)-th positive zero of j_l. */
    public double zero(int l, int n) { return zeros[offsets[l] + n]; }

    /** N_nl. */
    public double normalization(int l, int n) { return norms[offsets[l] + n]; }

    /** Number of intervals of the interpolation table of l ≤ maxAngular. */
    public int tableIntervals() { return base.intervals; }

    /** Number of intervals of the table of the extra orders maxAngular &lt; l ≤ maxL (0 without extra orders). */
    public int extraTableIntervals() { return extra == null ? 0 : extra.intervals; }

    /** Direct (slow, allocating) evaluation of R_nl(r), 0 ≤ r; zero beyond r_c. */
    public double exact(int l, int n, double r) {
        if (r >= cutoff) return 0.0;
        double[] jb = new double[l + 1];
        SphericalBessel.all(l, zeros[offsets[l] + n] * r / cutoff, jb);
        return norms[offsets[l] + n] * jb[l];
    }

    /** Direct evaluation of R and dR/dr of functions first .. first+count−1 at r ≤ r_c into v[0..], d[0..]. */
    private void exactAll(double r, int first, int count, double[] v, double[] d, double[] jb) {
        for (int i = 0; i < count; i++) {
            int f = first + i;
            int l = lOf[f];
            double k = zeros[f] / cutoff;
            SphericalBessel.all(l + 1, k * r, jb);
            v[i] = norms[f] * jb[l];
            // j_l' = (l j_{l-1} − (l+1) j_{l+1})/(2l+1), regular at 0
            double dj = l == 0 ? -jb[1] : (l * jb[l - 1] - (l + 1) * jb[l + 1]) / (2 * l + 1);
            d[i] = norms[f] * k * dj;
        }
    }

    /**
     * All R_nl(r) (l ≤ maxL) from the tables into {@code out[off .. off+size)}, l-major; zeros for r ≥ r_c.
     * No allocation.
     */
    public void evaluate(double r, double[] out, int off) {
        evaluate(r, out, off, maxL);
    }

    /**
     * The R_nl(r) with l ≤ lmax, for maxAngular ≤ lmax ≤ maxL, into {@code out[off .. off+size(lmax))},
     * l-major; zeros for r ≥ r_c. The extra orders are interpolated only when lmax &gt; maxAngular.
     * No allocation.
     */
    public void evaluate(double r, double[] out, int off, int lmax) {
        if (!(r < cutoff)) {
            java.util.Arrays.fill(out, off, off + offsets[lmax + 1], 0.0);
            return;
        }
        interpolate(base, base.count, r, out, off);
        if (lmax > maxAngular) interpolate(extra, offsets[lmax + 1] - extra.first, r, out, off + extra.first);
    }

    /** The first n functions of table t at r &lt; r_c into out[off ..]. */
    private static void interpolate(Table t, int n, double r, double[] out, int off) {
        double x = r * t.invH;
        int k = Math.min((int) x, t.intervals - 1);
        double u = x - k;
        double um = 1.0 - u;
        double h00 = (1.0 + 2.0 * u) * um * um, h10 = u * um * um;
        double h01 = u * u * (3.0 - 2.0 * u), h11 = -u * u * um;
        final int size = t.count;
        final int b0 = k * 2 * size, b1 = b0 + 2 * size;
        final double[] tab = t.values;
        for (int f = 0; f < n; f++) {
            out[off + f] = h00 * tab[b0 + f] + h10 * tab[b0 + size + f] + h01 * tab[b1 + f] + h11 * tab[b1 + size + f];
        }
    }

    /** Values and derivatives dR/dr (l ≤ maxL) from the tables (derivative of the interpolant). */
    public void evaluateWithDerivative(double r, double[] out, double[] dout, int off) {
        if (!(r < cutoff)) {
            java.util.Arrays.fill(out, off, off + size, 0.0);
            java.util.Arrays.fill(dout, off, off + size, 0.0);
            return;
        }
        interpolateWithDerivative(base, r, out, dout, off);
        if (extra != null) interpolateWithDerivative(extra, r, out, dout, off + extra.first);
    }

    private static void interpolateWithDerivative(Table t, double r, double[] out, double[] dout, int off) {
        final double invH = t.invH;
        double x = r * invH;
        int k = Math.min((int) x, t.intervals - 1);
        double u = x - k;
        double um = 1.0 - u;
        double h00 = (1.0 + 2.0 * u) * um * um, h10 = u * um * um;
        double h01 = u * u * (3.0 - 2.0 * u), h11 = -u * u * um;
        double g00 = 6.0 * u * (u - 1.0) * invH, g10 = (1.0 - 4.0 * u + 3.0 * u * u) * invH;
        double g01 = -g00, g11 = u * (3.0 * u - 2.0) * invH;
        final int size = t.count;
        final double[] table = t.values;
        final int b0 = k * 2 * size, b1 = b0 + 2 * size;
        for (int f = 0; f < size; f++) {
            double v0 = table[b0 + f], d0 = table[b0 + size + f], v1 = table[b1 + f], d1 = table[b1 + size + f];
            out[off + f] = h00 * v0 + h10 * d0 + h01 * v1 + h11 * d1;
            dout[off + f] = g00 * v0 + g10 * d0 + g01 * v1 + g11 * d1;
        }
    }
}
