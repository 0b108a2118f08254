package org.tensorbasis.linearridge;

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
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.modelfile.SpeciesMixingTensor;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.Trainer;

/**
 * 64 elements (H … Gd) with compressed species channels: linear_ridge trains in seconds (one-hot channels would
 * give ~64² times the features), predicts exactly equivariantly, and the model file carries the mixing.
 */
class CompressedChannelsTest {
    static final int ELEMENTS = 64;

    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static TrainedModel model;
    static List<String> log = new ArrayList<>();

    /** 40 molecules of 8 atoms; molecule m starts with elements 8m+1 … 8m+8 (mod 64), so each element occurs ≥ 5 times. */
    static List<Structure> molecules() {
        SplittableRandom rng = new SplittableRandom(4);
        List<Structure> out = new ArrayList<>();
        for (int m = 0; m < 40; m++) {
            int[] z = new int[8];
            for (int k = 0; k < 8; k++) z[k] = (8 * m + k) % ELEMENTS + 1;
            out.add(RandomMolecules.of(rng, 8, 4.0, 1.0, z));
        }
        return out;
    }

    static Path options(String name, String soap) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "seed: 3\nthreads: 2\ntraining_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  a: {type: spherical, per_atom: true, blocks: [[0, 1], [1, 1], [1, -1], [2, 1]]}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 1, max_angular: 2" + soap + "}\n", StandardCharsets.UTF_8);
        return p;
    }

    @BeforeAll
    static void train() throws IOException {
        molecules = molecules();
        SplittableRandom rng = new SplittableRandom(8);
        List<Structure> labelled = new ArrayList<>();
        for (Structure s : molecules) {
            double[] av = new double[s.size() * 12];
            for (int k = 0; k < av.length; k++) av[k] = rng.nextGaussian();
            labelled.add(s.withArrays(Map.of("a", Value.ofReals(s.size(), 12, av))));
        }
        ExtXyzWriter.writeAll(dir.resolve("random.xyz"), labelled);
        Path opts = options("options.yaml", ", species_channels: spectral, pseudo_species: 4");
        TrainingSession.Listener listener = new TrainingSession.Listener() {
            @Override
            public void message(String line) { log.add(line); }
        };
        model = new Trainer(Options.load(opts), dir, listener).train(TrainingSession.Outputs.forModel(dir.resolve("m.tbm")), null).model();
    }

    @Test
    void trainsWithFourChannelsAndPredictsExactlyEquivariantly() {
        assertThat(((LinearRidgeModel) model).expansion().channels()).isEqualTo(4);
        assertThat(String.join("\n", log)).contains("64 elements compressed into 4 spectral pseudo-species channels");
        Predictions p = model.predict(molecules, 2);
        double norm = 0;
        for (int k = 0; k < molecules.size(); k++) for (double v : p.values("a", k)) norm += v * v;
        assertThat(norm).isGreaterThan(1e-6);
        for (SymmetryCheck.Result r : SymmetryCheck.run(model, molecules, p, 2, 5, 2)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-12);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-12);
        }
    }

    @Test
    void theModelFileCarriesTheMixing() throws IOException {
        ModelFile.Contents c = ModelFile.read(dir.resolve("m.tbm"));
        ModelFile.Tensor t = c.tensors().get(SpeciesMixingTensor.NAME);
        assertThat(t.shape()).containsExactly(ELEMENTS, 4);
        assertThat(t.data()).isEqualTo(((LinearRidgeModel) model).expansion().settings().mixing());
        TrainedModel back = Architectures.load(dir.resolve("m.tbm"), 1);
        Predictions a = model.predict(molecules, 2), b = back.predict(molecules, 1);
        for (int k = 0; k < molecules.size(); k++) assertThat(b.values("a", k)).isEqualTo(a.values("a", k));
        // without the mixing the file describes one-hot channels, whose weights do not fit
        Map<String, ModelFile.Tensor> m = new LinkedHashMap<>(c.tensors());
        m.remove(SpeciesMixingTensor.NAME);
        Path stripped = dir.resolve("stripped.tbm");
        ModelFile.write(stripped, c.metadata(), m);
        assertThatThrownBy(() -> Architectures.load(stripped, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("shape");
        m.put(SpeciesMixingTensor.NAME, new ModelFile.Tensor(new long[] {ELEMENTS / 2, 8}, t.data()));
        Path bad = dir.resolve("bad.tbm");
        ModelFile.write(bad, c.metadata(), m);
        assertThatThrownBy(() -> Architectures.load(bad, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("bad.tbm").hasMessageContaining(SpeciesMixingTensor.NAME).hasMessageContaining("[64, d]");
    }

    @Test
    void badSpeciesChannelOptionsAreRejected() throws IOException {
        assertThatThrownBy(() -> Options.load(options("o1.yaml", ", species_channels: one_hot, pseudo_species: 4")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("o1.yaml").hasMessageContaining("pseudo_species").hasMessageContaining("one_hot");
        assertThatThrownBy(() -> Options.load(options("o2.yaml", ", species_channels: alchemical")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("species_channels").hasMessageContaining("spectral");
        assertThatThrownBy(() -> Options.load(options("o3.yaml", ", pseudo_species: 0"))).isInstanceOf(BadInputException.class)
            .hasMessageContaining("pseudo_species");
        Options tooMany = Options.load(options("o4.yaml", ", species_channels: random, pseudo_species: 65"));
        assertThatThrownBy(() -> new Trainer(tooMany, dir, null).train(TrainingSession.Outputs.forModel(dir.resolve("x.tbm")), null))
            .isInstanceOf(BadInputException.class).hasMessageContaining("pseudo_species").hasMessageContaining("64 elements");
        // the resolved options round-trip
        Options o = Options.load(options("o5.yaml", ", species_channels: random, pseudo_species: 6"));
        assertThat(o.toYaml(dir)).contains("species_channels: random").contains("pseudo_species: 6");
        assertThat(Options.parse(o.toYaml(dir), "again.yaml", dir).toYaml(dir)).isEqualTo(o.toYaml(dir));
    }
}
