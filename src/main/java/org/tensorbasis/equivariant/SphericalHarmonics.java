package org.tensorbasis.equivariant;

/**
 * Real spherical harmonics {@code Y_lm(r̂)} and real solid harmonics {@code R_lm(r) = |r|^l Y_lm(r̂)}
 * for all {@code 0 ≤ l ≤ lmax}, with their gradients with respect to the input vector.
 *
 * <p>Convention (see {@code docs/equivariant.md}): all (l, m) in one array, index {@code l² + l + m},
 * m = −l..l; orthonormal on the unit sphere (∫ Y_lm Y_l'm' dΩ = δ); no Condon–Shortley phase, so that
 * {@code Y_1 = sqrt(3/4π) (y, z, x)/r}. For m &gt; 0, {@code Y_lm = √2 N_lm P_l^m(cos θ) cos(mφ)},
 * {@code Y_l,−m = √2 N_lm P_l^m(cos θ) sin(mφ)}, {@code Y_l0 = N_l0 P_l(cos θ)}, with P_l^m the associated
 * Legendre functions without the (−1)^m phase and {@code N_lm = sqrt((2l+1)/(4π) (l−m)!/(l+m)!)}.
 *
 * <p>Solid harmonics are evaluated as {@code q_l^m(z, r²) · {c_m, s_m}} where {@code c_m + i s_m = (x + iy)^m}
 * and q is a normalised polynomial obtained by a three-term recursion in l whose coefficients are
 * precomputed as ratios (no factorial is ever formed, so there is no overflow). Gradients use the
 * identities {@code ∂q_l^m/∂x = −x A_lm q_{l−1}^{m+1}}, {@code ∂q_l^m/∂z = B_lm q_{l−1}^m} (total
 * derivatives), so they cost only a few multiplications per component.
 *
 * <p>Instances are immutable and thread-safe; compute methods allocate nothing.
 */
public final class SphericalHarmonics {
    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double Y00 = 1.0 / Math.sqrt(4.0 * Math.PI);

    private final int lmax;
    /** q_m^m, index m. */
    private final double[] qmm;
    /** Recursion q_l^m = a z q_{l−1}^m − b r² q_{l−2}^m, index l(l+1)/2 + m (m ≤ l). */
    private final double[] a;
    private final double[] b;
    /** Gradient coefficients (see class comment), index l(l+1)/2 + m. */
    private final double[] gA;
    private final double[] gB;

    /**
     * @param lmax largest degree, {@code 0 ≤ lmax ≤ 60}
     */
    public SphericalHarmonics(int lmax) {
        if (lmax < 0 || lmax > 60) throw new IllegalArgumentException("lmax must be in 0..60, got " + lmax);
        this.lmax = lmax;
        qmm = new double[lmax + 1];
        int nt = (lmax + 1) * (lmax + 2) / 2;
        a = new double[nt];
        b = new double[nt];
        gA = new double[nt];
        gB = new double[nt];
        // q_m^m = N_mm (2m−1)!! = sqrt((2m+1)/4π) sqrt(Π_{k≤m} (2k−1)/(2k)), by products of ratios.
        double prod = 1.0;
        for (int m = 0; m <= lmax; m++) {
            if (m > 0) prod *= (2.0 * m - 1.0) / (2.0 * m);
            qmm[m] = Math.sqrt((2.0 * m + 1.0) / (4.0 * Math.PI) * prod);
        }
        for (int l = 0; l <= lmax; l++) {
            for (int m = 0; m <= l; m++) {
                int t = tri(l, m);
                if (l > m) {
                    // (l−m) Q_l^m = (2l−1) z Q_{l−1}^m − (l+m−1) r² Q_{l−2}^m for the unnormalised Q,
                    // rescaled by N_lm / N_{l−1,m} and N_lm / N_{l−2,m}.
                    a[t] = (2.0 * l - 1.0) / (l - m) * Math.sqrt((2.0 * l + 1.0) / (2.0 * l - 1.0) * (l - m) / (l + m));
                    if (l >= m + 2) {
                        b[t] = (l + m - 1.0) / (l - m) * Math.sqrt((2.0 * l + 1.0) / (2.0 * l - 3.0)
                            * (double) (l - m) * (l - m - 1.0) / ((double) (l + m) * (l + m - 1.0)));
                    }
                    gB[t] = Math.sqrt((2.0 * l + 1.0) / (2.0 * l - 1.0) * (double) (l - m) * (l + m));
                }
                if (l >= m + 2) gA[t] = Math.sqrt((2.0 * l + 1.0) / (2.0 * l - 1.0) * (double) (l - m) * (l - m - 1.0));
            }
        }
    }

