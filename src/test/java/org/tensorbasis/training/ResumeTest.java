package org.tensorbasis.training;

import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.io.Json;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run stopped mid-epoch (or resumed from a periodic checkpoint) must end with bit-identical
 * weights and the same per-epoch log as an uninterrupted run with the same options.
 */
class ResumeTest {
    static final int EPOCHS = 4;
    static final String EXTRA = "  checkpoint_interval: 2\n";

    @TempDir
    static Path shared;
    static Path reference;          // model of the uninterrupted run
    static Path referenceCsv;

    @BeforeAll
    static void uninterrupted() throws IOException {
        Path opts = Fixtures.setUp(shared, EPOCHS, EXTRA);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(shared.resolve("ref.tbm"));
        Trainer.Result r = new Trainer(Options.load(opts), shared, null).train(out, null);
        assertThat(r.interrupted()).isFalse();
        reference = out.model();
        referenceCsv = out.csv();
    }

    private static Trainer trainer(Path opts, TrainingSession.Listener l) {
        return new Trainer(Options.load(opts), opts.getParent(), l);
    }

    /** Stop requested from the listener at (epoch, batch); then resume to the end. */
    @ParameterizedTest(name = "stop at epoch {0}, after batch {1}")
    @CsvSource({"0, 1", "1, 2", "2, 4", "3, 3"})
    void stopAndResumeIsBitIdentical(int stopEpoch, int stopBatch, @TempDir Path dir) throws IOException {
        Path opts = Fixtures.setUp(dir, EPOCHS, EXTRA);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        Trainer[] holder = new Trainer[1];
        holder[0] = trainer(opts, new TrainingSession.Listener() {
            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (epoch == stopEpoch && batch == stopBatch) holder[0].requestStop();
            }
        });
        Trainer.Result stopped = holder[0].train(out, null);
        assertThat(stopped.interrupted()).isTrue();
        assertThat(Files.exists(out.model())).as("no model file from a stopped run").isFalse();
        assertThat(Files.exists(out.checkpoint())).isTrue();

