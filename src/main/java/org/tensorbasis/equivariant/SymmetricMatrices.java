package org.tensorbasis.equivariant;

import java.util.function.DoubleUnaryOperator;

/**
 * Functions of real symmetric 3×3 matrices (row-major, 9 numbers) through their eigendecomposition
 * {@code A = V diag(λ) Vᵀ}: {@code f(A) = V diag(f(λ)) Vᵀ}, in particular the matrix logarithm of a
 * positive-definite matrix and the matrix exponential.
 *
 * <p>The eigendecomposition is the cyclic Jacobi method in float64, which is backward stable (the
 * computed V, λ are exact for a matrix within a few ulps of A) and needs no special case for repeated
 * eigenvalues: f(A) does not depend on the choice of eigenvectors inside a degenerate eigenspace, so an
 * isotropic tensor (a cubic crystal's ε) is no harder than a general one. Hence both functions are
 * equivariant to round-off: {@code f(Q A Qᵀ) = Q f(A) Qᵀ} for every orthogonal Q (proper or improper),
 * and {@code exp(log A) = A}.
 */
public final class SymmetricMatrices {
    private SymmetricMatrices() {}

    /** Eigenvalues (ascending) and orthonormal eigenvectors: {@code vectors[3k .. 3k+2]} is the k-th (unit) eigenvector. */
    public record Eigen(double[] values, double[] vectors) {
        public double min() { return values[0]; }

        public double max() { return values[2]; }
    }

    /**
     * Eigendecomposition of the symmetric part {@code (A + Aᵀ)/2} of a 3×3 matrix stored row-major at
     * {@code a[off .. off+8]}.
     */
    public static Eigen eigen(double[] a, int off) {
        double[][] m = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) m[i][j] = 0.5 * (a[off + 3 * i + j] + a[off + 3 * j + i]);
        }
        double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int sweep = 0; sweep < 64; sweep++) {
            double off2 = m[0][1] * m[0][1] + m[0][2] * m[0][2] + m[1][2] * m[1][2];
            if (off2 == 0) break;
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    double apq = m[p][q];
                    if (apq == 0) continue;
                    // an off-diagonal entry below an ulp of both diagonal entries changes nothing: drop it
                    if (sweep > 3 && Math.abs(apq) * 0x1p60 <= Math.abs(m[p][p]) && Math.abs(apq) * 0x1p60 <= Math.abs(m[q][q])) {
                        m[p][q] = 0;
                        m[q][p] = 0;
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * apq);
                    double t = Math.abs(theta) > 1e150 ? 1 / (2 * theta)
                        : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    m[p][p] -= t * apq;
                    m[q][q] += t * apq;
                    m[p][q] = 0;
                    m[q][p] = 0;
                    int r = 3 - p - q; // the third index
                    double arp = m[r][p], arq = m[r][q];
                    m[r][p] = c * arp - s * arq;
                    m[p][r] = m[r][p];
                    m[r][q] = s * arp + c * arq;
                    m[q][r] = m[r][q];
                    for (int k = 0; k < 3; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        // ascending eigenvalues; eigenvector k = column k of v
        Integer[] order = {0, 1, 2};
        java.util.Arrays.sort(order, (x, y) -> Double.compare(m[x][x], m[y][y]));
        double[] values = new double[3];
        double[] vectors = new double[9];
        for (int k = 0; k < 3; k++) {
            values[k] = m[order[k]][order[k]];
            for (int i = 0; i < 3; i++) vectors[3 * k + i] = v[i][order[k]];
        }
        return new Eigen(values, vectors);
    }

    /** {@code V diag(f(λ)) Vᵀ}, row-major, written at {@code out[outOff .. outOff+8]} (exactly symmetric). */
    public static void apply(Eigen e, DoubleUnaryOperator f, double[] out, int outOff) {
        double[] fl = new double[3];
        for (int k = 0; k < 3; k++) fl[k] = f.applyAsDouble(e.values()[k]);
        double[] v = e.vectors();
        for (int i = 0; i < 3; i++) {
            for (int j = i; j < 3; j++) {
                double x = 0;
                for (int k = 0; k < 3; k++) x += fl[k] * v[3 * k + i] * v[3 * k + j];
                out[outOff + 3 * i + j] = x;
                out[outOff + 3 * j + i] = x;
            }
        }
    }

    /**
     * Matrix logarithm of the symmetric part of a positive-definite 3×3 matrix.
     *
     * @throws IllegalArgumentException if an eigenvalue is not positive (the message gives the eigenvalues)
     */
    public static double[] log(double[] a) {
        Eigen e = eigen(a, 0);
        if (!(e.min() > 0) || !Double.isFinite(e.max())) {
            throw new IllegalArgumentException("not positive definite: eigenvalues " + e.values()[0] + ", " + e.values()[1] + ", " + e.values()[2]);
        }
        double[] out = new double[9];
        apply(e, Math::log, out, 0);
        return out;
    }

    /** Matrix exponential of the symmetric part of a 3×3 matrix (symmetric positive definite). */
    public static double[] exp(double[] a) {
        double[] out = new double[9];
        apply(eigen(a, 0), Math::exp, out, 0);
        return out;
    }

    /** As {@link #exp(double[])} with every eigenvalue capped at {@code maxEigenvalue} first (finite for finite input). */
    public static double[] exp(double[] a, double maxEigenvalue) {
        double[] out = new double[9];
        apply(eigen(a, 0), x -> Math.exp(Math.min(x, maxEigenvalue)), out, 0);
        return out;
    }
}
