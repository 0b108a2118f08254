package org.tensorbasis.training;

import org.tensorbasis.modelfile.ModelFile;

import org.tensorbasis.lambdamcov.LambdaMcovOptions;

import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.lambdamcov.LambdaMcovModel;
import org.tensorbasis.options.Options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.structure.Structure;

/** Save → load gives the same predictions bit for bit and the same metadata; the file is valid safetensors. */
class ModelFileTest {
    @TempDir
    static Path dir;
    static LambdaMcovModel trained;
    static Path file;
    static List<Structure> structures;

    @BeforeAll
    static void train() throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        trained = (LambdaMcovModel) new Trainer(Options.load(opts), dir, null).train(out, null).model();
        file = out.model();
        structures = ExtXyzReader.readAll(dir.resolve("water40.xyz"));
    }

    @Test
    void loadedModelPredictsBitIdentically() {
        LambdaMcovModel loaded = LambdaMcovModel.load(file);
        Predictions a = trained.predict(structures, 2);
        Predictions b = loaded.predict(structures, 1);
        assertThat(b.targets()).isEqualTo(a.targets());
        for (String t : a.targets()) {
            for (int k = 0; k < structures.size(); k++) {
                assertThat(b.values(t, k)).as(t + " of structure " + k).isEqualTo(a.values(t, k));
                assertThat(b.spherical(t, k)).isEqualTo(a.spherical(t, k));
            }
        }
        assertThat(loaded.network().parameters().values()).isEqualTo(trained.network().parameters().values());
    }

    /** More structures than one batch: two threads predict with data-parallel replicas, bit-identical to one. */
    @Test
    void dataParallelPredictionMatchesOneThread() throws IOException {
        List<Structure> many = ExtXyzReader.readAll(Fixtures.WATER);
        assertThat(many.size()).isGreaterThan(3 * LambdaMcovModel.PREDICT_BATCH);
        Predictions one = LambdaMcovModel.load(file, 1).predict(many, 1);
        Predictions two = LambdaMcovModel.load(file, 2).predict(many, 2);
        for (String t : one.targets()) {
            for (int k = 0; k < many.size(); k++) {
                assertThat(two.values(t, k)).as(t + " of structure " + k).isEqualTo(one.values(t, k));
            }
        }
    }

    /** Small inputs are cut into at least eight batches (for the workers to share), whatever the thread count. */
    @Test
    void predictionBatchesOfSmallInputsAreSmaller() {
        assertThat(LambdaMcovModel.predictBatch(10)).isEqualTo(8);
        assertThat(LambdaMcovModel.predictBatch(100)).isEqualTo(13);
        assertThat(LambdaMcovModel.predictBatch(512)).isEqualTo(64);
        assertThat(LambdaMcovModel.predictBatch(1_000_000)).isEqualTo(LambdaMcovModel.PREDICT_BATCH);
    }

    @Test
    void metadataRoundTrips() throws IOException {
        LambdaMcovModel loaded = LambdaMcovModel.load(file);
        assertThat(loaded.metadata()).isEqualTo(trained.metadata());
        assertThat(loaded.optionsYaml()).isEqualTo(trained.optionsYaml());
        // the embedded options are the resolved options, relative to the options file
        assertThat(loaded.options().toYaml(null)).isEqualTo(trained.optionsYaml());
        assertThat(LambdaMcovOptions.of(loaded.options()).training()).isEqualTo(LambdaMcovOptions.of(trained.options()).training());
        assertThat(LambdaMcovOptions.of(loaded.options()).model()).isEqualTo(LambdaMcovOptions.of(trained.options()).model());
        assertThat(loaded.species()).containsExactly(1, 8);
        assertThat(loaded.provenance()).isEqualTo(trained.provenance());
        assertThat(loaded.provenance()).containsKeys("training_set_sha256", "options_sha256", "program_version", "created");
        assertThat(loaded.provenance().get("training_set_sha256")).isEqualTo(Trainer.sha256(dir.resolve("water40.xyz")));
        for (int b = 0; b < trained.network().blocks().size(); b++) {
            assertThat(loaded.normalization(b).toString()).isEqualTo(trained.normalization(b).toString());
            assertThat(loaded.normalization(b).scale()).isEqualTo(trained.normalization(b).scale());
        }
        // saving the loaded model gives the same bytes
        Path again = dir.resolve("again.tbm");
        loaded.save(again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(file));
    }

    /**
     * Two elements: one scalar network per element, recorded as such; a file written before the
     * record existed (no {@code model.scalar_network}) loads as per_element, bit for bit.
     */
    @Test
    void perElementNetworksAreRecordedAndFilesWithoutTheRecordLoadAsPerElement() throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        Map<?, ?> arch = (Map<?, ?>) org.tensorbasis.io.Json.parse(c.metadata().get("model"));
        assertThat(arch.get("scalar_network")).isEqualTo("per_element");
        assertThat(arch.containsKey("element_embedding")).isFalse();
        Map<String, Object> old = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : arch.entrySet()) if (!e.getKey().equals("scalar_network")) old.put((String) e.getKey(), e.getValue());
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("model", org.tensorbasis.io.Json.write(old));
        Path older = dir.resolve("no-record.tbm");
        ModelFile.write(older, meta, c.tensors());
        LambdaMcovModel loaded = LambdaMcovModel.load(older);
        assertThat(loaded.network().scalarNetworks().isShared()).isFalse();
        Predictions a = trained.predict(structures, 1);
        Predictions b = loaded.predict(structures, 1);
        for (String t : a.targets()) {
            for (int k = 0; k < structures.size(); k++) assertThat(b.values(t, k)).isEqualTo(a.values(t, k));
        }
    }

    /** Outputs get the permissions of any file created in the folder (the umask), not owner-only ones. */
    @Test
    void outputsHaveTheUsualPermissions() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path plain = Files.createFile(dir.resolve("plain-file"));
        var expected = Files.getPosixFilePermissions(plain);
        for (String name : new String[] {"m.tbm", "m.ckpt", "m.train.csv", "m.options.yaml"}) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(name))).as(name).isEqualTo(expected);
        }
    }

    /** Reads the file with an independent parser, as a safetensors reader would. */
    @ParameterizedTest
    @ValueSource(strings = {"m.tbm", "m.ckpt"})
    void headerIsSafetensorsJson(String name) throws IOException {
        byte[] all = Files.readAllBytes(dir.resolve(name));
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        assertThat(n).isPositive().isLessThan(all.length - 8);
        assertThat((8 + n) % 8).as("data section aligned to 8 bytes").isZero();
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.charAt(0)).isEqualTo('{');
        Object parsed = new StrictJson(header).parseDocument();
        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> root = (Map<?, ?>) parsed;
        Map<?, ?> meta = (Map<?, ?>) root.get("__metadata__");
        assertThat(meta).isNotNull();
        for (Map.Entry<?, ?> e : meta.entrySet()) assertThat(e.getValue()).as("metadata values are strings").isInstanceOf(String.class);
        assertThat(meta.get("format")).isEqualTo("tensorbasis-model");
        assertThat(meta.get("format_version")).isEqualTo("2");
        assertThat(new ArrayList<Object>(meta.keySet())).contains((Object) "options", "model", "provenance", "program_version");
        assertThat(new StrictJson((String) meta.get("model")).parseDocument()).isInstanceOf(Map.class);
        assertThat(new StrictJson((String) meta.get("provenance")).parseDocument()).isInstanceOf(Map.class);
        if (name.endsWith(".ckpt")) assertThat(new StrictJson((String) meta.get("checkpoint")).parseDocument()).isInstanceOf(Map.class);

        long dataLen = all.length - 8 - n;
        List<long[]> ranges = new ArrayList<>();
        Map<String, double[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            Map<?, ?> t = (Map<?, ?>) e.getValue();
            assertThat(new ArrayList<Object>(t.keySet())).containsExactlyInAnyOrder((Object) "dtype", "shape", "data_offsets");
            assertThat(t.get("dtype")).isEqualTo("F64");
            long count = 1;
            for (Object d : (List<?>) t.get("shape")) count *= ((Number) d).longValue();
            List<?> off = (List<?>) t.get("data_offsets");
            long begin = ((Number) off.get(0)).longValue();
            long end = ((Number) off.get(1)).longValue();
            assertThat(end - begin).isEqualTo(8 * count);
            ranges.add(new long[] {begin, end});
            double[] v = new double[(int) count];
            for (int i = 0; i < v.length; i++) v[i] = bb.getDouble((int) (8 + n + begin + 8L * i));
            tensors.put((String) e.getKey(), v);
        }
        // the tensors tile the data section without gaps or overlaps
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long pos = 0;
        for (long[] r : ranges) {
            assertThat(r[0]).isEqualTo(pos);
            pos = r[1];
        }
        assertThat(pos).isEqualTo(dataLen);
        // the weights are the model's parameters, by name
        LambdaMcovModel m = LambdaMcovModel.load(file);
        for (Parameters.Block b : m.network().parameters().blocks()) {
            double[] expected = java.util.Arrays.copyOfRange(m.network().parameters().values(), b.offset(), b.end());
            if (name.endsWith(".tbm")) assertThat(tensors.get(b.name())).as(b.name()).isEqualTo(expected);
            else assertThat(tensors).containsKeys(b.name(), "best/" + b.name(), "adam_m/" + b.name(), "adam_v/" + b.name());
        }
        if (name.endsWith(".tbm")) assertThat(tensors).hasSize(m.network().parameters().blocks().size());
    }

    /** ModelFile round trip of arbitrary tensors and metadata (escapes, empty and zero-size tensors, special doubles). */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void containerRoundTrip(long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("plain", "value");
        meta.put("quotes \"and\" \\ slashes", "line\nbreak\ttab é ü 𝛼 \u0001");
        meta.put("empty", "");
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>();
        for (int k = 0; k < 5; k++) {
            int r = rng.nextInt(0, 4);
            int c = rng.nextInt(1, 5);
            double[] d = new double[r * c];
            for (int i = 0; i < d.length; i++) d[i] = rng.nextDouble(-1e3, 1e3);
            t.put("t" + k + "/w.Z" + k, new ModelFile.Tensor(new long[] {r, c}, d));
        }
        t.put("special", ModelFile.Tensor.vector(new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE}));
        Path p = dir.resolve("c" + seed + ".safetensors");
        ModelFile.write(p, meta, t);
        ModelFile.Contents c = ModelFile.read(p);
        assertThat(c.metadata()).containsAllEntriesOf(meta).containsKey(ModelFile.CHECKSUM).hasSize(meta.size() + 1);
        assertThat(c.checksummed()).isTrue();
        assertThat(c.tensors().keySet()).containsExactlyElementsOf(t.keySet());
        for (String k : t.keySet()) {
            assertThat(c.tensors().get(k).shape()).isEqualTo(t.get(k).shape());
            double[] a = c.tensors().get(k).data();
            double[] b = t.get(k).data();
            for (int i = 0; i < a.length; i++) assertThat(Double.doubleToRawLongBits(a[i])).isEqualTo(Double.doubleToRawLongBits(b[i]));
        }
        new StrictJson(new String(Files.readAllBytes(p), 8, (int) ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).getLong(0),
            StandardCharsets.UTF_8)).parseDocument();
    }

    /** A small strict JSON parser (RFC 8259), independent of the project's reader; trailing spaces only. */
    static final class StrictJson {
        private final String s;
        private int i;

        StrictJson(String s) {
            this.s = s;
        }

        Object parseDocument() {
            ws();
            Object v = value();
            ws();
            if (i != s.length()) throw new IllegalArgumentException("trailing text at " + i);
            return v;
        }

        private void ws() {
            while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) i++;
        }

        private char peek() {
            if (i >= s.length()) throw new IllegalArgumentException("unexpected end");
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at " + i + ", got '" + peek() + "'");
            i++;
        }

        private Object value() {
            char c = peek();
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            return number();
        }

        private Map<String, Object> object() {
            expect('{');
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (peek() == '}') { i++; return m; }
            while (true) {
                ws();
                String k = string();
                if (m.containsKey(k)) throw new IllegalArgumentException("duplicate key " + k);
                ws();
                expect(':');
                ws();
                m.put(k, value());
                ws();
                if (peek() == ',') { i++; continue; }
                expect('}');
                return m;
            }
        }

        private List<Object> array() {
            expect('[');
            List<Object> l = new ArrayList<>();
            ws();
            if (peek() == ']') { i++; return l; }
            while (true) {
                ws();
                l.add(value());
                ws();
                if (peek() == ',') { i++; continue; }
                expect(']');
                return l;
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = peek();
                i++;
                if (c == '"') return sb.toString();
                if (c < 0x20) throw new IllegalArgumentException("control character in string at " + (i - 1));
                if (c != '\\') { sb.append(c); continue; }
                char e = peek();
                i++;
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + e);
                }
            }
        }

        private Number number() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?").matcher(s);
            if (!m.find(i) || m.start() != i) throw new IllegalArgumentException("bad value at " + i);
            String t = m.group();
            i = m.end();
            return t.matches("-?[0-9]+") ? (Number) Long.parseLong(t) : (Number) Double.parseDouble(t);
        }
    }
}
