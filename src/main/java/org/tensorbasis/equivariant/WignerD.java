package org.tensorbasis.equivariant;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Real Wigner matrices {@code D^l(R)} consistent with {@link SphericalHarmonics}:
 * {@code Y_l(R r̂) = D^l(R) Y_l(r̂)} for a proper rotation R acting on column vectors ({@code r' = R r}).
 * Matrices are (2l+1)² row-major, rows and columns m = −l..l. {@code D^1(R) = P R Pᵀ} with P the
 * permutation (x, y, z) → (y, z, x); {@code D^l(R1 R2) = D^l(R1) D^l(R2)}; each D^l is orthogonal.
 *
 * <p>Construction: exact projection, {@code D^l_{mm'} = ∫ Y_lm(R r̂) Y_lm'(r̂) dΩ}, evaluated with a
 * product quadrature (Gauss–Legendre in cos θ with l+1 nodes × 2l+1 equispaced φ) that integrates
 * polynomials of degree 2l on the sphere exactly, so D is exact to round-off and consistent with the
 * harmonics by construction. The grids and their harmonics are cached per l_max.
 */
public final class WignerD {
    private WignerD() {}

    private static final ConcurrentHashMap<Integer, Grid> GRIDS = new ConcurrentHashMap<>();

    /** Quadrature points (unit vectors), weights and the harmonics at the points. */
    private record Grid(int lmax, SphericalHarmonics sh, int n, double[] xyz, double[] w, double[] y) {}

    private static Grid grid(int lmax) {
        return GRIDS.computeIfAbsent(lmax, WignerD::buildGrid);
    }

    private static Grid buildGrid(int lmax) {
        int nt = lmax + 1, np = 2 * lmax + 1, n = nt * np;
        double[] nodes = new double[nt], weights = new double[nt];
        gaussLegendre(nt, nodes, weights);
        double[] xyz = new double[3 * n], w = new double[n];
        int p = 0;
        for (int i = 0; i < nt; i++) {
            double ct = nodes[i], st = Math.sqrt(Math.max(0.0, 1.0 - ct * ct));
            for (int j = 0; j < np; j++) {
                // offset in φ avoids placing nodes on symmetry planes; any offset is exact
                double phi = 2.0 * Math.PI * (j + 0.5) / np;
                xyz[3 * p] = st * Math.cos(phi);
                xyz[3 * p + 1] = st * Math.sin(phi);
                xyz[3 * p + 2] = ct;
                w[p++] = weights[i] * 2.0 * Math.PI / np;
            }
        }
        SphericalHarmonics sh = new SphericalHarmonics(lmax);
        double[] y = new double[n * SphericalHarmonics.size(lmax)];
        sh.solid(n, xyz, y);
        return new Grid(lmax, sh, n, xyz, w, y);
    }

    /** Gauss–Legendre nodes and weights on [−1, 1] by Newton iteration on P_n. */
    static void gaussLegendre(int n, double[] x, double[] w) {
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1.0, p1 = z;
                if (n == 1) {
                    p1 = z;
                    p0 = 1.0;
                } else {
                    for (int k = 2; k <= n; k++) {
                        double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
                        p0 = p1;
                        p1 = p2;
                    }
                }
                // p1 = P_n(z), p0 = P_{n−1}(z)
                dp = n * (z * p1 - p0) / (z * z - 1.0);
                double dz = p1 / dp;
                z -= dz;
                if (Math.abs(dz) < 1e-16) break;
            }
            double p0 = 1.0, p1 = z;
            for (int k = 2; k <= n; k++) {
                double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            if (n == 1) p0 = 1.0;
            dp = n * (z * p1 - p0) / (z * z - 1.0);
            x[i] = z;
            w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
        }
    }

    /** {@code D^l(R)} for a proper rotation R (3×3 row-major), (2l+1)² row-major. */
    public static double[] real(int l, double[] rotation) {
        if (l < 0) throw new IllegalArgumentException("l must be >= 0");
        return realAll(l, rotation)[l];
    }

    /** {@code D^l(R)} for every l = 0..lmax. */
    public static double[][] realAll(int lmax, double[] rotation) {
        if (lmax < 0) throw new IllegalArgumentException("lmax must be >= 0");
        checkRotation(rotation);
        Grid g = grid(lmax);
        int sz = SphericalHarmonics.size(lmax);
        double[] rot = Rotations.apply(rotation, g.xyz);
        double[] yr = new double[g.n * sz];
        g.sh.solid(g.n, rot, yr);
        double[][] d = new double[lmax + 1][];
        for (int l = 0; l <= lmax; l++) {
            int dim = 2 * l + 1, base = l * l;
            double[] m = new double[dim * dim];
            for (int p = 0; p < g.n; p++) {
                double w = g.w[p];
                int o = p * sz + base;
                for (int a = 0; a < dim; a++) {
                    double wa = w * yr[o + a];
                    int row = a * dim;
                    for (int b = 0; b < dim; b++) m[row + b] += wa * g.y[o + b];
                }
            }
            d[l] = m;
        }
        return d;
    }

    private static void checkRotation(double[] r) {
        if (r == null || r.length != 9) throw new IllegalArgumentException("rotation must be a 3x3 row-major array");
        double det = Rotations.det(r);
        if (!(Math.abs(det - 1.0) < 1e-6)) {
            throw new IllegalArgumentException("not a proper rotation (det = " + det + "); use Rotations.wigner for improper ones");
        }
    }

    /** Applies a (2l+1)² matrix to a vector: {@code out = D v}. */
    public static double[] apply(double[] d, double[] v) {
        int n = v.length;
        if (d.length != n * n) throw new IllegalArgumentException("size mismatch");
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += d[i * n + j] * v[j];
            out[i] = s;
        }
        return out;
    }
}
