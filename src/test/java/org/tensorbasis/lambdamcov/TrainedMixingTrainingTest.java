package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.descriptors.SpeciesMixing;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.modelfile.SpeciesMixingTensor;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.StoppedRuns;
import org.tensorbasis.training.Trainer;

/**
 * {@code species_channels: trained} end to end on the 64-element molecules of {@link SharedNetworkTrainingTest} (a per-atom
 * target, and a per-structure vector whose basis has position elements):
 * the mixing moves away from the spectral one, the model file records it, the saved model predicts what the
 * trained model predicted, and the predictions are exactly equivariant.
 */
class TrainedMixingTrainingTest {
    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static LambdaMcovModel model;
    static final List<String> log = new ArrayList<>();
    static final List<TrainingSession.EpochReport> epochs = new ArrayList<>();

    static Path options(Path where, String channels) throws IOException {
        Path p = where.resolve("options-" + channels + ".yaml");
        Files.writeString(p, "seed: 3\nthreads: 2\ntraining_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  q: {type: spherical, per_atom: true, blocks: [[0, 1], [1, 1]]}\n  d: {type: spherical, blocks: [[1, 1]]}\n"
            + "model:\n  soap: {cutoff: 4.0, max_radial: 1, max_angular: 2, species_channels: " + channels + ", pseudo_species: 4}\n"
            + "  bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 16}\n"
            + "training: {epochs: 6, batch_size: 4, learning_rate: 0.003, checkpoint_interval: 0}\n", StandardCharsets.UTF_8);
        return p;
    }

    @BeforeAll
    static void train() throws IOException {
        molecules = SharedNetworkTrainingTest.molecules();
        List<Structure> labelled = new ArrayList<>();
        for (Structure s : molecules) {
            double[] q = SharedNetworkTrainingTest.target(s);
            // a per-structure vector: the sum of the atoms' λ = 1 parts (the network gives it position elements)
            double[] d = new double[3];
            for (int i = 0; i < s.size(); i++) for (int m = 0; m < 3; m++) d[m] += q[4 * i + 1 + m];
            labelled.add(s.withArrays(Map.of("q", Value.ofReals(s.size(), 4, q))).withInfo(Map.of("d", Value.row(d))));
        }
        ExtXyzWriter.writeAll(dir.resolve("random.xyz"), labelled);
        TrainingSession.Listener listener = new TrainingSession.Listener() {
            @Override
            public void message(String line) { log.add(line); }

            @Override
            public void epoch(TrainingSession.EpochReport report) { epochs.add(report); }
        };
        model = (LambdaMcovModel) new Trainer(Options.load(options(dir, "trained")), dir, listener)
            .train(TrainingSession.Outputs.forModel(dir.resolve("m.tbm")), null).model();
    }

    @Test
    void theMixingIsTrainedFromTheSpectralOneAndRecorded() {
        assertThat(String.join("\n", log)).contains("species_channels: trained").contains("trained species mixing: 64 x 4 weights");
        assertThat(epochs).hasSize(6);
        assertThat(epochs.get(5).trainLoss()).isLessThan(epochs.get(0).trainLoss());
        double[] w = model.descriptorSettings().mixing();
        assertThat(w).hasSize(64 * 4);
        List<Structure> train = molecules; // the spectral start is computed on the training split; it must differ anyway
        double[] spectral = SpeciesMixing.spectral(train, model.species(), 4.0, model.descriptorSettings().width(), 4);
        double diff = 0;
        for (int k = 0; k < w.length; k++) diff = Math.max(diff, Math.abs(w[k] - spectral[k]));
        assertThat(diff).as("trained W differs from a spectral W").isGreaterThan(1e-4);
        ModelFile.Contents c = ModelFile.read(dir.resolve("m.tbm"));
        assertThat(SpeciesMixingTensor.read(c.tensors(), "m.tbm", 64)).isEqualTo(w);
    }

