package org.tensorbasis.targets;

import java.util.Locale;
import org.tensorbasis.BadInputException;
import org.tensorbasis.equivariant.SymmetricMatrices;
import org.tensorbasis.options.Options;

/**
 * How a target's values in the file become the values a model learns, and back
 * ({@code targets.<name>.transform} and {@code targets.<name>.intensive}):
 *
 * <ol>
 *   <li>{@code transform: log}: the matrix logarithm of each symmetric positive-definite rank-2 value
 *       (eigendecomposition, {@link SymmetricMatrices}); its inverse is the matrix exponential, so every
 *       prediction is symmetric positive definite. Exactly equivariant: log(Q ε Qᵀ) = Q log(ε) Qᵀ for every
 *       orthogonal Q, so the learned values have the same blocks (λ = 0 and 2) and the same transformation law.</li>
 *   <li>{@code intensive: true} (per-structure targets): the learned value is {@code n_atoms × y}, which a model
 *       learns as a sum of atomic contributions; the prediction is divided by {@code n_atoms}, i.e. the target
 *       is the mean of the atomic contributions.</li>
 *   <li>{@code zero_sum: true} (per-atom targets, e.g. Born charges: the acoustic sum rule Σ_i Z*_i = 0): each
 *       prediction has its structure's mean subtracted, component by component (the values are checked, and
 *       {@code auto} decided, by {@link ZeroSumRule}).</li>
 * </ol>
 *
 * <p>Forward: log first, then the scaling; the inverse in the opposite order. Both are applied outside every
 * architecture (the training values in {@link ModelBlock#values}, the predictions by
 * {@code architecture.TransformedModel}), so they hold for all of them, for {@code eval} and for the Java API.
 */
public final class TargetTransform {
    private static final TargetTransform IDENTITY = new TargetTransform(null, Options.Transform.NONE, false, false);

    private final Options.Target target;
    private final Options.Transform transform;
    private final boolean intensive;
    private final boolean zeroSum;

    private TargetTransform(Options.Target target, Options.Transform transform, boolean intensive, boolean zeroSum) {
        this.target = target;
        this.transform = transform;
        this.intensive = intensive;
        this.zeroSum = zeroSum;
    }

    /** The transform of a target's options. */
    public static TargetTransform of(Options.Target t) {
        if (t.transform() == Options.Transform.NONE && !t.intensive() && !t.zeroSum()) return IDENTITY;
        return new TargetTransform(t, t.transform(), t.intensive(), t.zeroSum());
    }

    /** Whether the learned values are the file's values and predictions are not changed. */
    public boolean isIdentity() {
        return transform == Options.Transform.NONE && !intensive && !zeroSum;
    }

    /** Whether per-atom predictions are projected onto a zero sum per structure ({@code zero_sum: true}). */
    public boolean zeroSum() { return zeroSum; }

    public Options.Transform transform() { return transform; }

    public boolean intensive() { return intensive; }

    /** A short description for logs, e.g. {@code "matrix log, intensive (mean of atomic contributions)"}. */
    public String describe() {
        if (isIdentity()) return "none";
        String s = transform == Options.Transform.LOG ? "learned as the matrix log (predictions: matrix exp)" : "";
        if (intensive) s += (s.isEmpty() ? "" : ", ") + "intensive (the mean of atomic contributions)";
        if (zeroSum) s += (s.isEmpty() ? "" : ", ") + "zero sum over each structure's atoms (predictions minus their mean)";
        return s;
    }

    /**
     * The learned values of one sample's numbers ({@code rows × width}, the file's layout; rows = atoms for
     * per-atom targets), a new array (or {@code values} itself for the identity).
     *
     * @param atoms the structure's atom count
     * @param where the sample, named in errors
     * @throws BadInputException naming file, frame and field if a value is not symmetric positive definite ({@code log})
     */
    public double[] forward(double[] values, int width, int atoms, Sample where) {
        if (transform == Options.Transform.NONE && !intensive) return values;
        double[] out = values.clone();
        if (transform == Options.Transform.LOG) {
            if (width != 9) {
                throw BadInputException.atFrame(where.file(), where.frame(), target.key(),
                    "target '" + target.name() + "' has " + width + " numbers per value: transform: log needs a rank-2 (3×3) tensor");
            }
            for (int r = 0; r < values.length / 9; r++) {
                SymmetricMatrices.Eigen e = SymmetricMatrices.eigen(values, 9 * r);
                if (!(e.min() > 0) || !Double.isFinite(e.max())) {
                    String atom = target.perAtom() ? " (atom " + r + ")" : "";
                    throw BadInputException.atFrame(where.file(), where.frame(), target.key(), String.format(Locale.ROOT,
                        "target '%s'%s is not positive definite (eigenvalues %.6g, %.6g, %.6g): transform: log needs symmetric "
                            + "positive-definite values", target.name(), atom, e.values()[0], e.values()[1], e.values()[2]));
                }
                SymmetricMatrices.apply(e, Math::log, out, 9 * r);
            }
        }
        if (intensive) {
            for (int i = 0; i < out.length; i++) out[i] *= atoms;
        }
        return out;
    }

    /**
     * Largest eigenvalue of a predicted log that is exponentiated as it is: a wildly wrong prediction above it
     * (e^700 ≈ 1e304; real dielectric tensors have logs below 7) is capped there instead of overflowing to an
     * infinite tensor in the written predictions. Capping an eigenvalue keeps the prediction symmetric positive
     * definite and equivariant.
     */
    public static final double MAX_LOG_EIGENVALUE = 700;

    /**
     * The file-unit values of learned ones, in the spherical layout: {@code rows × layout.sphericalSize()}
     * numbers, changed in place (first the division by {@code atoms}, then the matrix exponential).
     */
    public void inverseSpherical(TargetLayout layout, double[] rows, int atoms) {
        if (isIdentity()) return;
        if (zeroSum) {
            // the orthogonal projection onto Σ_atoms y_i = 0, component by component: linear and the same for every
            // component of a block, so it commutes with rotations; it never increases the error of a structure
            // whose reference sums to zero (‖P(ŷ − y)‖ ≤ ‖ŷ − y‖)
            int w = rows.length / atoms;
            for (int c = 0; c < w; c++) {
                double mean = 0;
                for (int i = 0; i < atoms; i++) mean += rows[i * w + c];
                mean /= atoms;
                for (int i = 0; i < atoms; i++) rows[i * w + c] -= mean;
            }
        }
        if (intensive) {
            double inv = 1.0 / atoms;
            for (int i = 0; i < rows.length; i++) rows[i] *= inv;
        }
        if (transform == Options.Transform.LOG) {
            int ss = layout.sphericalSize();
            double[] sph = new double[ss];
            for (int r = 0; r < rows.length / ss; r++) {
                System.arraycopy(rows, r * ss, sph, 0, ss);
                // (log and zero_sum exclude each other, so the projection above never precedes an exp)
                double[] e = SymmetricMatrices.exp(layout.toCartesian(sph), MAX_LOG_EIGENVALUE);
                System.arraycopy(layout.toSpherical(e, 0), 0, rows, r * ss, ss);
            }
        }
    }
}