        Trainer.Result resumed = trainer(opts, null).train(out, out.checkpoint());
        assertThat(resumed.interrupted()).isFalse();
        assertSameWeights(out.model(), reference);
        assertThat(Fixtures.csvWithoutSeconds(out.csv())).isEqualTo(Fixtures.csvWithoutSeconds(referenceCsv));
    }

    /**
     * The checkpoint written after epoch 2 (checkpoint_interval 2; during the run it lives in
     * {@code m.partial/}, see {@code Trainer.train}), copied away during epoch 3, resumes to the same end.
     */
    @Test
    void resumeFromPeriodicCheckpoint(@TempDir Path dir) throws IOException {
        Path opts = Fixtures.setUp(dir, EPOCHS, EXTRA);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        Path periodic = dir.resolve("after-epoch-2.ckpt");
        trainer(opts, new TrainingSession.Listener() {
            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (epoch == 2 && batch == 1) {
                    try {
                        Files.copy(dir.resolve("m.partial/m.ckpt"), periodic, StandardCopyOption.REPLACE_EXISTING);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        }).train(out, null);
        assertThat(periodic).exists();
        Map<?, ?> state = (Map<?, ?>) Json.parse(ModelFile.read(periodic).metadata().get("checkpoint"));
        assertThat(((Number) state.get("epoch")).intValue()).isEqualTo(2);
        assertThat(((Number) state.get("next_batch")).intValue()).isZero();

        TrainingSession.Outputs out2 = TrainingSession.Outputs.forModel(dir.resolve("resumed.tbm"));
        trainer(opts, null).train(out2, periodic);
        assertSameWeights(out2.model(), reference);
        assertSameWeights(out.model(), reference);
        assertThat(Fixtures.csvWithoutSeconds(out2.csv())).isEqualTo(Fixtures.csvWithoutSeconds(referenceCsv));
    }

    /** The plateau scheduler's state (rate, best, bad epochs) and the constant schedule survive a stop too. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        // (the unshrunk species scales of the run this was tuned on, where the validation loss stalls)
        "scheduler: plateau;plateau_patience: 1;plateau_factor: 0.5;species_scale_prior: 0",
        "scheduler: constant;composition_baseline: false"})
    void otherSchedulers(String options, @TempDir Path dir) throws IOException {
        String extra = "  " + options.replace(";", "\n  ") + "\n";
        Path opts = Fixtures.setUp(dir, 8, extra);
        // a large rate makes the validation loss stall early, so that the plateau rule fires
        Files.writeString(opts, Files.readString(opts).replace("learning_rate: 0.005", "learning_rate: 0.1"));
        TrainingSession.Outputs ref = TrainingSession.Outputs.forModel(dir.resolve("ref.tbm"));
        trainer(opts, null).train(ref, null);
        if (options.contains("plateau")) {
            // the plateau must actually have cut the rate, or its state is not exercised
            java.util.Set<String> rates = new java.util.TreeSet<>();
            for (String line : Files.readAllLines(ref.csv()).subList(1, 9)) {
                String[] c = line.split(",");
                rates.add(c[c.length - 2]);
            }
            assertThat(rates).as("learning rates of epochs 1-8 in\n" + Files.readString(ref.csv())).hasSizeGreaterThan(1);
        }
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        Trainer[] holder = new Trainer[1];
        holder[0] = trainer(opts, new TrainingSession.Listener() {
            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (epoch == 5 && batch == 2) holder[0].requestStop(); // inside the plateau's bad epochs
            }
        });
        assertThat(holder[0].train(out, null).interrupted()).isTrue();
        trainer(opts, null).train(out, out.checkpoint());
        assertSameWeights(out.model(), ref.model());
        assertThat(Fixtures.csvWithoutSeconds(out.csv())).isEqualTo(Fixtures.csvWithoutSeconds(ref.csv()));
    }

    /** A checkpoint written with another thread count (possible with threads: 0) resumes with a warning. */
    @Test
    void otherThreadCountWarns(@TempDir Path dir) throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        Trainer[] holder = new Trainer[1];
        holder[0] = trainer(opts, new TrainingSession.Listener() {
            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (epoch == 1 && batch == 1) holder[0].requestStop();
            }
        });
        holder[0].train(out, null);
        ModelFile.Contents c = ModelFile.read(out.checkpoint());
        Map<?, ?> state = (Map<?, ?>) Json.parse(c.metadata().get("checkpoint"));
        assertThat(((Number) state.get("threads")).intValue()).isEqualTo(2);
        java.util.List<String> messages = new java.util.ArrayList<>();
        TrainingSession.Listener log = new TrainingSession.Listener() {
            @Override
            public void message(String line) {
                messages.add(line);
            }
        };
        Path copy = dir.resolve("copy.ckpt");
        Files.copy(out.checkpoint(), copy);
        trainer(opts, log).train(out, copy);
        assertThat(messages).noneMatch(m -> m.contains("checkpoint was written with"));
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put("checkpoint", c.metadata().get("checkpoint").replace("\"threads\":2", "\"threads\":7"));
        ModelFile.write(copy, meta, c.tensors());
        trainer(opts, log).train(out, copy);
        assertThat(messages).anyMatch(m -> m.startsWith("warning: the checkpoint was written with 7 threads, this run uses 2"));
    }

    /** Two uninterrupted runs agree bit for bit (the precondition of the tests above). */
    @Test
    void repeatedRunIsBitIdentical(@TempDir Path dir) throws IOException {
        Path opts = Fixtures.setUp(dir, EPOCHS, EXTRA);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        trainer(opts, null).train(out, null);
        assertSameWeights(out.model(), reference);
    }

    /** Negative control: the comparison sees a one-epoch-shorter run as different. */
    @Test
    void comparisonDetectsDifferentWeights(@TempDir Path dir) throws IOException {
        Path opts = Fixtures.setUp(dir, EPOCHS, EXTRA);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        Trainer[] holder = new Trainer[1];
        holder[0] = trainer(opts, new TrainingSession.Listener() {
            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (epoch == 1 && batch == 2) holder[0].requestStop();
            }
        });
        holder[0].train(out, null);
        // resuming with a different learning rate is refused (other options), so perturb the checkpoint's weights instead
        ModelFile.Contents c = ModelFile.read(out.checkpoint());
        Map<String, ModelFile.Tensor> t = new java.util.LinkedHashMap<>(c.tensors());
        String first = t.keySet().iterator().next();
        double[] d = t.get(first).data().clone();
        d[0] = Math.nextUp(d[0]);
        t.put(first, new ModelFile.Tensor(t.get(first).shape(), d));
        ModelFile.write(out.checkpoint(), c.metadata(), t);
        trainer(opts, null).train(out, out.checkpoint());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertSameWeights(out.model(), reference))
            .isInstanceOf(AssertionError.class);
    }

    static void assertSameWeights(Path a, Path b) {
        ModelFile.Contents ca = ModelFile.read(a);
        ModelFile.Contents cb = ModelFile.read(b);
        assertThat(ca.tensors().keySet()).containsExactlyElementsOf(cb.tensors().keySet());
        for (String k : ca.tensors().keySet()) {
            double[] x = ca.tensors().get(k).data();
            double[] y = cb.tensors().get(k).data();
            assertThat(x.length).isEqualTo(y.length);
            for (int i = 0; i < x.length; i++) {
                if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) {
                    throw new AssertionError("tensor " + k + "[" + i + "] differs: " + x[i] + " vs " + y[i]);
                }
            }
        }
        // everything but the creation time and the training file's path is the same
        assertThat(ca.metadata().get("model")).isEqualTo(cb.metadata().get("model"));
        assertThat(ca.metadata().get("options")).isEqualTo(cb.metadata().get("options"));
    }
}