    @Test
    void theSavedModelPredictsWhatTheTrainedModelPredicted() {
        LambdaMcovModel back = LambdaMcovModel.load(dir.resolve("m.tbm"), 1);
        assertThat(back.descriptorSettings().mixing()).isEqualTo(model.descriptorSettings().mixing());
        Predictions a = model.predict(molecules, 2), b = back.predict(molecules, 1);
        for (int k = 0; k < molecules.size(); k++) {
            assertThat(b.values("q", k)).isEqualTo(a.values("q", k));
            assertThat(b.values("d", k)).isEqualTo(a.values("d", k));
        }
        // the per-structure vector's block has the position elements, trained through the mixed batches
        assertThat(back.network().basis(back.network().blockIndex("d:L1+")).usesPosition()).isTrue();
    }

    @Test
    void predictionsAreExactlyEquivariant() {
        Predictions p = model.predict(molecules, 2);
        for (SymmetryCheck.Result r : SymmetryCheck.run(model, molecules, p, 2, 5, 2)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-12);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-12);
        }
    }

    /** Trains the options in {@code where} (with the molecules copied there) and stops after batch {@code batch} of epoch {@code epoch}. */
    private static TrainingSession.Outputs stopAt(Path where, Path opts, int epoch, int batch) throws IOException {
        Files.copy(dir.resolve("random.xyz"), where.resolve("random.xyz"));
        return StoppedRuns.stopAt(opts, where, where.resolve("m.tbm"), epoch, batch);
    }

    /** Stopped mid-run and resumed from its checkpoint, a trained-mixing run ends bit for bit where the uninterrupted one did. */
    @Test
    void aStoppedRunResumesBitForBit(@TempDir Path other) throws IOException {
        Path opts = options(other, "trained");
        TrainingSession.Outputs out = stopAt(other, opts, 3, 2);
        assertThat(ModelFile.read(out.checkpoint()).tensors()).containsKeys("trained_mixing/current", "trained_mixing/best",
            "trained_mixing/adam_m", "trained_mixing/adam_v");
        assertThat(new Trainer(Options.load(opts), other, null).train(out, out.checkpoint()).interrupted()).isFalse();
        ModelFile.Contents a = ModelFile.read(out.model()), b = ModelFile.read(dir.resolve("m.tbm"));
        assertThat(a.tensors().keySet()).containsExactlyElementsOf(b.tensors().keySet());
        for (String k : a.tensors().keySet()) assertThat(a.tensors().get(k).data()).as(k).isEqualTo(b.tensors().get(k).data());
        assertThat(a.metadata().get("model")).isEqualTo(b.metadata().get("model")).contains("\"species_channels\":\"trained\"");
    }

    /** A checkpoint without the trained mixing (an older version's) is refused naming the field. */
    @Test
    void aCheckpointWithoutTheMixingIsRefused(@TempDir Path other) throws IOException {
        Path opts = options(other, "trained");
        TrainingSession.Outputs out = stopAt(other, opts, 1, 1);
        ModelFile.Contents c = ModelFile.read(out.checkpoint());
        Map<String, ModelFile.Tensor> t = new java.util.LinkedHashMap<>(c.tensors());
        t.remove("trained_mixing/best");
        ModelFile.write(out.checkpoint(), c.metadata(), t);
        assertThatThrownBy(() -> new Trainer(Options.load(opts), other, null).train(out, out.checkpoint()))
            .isInstanceOf(BadInputException.class).hasMessageContaining("trained_mixing/best").hasMessageContaining("m.ckpt");
    }

    @Test
    void trainedIsNotALinearRidgeOption(@TempDir Path other) throws IOException {
        Path opts = options(other, "trained");
        Path ridge = other.resolve("ridge.yaml");
        Files.writeString(ridge, "training_set: random.xyz\ntargets:\n  q: {type: spherical, per_atom: true, blocks: [[0, 1], [1, 1]]}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {species_channels: trained}\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Options.load(ridge)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("model.soap.species_channels").hasMessageContaining("lambda_mcov only");
        Options o = Options.load(opts);
        assertThat(LambdaMcovOptions.of(o).model().soap().speciesChannels()).isEqualTo(SpeciesMixing.Mode.TRAINED);
        assertThat(o.toYaml(other)).contains("species_channels: trained");
    }
}