    private static int tri(int l, int m) {
        return l * (l + 1) / 2 + m;
    }

    /** Largest degree. */
    public int lmax() {
        return lmax;
    }

    /** Number of (l, m) pairs up to lmax: (lmax+1)². */
    public static int size(int lmax) {
        return (lmax + 1) * (lmax + 1);
    }

    /** Index of (l, m) in the flat arrays: l² + l + m. */
    public static int index(int l, int m) {
        return l * l + l + m;
    }

    /**
     * Solid harmonics {@code R_lm(x, y, z) = r^l Y_lm(r̂)} (homogeneous polynomials, fine at r = 0),
     * written to {@code out[off .. off + size(lmax))}.
     */
    public void solid(double x, double y, double z, double[] out, int off) {
        double r2 = x * x + y * y + z * z;
        // m = 0: real column, no √2 and no (x + iy)^m factor
        double q2 = 0.0, q1 = qmm[0];
        out[off] = q1;
        for (int l = 1, t = 1; l <= lmax; l++, t += l) {
            double q = a[t] * z * q1 - b[t] * r2 * q2;
            out[off + l * l + l] = q;
            q2 = q1;
            q1 = q;
        }
        double c = SQRT2, s = 0.0; // √2 (x + iy)^m, folded so that the inner loop has two products
        for (int m = 1; m <= lmax; m++) {
            double cn = x * c - y * s;
            s = x * s + y * c;
            c = cn;
            q2 = 0.0;
            q1 = qmm[m];
            int i = off + m * m + m; // index of (l = m, m = 0)
            out[i + m] = q1 * c;
            out[i - m] = q1 * s;
            int t = m * (m + 1) / 2 + m;
            for (int l = m + 1; l <= lmax; l++) {
                t += l; // tri(l, m) = tri(l − 1, m) + l
                i += 2 * l; // l² + l = (l−1)² + (l−1) + 2l
                double q = a[t] * z * q1 - b[t] * r2 * q2;
                out[i + m] = q * c;
                out[i - m] = q * s;
                q2 = q1;
                q1 = q;
            }
        }
    }

    /**
     * Solid harmonics and their gradients: {@code grad[gradOff + 3*idx + k] = ∂R_idx/∂x_k} (k = x, y, z),
     * idx = l² + l + m.
     */
    public void solidWithGradient(double x, double y, double z, double[] out, int off, double[] grad, int gradOff) {
        double r2 = x * x + y * y + z * z;
        // Phase 1: q_l^m (m ≥ 0) into the m ≥ 0 slots of out.
        for (int m = 0; m <= lmax; m++) {
            double q2 = 0.0, q1 = qmm[m];
            int i = off + m * m + 2 * m, t = m * (m + 1) / 2 + m;
            out[i] = q1;
            for (int l = m + 1; l <= lmax; l++) {
                t += l;
                i += 2 * l;
                double q = a[t] * z * q1 - b[t] * r2 * q2;
                out[i] = q;
                q2 = q1;
                q1 = q;
            }
        }
        // Phase 2: from the top degree down, so that level l−1 still holds q when level l needs it;
        // then level l is converted in place to the real harmonics.
        // ∂q/∂x = −x A q_{l−1}^{m+1}, ∂q/∂y = −y A q_{l−1}^{m+1} (m ≤ l−2), ∂q/∂z = B q_{l−1}^m (m ≤ l−1);
        // d(x+iy)^m/dx = m (x+iy)^(m−1), d/dy = i m (x+iy)^(m−1).
        for (int l = lmax; l >= 0; l--) {
            int il = off + l * l + l;
            int gl = gradOff + 3 * (l * l + l);
            int ilm1 = off + (l - 1) * (l - 1) + (l - 1); // only read when l ≥ 1
            int tl = l * (l + 1) / 2;
            double qa0 = l >= 2 ? gA[tl] * out[ilm1 + 1] : 0.0;
            grad[gl] = -x * qa0;
            grad[gl + 1] = -y * qa0;
            grad[gl + 2] = l >= 1 ? gB[tl] * out[ilm1] : 0.0;
            double c = SQRT2, s = 0.0; // √2 (x+iy)^m, folded once
            for (int m = 1; m <= l; m++) {
                double cp = c, sp = s;
                c = x * cp - y * sp;
                s = x * sp + y * cp;
                double q = out[il + m];
                double qa = m <= l - 2 ? gA[tl + m] * out[ilm1 + m + 1] : 0.0;
                double dqx = -x * qa, dqy = -y * qa;
                double dqz = m <= l - 1 ? gB[tl + m] * out[ilm1 + m] : 0.0;
                double mq = m * q;
                int gp = gl + 3 * m, gn = gl - 3 * m;
                grad[gp] = dqx * c + mq * cp;
                grad[gp + 1] = dqy * c - mq * sp;
                grad[gp + 2] = dqz * c;
                grad[gn] = dqx * s + mq * sp;
                grad[gn + 1] = dqy * s + mq * cp;
                grad[gn + 2] = dqz * s;
                out[il + m] = q * c;
                out[il - m] = q * s;
            }
        }
    }

