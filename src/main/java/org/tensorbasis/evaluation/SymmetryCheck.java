package org.tensorbasis.evaluation;

import org.tensorbasis.targets.TargetLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/**
 * Numerical check of O(3) equivariance of a model's predictions: every structure is rotated by
 * random proper rotations Q and by random improper ones (rotation × inversion), predicted again,
 * and compared, block by block, with the original prediction rotated by the block's matrix
 * {@code Rotations.wigner(λ, σ, Q)} (which carries the parity σ of pseudotensor blocks).
 *
 * <p>The deviation of one structure, target and Q is
 * {@code ‖pred(QA) − D(Q) pred(A)‖ / max(‖pred(A)‖, s √rows(A))} over all the target's spherical
 * components (and all atoms of per-atom targets): s is the
 * target's RMS prediction per row (per atom of per-atom targets, per structure otherwise) over all the
 * structures, rows(A) the structure's rows; so the deviation is relative to the structure's own prediction or,
 * where that is smaller than typical, to the typical prediction of a structure of its size. Why: a prediction
 * that is ~0 (an elemental crystal's Born charges, zero by symmetry and the sum rule; the axial part at a site
 * a hair from a symmetric one) is a cancellation of terms of the target's size, so its round-off is a fraction
 * of s, not of its own norm; measured against its own norm, round-off read as a failure (1e-8 and worse). A real
 * symmetry break is still far above {@link #TOLERANCE} of the typical prediction.
 */
public final class SymmetryCheck {
    /** Deviations above this are a failure (float64 round-off is ~1e-15 … 1e-13). */
    public static final double TOLERANCE = 1e-10;

    /**
     * The tolerance of a float32 prediction ({@code eval --precision float32}): its invariant coefficients carry float32
     * round-off (~1e-7 relative), so a rotated structure's prediction differs at that level (docs/performance.md).
     */
    public static final double FLOAT32_TOLERANCE = 1e-5;

    /** The tolerance for predictions made in {@code precision}. */
    public static double tolerance(org.tensorbasis.architecture.Precision precision) {
        return precision == org.tensorbasis.architecture.Precision.FLOAT32 ? FLOAT32_TOLERANCE : TOLERANCE;
    }

    /** Structures rotated per batch of predictions (bounds memory). */
    private static final int CHUNK = 64;

    private SymmetryCheck() {}

    /**
     * Largest relative deviations of one target.
     *
     * @param worstStructure index (in the checked list) of the structure with the largest deviation
     */
    public record Result(String target, double proper, double improper, int worstStructure) {
        public double max() { return Math.max(proper, improper); }

        /** True when both deviations are at most {@link #TOLERANCE} (NaN fails). */
        public boolean passed() { return passed(TOLERANCE); }

        /** True when both deviations are at most {@code tolerance} (NaN fails). */
        public boolean passed(double tolerance) { return max() <= tolerance; }
    }

