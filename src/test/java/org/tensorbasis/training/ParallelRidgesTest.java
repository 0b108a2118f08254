package org.tensorbasis.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.lambdamcov.LambdaMcovModel;
import org.tensorbasis.options.Options;

/** The head refit factors two ridges at once on two threads: the refit heads are the same bit for bit as one at a time. */
class ParallelRidgesTest {
    @Test
    void twoRidgesAtOnceGiveTheSameHeads(@TempDir Path dir) throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        double[][] weights = new double[2][];
        List<String> logs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            System.setProperty("tensorbasis.refit.parallelRidges", run == 0 ? "1" : "2");
            try {
                StringBuilder log = new StringBuilder();
                TrainingSession.Listener listener = new TrainingSession.Listener() {
                    @Override
                    public void message(String line) { log.append(line).append('\n'); }
                };
                LambdaMcovModel m = (LambdaMcovModel) new Trainer(Options.load(opts), dir, listener)
                    .train(TrainingSession.Outputs.forModel(dir.resolve("m" + run + ".tbm")), null).model();
                weights[run] = m.network().parameters().values().clone();
                logs.add(log.toString());
            } finally {
                System.clearProperty("tensorbasis.refit.parallelRidges");
            }
        }
        assertThat(logs.get(0)).doesNotContain("ridges at a time");
        assertThat(logs.get(1)).contains("(2 ridges at a time)");
        assertThat(weights[1]).isEqualTo(weights[0]);
        assertThat(Files.exists(dir.resolve("m1.tbm"))).isTrue();
    }
}
