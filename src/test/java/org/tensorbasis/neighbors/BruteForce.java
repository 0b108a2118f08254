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
            // Dual basis of the periodic vectors within their span, b_k = Σ_l (G⁻¹)_kl a_l with G the
            // Gram matrix, computed here independently of Cell (whose completed lattice is under test).
            int[] ax = new int[3];
            int np = 0;
            for (int k = 0; k < 3; k++) if (cell.isPeriodic(k)) ax[np++] = k;
            double[][] g = new double[np][np];
            for (int r = 0; r < np; r++) {
                for (int c = 0; c < np; c++) {
                    g[r][c] = a[3 * ax[r]] * a[3 * ax[c]] + a[3 * ax[r] + 1] * a[3 * ax[c] + 1] + a[3 * ax[r] + 2] * a[3 * ax[c] + 2];
                }
            }
            double[][] gi = new org.apache.commons.math3.linear.LUDecomposition(
                org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(g)).getSolver().getInverse().getData();
            for (int r = 0; r < np; r++) {
                double[] b = new double[3];
                for (int c = 0; c < np; c++) for (int k = 0; k < 3; k++) b[k] += gi[r][c] * a[3 * ax[c] + k];
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    double s = b[0] * pos[3 * i] + b[1] * pos[3 * i + 1] + b[2] * pos[3 * i + 2];
                    lo = Math.min(lo, s);
                    hi = Math.max(hi, s);
                }
                // b_k·v = Δs_k + S_k for v = Δr + S·a, and |v| ≥ |b_k·v| / |b_k|, so a pair within the
                // cutoff has |S_k| < cutoff·|b_k| + spread; one more for safety
                double bn = Math.sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
                m[ax[r]] = (int) Math.ceil(cutoff * bn + (hi - lo)) + 1;
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
