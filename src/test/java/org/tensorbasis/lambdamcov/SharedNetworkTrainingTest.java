package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
import org.tensorbasis.BadInputException;
import org.tensorbasis.RandomMolecules;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.io.Json;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.StoppedRuns;
import org.tensorbasis.training.Trainer;

/**
 * 64 elements (H … Gd), λ-MCoV with the defaults (above 8 elements: trained compressed neighbour channels and
 * the shared scalar network), tiny hyper-parameters: trains in seconds, the loss falls, the model file
 * records both choices and loads bit for bit, predictions are exactly equivariant.
 */
class SharedNetworkTrainingTest {
    static final int ELEMENTS = 64;

    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static LambdaMcovModel model;
    static final List<String> log = new ArrayList<>();
    static final List<TrainingSession.EpochReport> epochs = new ArrayList<>();
    static double seconds;

    /** 48 molecules of 8 atoms; molecule m starts with elements 8m+1 … 8m+8 (mod 64), so each element occurs ≥ 6 times. */
    static List<Structure> molecules() {
        SplittableRandom rng = new SplittableRandom(4);
        List<Structure> out = new ArrayList<>();
        for (int m = 0; m < 48; m++) {
            int[] z = new int[8];
            for (int k = 0; k < 8; k++) z[k] = (8 * m + k) % ELEMENTS + 1;
            out.add(RandomMolecules.of(rng, 8, 4.0, 1.0, z));
        }
        return out;
    }

