package org.tensorbasis.descriptors;

import java.util.SplittableRandom;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/** Test helpers: random structures and rotations. */
final class Geometry {
    private Geometry() {}

    static final int[] SPECIES = {1, 6, 7, 16};

    /** A random molecule of n atoms in a box of the given edge, atoms at least 0.7 Å apart. */
    static Structure molecule(SplittableRandom rng, int n, double edge) {
        int[] z = new int[n];
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            z[i] = SPECIES[rng.nextInt(SPECIES.length)];
            outer:
            while (true) {
                for (int k = 0; k < 3; k++) x[3 * i + k] = edge * (rng.nextDouble() - 0.5);
                for (int j = 0; j < i; j++) {
                    double d2 = 0;
                    for (int k = 0; k < 3; k++) d2 += Math.pow(x[3 * i + k] - x[3 * j + k], 2);
                    if (d2 < 0.49) continue outer;
                }
                break;
            }
        }
        return new Structure(z, x);
    }

    /** Uniformly random proper rotation (row-major 3×3) from a random unit quaternion. */
    static double[] rotation(SplittableRandom rng) {
        double a, b, c, d, n;
        do {
            a = rng.nextGaussian(); b = rng.nextGaussian(); c = rng.nextGaussian(); d = rng.nextGaussian();
            n = Math.sqrt(a * a + b * b + c * c + d * d);
        } while (n < 1e-3);
        a /= n; b /= n; c /= n; d /= n;
        return new double[] {
            a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
            2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
            2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d};
    }

    static double[] apply(double[] m, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length / 3; i++) {
            for (int r = 0; r < 3; r++) {
                y[3 * i + r] = m[3 * r] * x[3 * i] + m[3 * r + 1] * x[3 * i + 1] + m[3 * r + 2] * x[3 * i + 2];
            }
        }
        return y;
    }

    /** The structure with positions (and cell vectors) mapped by m. */
    static Structure transform(Structure s, double[] m) {
        Cell c = s.cell();
        Cell nc = c == null ? null : new Cell(apply(m, c.vectors()), c.pbc());
        return s.withGeometry(apply(m, s.positions()), nc);
    }

    static Structure translate(Structure s, double dx, double dy, double dz) {
        double[] x = s.positions();
        for (int i = 0; i < s.size(); i++) { x[3 * i] += dx; x[3 * i + 1] += dy; x[3 * i + 2] += dz; }
        return s.withGeometry(x, s.cell());
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
