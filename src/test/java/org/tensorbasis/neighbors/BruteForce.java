package org.tensorbasis.neighbors;

import java.util.ArrayList;
import java.util.List;
import org.tensorbasis.structure.Cell;

/** Reference neighbour search: every atom pair over every image in a generous box of shifts. */
final class BruteForce {
    /** One pair: i, j, S and the vector r_j + S·cell − r_i. */
    record Pair(int i, int j, int s0, int s1, int s2, double vx, double vy, double vz, double dist) {}

    private BruteForce() {}

    /** Pairs ordered by (i, j, S0, S1, S2), the order the neighbour list promises within a centre. */
    static List<Pair> pairs(double[] pos, Cell cell, double cutoff) {
        int n = pos.length / 3;
        boolean periodic = cell != null && cell.isAnyPeriodic();
        double[] a = periodic ? cell.vectors() : new double[9];
        int[] m = new int[3];
        if (periodic) {
            double[] b = cell.reciprocal();
            double[] d = cell.planeSpacings();
            for (int ax = 0; ax < 3; ax++) {
                if (!cell.isPeriodic(ax)) continue;
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    double s = b[3 * ax] * pos[3 * i] + b[3 * ax + 1] * pos[3 * i + 1] + b[3 * ax + 2] * pos[3 * i + 2];
                    lo = Math.min(lo, s);
                    hi = Math.max(hi, s);
                }
                // |Δs + S| · d < cutoff  ⇒  |S| < cutoff/d + spread; one more for safety
                m[ax] = (int) Math.ceil(cutoff / d[ax] + (hi - lo)) + 1;
            }
        }
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int s0 = -m[0]; s0 <= m[0]; s0++) {
                    for (int s1 = -m[1]; s1 <= m[1]; s1++) {
                        for (int s2 = -m[2]; s2 <= m[2]; s2++) {
                            if (i == j && s0 == 0 && s1 == 0 && s2 == 0) continue;
                            double vx = (pos[3 * j] - pos[3 * i]) + (s0 * a[0] + s1 * a[3] + s2 * a[6]);
                            double vy = (pos[3 * j + 1] - pos[3 * i + 1]) + (s0 * a[1] + s1 * a[4] + s2 * a[7]);
                            double vz = (pos[3 * j + 2] - pos[3 * i + 2]) + (s0 * a[2] + s1 * a[5] + s2 * a[8]);
                            double dist = Math.sqrt(vx * vx + vy * vy + vz * vz);
                            if (dist < cutoff) out.add(new Pair(i, j, s0, s1, s2, vx, vy, vz, dist));
                        }
                    }
                }
            }
        }
        return out;
    }
}
