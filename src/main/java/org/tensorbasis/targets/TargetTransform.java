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
 * </ol>
 *
 * <p>Forward: log first, then the scaling; the inverse in the opposite order. Both are applied outside every
 * architecture (the training values in {@link ModelBlock#values}, the predictions by
 * {@code architecture.TransformedModel}), so they hold for all of them, for {@code eval} and for the Java API.
 */
public final class TargetTransform {
    private static final TargetTransform IDENTITY = new TargetTransform(null, Options.Transform.NONE, false);

    private final Options.Target target;
    private final Options.Transform transform;
    private final boolean intensive;

    private TargetTransform(Options.Target target, Options.Transform transform, boolean intensive) {
        this.target = target;
        this.transform = transform;
        this.intensive = intensive;
    }

    /** The transform of a target's options. */
    public static TargetTransform of(Options.Target t) {
        if (t.transform() == Options.Transform.NONE && !t.intensive()) return IDENTITY;
        return new TargetTransform(t, t.transform(), t.intensive());
    }

    /** Whether the learned values are the file's values. */
    public boolean isIdentity() {
        return transform == Options.Transform.NONE && !intensive;
    }

    public Options.Transform transform() { return transform; }

    public boolean intensive() { return intensive; }

    /** A short description for logs, e.g. {@code "matrix log, intensive (mean of atomic contributions)"}. */
    public String describe() {
        if (isIdentity()) return "none";
        String s = transform == Options.Transform.LOG ? "learned as the matrix log (predictions: matrix exp)" : "";
        if (intensive) s += (s.isEmpty() ? "" : ", ") + "intensive (the mean of atomic contributions)";
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
        if (isIdentity()) return values;
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
     * The file-unit values of learned ones, in the spherical layout: {@code rows × layout.sphericalSize()}
     * numbers, changed in place (first the division by {@code atoms}, then the matrix exponential).
     */
    public void inverseSpherical(TargetLayout layout, double[] rows, int atoms) {
        if (isIdentity()) return;
        if (intensive) {
            double inv = 1.0 / atoms;
            for (int i = 0; i < rows.length; i++) rows[i] *= inv;
        }
        if (transform == Options.Transform.LOG) {
            int ss = layout.sphericalSize();
            double[] sph = new double[ss];
            for (int r = 0; r < rows.length / ss; r++) {
                System.arraycopy(rows, r * ss, sph, 0, ss);
                double[] e = SymmetricMatrices.exp(layout.toCartesian(sph));
                System.arraycopy(layout.toSpherical(e, 0), 0, rows, r * ss, ss);
            }
        }
    }
}
