package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.PredictionFields;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.linalg.Gemm;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.training.Trainer;

/**
 * A λ-MCoV model written before the architecture split (format version 1, commit 654aa68;
 * src/test/resources/fixtures/lambda-mcov-v1/README.md) loads and predicts bit for bit what that
 * program predicted, and training it again from the same options gives the same predictions.
 */
class FormatOneFixtureTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/lambda-mcov-v1");

    @TempDir
    Path tmp;

    static long savedLimit;

    /** The fixture was written with every product in the project's own loops (independent of the BLAS library). */
    @BeforeAll
    static void ownLoops() {
        savedLimit = Gemm.smallLimit;
        Gemm.smallLimit = Long.MAX_VALUE;
    }

    @AfterAll
    static void restore() {
        Gemm.smallLimit = savedLimit;
    }

    @Test
    void oldModelFilePredictsBitIdentically() throws IOException {
        TrainedModel m = Architectures.load(DIR.resolve("model.tbm"), 2);
        assertThat(m.architecture()).isEqualTo("lambda_mcov");
        assertThat(m).isInstanceOf(LambdaMcovModel.class);
        assertSameAsFixture(m);
    }

    @Test
    void retrainingGivesTheSamePredictions() throws IOException {
        for (String f : List.of("options.yaml", "water40.xyz")) Files.copy(DIR.resolve(f), tmp.resolve(f));
        Options o = Options.load(tmp.resolve("options.yaml"));
        Trainer.Result r = new Trainer(o, tmp, null).train(TrainingSession.Outputs.forModel(tmp.resolve("model.tbm")), null);
        assertSameAsFixture(r.model());
        assertSameAsFixture(Architectures.load(tmp.resolve("model.tbm"), 1));
        // the weights themselves are those of the old file
        double[] old = ((LambdaMcovModel) Architectures.load(DIR.resolve("model.tbm"), 1)).network().parameters().values();
        assertThat(((LambdaMcovModel) r.model()).network().parameters().values()).isEqualTo(old);
    }

    private static void assertSameAsFixture(TrainedModel m) throws IOException {
        List<Structure> input = ExtXyzReader.readAll(DIR.resolve("water40.xyz"));
        List<Structure> expected = ExtXyzReader.readAll(DIR.resolve("predictions.xyz"));
        Predictions p = m.predict(input, 2);
        int compared = 0;
        for (String t : m.layouts().keySet()) {
            String key = PredictionFields.key(m.target(t));
            for (int k = 0; k < input.size(); k++) {
                Structure e = expected.get(k);
                double[] want = m.target(t).perAtom() ? e.arrays().get(key).toDoubles() : e.info().get(key).toDoubles();
                assertThat(p.values(t, k)).as(t + " of frame " + k).isEqualTo(want);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(4 * 40);
    }
}