    /**
     * Spherical harmonics {@code Y_lm(r/|r|)}. At r = 0 (direction undefined) only {@code Y_00 = 1/√(4π)}
     * is set and every other component is 0.
     */
    public void spherical(double x, double y, double z, double[] out, int off) {
        double r = Math.sqrt(x * x + y * y + z * z);
        if (r == 0.0) {
            zeroAtOrigin(out, off);
            return;
        }
        double inv = 1.0 / r;
        solid(x * inv, y * inv, z * inv, out, off);
    }

    private void zeroAtOrigin(double[] out, int off) {
        int n = size(lmax);
        out[off] = Y00;
        for (int i = 1; i < n; i++) out[off + i] = 0.0;
    }

    /**
     * Spherical harmonics and their gradients with respect to the (unnormalised) input vector,
     * {@code ∂Y_lm(r/|r|)/∂x_k} at {@code grad[gradOff + 3*idx + k]}. At r = 0 the values are as in
     * {@link #spherical(double, double, double, double[], int)} and every gradient is 0.
     */
    public void sphericalWithGradient(double x, double y, double z, double[] out, int off, double[] grad, int gradOff) {
        double r = Math.sqrt(x * x + y * y + z * z);
        int n = size(lmax);
        if (r == 0.0) {
            zeroAtOrigin(out, off);
            for (int i = 0; i < 3 * n; i++) grad[gradOff + i] = 0.0;
            return;
        }
        double inv = 1.0 / r;
        double ux = x * inv, uy = y * inv, uz = z * inv;
        solidWithGradient(ux, uy, uz, out, off, grad, gradOff);
        // Y(r/|r|) = R(r)/r^l, so ∂Y/∂x_k = (∂R/∂x_k(r̂) − l Y r̂_k) / r.
        for (int l = 0; l <= lmax; l++) {
            for (int i = l * l; i < (l + 1) * (l + 1); i++) {
                double ly = l * out[off + i];
                int g = gradOff + 3 * i;
                grad[g] = (grad[g] - ly * ux) * inv;
                grad[g + 1] = (grad[g + 1] - ly * uy) * inv;
                grad[g + 2] = (grad[g + 2] - ly * uz) * inv;
            }
        }
    }

    /** Batch solid harmonics: {@code xyz} holds n vectors (x, y, z), out is row-major n × size(lmax). */
    public void solid(int n, double[] xyz, double[] out) {
        int sz = size(lmax);
        for (int i = 0; i < n; i++) solid(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], out, i * sz);
    }

    /** Batch solid harmonics with gradients; grad is row-major n × size(lmax) × 3. */
    public void solidWithGradient(int n, double[] xyz, double[] out, double[] grad) {
        int sz = size(lmax);
        for (int i = 0; i < n; i++) {
            solidWithGradient(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], out, i * sz, grad, 3 * i * sz);
        }
    }

    /** Batch spherical harmonics of the directions of n vectors; out is row-major n × size(lmax). */
    public void spherical(int n, double[] xyz, double[] out) {
        int sz = size(lmax);
        for (int i = 0; i < n; i++) spherical(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], out, i * sz);
    }

    /** Batch spherical harmonics with gradients; grad is row-major n × size(lmax) × 3. */
    public void sphericalWithGradient(int n, double[] xyz, double[] out, double[] grad) {
        int sz = size(lmax);
        for (int i = 0; i < n; i++) {
            sphericalWithGradient(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], out, i * sz, grad, 3 * i * sz);
        }
    }
}
