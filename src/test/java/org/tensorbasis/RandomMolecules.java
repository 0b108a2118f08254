package org.tensorbasis;

import java.util.SplittableRandom;
import org.tensorbasis.structure.Structure;

/** Test helper: random molecules in a box, atoms a minimum distance apart, the first atoms of given species. */
public final class RandomMolecules {
    private RandomMolecules() {}

    /**
     * n atoms uniformly in a cube of the given edge (Å), at least {@code minDistance} apart; atom i &lt;
     * species.length has species[i] (so every species occurs once n is large enough), the others are
     * drawn from {@code species}.
     */
    public static Structure of(SplittableRandom rng, int n, double edge, double minDistance, int... species) {
        int[] z = new int[n];
        double[] x = new double[3 * n];
        double min2 = minDistance * minDistance;
        for (int i = 0; i < n; i++) {
            z[i] = i < species.length ? species[i] : species[rng.nextInt(species.length)];
            outer:
            while (true) {
                for (int k = 0; k < 3; k++) x[3 * i + k] = edge * (rng.nextDouble() - 0.5);
                for (int j = 0; j < i; j++) {
                    double d2 = 0;
                    for (int k = 0; k < 3; k++) d2 += Math.pow(x[3 * i + k] - x[3 * j + k], 2);
                    if (d2 < min2) continue outer;
                }
                break;
            }
        }
        return new Structure(z, x);
    }

    /**
     * A random triclinic periodic cell of roughly the given edge (each vector perturbed by up to ±12.5 %)
     * with n atoms at random fractional coordinates; species as in {@link #of}.
     */
    public static Structure crystal(SplittableRandom rng, int n, double edge, int... species) {
        double[] cell = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) cell[3 * i + k] = (i == k ? edge : 0.0) + 0.25 * edge * (rng.nextDouble() - 0.5);
        }
        int[] z = new int[n];
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            z[i] = i < species.length ? species[i] : species[rng.nextInt(species.length)];
            double[] f = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
            for (int k = 0; k < 3; k++) for (int a = 0; a < 3; a++) x[3 * i + k] += f[a] * cell[3 * a + k];
        }
        return new Structure(z, x, org.tensorbasis.structure.Cell.periodic(cell), null, null);
    }

    /**
     * max over rows of {@code dm} components of |b − M a|, M a dm × dm matrix (row-major), relative to max |a|
     * (1e-300 floor): the equivariance error of features a and b = features of the transformed structure.
     */
    public static double equivarianceError(double[] a, double[] b, double[] m, int dm) {
        double worst = 0;
        double scale = 0;
        for (double v : a) scale = Math.max(scale, Math.abs(v));
        for (int r = 0; r < a.length / dm; r++) {
            for (int mu = 0; mu < dm; mu++) {
                double v = 0;
                for (int nu = 0; nu < dm; nu++) v += m[mu * dm + nu] * a[r * dm + nu];
                worst = Math.max(worst, Math.abs(b[r * dm + mu] - v));
            }
        }
        return worst / Math.max(scale, 1e-300);
    }

    /** Per-structure targets: a vector Σ_ij g e^{−r} r_ij and a symmetric rank-2 tensor Σ_ij h (1 + 0.2 r_ij ⊗ r_ij); molecules of H, C, O. */
    public static Structure withVectorAndTensor(Structure s) {
        int n = s.size();
        double[] x = s.positions();
        double[] v = new double[3];
        double[] a = new double[9];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
                double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
                double g = Math.sin(s.numbers()[j] + 0.5 * s.numbers()[i]) * Math.exp(-r);
                v[0] += g * dx;
                v[1] += g * dy;
                v[2] += g * dz;
                double[] d = {dx, dy, dz};
                double h = Math.exp(-r * r / 4) * (1 + 0.1 * s.numbers()[j]);
                for (int p = 0; p < 3; p++) {
                    a[4 * p] += h;
                    for (int q = 0; q < 3; q++) a[3 * p + q] += 0.2 * h * d[p] * d[q];
                }
            }
        }
        return s.withInfo(java.util.Map.of("mu", org.tensorbasis.structure.Value.ofReals(1, 3, v), "a", org.tensorbasis.structure.Value.ofReals(1, 9, a)));
    }
}