    /**
     * A smooth per-atom target that depends on the centre element and its environment: an invariant
     * c(Z_i) + Σ_j g(Z_j) e^{−r²/2} and a vector Σ_j g(Z_j) e^{−r} r_ij (spherical order y, z, x).
     */
    static double[] target(Structure s) {
        int n = s.size();
        double[] q = new double[4 * n];
        double[] x = s.positions();
        for (int i = 0; i < n; i++) {
            int zi = s.numbers()[i];
            q[4 * i] = Math.cos(0.3 * zi);
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
                double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
                if (r >= 3.5) continue;
                double g = Math.sin(s.numbers()[j]) * (1 - r / 3.5);
                q[4 * i] += g * Math.exp(-r * r / 2);
                double e = g * Math.exp(-r);
                q[4 * i + 1] += e * dy;
                q[4 * i + 2] += e * dz;
                q[4 * i + 3] += e * dx;
            }
        }
        return q;
    }

    static Path options(String name, String model) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "seed: 3\nthreads: 2\ntraining_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  q: {type: spherical, per_atom: true, blocks: [[0, 1], [1, 1]]}\n"
            + "model:\n  soap: {cutoff: 4.0, max_radial: 1, max_angular: 2}\n  bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 16}\n" + model
            + "training: {epochs: 30, batch_size: 4, learning_rate: 0.003, checkpoint_interval: 0}\n", StandardCharsets.UTF_8);
        return p;
    }

    @BeforeAll
    static void train() throws IOException {
        molecules = molecules();
        List<Structure> labelled = new ArrayList<>();
        for (Structure s : molecules) labelled.add(s.withArrays(Map.of("q", Value.ofReals(s.size(), 4, target(s)))));
        ExtXyzWriter.writeAll(dir.resolve("random.xyz"), labelled);
        TrainingSession.Listener listener = new TrainingSession.Listener() {
            @Override
            public void message(String line) { log.add(line); }

            @Override
            public void epoch(TrainingSession.EpochReport report) { epochs.add(report); }
        };
        long t0 = System.nanoTime();
        model = (LambdaMcovModel) new Trainer(Options.load(options("options.yaml", "")), dir, listener)
            .train(TrainingSession.Outputs.forModel(dir.resolve("m.tbm")), null).model();
        seconds = (System.nanoTime() - t0) * 1e-9;
    }

    @Test
    void theDefaultsShareOneNetworkAndTheLogSaysSo() {
        String all = String.join("\n", log);
        assertThat(all).contains("neighbour species: 64 elements compressed into 8 trained pseudo-species channels (species_channels: auto, more than 8 elements)")
            .contains("trained species mixing: 64 x 8 weights from the spectral mixing")
            .contains("scalar network: one shared by 64 elements, element embedding d = 16 (scalar_network: auto, more than 8 elements)")
            .contains("parameters of one shared scalar network");
        ScalarNetworks nets = model.network().scalarNetworks();
        assertThat(nets.isShared()).isTrue();
        assertThat(model.network().parameters().block("scalar.embedding").shape()).containsExactly(ELEMENTS, 16);
        assertThat(model.network().parameters().block("scalar.embedding_map").shape()).containsExactly(16, 16);
        assertThat(model.network().parameters().blocks().stream().map(b -> b.name()).filter(n -> n.startsWith("scalar.Z"))).isEmpty();
        // the head refit chose one ridge per block (one shared head), not one per element
        String refit = log.stream().filter(l -> l.startsWith("head refinement (")).findFirst().orElseThrow();
        assertThat(refit).doesNotContain("(ridge H ");
        System.out.printf("64-element shared-network training: %.1f s, loss %s%n", seconds,
            epochs.stream().map(e -> String.format("%.3f", e.trainLoss())).toList());
    }

    @Test
    void theLossFalls() {
        assertThat(epochs).hasSize(30);
        double first = epochs.get(0).trainLoss();
        double last = epochs.get(epochs.size() - 1).trainLoss();
        assertThat(first).isFinite();
        assertThat(last).as("training loss of the last epoch against the first").isLessThan(0.7 * first);
        assertThat(epochs.stream().mapToDouble(TrainingSession.EpochReport::validationLoss).min().orElseThrow())
            .isLessThan(epochs.get(0).validationLoss());
        assertThat(seconds).as("trains in seconds").isLessThan(60);
    }

    @Test
    void theModelFileRecordsTheSharedNetworkAndLoadsBitForBit() throws IOException {
        Path file = dir.resolve("m.tbm");
        ModelFile.Contents c = ModelFile.read(file);
        Map<?, ?> arch = (Map<?, ?>) Json.parse(c.metadata().get("model"));
        assertThat(arch.get("scalar_network")).isEqualTo("shared");
        assertThat(arch.get("species_channels")).isEqualTo("trained");
        assertThat(((Number) arch.get("element_embedding")).intValue()).isEqualTo(16);
        assertThat(c.tensors()).containsKeys("scalar.shared.linear0.weight", "scalar.embedding", "scalar.embedding_map", "scalar.head.q:L1+.weight");
        LambdaMcovModel back = LambdaMcovModel.load(file, 1);
        assertThat(back.network().scalarNetworks().isShared()).isTrue();
        assertThat(back.network().parameters().values()).isEqualTo(model.network().parameters().values());
        Predictions a = model.predict(molecules, 2), b = back.predict(molecules, 1);
        for (int k = 0; k < molecules.size(); k++) assertThat(b.values("q", k)).isEqualTo(a.values("q", k));

        // without the record the file describes one network per element, whose weights it does not hold
        Map<String, Object> noRecord = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : arch.entrySet()) if (!e.getKey().equals("scalar_network")) noRecord.put((String) e.getKey(), e.getValue());
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("model", Json.write(noRecord));
        Path stripped = dir.resolve("stripped.tbm");
        ModelFile.write(stripped, meta, c.tensors());
        assertThatThrownBy(() -> LambdaMcovModel.load(stripped, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("stripped.tbm").hasMessageContaining("scalar.Z1.").hasMessageContaining("missing weights");
        // a record that is not one of the two modes, or an embedding size the options do not give
        Map<String, Object> bad = new LinkedHashMap<>(noRecord);
        bad.put("scalar_network", "per_atom");
        meta.put("model", Json.write(bad));
        ModelFile.write(stripped, meta, c.tensors());
        assertThatThrownBy(() -> LambdaMcovModel.load(stripped, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("model.scalar_network").hasMessageContaining("per_atom");
        // species channels that contradict the file's mixing; without the record (older files) the model loads
        Map<String, Object> channels = new LinkedHashMap<>(noRecord);
        channels.put("scalar_network", "shared");
        channels.put("species_channels", "one_hot");
        meta.put("model", Json.write(channels));
        ModelFile.write(stripped, meta, c.tensors());
        assertThatThrownBy(() -> LambdaMcovModel.load(stripped, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("stripped.tbm").hasMessageContaining("model.species_channels").hasMessageContaining("one_hot");
        channels.remove("species_channels");
        meta.put("model", Json.write(channels));
        ModelFile.write(stripped, meta, c.tensors());
        assertThat(LambdaMcovModel.load(stripped, 1).predict(molecules, 1).values("q", 0)).isEqualTo(a.values("q", 0));
        bad.put("scalar_network", "shared");
        bad.put("element_embedding", 8);
        meta.put("model", Json.write(bad));
        ModelFile.write(stripped, meta, c.tensors());
        assertThatThrownBy(() -> LambdaMcovModel.load(stripped, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("model.element_embedding");
    }

    /** A run stopped mid-epoch and resumed from its checkpoint ends with the weights of the uninterrupted run, bit for bit. */
    @Test
    void stopAndResumeIsBitIdentical(@TempDir Path other) throws IOException {
        Files.copy(dir.resolve("random.xyz"), other.resolve("random.xyz"));
        Path opts = other.resolve("options.yaml");
        Files.copy(dir.resolve("options.yaml"), opts);
        TrainingSession.Outputs out = StoppedRuns.stopAt(opts, other, other.resolve("m.tbm"), 5, 3);
        StoppedRuns.resumeMatches(opts, other, out, dir.resolve("m.tbm"));
    }

    @Test
    void predictionsAreExactlyEquivariant() {
        Predictions p = model.predict(molecules, 2);
        double norm = 0;
        for (int k = 0; k < molecules.size(); k++) for (double v : p.values("q", k)) norm += v * v;
        assertThat(norm).isGreaterThan(1e-6);
        for (SymmetryCheck.Result r : SymmetryCheck.run(model, molecules, p, 2, 5, 2)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-12);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-12);
        }
    }
}
