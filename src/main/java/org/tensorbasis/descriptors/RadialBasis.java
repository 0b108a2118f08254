package org.tensorbasis.descriptors;

import org.tensorbasis.BadInputException;

/**
 * The "Laplacian eigenstates" radial basis: R_nl(r) = N_nl j_l(z_nl r / r_c) on [0, r_c], with z_nl the
 * (n+1)-th positive zero of j_l, keeping every (l, n) with z_nl ≤ (maxRadial + 1)π for l ≤ maxAngular
 * (the eigenvalue trimming of the reference: at the defaults n_per_l = [8, 7, 7, 6, 6, 5, 5]).
 * N_nl = sqrt(2/r_c³)/|j_{l+1}(z_nl)| makes ∫_0^{r_c} R_nl R_n'l r² dr = δ_nn' (functions of the same l
 * are orthogonal because they are eigenfunctions of one Sturm–Liouville problem).
 *
 * <p>Fast evaluation goes through a cubic-Hermite table (values and exact derivatives on a uniform grid
 * over [0, r_c]) whose spacing is chosen from the error bound h⁴/384 · max|R⁽⁴⁾| so that the
 * interpolation error is below 1e-8 (tested). Functions are flattened l-major: index
 * {@code offset(l) + n}. The cutoff function is not included (see {@link CosineCutoff}).
 * Immutable and thread-safe.
 */
public final class RadialBasis {
    /** Target absolute interpolation error of the table. */
    public static final double TABLE_TOLERANCE = 1e-8;

    private final double cutoff;
    private final int maxAngular;
    private final int[] nPerL;
    private final int[] offsets;
    private final int size;
    private final double[] zeros;  // flattened like the functions
    private final double[] norms;
    private final int[] lOf;
    private final int intervals;
    private final double h, invH;
    private final double[] table;  // per grid point k: [F values][F derivatives × h]

    /**
     * @throws BadInputException if some l ≤ maxAngular would have no radial function
     */
    public RadialBasis(double cutoff, int maxRadial, int maxAngular) {
        this.cutoff = cutoff;
        this.maxAngular = maxAngular;
        double zmax = (maxRadial + 1) * Math.PI * (1 + 1e-12);  // l = 0 zeros are exactly kπ
        double[][] z = SphericalBessel.zeros(maxAngular, maxRadial + 1);
        nPerL = new int[maxAngular + 1];
        offsets = new int[maxAngular + 2];
        for (int l = 0; l <= maxAngular; l++) {
            int c = 0;
            while (c < z[l].length && z[l][c] <= zmax) c++;
            if (c == 0) {
                throw new BadInputException(null, -1, -1, "max_angular", "no radial function for l = " + l
                    + " with max_radial " + maxRadial + " (first zero of j_" + l + " is above (max_radial+1)π); lower max_angular or raise max_radial");
            }
            nPerL[l] = c;
            offsets[l + 1] = offsets[l] + c;
        }
        size = offsets[maxAngular + 1];
        zeros = new double[size];
        norms = new double[size];
        lOf = new int[size];
        double[] jb = new double[maxAngular + 3];
        double maxD4 = 0;
        for (int l = 0; l <= maxAngular; l++) {
            for (int n = 0; n < nPerL[l]; n++) {
                int f = offsets[l] + n;
                zeros[f] = z[l][n];
                lOf[f] = l;
                SphericalBessel.all(l + 1, z[l][n], jb);
                norms[f] = Math.sqrt(2.0 / (cutoff * cutoff * cutoff)) / Math.abs(jb[l + 1]);
                double k = z[l][n] / cutoff;
                maxD4 = Math.max(maxD4, norms[f] * k * k * k * k);  // |j_l^(4)| ≤ 1
            }
        }
        // cubic Hermite: |error| ≤ h^4/384 max|f''''|; factor 4 of safety on the tolerance
        double hMax = Math.pow(384.0 * TABLE_TOLERANCE / 4.0 / maxD4, 0.25);
        intervals = Math.max(16, (int) Math.ceil(cutoff / hMax));
        h = cutoff / intervals;
        invH = 1.0 / h;
        table = new double[(intervals + 1) * 2 * size];
        double[] v = new double[size], d = new double[size];
        for (int k = 0; k <= intervals; k++) {
            exactAll(k * h, v, d, jb);
            int base = k * 2 * size;
            for (int f = 0; f < size; f++) {
                table[base + f] = v[f];
                table[base + size + f] = d[f] * h;
            }
        }
    }

