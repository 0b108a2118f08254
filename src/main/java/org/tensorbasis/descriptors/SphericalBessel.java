package org.tensorbasis.descriptors;

/**
 * Spherical Bessel functions of the first kind j_l(x), x ≥ 0, and their positive zeros.
 *
 * <p>All orders 0..L are computed together: by upward recurrence where it is stable (x &gt; L), by
 * Miller's downward recurrence normalised on j_0 or j_1 otherwise, so that every order has full
 * relative accuracy, also for small x where j_l(x) ~ x^l/(2l+1)!!.
 */
public final class SphericalBessel {
    private SphericalBessel() {}

    /**
     * Fills {@code out[0..lmax]} with j_0(x) .. j_lmax(x).
     *
     * @param x argument, ≥ 0
     */
    public static void all(int lmax, double x, double[] out) {
        if (x < 0) throw new IllegalArgumentException("x must be >= 0, got " + x);
        if (x == 0.0) {
            out[0] = 1.0;
            for (int l = 1; l <= lmax; l++) out[l] = 0.0;
            return;
        }
        double s = Math.sin(x), c = Math.cos(x);
        double j0 = s / x;
        if (lmax == 0) {
            out[0] = j0;
            return;
        }
        if (x > lmax) {
            // upward recurrence j_{l+1} = (2l+1)/x j_l − j_{l−1} is stable for l < x
            out[0] = j0;
            out[1] = (s / x - c) / x;
            for (int l = 1; l < lmax; l++) out[l + 1] = (2 * l + 1) / x * out[l] - out[l - 1];
            return;
        }
        // Miller: start well above lmax with (0, tiny), recur down, normalise on the larger of j0, j1
        int start = lmax + 16 + (int) Math.sqrt(160.0 * (lmax + 1));
        double jp1 = 0.0, jl = 1e-300;
        for (int l = start; l > 0; l--) {
            double jm1 = (2 * l + 1) / x * jl - jp1;
            jp1 = jl;
            jl = jm1;
            if (l - 1 <= lmax) out[l - 1] = jl;
            if (Math.abs(jl) > 1e200) {
                // rescale everything computed so far to avoid overflow
                jl *= 1e-200;
                jp1 *= 1e-200;
                for (int k = l - 1; k <= lmax; k++) out[k] *= 1e-200;
            }
        }
        double j1 = x < 1e-3
            ? x / 3.0 * (1.0 - x * x / 10.0 + x * x * x * x / 280.0)  // series: avoids cancellation
            : (s / x - c) / x;
        double norm = Math.abs(j0) >= Math.abs(j1) ? j0 / out[0] : j1 / out[1];
        for (int l = 0; l <= lmax; l++) out[l] *= norm;
    }

    /** j_l(x) for one order (allocates; not for hot loops). */
    public static double value(int l, double x) {
        double[] out = new double[l + 1];
        all(l, x, out);
        return out[l];
    }

    /**
     * The first {@code count} positive zeros of j_l for every l = 0..lmax: {@code zeros[l][n]}, n = 0..count−1.
     * j_0 has zeros kπ; the zeros of j_l interlace those of j_{l−1}, which gives the brackets, refined
     * by bisection to the last bit.
     */
    public static double[][] zeros(int lmax, int count) {
        int total = count + lmax;
        double[][] z = new double[lmax + 1][];
        double[] prev = new double[total];
        for (int k = 0; k < total; k++) prev[k] = (k + 1) * Math.PI;
        z[0] = java.util.Arrays.copyOf(prev, count);
        double[] buf = new double[lmax + 2];
        for (int l = 1; l <= lmax; l++) {
            int m = total - l;
            double[] cur = new double[m];
            for (int k = 0; k < m; k++) cur[k] = bisect(l, prev[k], prev[k + 1], buf);
            z[l] = java.util.Arrays.copyOf(cur, count);
            prev = cur;
        }
        return z;
    }

    private static double bisect(int l, double a, double b, double[] buf) {
        all(l, a, buf);
        double fa = buf[l];
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (a + b);
            if (mid <= a || mid >= b) break;
            all(l, mid, buf);
            double fm = buf[l];
            if (fm == 0.0) return mid;
            if ((fm > 0) == (fa > 0)) {
                a = mid;
                fa = fm;
            } else {
                b = mid;
            }
        }
        return 0.5 * (a + b);
    }
}
