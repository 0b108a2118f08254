package org.tensorbasis.training;

import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.lambdamcov.LambdaMcovModel;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;

/**
 * Bad data and files during training and loading: each is a {@link BadInputException} naming the
 * file, frame and field, and a failed run leaves an existing model file untouched (and writes no
 * new one, nor temporary files).
 */
class BadInputTrainingTest {
    static final byte[] OLD_MODEL = "an older model that must survive".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** Trains with the given data and options text; expects a BadInputException and no change to the model file. */
    private BadInputException failTraining(List<String> xyz, String options, Path restart) throws IOException {
        Fixtures.write(dir, "water40.xyz", xyz);
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, options, StandardCharsets.UTF_8);
        Path model = dir.resolve("m.tbm");
        Files.write(model, OLD_MODEL);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(model);
        BadInputException e = null;
        try {
            new Trainer(Options.load(opts), dir, null).train(out, restart);
        } catch (BadInputException ex) {
            e = ex;
        }
        assertThat(e).as("training must fail with bad input").isNotNull();
        assertThat(Files.readAllBytes(model)).as("existing model untouched").isEqualTo(OLD_MODEL);
        assertThat(Fixtures.filesEndingWith(dir, ".tmp")).as("no temporary files left").isEmpty();
        return e;
    }

    private static String opts(int epochs) {
        return Fixtures.options("water40.xyz", epochs, null);
    }

    private void assertPoints(BadInputException e, String file, int frame, String field) {
        assertThat(e.file()).endsWith(file);
        assertThat(e.frame()).isEqualTo(frame);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains(file).contains("frame " + frame).contains("field '" + field + "'");
    }

    @Test
    void targetMissingInSomeFrames() throws IOException {
        List<String> xyz = Fixtures.frames(40);
        Fixtures.setInfo(xyz, 7, "mu", null);
        BadInputException e = failTraining(xyz, opts(2), null);
        assertPoints(e, "water40.xyz", 7, "mu");
        assertThat(e.getMessage()).contains("missing");
        // the same when the frame lands in the validation split: every frame is checked
        for (int f = 0; f < 40; f++) {
            xyz = Fixtures.frames(40);
            if (f % 9 != 4) continue;
            Fixtures.setInfo(xyz, f, "alpha", null);
            assertPoints(failTraining(xyz, opts(2), null), "water40.xyz", f, "alpha");
        }
    }

    @Test
    void wrongLength() throws IOException {
        List<String> xyz = Fixtures.frames(40);
        Fixtures.setInfo(xyz, 11, "mu", "0.1 0.2");
        BadInputException e = failTraining(xyz, opts(2), null);
        assertPoints(e, "water40.xyz", 11, "mu");
        assertThat(e.getMessage()).contains("2 numbers");
        // text where numbers are expected
        xyz = Fixtures.frames(40);
        Fixtures.setInfo(xyz, 30, "mu", "a b c");
        e = failTraining(xyz, opts(2), null);
        assertPoints(e, "water40.xyz", 30, "mu");
        assertThat(e.getMessage()).contains("not numeric");
        // spherical blocks that do not fit the data
        e = failTraining(Fixtures.frames(40), opts(2).replace("mu: {unit: \"a.u.\"}", "mu: {type: spherical, blocks: [[2, 1]]}"), null);
        assertThat(e.field()).isEqualTo("mu");
        assertThat(e.getMessage()).contains("has 3 numbers, its blocks need 5");
        // a declared rank that does not fit the data
        e = failTraining(Fixtures.frames(40), opts(2).replace("mu: {unit: \"a.u.\"}", "mu: {rank: 2}"), null);
        assertThat(e.field()).isEqualTo("mu");
        assertThat(e.getMessage()).contains("rank 2 needs 9");
    }

    @Test
    void nonFiniteValue() throws IOException {
        List<String> xyz = Fixtures.frames(40);
        Fixtures.setInfo(xyz, 13, "alpha", "9.8 0 0.02 0 nan 0 0.02 0 9.5");
        BadInputException e = failTraining(xyz, opts(2), null);
        assertPoints(e, "water40.xyz", 13, "alpha");
        assertThat(e.getMessage()).contains("non-finite").contains("component 4");
        xyz = Fixtures.frames(40);
        Fixtures.setInfo(xyz, 21, "mu", "inf 0 0");
        assertPoints(failTraining(xyz, opts(2), null), "water40.xyz", 21, "mu");
    }

    // an element only in validation or test structures is now predicted, not refused: UntrainedElementTest

    @Test
    void emptySplits() throws IOException {
        BadInputException e = failTraining(Fixtures.frames(40), opts(2).replace("validation_set: 0.2", "validation_set: 0.0"), null);
        assertThat(e.field()).isEqualTo("validation_set");
        assertThat(e.file()).endsWith("water40.xyz");
        assertThat(e.getMessage()).contains("validation split is empty");
        // one structure, half of it for validation: nothing left to train on
        e = failTraining(Fixtures.frames(1), opts(2).replace("validation_set: 0.2", "validation_set: 0.5"), null);
        assertThat(e.field()).isEqualTo("training_set");
        assertThat(e.getMessage()).contains("training split is empty");
        // an empty validation file, an empty training file
        Files.writeString(dir.resolve("empty.xyz"), "");
        e = failTraining(Fixtures.frames(40), opts(2).replace("validation_set: 0.2", "validation_set: empty.xyz"), null);
        assertThat(e.file()).endsWith("empty.xyz");
        assertThat(e.getMessage()).contains("empty file");
        e = failTraining(List.of(), opts(2), null);
        assertThat(e.file()).endsWith("water40.xyz");
        assertThat(e.getMessage()).contains("empty file");
        // a training file that does not exist
        e = failTraining(Fixtures.frames(40), opts(2).replace("training_set: water40.xyz", "training_set: nowhere.xyz"), null);
        assertThat(e.file()).endsWith("nowhere.xyz");
    }

    @Test
    void optionsTypoFailsBeforeAnythingIsWritten() throws IOException {
        Fixtures.write(dir, "water40.xyz", Fixtures.frames(40));
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, opts(2).replace("batch_size", "batchsize"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Options.load(opts)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("options.yaml, line 14, field 'training.batchsize'")
            .hasMessageContaining("did you mean 'batch_size'");
    }

    @Test
    void restartWithCheckpointOfOtherOptionsOrData() throws IOException {
        // a checkpoint of a 2-epoch run
        Fixtures.write(dir, "water40.xyz", Fixtures.frames(40));
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, opts(2), StandardCharsets.UTF_8);
        TrainingSession.Outputs first = TrainingSession.Outputs.forModel(dir.resolve("first.tbm"));
        new Trainer(Options.load(opts), dir, null).train(first, null);
        Path ckpt = dir.resolve("first-copy.ckpt");
        Files.copy(first.checkpoint(), ckpt);

        BadInputException e = failTraining(Fixtures.frames(40), opts(3), ckpt);
        assertThat(e.file()).endsWith("first-copy.ckpt");
        assertThat(e.field()).isEqualTo("options");
        assertThat(e.getMessage()).contains("different options");

        List<String> changed = Fixtures.frames(40);
        Fixtures.setInfo(changed, 3, "mu", "0.5 0.5 0.5");
        e = failTraining(changed, opts(2), ckpt);
        assertThat(e.field()).isEqualTo("training_set");
        assertThat(e.getMessage()).contains("different training file");

        // a model file is not a checkpoint
        e = failTraining(Fixtures.frames(40), opts(2), first.model());
        assertThat(e.getMessage()).contains("not a checkpoint");
        // a missing checkpoint
        e = failTraining(Fixtures.frames(40), opts(2), dir.resolve("nope.ckpt"));
        assertThat(e.file()).endsWith("nope.ckpt");
    }

    @Test
    void brokenModelFiles() throws IOException {
        Fixtures.write(dir, "water40.xyz", Fixtures.frames(40));
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, opts(1), StandardCharsets.UTF_8);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("good.tbm"));
        new Trainer(Options.load(opts), dir, null).train(out, null);
        byte[] good = Files.readAllBytes(out.model());
        LambdaMcovModel.load(out.model()); // sanity: the good file loads

        // truncated anywhere: in the data, in the header, in the length
        for (int cut : new int[] {good.length - 1, good.length - 4096, good.length / 2, 200, 12, 7, 0}) {
            Path p = dir.resolve("cut" + cut + ".tbm");
            Files.write(p, Arrays.copyOf(good, cut));
            assertThatThrownBy(() -> LambdaMcovModel.load(p)).as("cut at " + cut).isInstanceOf(BadInputException.class)
                .hasMessageContaining(p.toString());
        }
        Path cut = dir.resolve("cut" + (good.length - 1) + ".tbm");
        assertThatThrownBy(() -> ModelFile.read(cut)).hasMessageContaining("truncated");
        // trailing garbage
        Path longer = dir.resolve("longer.tbm");
        Files.write(longer, Arrays.copyOf(good, good.length + 8));
        assertThatThrownBy(() -> ModelFile.read(longer)).isInstanceOf(BadInputException.class).hasMessageContaining("trailing");
        // not a model file at all
        Path text = dir.resolve("text.tbm");
        Files.writeString(text, "this is not a model, just some text that is long enough");
        assertThatThrownBy(() -> LambdaMcovModel.load(text)).isInstanceOf(BadInputException.class).hasMessageContaining("not a model file");
        // a valid container that is not a tensorbasis model, and a newer format version
        ModelFile.Contents c = ModelFile.read(out.model());
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("format", "something-else");
        Path foreign = dir.resolve("foreign.tbm");
        ModelFile.write(foreign, meta, c.tensors());
        assertThatThrownBy(() -> LambdaMcovModel.load(foreign)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("not a tensorbasis model file").hasMessageContaining("field 'format'");
        meta = new LinkedHashMap<>(c.metadata());
        meta.put("format_version", "3");
        Path newer = dir.resolve("newer.tbm");
        ModelFile.write(newer, meta, c.tensors());
        assertThatThrownBy(() -> LambdaMcovModel.load(newer)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("newer.tbm").hasMessageContaining("format version 3 is not supported");
        // a missing weight tensor, a tensor of the wrong size
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>(c.tensors());
        String first = t.keySet().iterator().next();
        t.remove(first);
        Path missing = dir.resolve("missing.tbm");
        ModelFile.write(missing, c.metadata(), t);
        assertThatThrownBy(() -> LambdaMcovModel.load(missing)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("field '" + first + "'").hasMessageContaining("missing weights");
        t = new LinkedHashMap<>(c.tensors());
        t.put(first, ModelFile.Tensor.vector(new double[3]));
        Path wrong = dir.resolve("wrong.tbm");
        ModelFile.write(wrong, c.metadata(), t);
        assertThatThrownBy(() -> LambdaMcovModel.load(wrong)).isInstanceOf(BadInputException.class).hasMessageContaining("expected");
        // a corrupt model description
        meta = new LinkedHashMap<>(c.metadata());
        meta.put("model", "{\"species\": [1, 8]}");
        Path corrupt = dir.resolve("corrupt.tbm");
        ModelFile.write(corrupt, meta, c.tensors());
        assertThatThrownBy(() -> LambdaMcovModel.load(corrupt)).isInstanceOf(BadInputException.class).hasMessageContaining("corrupt.tbm");
        // a header length beyond the file
        byte[] bad = good.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(0, good.length);
        Path badLen = dir.resolve("badlen.tbm");
        Files.write(badLen, bad);
        assertThatThrownBy(() -> ModelFile.read(badLen)).isInstanceOf(BadInputException.class).hasMessageContaining("header length");
    }
}
