package org.tensorbasis.linearridge;

import java.util.Set;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.options.ArchitectureOptions;
import org.tensorbasis.options.Options;
import org.tensorbasis.options.Section;
import org.tensorbasis.options.SoapOptions;

/**
 * Hyper-parameters of the linear ridge architecture ({@code model.architecture: linear_ridge}): the
 * density expansion its λ-SOAP features are built from ({@code model.soap}), and the ridge grid and
 * normalisation ({@code training}). Declared once in {@link Parser}; documented in docs/options.md.
 */
public record LinearRidgeOptions(SoapOptions soap, double[] ridges, boolean compositionBaseline, boolean perSpeciesScale,
                                 long maxGramBytes) implements ArchitectureOptions {
    public static final String NAME = "linear_ridge";

    /**
     * Default descriptor: smaller than λ-MCoV's, because the number of λ-SOAP features grows as
     * (species × radial functions)² × the number of (l1, l2) pairs, and the ridge's Gram matrix as its square.
     */
    static final SoapOptions DEFAULT_SOAP = new SoapOptions(5.0, 0.5, 5, 4, PowerSpectrumForm.UNIQUE_PAIRS);

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
            m.finish();
            double[] ridges = t.numbers("ridges", RidgeSystem.defaultGrid(), 1e-14, 1e6,
                "Ridge strengths α tried per block (per block and element for per-atom targets); the one of least validation error is kept.");
            boolean cb = t.bool("composition_baseline", true, "Subtract a per-species baseline from invariant blocks before the fit.");
            boolean pss = t.bool("per_species_scale", true, "Per-atom targets: one scale per centre species (the fit is per element anyway).");
            int gb = t.integer("max_gram_gb", 4, 1, 1024, "Stop before fitting when the normal equations of a block would need more than this many GB.");
            t.finish();
            return new LinearRidgeOptions(soap, ridges, cb, pss, (long) gb << 30);
        }
    }

    @Override
    public String toYaml() {
        StringBuilder sb = new StringBuilder();
        sb.append("model:\n  architecture: ").append(NAME).append('\n');
        sb.append(soap.toYaml(false));
        sb.append("training:\n  ridges: [");
        for (int i = 0; i < ridges.length; i++) sb.append(i > 0 ? ", " : "").append(Options.fmt(ridges[i]));
        sb.append("]\n");
        sb.append("  composition_baseline: ").append(compositionBaseline).append('\n');
        sb.append("  per_species_scale: ").append(perSpeciesScale).append('\n');
        sb.append("  max_gram_gb: ").append(maxGramBytes >> 30).append('\n');
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearRidgeOptions l && l.soap.equals(soap) && java.util.Arrays.equals(l.ridges, ridges)
            && l.compositionBaseline == compositionBaseline && l.perSpeciesScale == perSpeciesScale && l.maxGramBytes == maxGramBytes;
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
