package org.tensorbasis.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.options.Options;

/**
 * A run's outputs are replaced together or not at all: a run that fails leaves every earlier output
 * byte-identical, stale temporaries of a killed run are cleaned, a run without checkpoints leaves none of
 * another run's.
 */
class OutputsTogetherTest {
    @TempDir
    Path dir;

    private Map<Path, byte[]> snapshot(TrainingSession.Outputs out) throws IOException {
        Map<Path, byte[]> m = new LinkedHashMap<>();
        for (Path p : List.of(out.model(), out.checkpoint(), out.csv(), out.options())) m.put(p, Files.readAllBytes(p));
        return m;
    }

    @Test
    void aFailedRunLeavesEveryEarlierOutputByteIdentical() throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        new Trainer(Options.load(opts), dir, null).train(out, null);
        Map<Path, byte[]> before = snapshot(out);
        // a temporary left by a killed run
        Path stale = dir.resolve(".m.tbm.abc123.tmp");
        Files.writeString(stale, "half a model");

        // the second run fails in its first epoch (a listener that throws, as a full disk would)
        Path opts2 = dir.resolve("options2.yaml");
        Files.writeString(opts2, Files.readString(opts).replace("epochs: 2", "epochs: 3"));
        TrainingSession.Listener failing = new TrainingSession.Listener() {
            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (batch == 2) throw new java.io.UncheckedIOException(new IOException("No space left on device"));
            }
        };
        assertThatThrownBy(() -> new Trainer(Options.load(opts2), dir, failing).train(out, null)).hasMessageContaining("No space left");
        assertThat(snapshot(out)).as("every earlier output untouched").containsExactlyInAnyOrderEntriesOf(before);
        assertThat(stale).as("stale temporary of our naming cleaned").doesNotExist();
        assertThat(dir.resolve("m.partial")).as("no checkpoint yet: nothing kept").doesNotExist();

        // a linear_ridge run into the same outputs replaces them all, the λ-MCoV checkpoint included
        Path opts3 = dir.resolve("options3.yaml");
        Files.writeString(opts3, Fixtures.options("water40.xyz", 1, null).replaceAll("(?s)model:.*", "")
            + "model: {architecture: linear_ridge, soap: {max_radial: 2, max_angular: 2}}\n");
        new Trainer(Options.load(opts3), dir, null).train(out, null);
        assertThat(out.checkpoint()).doesNotExist();
        assertThat(out.options()).content().contains("linear_ridge");
        assertThat(Files.readAllBytes(out.model())).isNotEqualTo(before.get(out.model()));
        assertThat(dir.resolve("m.partial")).doesNotExist();
    }
}
