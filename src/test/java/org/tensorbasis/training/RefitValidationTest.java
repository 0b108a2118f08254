package org.tensorbasis.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;

/**
 * training.refit_validation: after the ridges are chosen on the validation structures, the heads are solved
 * again on training + validation. Both runs train the same network (same seed), so only the heads differ: the
 * second fit sees all 40 structures and must fit them (training + validation) better than the training-only refit.
 */
class RefitValidationTest {
    private static TrainedModel train(Path dir, boolean rv, List<String> log) throws IOException {
        Path opts = Fixtures.setUp(dir, 4, "  refit_validation: " + rv + "\n");
        TrainingSession.Listener l = new TrainingSession.Listener() {
            @Override
            public void message(String line) { log.add(line); }
        };
        return new Trainer(Options.load(opts), dir, l).train(TrainingSession.Outputs.forModel(dir.resolve("m.tbm")), null).model();
    }

    private static double squaredError(TrainedModel m, List<Structure> frames) {
        Predictions p = m.predict(frames, 2);
        double sq = 0;
        for (int k = 0; k < frames.size(); k++) {
            for (String t : List.of("alpha", "mu")) {
                double[] ref = frames.get(k).info().get(t).toDoubles();
                double[] y = p.values(t, k);
                for (int c = 0; c < ref.length; c++) sq += (y[c] - ref[c]) * (y[c] - ref[c]) / (t.equals("mu") ? 1e-2 : 1);
            }
        }
        return sq;
    }

    @Test
    void theHeadsAreRefitOnTrainingAndValidation(@TempDir Path a, @TempDir Path b) throws IOException {
        List<String> logA = new ArrayList<>(), logB = new ArrayList<>();
        TrainedModel plain = train(a, false, logA), both = train(b, true, logB);
        assertThat(String.join("\n", logA)).doesNotContain("refit_validation");
        String refit = logB.stream().filter(s -> s.startsWith("head refinement (")).findFirst().orElseThrow();
        assertThat(refit).contains("blocks refit on the 32 training + 8 validation structures")
            .contains("the validation metrics below are no longer out of sample");
        assertThat(Files.readString(b.resolve("m.options.yaml"))).contains("refit_validation: true");
        List<Structure> frames = org.tensorbasis.io.ExtXyzReader.readAll(b.resolve("water40.xyz"));
        double ePlain = squaredError(plain, frames), eBoth = squaredError(both, frames);
        assertThat(eBoth).as("squared error over all 40 structures").isLessThan(ePlain);
        Predictions p = both.predict(frames, 2);
        for (SymmetryCheck.Result r : SymmetryCheck.run(both, frames, p, 2, 5, 2)) {
            assertThat(r.proper()).as(r.target()).isLessThan(1e-12);
            assertThat(r.improper()).as(r.target()).isLessThan(1e-12);
        }
    }

    @Test
    void itNeedsTheHeadRefit(@TempDir Path dir) throws IOException {
        Path opts = Fixtures.setUp(dir, 1, "  refine_heads: false\n  refit_validation: true\n");
        assertThatThrownBy(() -> Options.load(opts)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("training.refit_validation").hasMessageContaining("refine_heads");
    }
}
