package org.tensorbasis.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;

/**
 * Damaged or wrong model files never load silently: a flipped byte anywhere (checksum), a checkpoint
 * passed as a model (file kind), a removed buffer, a changed shape, a non-finite weight, sizes in the
 * metadata that do not match the options.
 */
class ModelIntegrityTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path checkpoint;

    @BeforeAll
    static void train() throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        new Trainer(Options.load(opts), dir, null).train(out, null);
        model = out.model();
        checkpoint = out.checkpoint();
    }

    @Test
    void everyFlippedByteIsFound() throws IOException {
        byte[] good = Files.readAllBytes(model);
        Architectures.load(model, 1);
        int header = (int) java.nio.ByteBuffer.wrap(good, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        int found = 0;
        // bytes of the data section (one in every weight tensor region) and of the metadata values
        for (int pos = 8 + header; pos < good.length; pos += Math.max(1, (good.length - 8 - header) / 40)) found += flipIsRejected(good, pos);
        String text = new String(good, 8, header, java.nio.charset.StandardCharsets.UTF_8);
        for (String needle : new String[] {"scale", "num_neurons_per_layer: ", "baseline", "training_set_sha256"}) {
            int i = text.indexOf(needle);
            assertThat(i).as(needle).isPositive();
            int digit = i + needle.length();
            while (!Character.isDigit(text.charAt(digit))) digit++;
            found += flipIsRejected(good, 8 + digit);
        }
        assertThat(found).isGreaterThan(40);
    }

    /** Changes one byte (keeping digits digits, so that the JSON still parses) and expects a clear error. */
    private static int flipIsRejected(byte[] good, int pos) throws IOException {
        byte[] bad = good.clone();
        bad[pos] = Character.isDigit(bad[pos]) ? (byte) (bad[pos] == '9' ? '1' : bad[pos] + 1) : (byte) (bad[pos] ^ 0x40);
        Path p = dir.resolve("flipped.tbm");
        Files.write(p, bad);
        assertThatThrownBy(() -> Architectures.load(p, 1)).as("byte " + pos).isInstanceOf(BadInputException.class).hasMessageContaining("flipped.tbm");
        return 1;
    }

    @Test
    void aCheckpointIsNotAModel() {
        assertThatThrownBy(() -> Architectures.load(checkpoint, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("m.ckpt").hasMessageContaining("checkpoint, not a model").hasMessageContaining("--restart");
    }

    @Test
    void missingBufferWrongShapeAndNonFiniteWeightsAreRejected() throws IOException {
        ModelFile.Contents c = ModelFile.read(model);
        String buffer = c.tensors().keySet().stream().filter(k -> k.endsWith("basis_scale")).findFirst().orElseThrow();
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>(c.tensors());
        t.remove(buffer);
        Path missing = dir.resolve("missing-buffer.tbm");
        ModelFile.write(missing, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(missing, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("missing-buffer.tbm").hasMessageContaining(buffer).hasMessageContaining("missing buffer");

        String first = c.tensors().keySet().iterator().next();
        ModelFile.Tensor w = c.tensors().get(first);
        t = new LinkedHashMap<>(c.tensors());
        t.put(first, new ModelFile.Tensor(new long[] {1, w.data().length}, w.data()));
        Path shape = dir.resolve("shape.tbm");
        ModelFile.write(shape, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(shape, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining(first).hasMessageContaining("shape");

        double[] nan = w.data().clone();
        nan[0] = Double.NaN;
        t = new LinkedHashMap<>(c.tensors());
        t.put(first, new ModelFile.Tensor(w.shape(), nan));
        Path nanFile = dir.resolve("nan.tbm");
        ModelFile.write(nanFile, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(nanFile, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining(first).hasMessageContaining("non-finite");

        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("model", meta.get("model").replaceFirst("\"n_features\":\\d+", "\"n_features\":-5"));
        Path sizes = dir.resolve("sizes.tbm");
        ModelFile.write(sizes, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(sizes, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("n_features").hasMessageContaining("-5");

        meta = new LinkedHashMap<>(c.metadata());
        meta.remove(ModelFile.CHECKSUM);
        Path unchecked = dir.resolve("unchecked.tbm");
        writeWithoutChecksum(unchecked, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(unchecked, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining(ModelFile.CHECKSUM).hasMessageContaining("missing");
    }

    /** A format-2 file as an older or foreign writer would make it: the checksum entry removed after writing. */
    private static void writeWithoutChecksum(Path p, Map<String, String> meta, Map<String, ModelFile.Tensor> t) throws IOException {
        ModelFile.write(p, meta, t);
        byte[] b = Files.readAllBytes(p);
        int n = (int) java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String h = new String(b, 8, n, java.nio.charset.StandardCharsets.UTF_8);
        String h2 = h.replaceFirst(",\"sha256\":\"[0-9a-f]{64}\"", "");
        h2 = h2 + " ".repeat(h.length() - h2.length());
        byte[] out = b.clone();
        System.arraycopy(h2.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, out, 8, n);
        Files.write(p, out);
    }
}
