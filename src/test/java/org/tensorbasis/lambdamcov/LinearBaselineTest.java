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
import org.tensorbasis.architecture.ResidualModel;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.training.StoppedRuns;
import org.tensorbasis.training.Trainer;

/**
 * {@code model.linear_baseline}: the listed targets are fitted first by the linear ridge, the network learns the
 * residual, and the model predicts the sum. The baseline is the linear_ridge run of the same data bit for bit; the
 * other targets are the network's alone; the file holds both parts and loads bit for bit; the sum is exactly
 * equivariant; bad values name the option.
 */
class LinearBaselineTest {
    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static TrainedModel model;
    static TrainedModel linear;
    static final List<String> log = new ArrayList<>();

    static Path options(String name, String model) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "seed: 5\nthreads: 2\ntraining_set: mol.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  mu: {}\n  a: {symmetric: true}\n" + model, StandardCharsets.UTF_8);
        return p;
    }

    static final String NETWORK = "model:\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 2}\n  bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 8}\n"
        + "  linear_baseline: [mu]\ntraining: {epochs: 4, batch_size: 4, checkpoint_interval: 0}\n";

    @BeforeAll
    static void train() throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        molecules = new ArrayList<>();
        for (int m = 0; m < 24; m++) molecules.add(CommitteeTest.labelled(RandomMolecules.of(rng, 5, 3.0, 0.9, new int[] {8, 6, 1, 1, 1})));
        ExtXyzWriter.writeAll(dir.resolve("mol.xyz"), molecules);
        TrainingSession.Listener listener = new TrainingSession.Listener() {
            @Override
            public void message(String line) { log.add(line); }
        };
        model = new Trainer(Options.load(options("b.yaml", NETWORK)), dir, listener)
            .train(TrainingSession.Outputs.forModel(dir.resolve("b.tbm")), null).model();
        // the linear ridge alone on mu, at its defaults but for the refit on the validation structures, which the baseline
        // never does (the network's validation residuals stay out of sample): what the baseline must be
        Path lin = dir.resolve("lin.yaml");
        Files.writeString(lin, "seed: 5\nthreads: 2\ntraining_set: mol.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  mu: {}\nmodel: {architecture: linear_ridge}\ntraining: {refit_validation: false}\n", StandardCharsets.UTF_8);
        linear = new Trainer(Options.load(lin), dir, null).train(TrainingSession.Outputs.forModel(dir.resolve("lin.tbm")), null).model();
    }

    @Test
    void theBaselineIsTheLinearRidgeOfTheSameDataAndThePredictionTheSum() {
        assertThat(model).isInstanceOf(ResidualModel.class);
        ResidualModel r = (ResidualModel) model;
        assertThat(r.baselineTargets()).containsExactly("mu");
        assertThat(r.baseline().architecture()).isEqualTo("linear_ridge");
        Predictions sum = model.predict(molecules, 2);
        Predictions base = r.baseline().predict(molecules, 1);
        Predictions lin = linear.predict(molecules, 1);
        Predictions net = r.residual().predict(molecules, 1);
        double baseSq = 0, netSq = 0;
        for (int k = 0; k < molecules.size(); k++) {
            assertThat(base.values("mu", k)).isEqualTo(lin.values("mu", k));
            double[] s = sum.values("mu", k), b = base.values("mu", k), n = net.values("mu", k);
            for (int i = 0; i < s.length; i++) {
                assertThat(s[i]).isCloseTo(b[i] + n[i], org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(s[i]))));
                baseSq += b[i] * b[i];
                netSq += n[i] * n[i];
            }
            assertThat(sum.values("a", k)).isEqualTo(net.values("a", k)); // not in linear_baseline: the network's alone
        }
        // the network learned the residual of mu, a correction much smaller than mu itself
        assertThat(netSq).isLessThan(0.25 * baseSq);
        assertThat(String.join("\n", log)).contains("linear baseline: fitting mu with linear_ridge at its defaults")
            .contains("linear baseline: validation RMSE / std of each block: mu:L1+");
        assertThat(model.describe()).contains("plus a linear_ridge baseline for mu");
        assertThat(model.optionsYaml()).contains("linear_baseline: [\"mu\"]");
    }

    @Test
    void theFileHoldsBothPartsAndLoadsBitForBit() {
        ModelFile.Contents c = ModelFile.read(dir.resolve("b.tbm"));
        assertThat(c.metadata()).containsKey(ResidualModel.BASELINE);
        assertThat(c.tensors().keySet()).anyMatch(k -> k.startsWith(ResidualModel.PREFIX)).anyMatch(k -> !k.startsWith(ResidualModel.PREFIX));
        TrainedModel back = Architectures.load(dir.resolve("b.tbm"), 1);
        assertThat(back).isInstanceOf(ResidualModel.class);
        Predictions a = model.predict(molecules, 2), b = back.predict(molecules, 1);
        for (int k = 0; k < molecules.size(); k++) {
            assertThat(b.values("mu", k)).isEqualTo(a.values("mu", k));
            assertThat(b.values("a", k)).isEqualTo(a.values("a", k));
        }
        assertThat(CommitteeModel.first(back)).isNotNull(); // bench and diagnose find the network part
        assertThatThrownBy(() -> LambdaMcovModel.load(dir.resolve("b.tbm"), 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("linear baseline");
    }

    @Test
    void theSumIsExactlyEquivariant() {
        Predictions p = model.predict(molecules, 2);
        for (SymmetryCheck.Result r : SymmetryCheck.run(model, molecules, p, 2, 9, 2)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-12);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-12);
        }
    }

    /** Stopped mid-run, the run refits the (deterministic) baseline and resumes the network bit for bit. */
    @Test
    void aStoppedRunResumesBitForBit(@TempDir Path other) throws IOException {
        Files.copy(dir.resolve("mol.xyz"), other.resolve("mol.xyz"));
        Path opts = other.resolve("b.yaml");
        Files.copy(dir.resolve("b.yaml"), opts);
        TrainingSession.Outputs out = StoppedRuns.stopAt(opts, other, other.resolve("b.tbm"), 2, 2);
        StoppedRuns.resumeMatches(opts, other, out, dir.resolve("b.tbm"));
    }

    /**
     * model.linear_baseline_kernel: the baseline is linear_ridge's sparse kernel with that ζ (its options say so), the
     * saved model predicts the same and the sum is exactly equivariant; without a baseline the option is an error.
     */
    @Test
    void aKernelBaseline(@TempDir Path other) throws IOException {
        Files.copy(dir.resolve("mol.xyz"), other.resolve("mol.xyz"));
        Path opts = other.resolve("k.yaml");
        Files.writeString(opts, Files.readString(dir.resolve("b.yaml")).replace("linear_baseline: [mu]",
            "linear_baseline: [mu]\n  linear_baseline_kernel: 2"));
        TrainedModel m = new Trainer(Options.load(opts), other, null).train(TrainingSession.Outputs.forModel(other.resolve("k.tbm")), null).model();
        ResidualModel r = (ResidualModel) m;
        assertThat(r.baseline().options().hypers().toYaml()).contains("zeta: 2");
        assertThat(m.optionsYaml()).contains("linear_baseline_kernel: 2");
        TrainedModel back = Architectures.load(other.resolve("k.tbm"), 1);
        Predictions a = m.predict(molecules, 2), b = back.predict(molecules, 1);
        for (int k = 0; k < molecules.size(); k++) assertThat(b.values("mu", k)).isEqualTo(a.values("mu", k));
        for (SymmetryCheck.Result res : SymmetryCheck.run(m, molecules, a, 2, 9, 2)) {
            assertThat(res.proper()).as(res.target() + " proper").isLessThan(1e-12);
            assertThat(res.improper()).as(res.target() + " improper").isLessThan(1e-12);
        }
        assertThatThrownBy(() -> Options.load(options("nokernel.yaml", NETWORK.replace("  linear_baseline: [mu]\n", "  linear_baseline: false\n  linear_baseline_kernel: 1\n"))))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.linear_baseline_kernel").hasMessageContaining("no effect");
    }

    /** Proper and improper rotations (2 each, seed 9) change the predictions by less than 1e-12. */
    static void assertExactlyEquivariant(TrainedModel m, List<Structure> structures, Predictions p) {
        for (SymmetryCheck.Result res : SymmetryCheck.run(m, structures, p, 2, 9, 2)) {
            assertThat(res.proper()).as(res.target() + " proper").isLessThan(1e-12);
            assertThat(res.improper()).as(res.target() + " improper").isLessThan(1e-12);
        }
    }

    /**
     * model.linear_baseline_kernel_coupling: the kernel baseline is one joint kernel over the elements (its options say
     * so) and the sum is exactly equivariant; without a kernel the option is an error.
     */
    @Test
    void aJointKernelBaseline(@TempDir Path other) throws IOException {
        Files.copy(dir.resolve("mol.xyz"), other.resolve("mol.xyz"));
        Path opts = other.resolve("j.yaml");
        Files.writeString(opts, Files.readString(dir.resolve("b.yaml")).replace("linear_baseline: [mu]",
            "linear_baseline: [mu]\n  linear_baseline_kernel: 1\n  linear_baseline_kernel_coupling: 0.5\n  linear_baseline_kernel_points: 7\n"
            + "  linear_baseline_cutoff: 3.5"));
        TrainedModel m = new Trainer(Options.load(opts), other, null).train(TrainingSession.Outputs.forModel(other.resolve("j.tbm")), null).model();
        ResidualModel r = (ResidualModel) m;
        assertThat(r.baseline().options().hypers().toYaml()).contains("zeta: 1").contains("element_coupling: 0.5").contains("sparse_points: 7")
            .contains("cutoff: 3.5");
        // the network keeps its own cutoff; the resolved options (and so the model file) record the baseline's
        assertThat(m.options().hypers().toYaml()).contains("linear_baseline_cutoff: 3.5").doesNotContain("  cutoff: 3.5");
        assertThat(((ResidualModel) Architectures.load(other.resolve("j.tbm"), 1)).baseline().options().hypers().toYaml()).contains("cutoff: 3.5");
        assertExactlyEquivariant(m, molecules, m.predict(molecules, 2));
        assertThatThrownBy(() -> Options.load(options("nocoupling.yaml", NETWORK.replace("  linear_baseline: [mu]\n",
            "  linear_baseline: [mu]\n  linear_baseline_kernel_coupling: 1\n"))))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.linear_baseline_kernel_coupling").hasMessageContaining("no effect");
        assertThatThrownBy(() -> Options.load(options("nocutoff.yaml", NETWORK.replace("  linear_baseline: [mu]\n",
            "  linear_baseline: false\n  linear_baseline_cutoff: 6\n"))))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.linear_baseline_cutoff").hasMessageContaining("no effect");
        assertThatThrownBy(() -> Options.load(options("badcutoff.yaml", NETWORK.replace("  linear_baseline: [mu]\n",
            "  linear_baseline: [mu]\n  linear_baseline_cutoff: 0.2\n"))))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.linear_baseline_cutoff");
    }

    /**
     * A zero_sum per-atom target (Born charges' sum rule) with a baseline on one block: the baseline fits that block only,
     * the network learns what the projected baseline leaves, and the model's predictions sum to zero over every
     * structure and stay exactly equivariant (and the saved model predicts the same).
     */
    @Test
    void aZeroSumTargetWithABaseline(@TempDir Path other) throws IOException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        List<Structure> charged = new ArrayList<>();
        for (Structure s : molecules) {
            int n = s.size();
            double[] q = new double[n * 9];
            for (int k = 0; k < q.length; k++) q[k] = rng.nextGaussian();
            for (int j = 0; j < 9; j++) {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += q[i * 9 + j] / n;
                for (int i = 0; i < n; i++) q[i * 9 + j] -= mean;
            }
            charged.add(s.withArrays(java.util.Map.of("z", org.tensorbasis.structure.Value.ofReals(n, 9, q))));
        }
        ExtXyzWriter.writeAll(other.resolve("z.xyz"), charged);
        Path opts = other.resolve("z.yaml");
        Files.writeString(opts, "seed: 5\nthreads: 2\ntraining_set: z.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  z: {per_atom: true, symmetric: false, zero_sum: true}\n"
            + NETWORK.replace("linear_baseline: [mu]", "linear_baseline: [\"z:L1-\"]"), StandardCharsets.UTF_8);
        TrainedModel m = new Trainer(Options.load(opts), other, null).train(TrainingSession.Outputs.forModel(other.resolve("z.tbm")), null).model();
        // the baseline fits only the block it is asked for (the others of the Cartesian target are not fitted)
        ResidualModel rm = (ResidualModel) org.tensorbasis.architecture.TransformedModel.unwrap(m);
        assertThat(rm.baseline().layouts().get("z").blocks()).extracting(org.tensorbasis.targets.TargetLayout.Block::name).containsExactly("z:L1-");
        Predictions p = m.predict(charged, 2);
        for (int k = 0; k < charged.size(); k++) {
            double[] v = p.values("z", k);
            int n = charged.get(k).size();
            double scale = 0;
            for (double x : v) scale = Math.max(scale, Math.abs(x));
            assertThat(scale).isGreaterThan(1e-6);
            for (int j = 0; j < 9; j++) {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += v[i * 9 + j];
                assertThat(Math.abs(sum)).as("structure %d component %d", k, j).isLessThan(1e-12 * n * scale);
            }
        }
        assertExactlyEquivariant(m, charged, p);
        Predictions back = Architectures.load(other.resolve("z.tbm"), 1).predict(charged, 1);
        for (int k = 0; k < charged.size(); k++) assertThat(back.values("z", k)).isEqualTo(p.values("z", k));
        double[] rows = {1, 2, 3, 5, 7, 11};
        assertThat(LinearBaseline.centred(rows, 3)).containsExactly(-2.0, -2.5, -4.0, 2.0, 2.5, 4.0);
    }

    /**
     * {@code linear_baseline: auto}, the default: the λ = 1, σ = −1 block of a per-atom general rank-2 target gets the
     * joint kernel (ζ 2, coupling 0.5, at most 70 points per element, shrink_to_fit), its other blocks and the other
     * targets are the network's; a run without such a block has no baseline. Both say so in the log; the model file
     * records auto and loads bit for bit; the sum is exactly equivariant.
     */
    @Test
    void theDefaultPutsAJointKernelUnderPerAtomAxialBlocksOnly(@TempDir Path other) throws IOException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        List<Structure> tensors = new ArrayList<>();
        for (Structure s : molecules) {
            double[] q = new double[s.size() * 9];
            for (int k = 0; k < q.length; k++) q[k] = rng.nextGaussian();
            tensors.add(s.withArrays(java.util.Map.of("z", org.tensorbasis.structure.Value.ofReals(s.size(), 9, q))));
        }
        ExtXyzWriter.writeAll(other.resolve("z.xyz"), tensors);
        Path opts = other.resolve("z.yaml");
        Files.writeString(opts, "seed: 5\nthreads: 2\ntraining_set: z.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  mu: {}\n  z: {per_atom: true, symmetric: false}\n" + NETWORK.replace("  linear_baseline: [mu]\n", ""), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        TrainedModel m = new Trainer(Options.load(opts), other, new TrainingSession.Listener() {
            @Override public void message(String line) { lines.add(line); }
        }).train(TrainingSession.Outputs.forModel(other.resolve("z.tbm")), null).model();
        ResidualModel r = (ResidualModel) org.tensorbasis.architecture.TransformedModel.unwrap(m);
        assertThat(r.baselineBlocks()).containsExactly("z:L1-");
        assertThat(r.baseline().layouts().get("z").blocks()).extracting(org.tensorbasis.targets.TargetLayout.Block::name).containsExactly("z:L1-");
        assertThat(r.baseline().layouts()).doesNotContainKey("mu");
        assertThat(r.baseline().options().hypers().toYaml()).contains("zeta: 2").contains("element_coupling: 0.5").contains("sparse_points: 70")
            .contains("shrink_to_fit: true").contains("per_species_scale: true"); // 3 elements: per-element scales
        assertThat(m.options().hypers().toYaml()).contains("linear_baseline: auto").contains("linear_baseline_kernel: auto")
            .contains("linear_baseline_kernel_points: auto");
        assertThat(lines).anyMatch(l -> l.startsWith("linear baseline: z:L1- by a λ-SOAP kernel (ζ = 2, one joint kernel, element coupling 0.5, "
            + "at most 70 sparse points per element) (linear_baseline: auto"));
        Predictions p = m.predict(tensors, 2);
        assertExactlyEquivariant(m, tensors, p);
        // the baseline takes the axial block alone: the network predicts exactly zero there, the model the baseline's
        Predictions net = r.residual().predict(tensors, 1), base = r.baseline().predict(tensors, 1);
        assertThat(lines).anyMatch(l -> l.contains("the baseline takes z:L1- alone"));
        for (int k = 0; k < tensors.size(); k++) {
            assertThat(net.blocks("z", k).get("z:L1-")).containsOnly(0.0);
            assertThat(p.blocks("z", k).get("z:L1-")).isEqualTo(base.blocks("z", k).get("z:L1-"));
            assertThat(p.blocks("z", k).get("z:L2+")).isEqualTo(net.blocks("z", k).get("z:L2+"));
        }
        TrainedModel back = Architectures.load(other.resolve("z.tbm"), 1);
        assertThat(((ResidualModel) org.tensorbasis.architecture.TransformedModel.unwrap(back)).baselineBlocks()).containsExactly("z:L1-");
        for (int k = 0; k < tensors.size(); k++) assertThat(back.predict(tensors, 1).values("z", k)).isEqualTo(p.values("z", k));
        // no per-atom axial block: no baseline, and the log says why
        Files.copy(dir.resolve("mol.xyz"), other.resolve("mol.xyz"));
        Path plain = other.resolve("plain.yaml");
        Files.writeString(plain, Files.readString(dir.resolve("b.yaml")).replace("  linear_baseline: [mu]\n", ""));
        lines.clear();
        TrainedModel n = new Trainer(Options.load(plain), other, new TrainingSession.Listener() {
            @Override public void message(String line) { lines.add(line); }
        }).train(TrainingSession.Outputs.forModel(other.resolve("plain.tbm")), null).model();
        assertThat(n).isInstanceOf(LambdaMcovModel.class);
        assertThat(lines).contains("linear baseline: none (linear_baseline: auto; no per-atom λ = 1, σ = −1 block)");
        // false turns it off for an axial block too
        Files.writeString(opts, Files.readString(opts).replace("training:", "  linear_baseline: false\ntraining:"));
        TrainedModel off = new Trainer(Options.load(opts), other, null).train(TrainingSession.Outputs.forModel(other.resolve("off.tbm")), null).model();
        assertThat(org.tensorbasis.architecture.TransformedModel.unwrap(off)).isInstanceOf(LambdaMcovModel.class);
    }

    /** A block name takes that block only: the other blocks of the target are the network's alone. */
    @Test
    void aBlockNameTakesThatBlockOnly(@TempDir Path other) throws IOException {
        Files.copy(dir.resolve("mol.xyz"), other.resolve("mol.xyz"));
        Path opts = other.resolve("blk.yaml");
        Files.writeString(opts, Files.readString(dir.resolve("b.yaml")).replace("linear_baseline: [mu]", "linear_baseline: [\"a:L2+\"]"));
        TrainedModel m = new Trainer(Options.load(opts), other, null).train(TrainingSession.Outputs.forModel(other.resolve("blk.tbm")), null).model();
        ResidualModel r = (ResidualModel) m;
        assertThat(r.baselineBlocks()).containsExactly("a:L2+");
        Predictions sum = m.predict(molecules, 1), base = r.baseline().predict(molecules, 1), net = r.residual().predict(molecules, 1);
        for (int k = 0; k < molecules.size(); k++) {
            assertThat(sum.values("mu", k)).isEqualTo(net.values("mu", k));
            assertThat(sum.blocks("a", k).get("a:L0+")).isEqualTo(net.blocks("a", k).get("a:L0+"));
            double[] s = sum.blocks("a", k).get("a:L2+"), b = base.blocks("a", k).get("a:L2+"), n = net.blocks("a", k).get("a:L2+");
            for (int i = 0; i < s.length; i++) assertThat(s[i]).isCloseTo(b[i] + n[i], org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(s[i]))));
        }
        TrainedModel back = Architectures.load(other.resolve("blk.tbm"), 1);
        assertThat(((ResidualModel) org.tensorbasis.architecture.TransformedModel.unwrap(back)).baselineBlocks()).containsExactly("a:L2+");
        for (int k = 0; k < molecules.size(); k++) assertThat(back.predict(molecules, 1).values("a", k)).isEqualTo(sum.values("a", k));
        // a block the model does not learn: an error at training, naming the option and the blocks there are
        Files.writeString(opts, Files.readString(dir.resolve("b.yaml")).replace("linear_baseline: [mu]", "linear_baseline: [\"a:L3+\"]"));
        assertThatThrownBy(() -> new Trainer(Options.load(opts), other, null).train(TrainingSession.Outputs.forModel(other.resolve("x.tbm")), null))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.linear_baseline").hasMessageContaining("a:L3+")
            .hasMessageContaining("a:L0+, a:L2+");
    }

    @Test
    void badFilesAndValuesNameTheField() throws IOException {
        for (String[] bad : new String[][] {{"[q]", "'q' is not a target"}, {"[mu, mu]", "listed twice"}, {"[]", "empty list"},
            {"maybe", "expected true or false"}, {"{mu: 1}", "expected false, true or a list"}, {"[\"a:two\"]", "a block is written"},
            {"[a, \"a:L2+\"]", "lists both a and its block a:L2+"}}) {
            Path p = options("bad.yaml", NETWORK.replace("linear_baseline: [mu]", "linear_baseline: " + bad[0]));
            assertThatThrownBy(() -> Options.load(p)).as(bad[0]).isInstanceOf(BadInputException.class)
                .hasMessageContaining("linear_baseline").hasMessageContaining(bad[1]);
        }
        assertThat(LambdaMcovOptions.of(Options.load(options("t.yaml", NETWORK.replace("[mu]", "true")))).model().linearBaseline())
            .containsExactly("mu", "a");
        assertThat(LambdaMcovOptions.of(Options.load(options("f.yaml", NETWORK.replace("[mu]", "false")))).model().linearBaseline()).isEmpty();
        ModelFile.Contents c = ModelFile.read(dir.resolve("b.tbm"));
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put(ResidualModel.BASELINE, "[1, 2]");
        Path badFile = dir.resolve("bad.tbm");
        ModelFile.write(badFile, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(badFile, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("bad.tbm").hasMessageContaining("baseline").hasMessageContaining("JSON object");
    }
}
