package org.tensorbasis.architecture;

import java.io.IOException;
import org.tensorbasis.modelfile.ModelFile;

/**
 * A kind of model, chosen by name in {@code model.architecture}: it trains a {@link TrainedModel}
 * from prepared data and reads its own model files back. Its hyper-parameters are declared by its
 * {@link org.tensorbasis.options.ArchitectureOptions.Parser}. Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.tensorbasis.architecture.Architecture});
 * see "Adding an architecture" in {@code docs/architecture.md}.
 */
public interface Architecture {
    /** The name in {@code model.architecture} and in the model file's {@code architecture} metadata. */
    String name();

    /**
     * Trains a model. The data are read, split and normalised; the architecture reports progress to
     * the session, may write checkpoints to {@code session.outputs().checkpoint()}, and honours
     * {@link TrainingSession#stopRequested()}. It does not write the model file (the caller does).
     */
    TrainingOutcome train(TrainingData data, TrainingSession session) throws IOException;

    /**
     * Rebuilds a model from a model file's contents (its {@code architecture} is this one); every
     * inconsistency is a {@link org.tensorbasis.BadInputException} naming {@code fileName}.
     */
    TrainedModel load(ModelFile.Contents contents, String fileName, int threads);
}
