package org.tensorbasis.equivariant;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real Clebsch–Gordan coefficients {@code C^{l1 l2 L}_{m1 m2 M}} for the real harmonics of
 * {@link SphericalHarmonics}, and the coupling kernels {@code [a ⊗ b]^L_M = Σ C a_{m1} b_{m2}}.
 *
 * <p>Construction: the complex (Condon–Shortley) coefficients are computed by Racah's formula with exact
 * factorials and a 34-digit decimal alternating sum (exact factorials, no overflow or cancellation), then transformed with the
 * unitary U mapping the complex harmonics onto ours ({@code Y^real = U Y^complex}):
 * {@code C^real = U_L · C · (U_l1^† ⊗ U_l2^†)}. The result is real when l1+l2+L is even and purely
 * imaginary when it is odd; in that case its imaginary part is taken, with the sign chosen (once for
 * all odd triples) so that {@code [u ⊗ v]^1 = +(u × v)/√2} in the (y, z, x) layout. For even triples
 * {@code [u ⊗ v]^0 = −(u · v)/√3}. Each coupling matrix is orthogonal:
 * {@code Σ_{m1 m2} C^{L M}_{m1 m2} C^{L' M'}_{m1 m2} = δ_{LL'} δ_{MM'}}, and
 * {@code [D^l1 a ⊗ D^l2 b]^L = D^L [a ⊗ b]^L} with the matrices of {@link WignerD}.
 *
 * <p>Instances are immutable, cached by {@link #of(int, int, int)} and thread-safe; the kernels loop over
 * the non-zero coefficients only and allocate nothing.
 */
public final class ClebschGordan {
    /** Largest l accepted (factorials stay exact in BigInteger; the limit only bounds the cache). */
    public static final int MAX_L = 40;

    private static final ConcurrentHashMap<Integer, ClebschGordan> CACHE = new ConcurrentHashMap<>();
    private static final MathContext MC = MathContext.DECIMAL128;
    /** Sign applied to the imaginary part for odd l1+l2+L (fixes [u⊗v]^1 = +u×v/√2). */
    private static final double ODD_SIGN = 1.0;
    private static final double SQRT_HALF = Math.sqrt(0.5);

    private final int l1, l2, L;
    /** Non-zero entries sorted by M: offsets m1+l1, m2+l2 and value. */
    private final int[] i1, i2;
    private final double[] val;
    /** Entries of output component M are k = start[M] .. start[M+1]−1. */
    private final int[] start;
    private final double[] dense;

    private ClebschGordan(int l1, int l2, int L) {
        this.l1 = l1;
        this.l2 = l2;
        this.L = L;
        int n1 = 2 * l1 + 1, n2 = 2 * l2 + 1, nL = 2 * L + 1;
        // complex coefficients, index [m1+l1][m2+l2] (M = m1 + m2)
        double[] cc = new double[n1 * n2];
        for (int m1 = -l1; m1 <= l1; m1++) {
            for (int m2 = -l2; m2 <= l2; m2++) {
                if (Math.abs(m1 + m2) <= L) cc[(m1 + l1) * n2 + m2 + l2] = complexCG(l1, m1, l2, m2, L);
            }
        }
        boolean odd = ((l1 + l2 + L) & 1) == 1;
        dense = new double[n1 * n2 * nL];
        int count = 0;
        double[] u1 = new double[2], u2 = new double[2], uL = new double[2];
        for (int m1 = -l1; m1 <= l1; m1++) {
            for (int m2 = -l2; m2 <= l2; m2++) {
                for (int M = -L; M <= L; M++) {
                    double re = 0, im = 0;
                    // sum over the (at most two) complex partners of each real index
                    for (int a = 0; a < 2; a++) {
                        int p1 = a == 0 ? m1 : -m1;
                        if (a == 1 && m1 == 0) break;
                        uEntry(m1, p1, u1);
                        for (int b = 0; b < 2; b++) {
                            int p2 = b == 0 ? m2 : -m2;
                            if (b == 1 && m2 == 0) break;
                            int pM = p1 + p2;
                            if (Math.abs(pM) > L || Math.abs(pM) != Math.abs(M)) continue;
                            uEntry(M, pM, uL);
                            uEntry(m2, p2, u2);
                            double c = cc[(p1 + l1) * n2 + p2 + l2];
                            // uL · conj(u1) · conj(u2) · c
                            double xr = u1[0] * u2[0] - u1[1] * u2[1];
                            double xi = -(u1[0] * u2[1] + u1[1] * u2[0]);
                            re += c * (uL[0] * xr - uL[1] * xi);
                            im += c * (uL[0] * xi + uL[1] * xr);
                        }
                    }
                    double v = odd ? ODD_SIGN * im : re;
                    if (Math.abs(v) < 1e-14) v = 0.0; // exact zeros up to round-off of the U products
                    dense[((m1 + l1) * n2 + (m2 + l2)) * nL + M + L] = v;
                    if (v != 0.0) count++;
                }
            }
        }
        i1 = new int[count];
        i2 = new int[count];
        val = new double[count];
        start = new int[nL + 1];
        int k = 0;
        for (int M = 0; M < nL; M++) {
            start[M] = k;
            for (int a = 0; a < n1; a++) {
                for (int b = 0; b < n2; b++) {
                    double v = dense[(a * n2 + b) * nL + M];
                    if (v != 0.0) {
                        i1[k] = a;
                        i2[k] = b;
                        val[k++] = v;
                    }
                }
            }
        }
        start[nL] = k;
    }

    /**
     * Entry U[m][p] of the unitary with {@code Y^real_m = Σ_p U[m][p] Y^complex_p} (non-zero only for
     * p = ±m): m &gt; 0: ((−1)^m Y_m + Y_−m)/√2; m &lt; 0: i (Y_m − (−1)^m Y_−m)/√2; m = 0: Y_0.
     */
    private static void uEntry(int m, int p, double[] out) {
        out[0] = 0;
        out[1] = 0;
        if (m == 0) {
            if (p == 0) out[0] = 1;
        } else if (m > 0) {
            if (p == m) out[0] = ((m & 1) == 0 ? 1 : -1) * SQRT_HALF;
            else if (p == -m) out[0] = SQRT_HALF;
        } else {
            int mu = -m;
            if (p == m) out[1] = SQRT_HALF;
            else if (p == mu) out[1] = -((mu & 1) == 0 ? 1 : -1) * SQRT_HALF;
        }
    }

    /** Complex Condon–Shortley CG ⟨l1 m1 l2 m2 | L M⟩ by Racah's formula, exact to double precision. */
    static double complexCG(int l1, int m1, int l2, int m2, int L) {
        int M = m1 + m2;
        if (Math.abs(m1) > l1 || Math.abs(m2) > l2 || Math.abs(M) > L) return 0.0;
        if (L < Math.abs(l1 - l2) || L > l1 + l2) return 0.0;
        BigInteger num = fact(L + l1 - l2).multiply(fact(L - l1 + l2)).multiply(fact(l1 + l2 - L))
            .multiply(BigInteger.valueOf(2L * L + 1))
            .multiply(fact(L + M)).multiply(fact(L - M)).multiply(fact(l1 - m1)).multiply(fact(l1 + m1))
            .multiply(fact(l2 - m2)).multiply(fact(l2 + m2));
        // the alternating sum is done in 34-digit decimals (cancellation-free in double terms); the
        // square root of the prefactor is taken in double (1 ulp)
        double pref = Math.sqrt(new BigDecimal(num).divide(new BigDecimal(fact(l1 + l2 + L + 1)), MC).doubleValue());
        BigDecimal sum = BigDecimal.ZERO;
        int kmin = Math.max(0, Math.max(l2 - L - m1, l1 - L + m2));
        int kmax = Math.min(l1 + l2 - L, Math.min(l1 - m1, l2 + m2));
        for (int k = kmin; k <= kmax; k++) {
            BigInteger den = fact(k).multiply(fact(l1 + l2 - L - k)).multiply(fact(l1 - m1 - k))
                .multiply(fact(l2 + m2 - k)).multiply(fact(L - l2 + m1 + k)).multiply(fact(L - l1 - m2 + k));
            BigDecimal term = BigDecimal.ONE.divide(new BigDecimal(den), MC);
            sum = (k & 1) == 0 ? sum.add(term) : sum.subtract(term);
        }
        return pref * sum.doubleValue();
    }

    private static final BigInteger[] FACT = new BigInteger[3 * MAX_L + 2];

    static {
        FACT[0] = BigInteger.ONE;
        for (int i = 1; i < FACT.length; i++) FACT[i] = FACT[i - 1].multiply(BigInteger.valueOf(i));
    }

    private static BigInteger fact(int n) {
        return FACT[n];
    }

    /**
     * The (cached) coefficients of the triple.
     *
     * @throws IllegalArgumentException if a degree is negative or above {@link #MAX_L}, or if
     *     |l1 − l2| ≤ L ≤ l1 + l2 fails
     */
    public static ClebschGordan of(int l1, int l2, int L) {
        if (l1 < 0 || l2 < 0 || L < 0 || l1 > MAX_L || l2 > MAX_L || L > MAX_L) {
            throw new IllegalArgumentException("degrees must be in 0.." + MAX_L + ": " + l1 + ", " + l2 + ", " + L);
        }
        if (L < Math.abs(l1 - l2) || L > l1 + l2) {
            throw new IllegalArgumentException("triangle rule fails for (" + l1 + ", " + l2 + ", " + L + ")");
        }
        int key = (l1 * (MAX_L + 1) + l2) * (MAX_L + 1) + L;
        return CACHE.computeIfAbsent(key, k -> new ClebschGordan(l1, l2, L));
    }

    public int l1() {
        return l1;
    }

    public int l2() {
        return l2;
    }

    public int L() {
        return L;
    }

    /** Number of non-zero coefficients. */
    public int nonZeros() {
        return val.length;
    }

    /** The real coefficient C^{l1 l2 L}_{m1 m2 M} (0 outside the ranges). */
    public double coefficient(int m1, int m2, int M) {
        if (Math.abs(m1) > l1 || Math.abs(m2) > l2 || Math.abs(M) > L) return 0.0;
        return dense[((m1 + l1) * (2 * l2 + 1) + (m2 + l2)) * (2 * L + 1) + M + L];
    }

    /** A copy of all coefficients, row-major [m1+l1][m2+l2][M+L]. */
    public double[] dense() {
        return dense.clone();
    }

    /** Overwrites {@code out[outOff .. outOff+2L]} with {@code [a ⊗ b]^L}. */
    public void couple(double[] a, int aOff, double[] b, int bOff, double[] out, int outOff) {
        int[] i1 = this.i1, i2 = this.i2, start = this.start;
        double[] val = this.val;
        for (int M = 0; M <= 2 * L; M++) {
            double s = 0.0;
            for (int k = start[M]; k < start[M + 1]; k++) s += val[k] * a[aOff + i1[k]] * b[bOff + i2[k]];
            out[outOff + M] = s;
        }
    }

    /** Accumulates {@code scale · [a ⊗ b]^L} into {@code out[outOff .. outOff+2L]}. */
    public void coupleAdd(double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, double scale) {
        int[] i1 = this.i1, i2 = this.i2, start = this.start;
        double[] val = this.val;
        for (int M = 0; M <= 2 * L; M++) {
            double s = 0.0;
            for (int k = start[M]; k < start[M + 1]; k++) s += val[k] * a[aOff + i1[k]] * b[bOff + i2[k]];
            out[outOff + M] += scale * s;
        }
    }

    /**
     * Backward pass of {@link #couple}: given {@code gOut = ∂loss/∂[a ⊗ b]^L}, ACCUMULATES
     * {@code ∂loss/∂a} into {@code gA[gaOff ..]} and {@code ∂loss/∂b} into {@code gB[gbOff ..]}.
     */
    public void backward(double[] a, int aOff, double[] b, int bOff, double[] gOut, int gOff,
                         double[] gA, int gaOff, double[] gB, int gbOff) {
        int[] i1 = this.i1, i2 = this.i2, start = this.start;
        double[] val = this.val;
        for (int M = 0; M <= 2 * L; M++) {
            double gm = gOut[gOff + M];
            if (gm == 0.0) continue;
            for (int k = start[M]; k < start[M + 1]; k++) {
                double g = val[k] * gm;
                gA[gaOff + i1[k]] += g * b[bOff + i2[k]];
                gB[gbOff + i2[k]] += g * a[aOff + i1[k]];
            }
        }
    }

    /**
     * Batch coupling of n pairs: row r reads {@code a[aOff + r*aStride ..]}, {@code b[bOff + r*bStride ..]}
     * and OVERWRITES {@code out[outOff + r*outStride .. +2L]}.
     */
    public void couple(int n, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                       double[] out, int outOff, int outStride) {
        for (int r = 0; r < n; r++) couple(a, aOff + r * aStride, b, bOff + r * bStride, out, outOff + r * outStride);
    }

    /** Batch backward pass of {@link #couple(int, double[], int, int, double[], int, int, double[], int, int)}; accumulates. */
    public void backward(int n, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                         double[] gOut, int gOff, int gStride, double[] gA, int gaOff, double[] gB, int gbOff) {
        for (int r = 0; r < n; r++) {
            backward(a, aOff + r * aStride, b, bOff + r * bStride, gOut, gOff + r * gStride,
                gA, gaOff + r * aStride, gB, gbOff + r * bStride);
        }
    }
}
