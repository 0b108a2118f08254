package org.tensorbasis.options;

import java.util.Set;

/**
 * The hyper-parameters of one architecture: what it reads from the {@code model} and {@code
 * training} sections of options.yaml (besides {@code model.architecture}, which chooses it). Each
 * architecture declares its options once, in its {@link Parser}, through {@link Section}.
 */
public interface ArchitectureOptions {
    /** The architecture's name as written in {@code model.architecture}. */
    String architecture();

    /** Whether invariant blocks get a per-species composition baseline ({@code training.composition_baseline}). */
    boolean compositionBaseline();

    /** Whether per-atom blocks get one scale per centre species ({@code training.per_species_scale}). */
    boolean perSpeciesScale();

    /**
     * Per-species scales (of targets and, for λ-MCoV, of basis elements) shrink towards the scale of
     * all atoms as if each species had this many more atoms ({@code training.species_scale_prior}; 0:
     * each species' own RMS, as before this option existed), for a training set of {@code elements}
     * elements: by default ({@link #autoSpeciesScalePrior}) 0 up to 8 elements, 20 above.
     */
    default double speciesScalePrior(int elements) { return autoSpeciesScalePrior(elements); }

    /**
     * The {@code auto} shrinkage prior: none for few elements (each has hundreds of atoms, and every
     * result measured before stays bit for bit), {@link org.tensorbasis.targets.Normalization#SCALE_PRIOR_ATOMS}
     * above 8 elements, where elements with a handful of atoms are the rule.
     */
    static double autoSpeciesScalePrior(int elements) {
        return elements <= 8 ? 0 : org.tensorbasis.targets.Normalization.SCALE_PRIOR_ATOMS;
    }

    /** The descriptor's cutoff radius (Å): how far the neighbour search reaches. */
    double cutoff();

    /** Epochs of the run, for progress lines (1 for architectures that fit in one pass). */
    default int epochs() { return 1; }

    /** Print an epoch line every this many epochs. */
    default int logInterval() { return 1; }

    /** The {@code model:} and {@code training:} sections as resolved YAML (every default written out). */
    String toYaml();

    /**
     * Reads an architecture's sections. Implementations are found with {@link java.util.ServiceLoader}
     * (listed in {@code META-INF/services/org.tensorbasis.options.ArchitectureOptions$Parser}).
     */
    interface Parser {
        /** The name in {@code model.architecture}. */
        String architecture();

        /**
         * Reads {@code model} (whose {@code architecture} key is already declared) and {@code training};
         * must call {@link Section#finish()} on every section it reads so that unknown keys are errors.
         *
         * @param targets the target names (for options keyed by target, e.g. loss weights)
         */
        ArchitectureOptions parse(Section model, Section training, Set<String> targets);
    }
}