    /**
     * Runs the check.
     *
     * @param original  the model's predictions of {@code structures} (all of them, in order)
     * @param rotations number of proper and of improper rotations per structure
     * @param seed      seed of the random rotations
     */
    public static List<Result> run(Predictor model, List<Structure> structures, Predictions original, int rotations, long seed, int threads) {
        if (rotations < 1) throw new IllegalArgumentException("rotations must be >= 1");
        if (original.size() != structures.size()) throw new IllegalArgumentException("predictions do not match the structures");
        List<String> targets = original.targets();
        int nt = targets.size();
        TargetLayout[] layouts = new TargetLayout[nt];
        double[] rowScale = new double[nt]; // s: RMS norm of one row of the target's predictions
        for (int t = 0; t < nt; t++) {
            layouts[t] = model.layouts().get(targets.get(t));
            int ss = layouts[t].sphericalSize();
            double sum2 = 0;
            long rows = 0;
            for (int k = 0; k < structures.size(); k++) {
                double[] v = original.spherical(targets.get(t), k);
                double n = norm(v);
                sum2 += n * n;
                rows += v.length / ss;
            }
            rowScale[t] = rows == 0 ? 0 : Math.sqrt(sum2 / rows);
        }
        double[] proper = new double[nt];
        double[] improper = new double[nt];
        int[] worst = new int[nt];
        double[] worstValue = new double[nt];
        SplittableRandom rng = new SplittableRandom(seed);
        int perStructure = 2 * rotations;
        for (int start = 0; start < structures.size(); start += CHUNK) {
            int end = Math.min(structures.size(), start + CHUNK);
            List<Structure> rotated = new ArrayList<>((end - start) * perStructure);
            double[][] qs = new double[(end - start) * perStructure][];
            for (int k = start; k < end; k++) {
                for (int r = 0; r < perStructure; r++) {
                    double[] q = Rotations.random(rng);
                    if (r >= rotations) q = Rotations.improper(q);
                    qs[(k - start) * perStructure + r] = q;
                    rotated.add(rotate(structures.get(k), q));
                }
            }
            Predictions p = model.predict(rotated, threads);
            for (int t = 0; t < nt; t++) {
                String name = targets.get(t);
                for (int k = start; k < end; k++) {
                    double[] before = original.spherical(name, k);
                    double floor = rowScale[t] * Math.sqrt(before.length / layouts[t].sphericalSize());
                    double denom = Math.max(norm(before), Math.max(floor, Double.MIN_NORMAL));
                    for (int r = 0; r < perStructure; r++) {
                        int i = (k - start) * perStructure + r;
                        double dev = Math.sqrt(residual2(layouts[t], qs[i], before, p.spherical(name, i))) / denom;
                        if (r < rotations) {
                            proper[t] = nanMax(proper[t], dev);
                        } else {
                            improper[t] = nanMax(improper[t], dev);
                        }
                        if (!(dev <= worstValue[t])) {
                            worstValue[t] = Double.isNaN(dev) ? Double.POSITIVE_INFINITY : dev;
                            worst[t] = k;
                        }
                    }
                }
            }
        }
        List<Result> out = new ArrayList<>();
        for (int t = 0; t < nt; t++) out.add(new Result(targets.get(t), proper[t], improper[t], worst[t]));
        return out;
    }

    private static double nanMax(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }

    /** The structure with positions and, if present, cell vectors transformed by Q (info and arrays unchanged). */
    public static Structure rotate(Structure s, double[] q) {
        Cell c = s.cell();
        Cell rc = c == null ? null : new Cell(Rotations.apply(q, c.vectors()), c.pbc());
        return s.withGeometry(Rotations.apply(q, s.positions()), rc);
    }

    /**
     * {@code ‖after − D(Q) before‖²} over the spherical rows of a target (rows × sphericalSize, blocks
     * as in the layout); each block (λ, σ) is rotated by {@code Rotations.wigner(λ, σ, Q)}.
     * Components not in any block (dropped, zero blocks) must be equal in both.
     */
    public static double residual2(TargetLayout layout, double[] q, double[] before, double[] after) {
        if (before.length != after.length) throw new IllegalArgumentException("row counts differ");
        int ss = layout.sphericalSize();
        int rows = before.length / ss;
        double sum = 0;
        boolean[] covered = new boolean[ss];
        for (TargetLayout.Block b : layout.blocks()) {
            int dim = b.dim();
            double[] d = Rotations.wigner(b.lambda(), b.sigma(), q);
            int[] index = b.index();
            for (int k : index) covered[k] = true;
            for (int r = 0; r < rows; r++) {
                int o = r * ss;
                for (int p = 0; p < b.properties(); p++) {
                    for (int mu = 0; mu < dim; mu++) {
                        double rot = 0;
                        for (int nu = 0; nu < dim; nu++) rot += d[mu * dim + nu] * before[o + index[p * dim + nu]];
                        double diff = after[o + index[p * dim + mu]] - rot;
                        sum += diff * diff;
                    }
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < ss; k++) {
                if (covered[k]) continue;
                double diff = after[r * ss + k] - before[r * ss + k];
                sum += diff * diff;
            }
        }
        return sum;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