    /** Cutoff radius r_c in Å. */
    public double cutoff() { return cutoff; }

    public int maxAngular() { return maxAngular; }

    /** Number of radial functions for each l (copy). */
    public int[] nPerL() { return nPerL.clone(); }

    public int nPerL(int l) { return nPerL[l]; }

    /** Index of (l, n = 0) in the flattened function list. */
    public int offset(int l) { return offsets[l]; }

    /** Total number of functions Σ_l n_l. */
    public int size() { return size; }

    /** z_nl, the (n+1)-th positive zero of j_l. */
    public double zero(int l, int n) { return zeros[offsets[l] + n]; }

    /** N_nl. */
    public double normalization(int l, int n) { return norms[offsets[l] + n]; }

    /** Number of intervals of the interpolation table. */
    public int tableIntervals() { return intervals; }

    /** Direct (slow, allocating) evaluation of R_nl(r), 0 ≤ r; zero beyond r_c. */
    public double exact(int l, int n, double r) {
        if (r >= cutoff) return 0.0;
        double[] jb = new double[l + 1];
        SphericalBessel.all(l, zeros[offsets[l] + n] * r / cutoff, jb);
        return norms[offsets[l] + n] * jb[l];
    }

    /** Direct evaluation of all R and dR/dr at r (r ≤ r_c); jb scratch of length ≥ maxAngular + 3. */
    private void exactAll(double r, double[] v, double[] d, double[] jb) {
        for (int f = 0; f < size; f++) {
            int l = lOf[f];
            double k = zeros[f] / cutoff;
            SphericalBessel.all(l + 1, k * r, jb);
            v[f] = norms[f] * jb[l];
            // j_l' = (l j_{l-1} − (l+1) j_{l+1})/(2l+1), regular at 0
            double dj = l == 0 ? -jb[1] : (l * jb[l - 1] - (l + 1) * jb[l + 1]) / (2 * l + 1);
            d[f] = norms[f] * k * dj;
        }
    }

    /**
     * All R_nl(r) from the table into {@code out[off .. off+size)}, l-major; zeros for r ≥ r_c.
     * No allocation.
     */
    public void evaluate(double r, double[] out, int off) {
        if (!(r < cutoff)) {
            java.util.Arrays.fill(out, off, off + size, 0.0);
            return;
        }
        double t = r * invH;
        int k = Math.min((int) t, intervals - 1);
        double u = t - k;
        double um = 1.0 - u;
        double h00 = (1.0 + 2.0 * u) * um * um, h10 = u * um * um;
        double h01 = u * u * (3.0 - 2.0 * u), h11 = -u * u * um;
        int b0 = k * 2 * size, b1 = b0 + 2 * size;
        final double[] tab = table;
        for (int f = 0; f < size; f++) {
            out[off + f] = h00 * tab[b0 + f] + h10 * tab[b0 + size + f] + h01 * tab[b1 + f] + h11 * tab[b1 + size + f];
        }
    }

    /** Values and derivatives dR/dr from the table (derivative of the interpolant). */
    public void evaluateWithDerivative(double r, double[] out, double[] dout, int off) {
        if (!(r < cutoff)) {
            java.util.Arrays.fill(out, off, off + size, 0.0);
            java.util.Arrays.fill(dout, off, off + size, 0.0);
            return;
        }
        double t = r * invH;
        int k = Math.min((int) t, intervals - 1);
        double u = t - k;
        double um = 1.0 - u;
        double h00 = (1.0 + 2.0 * u) * um * um, h10 = u * um * um;
        double h01 = u * u * (3.0 - 2.0 * u), h11 = -u * u * um;
        double g00 = 6.0 * u * (u - 1.0) * invH, g10 = (1.0 - 4.0 * u + 3.0 * u * u) * invH;
        double g01 = -g00, g11 = u * (3.0 * u - 2.0) * invH;
        int b0 = k * 2 * size, b1 = b0 + 2 * size;
        for (int f = 0; f < size; f++) {
            double v0 = table[b0 + f], d0 = table[b0 + size + f], v1 = table[b1 + f], d1 = table[b1 + size + f];
            out[off + f] = h00 * v0 + h10 * d0 + h01 * v1 + h11 * d1;
            dout[off + f] = g00 * v0 + g10 * d0 + g01 * v1 + g11 * d1;
        }
    }
}
