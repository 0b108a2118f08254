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
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.Trainer;

/**
 * {@code training.committee}: k members from different seeds, the mean as prediction. Member 0 is the
 * model of the same run without a committee, bit for bit; the prediction is the members' mean; the file
 * holds every member and loads bit for bit; the mean is exactly equivariant; bad files and a resume are
 * clear errors.
 */
class CommitteeTest {
    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static TrainedModel committee;
    static LambdaMcovModel single;
    static final List<String> log = new ArrayList<>();

    /** The molecule with the targets mu and a ({@link RandomMolecules#withVectorAndTensor}). */
    static Structure labelled(Structure s) {
        return RandomMolecules.withVectorAndTensor(s);
    }

    static Path options(String name, int committee) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "seed: 5\nthreads: 2\ntraining_set: mol.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  mu: {}\n  a: {symmetric: true}\n"
            + "model:\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 2}\n  bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 8}\n"
            + "training: {epochs: 4, batch_size: 4, checkpoint_interval: 0, committee: " + committee + "}\n", StandardCharsets.UTF_8);
        return p;
    }

    @BeforeAll
    static void train() throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        molecules = new ArrayList<>();
        for (int m = 0; m < 24; m++) molecules.add(labelled(RandomMolecules.of(rng, 5, 3.0, 0.9, new int[] {8, 6, 1, 1, 1})));
        ExtXyzWriter.writeAll(dir.resolve("mol.xyz"), molecules);
        TrainingSession.Listener listener = new TrainingSession.Listener() {
            @Override
            public void message(String line) { log.add(line); }
        };
        committee = new Trainer(Options.load(options("c3.yaml", 3)), dir, listener)
            .train(TrainingSession.Outputs.forModel(dir.resolve("c3.tbm")), null).model();
        single = (LambdaMcovModel) new Trainer(Options.load(options("c1.yaml", 1)), dir, null)
            .train(TrainingSession.Outputs.forModel(dir.resolve("c1.tbm")), null).model();
    }

    @Test
    void memberZeroIsTheRunWithoutACommitteeAndTheOthersDiffer() {
        assertThat(committee).isInstanceOf(CommitteeModel.class);
        List<LambdaMcovModel> members = ((CommitteeModel) committee).members();
        assertThat(members).hasSize(3);
        assertThat(members.get(0).network().parameters().values()).isEqualTo(single.network().parameters().values());
        assertThat(members.get(1).network().parameters().values()).isNotEqualTo(members.get(0).network().parameters().values());
        assertThat(members.get(2).network().parameters().values()).isNotEqualTo(members.get(1).network().parameters().values());
        assertThat(String.join("\n", log)).contains("committee member 1/3 (seed 5): training")
            .contains("committee member 3/3 (seed " + CommitteeModel.memberSeed(5, 2) + "): ");
        assertThat(committee.describe()).startsWith("committee of 3 (mean)");
    }

    @Test
    void thePredictionIsTheMembersMean() {
        List<LambdaMcovModel> members = ((CommitteeModel) committee).members();
        Predictions p = committee.predict(molecules, 2);
        List<Predictions> each = new ArrayList<>();
        for (LambdaMcovModel m : members) each.add(m.predict(molecules, 1));
        for (String t : List.of("mu", "a")) {
            for (int k = 0; k < molecules.size(); k++) {
                double[] got = p.values(t, k);
                for (int i = 0; i < got.length; i++) {
                    double mean = 0;
                    for (Predictions q : each) mean += q.values(t, k)[i];
                    mean /= each.size();
                    assertThat(got[i]).as(t + " " + k + " " + i).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(mean))));
                }
            }
        }
    }

    @Test
    void theFileHoldsEveryMemberAndLoadsBitForBit() {
        ModelFile.Contents c = ModelFile.read(dir.resolve("c3.tbm"));
        assertThat(c.metadata()).containsEntry(CommitteeModel.COMMITTEE, "3");
        assertThat(c.tensors().keySet()).anyMatch(k -> k.startsWith("member1/")).anyMatch(k -> k.startsWith("member2/"))
            .noneMatch(k -> k.startsWith("member3/"));
        TrainedModel back = Architectures.load(dir.resolve("c3.tbm"), 1);
        assertThat(back).isInstanceOf(CommitteeModel.class);
        Predictions a = committee.predict(molecules, 2), b = back.predict(molecules, 1);
        for (int k = 0; k < molecules.size(); k++) assertThat(b.values("mu", k)).isEqualTo(a.values("mu", k));
        assertThat(CommitteeModel.first(back).network().parameters().values())
            .isEqualTo(((CommitteeModel) committee).members().get(0).network().parameters().values());
    }

    @Test
    void theMeanIsExactlyEquivariant() {
        Predictions p = committee.predict(molecules, 2);
        for (SymmetryCheck.Result r : SymmetryCheck.run(committee, molecules, p, 2, 9, 2)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-12);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-12);
        }
    }

    @Test
    void badCommitteeFilesNameTheFileAndField() throws IOException {
        ModelFile.Contents c = ModelFile.read(dir.resolve("c3.tbm"));
        Path bad = dir.resolve("bad.tbm");
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put(CommitteeModel.COMMITTEE, "many");
        ModelFile.write(bad, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(bad, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("bad.tbm").hasMessageContaining("committee").hasMessageContaining("many");
        meta.put(CommitteeModel.COMMITTEE, "4"); // member 3 has no tensors
        ModelFile.write(bad, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(bad, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("bad.tbm").hasMessageContaining("member 3 has no tensors");
        meta.put(CommitteeModel.COMMITTEE, "2"); // member 2's tensors belong to no member
        ModelFile.write(bad, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(bad, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("bad.tbm").hasMessageContaining("member2/");
        assertThatThrownBy(() -> LambdaMcovModel.load(dir.resolve("c3.tbm"), 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("committee");
    }

    @Test
    void aCommitteeIsNotResumedAndBadValuesAreRefused() throws IOException {
        Path ckpt = dir.resolve("c1.ckpt");
        Files.writeString(ckpt, "not read", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new Trainer(Options.load(options("c2.yaml", 2)), dir, null)
            .train(TrainingSession.Outputs.forModel(dir.resolve("c2.tbm")), ckpt))
            .isInstanceOf(BadInputException.class).hasMessageContaining("training.committee").hasMessageContaining("--restart");
        assertThatThrownBy(() -> Options.load(options("c0.yaml", 0))).isInstanceOf(BadInputException.class)
            .hasMessageContaining("committee");
        assertThatThrownBy(() -> Options.load(options("c99.yaml", 99))).isInstanceOf(BadInputException.class)
            .hasMessageContaining("committee");
    }
}
