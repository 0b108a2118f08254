package org.tensorbasis.linearridge;

import java.util.Set;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.options.ArchitectureOptions;
import org.tensorbasis.options.Options;
import org.tensorbasis.options.PositionBasisOption;
import org.tensorbasis.options.Section;
import org.tensorbasis.options.SoapOptions;

/**
 * Hyper-parameters of the linear ridge architecture ({@code model.architecture: linear_ridge}): the
 * density expansion its λ-SOAP features are built from ({@code model.soap}), and the ridge grid and
 * normalisation ({@code training}). Declared once in {@link Parser}; documented in docs/options.md.
 */
public record LinearRidgeOptions(SoapOptions soap, int zeta, int sparsePoints, boolean shrinkToFit, double elementCoupling, double softNormalization,
                                 double[] ridges, boolean compositionBaseline,
                                 boolean perSpeciesScale, long maxGramBytes, PositionBasisOption positionBasis, boolean refitValidation,
                                 boolean leaveOneOut) implements ArchitectureOptions {
    public static final String NAME = "linear_ridge";

    /**
     * Default descriptor: smaller than λ-MCoV's, because the number of λ-SOAP features grows as
     * (species × radial functions)² × the number of (l1, l2) pairs, and the ridge's Gram matrix as its square.
     */
    static final SoapOptions DEFAULT_SOAP = new SoapOptions(5.0, 0.5, 5, 4, PowerSpectrumForm.UNIQUE_PAIRS);

    /** Default number of sparse environments per species of a kernel fit ({@code model.kernel.sparse_points}). */
    static final int DEFAULT_SPARSE_POINTS = 1000;

    /** Whether the blocks are fitted with the sparse λ-SOAP kernel ({@code model.kernel.zeta} ≥ 1) instead of linearly. */
    public boolean kernel() { return zeta > 0; }

    /** Whether a kernel fit is one joint kernel over every centre element ({@code model.kernel.element_coupling} &gt; 0). */
    public boolean jointKernel() { return kernel() && elementCoupling > 0; }

    /**
     * Whether a block gets position features, {@code auto} not resolved: per-structure proper blocks of the listed orders;
     * with the kernel only those listed by name ({@code auto} gives none there).
     */
    boolean positionFeatures(org.tensorbasis.targets.ModelBlock mb) {
        return (!kernel() || !positionBasis.auto()) && positionBasis.covers(mb.perAtom(), mb.lambda(), mb.sigma());
    }

    /** The linear ridge options of a run (a clear error for another architecture). */
    public static LinearRidgeOptions of(Options options) {
        return options.hypers(LinearRidgeOptions.class);
    }

    @Override
    public String architecture() { return NAME; }

    @Override
    public double cutoff() { return soap.cutoff(); }

    /** Declares and reads every linear_ridge option. */
    public static final class Parser implements ArchitectureOptions.Parser {
        @Override
        public String architecture() { return NAME; }

        @Override
        public ArchitectureOptions parse(Section m, Section t, Set<String> targets) {
            SoapOptions soap = SoapOptions.parse(m, DEFAULT_SOAP, false);
            if (soap.speciesChannels() == org.tensorbasis.descriptors.SpeciesMixing.Mode.TRAINED) {
                throw org.tensorbasis.BadInputException.option(null, -1, "model.soap.species_channels",
                    "trained needs the gradient of a network: lambda_mcov only (linear_ridge: use spectral)");
            }
            Section k = m.section("kernel", "Sparse lambda-SOAP kernel (SA-GPR) instead of the linear model");
            int zeta = k.integer("zeta", 0, 0, 8,
                "0: the linear model on the raw lambda-SOAP features; 1..8: the sparse lambda-SOAP kernel of SA-GPR, "
                    + "k = (p_i . p_j)^(zeta-1) X_i . X_j on features normalised per environment (2 is SA-GPR's usual choice).");
            int sp = k.integer("sparse_points", DEFAULT_SPARSE_POINTS, 1, 100_000,
                "Sparse environments per element of the kernel (farthest-point sampling of the training environments); unused with zeta 0.");
            boolean stf = k.bool("shrink_to_fit", false, "When the kernel (its normal equations, sparse features and factors) would "
                + "not fit in training.max_gram_gb or 80 % of the free heap, use fewer sparse points per element, as many as fit (the log "
                + "gives the count), instead of stopping; unused with zeta 0.");
            double ec = k.number("element_coupling", 0.0, 0.0, 1.0,
                "Kernel between environments of different centre elements, as a fraction of the kernel between environments of "
                    + "one element: 0 keeps the elements apart (one kernel and one set of sparse points per element); 1 ignores the "
                    + "centre element (TENSOAP's sum over all pairs of atoms), so that the elements share what they learn; unused with zeta 0.");
            double soft = k.number("soft_normalization", SparseKernel.SOFT, 1e-6, 100,
                "η of the kernel's normalisation X / √(‖X‖² + (η s)²) of each environment's features, as a fraction of its density "
                    + "scale s: small (the default) scales every feature vector to unit length, as SA-GPR does; near 1 or above, a "
                    + "block's features keep their size where they are small against the density (near a site where symmetry makes "
                    + "them vanish), so the predictions go to zero with them; unused with zeta 0.");
            k.finish();
            PositionBasisOption pb = PositionBasisOption.parse(m, "Per-structure proper (σ = +1) blocks of these orders also get "
                + "position features: every invariant feature of an atom times a function of its position r relative to the centroid "
                + "of its structure (λ = 0 |r|², λ = 1 r: a dipole of charges linear in the invariant features, λ ≥ 2 R^λ(r)); zero in "
                + "periodic structures; with the kernel they are added to the block's normalised features, unnormalised (true: every "
                + "order; auto: every order unless every training structure is periodic or the kernel is on, then none).", PositionBasisOption.ALL_ORDERS);
            m.finish();
            double[] ridges = t.numbers("ridges", RidgeSystem.defaultGrid(), 1e-14, 1e6,
                "Ridge strengths α tried per block (per block and element for per-atom targets); the one of least validation error is kept.");
            boolean cb = t.bool("composition_baseline", true, "Subtract a per-species baseline from invariant blocks before the fit.");
            boolean pss = t.bool("per_species_scale", true, "Per-atom targets: one scale per centre species (the fit is per element anyway).");
            boolean rv = t.bool("refit_validation", true, "Once the ridge of every block (and element) is chosen on the validation "
                + "structures, fit the weights again on the training and validation structures together with that ridge, at the "
                + "cost of one factorisation per block and element (the validation metrics are then no longer out of sample; "
                + "a linear baseline of lambda_mcov never refits).");
            boolean loo = t.choice("ridge_selection", "validation", java.util.List.of("validation", "leave_one_out"),
                "How the ridge of each block is chosen: validation, the least error on the validation structures; leave_one_out, "
                    + "the least leave-one-structure-out error on the training structures (exact, from the factorisation the fit "
                    + "makes anyway), for per-structure blocks fitted in the dual form (fewer structure rows than features, at most "
                    + RidgeSystem.LOO_MAX_ROWS + " rows); other blocks keep the validation choice.").equals("leave_one_out");
            double gb = t.number("max_gram_gb", 4, 0.001, 1024, "Stop before fitting when the normal equations of a block would need more than this many GB (2^30 bytes).");
            t.finish();
            return new LinearRidgeOptions(soap, zeta, sp, stf, ec, soft, ridges, cb, pss, (long) (gb * (1L << 30)), pb, rv, loo);
        }
    }

    @Override
    public String toYaml() {
        StringBuilder sb = new StringBuilder();
        sb.append("model:\n  architecture: ").append(NAME).append('\n');
        sb.append(soap.toYaml(false));
        sb.append("  kernel:\n    zeta: ").append(zeta).append('\n');
        sb.append("    sparse_points: ").append(sparsePoints).append('\n');
        sb.append("    shrink_to_fit: ").append(shrinkToFit).append('\n');
        sb.append("    element_coupling: ").append(Options.fmt(elementCoupling)).append('\n');
        sb.append("    soft_normalization: ").append(Options.fmt(softNormalization)).append('\n');
        sb.append("  position_basis: ").append(positionBasis.yaml()).append('\n');
        sb.append("training:\n  ridges: [");
        for (int i = 0; i < ridges.length; i++) sb.append(i > 0 ? ", " : "").append(Options.fmt(ridges[i]));
        sb.append("]\n");
        sb.append("  composition_baseline: ").append(compositionBaseline).append('\n');
        sb.append("  per_species_scale: ").append(perSpeciesScale).append('\n');
        sb.append("  refit_validation: ").append(refitValidation).append('\n');
        sb.append("  ridge_selection: ").append(leaveOneOut ? "leave_one_out" : "validation").append('\n');
        sb.append("  max_gram_gb: ").append(Options.fmt(maxGramBytes / (double) (1L << 30))).append('\n');
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearRidgeOptions l && l.soap.equals(soap) && l.zeta == zeta && l.sparsePoints == sparsePoints && l.shrinkToFit == shrinkToFit && l.elementCoupling == elementCoupling
            && l.softNormalization == softNormalization
            && java.util.Arrays.equals(l.ridges, ridges)
            && l.compositionBaseline == compositionBaseline && l.perSpeciesScale == perSpeciesScale && l.maxGramBytes == maxGramBytes
            && l.positionBasis.equals(positionBasis) && l.refitValidation == refitValidation && l.leaveOneOut == leaveOneOut;
    }

    @Override
    public int hashCode() {
        return soap.hashCode() * 31 + java.util.Arrays.hashCode(ridges);
    }

    @Override
    public String toString() {
        return toYaml();
    }
}
