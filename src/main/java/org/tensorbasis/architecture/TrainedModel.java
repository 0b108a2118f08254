package org.tensorbasis.architecture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.TargetLayout;

/**
 * A trained model of any architecture: it predicts every target it was trained on, in the
 * targets' own layout, for a list of structures, says which targets and blocks it has, and saves
 * itself. Evaluation, the symmetry check, prediction writing, the Java API and the command line
 * use models only through this interface; {@link Architectures#load} reads any model file.
 */
public interface TrainedModel extends org.tensorbasis.evaluation.Predictor {
    /** The architecture's name ({@code model.architecture}), also recorded in the model file. */
    String architecture();

    /** The fully resolved options the model was trained with. */
    Options options();

    /** The resolved options as YAML text, as stored in the model file. */
    String optionsYaml();

    /** Provenance recorded at training time (data hashes, program version, commit, date). */
    Map<String, String> provenance();

    /** Every target's layout (Cartesian ↔ spherical blocks), in the options' order. */
    Map<String, TargetLayout> layouts();

    /** Known species (sorted atomic numbers). */
    int[] species();

    /** Predictions of every target for the structures (descriptors and model run on {@code threads} threads). */
    Predictions predict(List<Structure> structures, int threads);

    /**
     * The arithmetic of the next predictions ({@link Precision}; FLOAT64 by default). Architectures without a float32
     * path refuse FLOAT32 with a {@link org.tensorbasis.BadInputException} that names the option and the architecture.
     */
    default void setPrecision(Precision precision) {
        if (precision != Precision.FLOAT64) {
            throw org.tensorbasis.BadInputException.field("--precision", "float32 prediction is implemented for lambda_mcov models; this "
                + "model's architecture is " + architecture() + " (use float64)");
        }
    }

    /** The arithmetic of predictions ({@link #setPrecision}). */
    default Precision precision() { return Precision.FLOAT64; }

    /** What the model file holds: metadata and tensors (a composite model nests its parts' contents). */
    org.tensorbasis.modelfile.ModelFile.Contents contents();

    /** Writes the model file atomically. */
    default void save(Path path) throws IOException {
        org.tensorbasis.modelfile.ModelFile.Contents c = contents();
        org.tensorbasis.modelfile.ModelFile.write(path, c.metadata(), c.tensors());
    }

    /** A one-line summary of the blocks, for logs. */
    String describe();

    /** A target's options (key, per-atom, unit). */
    default Options.Target target(String name) {
        return options().targets().get(name);
    }

    /** Checks that every atom's species is known; names file, frame and element otherwise. */
    default void checkSpecies(List<Sample> samples) {
        checkSpecies(species(), samples);
    }

    /**
     * Checks the species and the geometry of structures to predict: known elements, no two atoms closer
     * than the options' {@code min_distance}, no periodic cell too small for the cutoff
     * ({@link org.tensorbasis.targets.GeometryCheck}); errors name file, frame and atoms.
     */
    default void checkInput(List<Sample> samples) {
        checkSpecies(samples);
        org.tensorbasis.targets.GeometryCheck.check(samples, options().hypers().cutoff(), options().minDistance());
    }

    /** Checks that every atom of the samples is one of {@code species} (sorted atomic numbers). */
    static void checkSpecies(int[] species, List<Sample> samples) {
        for (Sample smp : samples) {
            Structure s = smp.structure();
            for (int i = 0; i < s.size(); i++) {
                if (java.util.Arrays.binarySearch(species, s.number(i)) < 0) {
                    StringBuilder known = new StringBuilder();
                    for (int z : species) known.append(known.length() > 0 ? " " : "").append(Elements.symbol(z));
                    throw BadInputException.atFrame(smp.file(), smp.frame(), "species",
                        "atom " + i + " is " + Elements.symbol(s.number(i)) + ", which the model never saw (known: " + known + ")");
                }
            }
        }
    }
}
