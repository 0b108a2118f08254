package org.tensorbasis.lambdamcov;

import java.io.IOException;
import org.tensorbasis.architecture.Architecture;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingData;
import org.tensorbasis.architecture.TrainingOutcome;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.modelfile.ModelFile;

/**
 * λ-MCoV (Domina et al., arXiv 2505.05404): per-atom invariant coefficients from a SOAP power
 * spectrum and per-species scalar networks, times an exactly equivariant tensor basis built from
 * each environment, summed over atoms. Options: {@link LambdaMcovOptions}; model: {@link
 * LambdaMcovModel}; training loop: {@link LambdaMcovTrainer}.
 */
public final class LambdaMcovArchitecture implements Architecture {
    @Override
    public String name() { return LambdaMcovOptions.NAME; }

    @Override
    public TrainingOutcome train(TrainingData data, TrainingSession session) throws IOException {
        return new LambdaMcovTrainer(data, session).train();
    }

    @Override
    public TrainedModel load(ModelFile.Contents contents, String fileName, int threads) {
        return LambdaMcovModel.fromContents(contents, fileName, Math.max(1, threads));
    }
}
