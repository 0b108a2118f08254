package org.tensorbasis.linearridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.Trainer;

/**
 * The joint kernel of linear_ridge ({@code model.kernel.element_coupling} &gt; 0), the kernel's position features
 * ({@code position_basis} listed with a kernel) and {@code training.refit_validation}: exact equivariance of every block
 * λ = 0..4, σ = ±1, per structure and per atom, with all three on; the coupling κ in the kernel rows; the collapsed
 * predictor equal to the joint Nyström features; the model file round trip; the refit equal to a fit on the training
 * and validation structures together; bad values named.
 */
class JointKernelTest {
    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static TrainedModel model;

    @BeforeAll
    static void train() throws IOException {
        molecules = LinearRidgeArchitectureTest.molecules(40, 5);
        ExtXyzWriter.writeAll(dir.resolve("random.xyz"), LinearRidgeArchitectureTest.withRandomTargets(molecules, 9));
        String blocks = LinearRidgeArchitectureTest.ALL_BLOCKS;
        Files.writeString(dir.resolve("options.yaml"), "seed: 2\nthreads: 2\ntraining_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  s: {type: spherical, blocks: " + blocks + "}\n  a: {type: spherical, per_atom: true, blocks: " + blocks + "}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 3}\n"
            + "  kernel: {zeta: 2, sparse_points: 25, element_coupling: 0.5}\n  position_basis: true\n"
            + "training:\n  refit_validation: true\n", StandardCharsets.UTF_8);
        model = new Trainer(Options.load(dir.resolve("options.yaml")), dir, null)
            .train(TrainingSession.Outputs.forModel(dir.resolve("j.tbm")), null).model();
    }

    /**
     * {@code model.kernel.shrink_to_fit}: a kernel that would not fit the memory limit stops with exit 2 naming the option,
     * or with it takes the largest number of sparse points per element that fits, says so, and fits to an equivariant model;
     * one point more would not have fitted.
     */
    @Test
    void shrinkToFitTakesTheSparsePointsThatFit(@TempDir Path d) throws IOException {
        Files.copy(dir.resolve("random.xyz"), d.resolve("random.xyz"));
        String head = "seed: 2\nthreads: 2\ntraining_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  a: {type: spherical, per_atom: true, blocks: " + LinearRidgeArchitectureTest.ALL_BLOCKS + "}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 3}\n";
        String limit = "training: {max_gram_gb: 0.001}\n"; // 1.07 MB: a few dozen points of 3 components
        Files.writeString(d.resolve("no.yaml"), head + "  kernel: {zeta: 2, sparse_points: 1000, element_coupling: 0.5}\n" + limit);
        assertThatThrownBy(() -> new Trainer(Options.load(d.resolve("no.yaml")), d, null).train(TrainingSession.Outputs.forModel(d.resolve("no.tbm")), null))
            .isInstanceOf(org.tensorbasis.BadInputException.class).hasMessageContaining("shrink_to_fit").hasMessageContaining("max_gram_gb");
        assertThat(d.resolve("no.tbm")).doesNotExist();
        Files.writeString(d.resolve("yes.yaml"), head + "  kernel: {zeta: 2, sparse_points: 1000, element_coupling: 0.5, shrink_to_fit: true}\n" + limit);
        List<String> log = new java.util.ArrayList<>();
        TrainedModel m = new Trainer(Options.load(d.resolve("yes.yaml")), d, new TrainingSession.Listener() {
            @Override public void message(String line) { log.add(line); }
        }).train(TrainingSession.Outputs.forModel(d.resolve("yes.tbm")), null).model();
        String line = log.stream().filter(l -> l.contains("shrink_to_fit")).findFirst().orElseThrow();
        java.util.regex.Matcher c = java.util.regex.Pattern.compile("kernel: (\\d+) sparse points per element instead of 1000").matcher(line);
        assertThat(c.find()).as(line).isTrue();
        int chosen = Integer.parseInt(c.group(1));
        assertThat(chosen).isBetween(1, 999);
        Predictions pm = m.predict(molecules, 1);
        for (org.tensorbasis.evaluation.SymmetryCheck.Result r : org.tensorbasis.evaluation.SymmetryCheck.run(m, molecules, pm, 3, 17, 1)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-10);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-10);
        }
        // the count is the largest that fits: with one more point per element the same run stops
        Files.writeString(d.resolve("more.yaml"), head + "  kernel: {zeta: 2, sparse_points: " + (chosen + 1) + ", element_coupling: 0.5}\n" + limit);
        assertThatThrownBy(() -> new Trainer(Options.load(d.resolve("more.yaml")), d, null).train(TrainingSession.Outputs.forModel(d.resolve("more.tbm")), null))
            .isInstanceOf(org.tensorbasis.BadInputException.class);
        Files.writeString(d.resolve("same.yaml"), head + "  kernel: {zeta: 2, sparse_points: " + chosen + ", element_coupling: 0.5}\n" + limit);
        TrainedModel same = new Trainer(Options.load(d.resolve("same.yaml")), d, null).train(TrainingSession.Outputs.forModel(d.resolve("same.tbm")), null).model();
        for (int k = 0; k < molecules.size(); k++) {
            assertThat(same.predict(molecules, 1).values("a", k)).isEqualTo(m.predict(molecules, 1).values("a", k));
        }
    }

    @Test
    void everyBlockIsPredictedAndExactlyEquivariantWithPositionsAndTheRefit() {
        LinearRidgeModel m = (LinearRidgeModel) model;
        for (int b = 0; b < m.blocks().size(); b++) {
            org.tensorbasis.targets.ModelBlock mb = m.blocks().get(b);
            assertThat(m.kernel(b)).as(mb.name()).isNotNull();
            assertThat(m.features(b).usesPositions()).as(mb.name()).isEqualTo(!mb.perAtom() && mb.sigma() == 1);
        }
        LinearRidgeArchitectureTest.assertEveryBlockPredictedAndEquivariant(model, molecules);
        // translations (the position features are relative to the centroid) and wrapping an atom into the next cell
        Structure mol = molecules.get(0);
        double[] p = mol.positions();
        for (int i = 0; i < mol.size(); i++) p[3 * i + 1] += 7.5;
        org.tensorbasis.structure.Cell box = org.tensorbasis.structure.Cell.periodic(new double[] {30, 0, 0, 0, 30, 0, 0, 0, 30});
        double[] wrapped = mol.positions();
        wrapped[0] += 30;
        Predictions a = model.predict(List.of(mol, mol.withGeometry(p, mol.cell()), mol.withGeometry(mol.positions(), box),
            mol.withGeometry(wrapped, box)), 1);
        double[] s0 = a.values("s", 0), s1 = a.values("s", 1), s2 = a.values("s", 2), s3 = a.values("s", 3);
        for (int k = 0; k < s0.length; k++) {
            assertThat(s1[k]).isCloseTo(s0[k], org.assertj.core.api.Assertions.within(1e-10 * (1 + Math.abs(s0[k]))));
            assertThat(s3[k]).isCloseTo(s2[k], org.assertj.core.api.Assertions.within(1e-10 * (1 + Math.abs(s2[k]))));
        }
    }

    @Test
    void modelFileRoundTripsBitForBit() throws IOException {
        TrainedModel back = Architectures.load(dir.resolve("j.tbm"), 1);
        Predictions a = model.predict(molecules, 2);
        Predictions b = back.predict(molecules, 1);
        for (String t : a.targets()) {
            for (int k = 0; k < molecules.size(); k++) assertThat(b.values(t, k)).isEqualTo(a.values(t, k));
        }
        String log = Files.readString(dir.resolve("j.train.csv"));
        assertThat(log).contains("a:L1+,all,"); // one ridge for every element of a joint kernel
        // the joint points once (c·U, shared by every element) and each element's own ((1 − c)·U): 2 M, not S·M sets
        ModelFile.Contents c = ModelFile.read(dir.resolve("j.tbm"));
        LinearRidgeModel m = (LinearRidgeModel) model;
        KernelWeights k = m.kernel(0);
        int own = 0;
        for (int n : k.count) own += n;
        assertThat(own).isEqualTo(k.sharedCount).isGreaterThan(0);
        assertThat(c.tensors()).containsKey(LinearRidgeModel.KERNEL_SHARED_INVARIANTS)
            .containsKey(m.blocks().get(0).name() + LinearRidgeModel.KERNEL_SHARED_WEIGHT);
        assertThat(c.tensors().get(LinearRidgeModel.KERNEL_SHARED_INVARIANTS).shape()[0]).isEqualTo(k.sharedCount);
        Map<String, ModelFile.Tensor> t = new java.util.LinkedHashMap<>(c.tensors());
        String key = m.blocks().get(0).name() + LinearRidgeModel.KERNEL_SHARED_WEIGHT;
        double[] bad = t.get(key).data().clone();
        bad[0] = Double.NaN;
        t.put(key, new ModelFile.Tensor(t.get(key).shape(), bad));
        Path nan = dir.resolve("nan.tbm");
        ModelFile.write(nan, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(nan, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("nan.tbm").hasMessageContaining(key).hasMessageContaining("non-finite");
        t = new java.util.LinkedHashMap<>(c.tensors());
        t.remove(LinearRidgeModel.KERNEL_SHARED_INVARIANTS);
        Path missing = dir.resolve("missing.tbm");
        ModelFile.write(missing, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(missing, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining(LinearRidgeModel.KERNEL_SHARED_INVARIANTS).hasMessageContaining("missing");
    }

    /**
     * The kernel row of an atom against a sparse point of another element is κ = c times the one of its own element's
     * kernel; against its own element it is unchanged (compared before the whitening, c = 0.5 against c = 1).
     */
    @Test
    void theCouplingScalesTheKernelBetweenElements() {
        LinearRidgeModel m = (LinearRidgeModel) model;
        List<Structure> train = molecules.subList(0, 20);
        SparseKernel half = SparseKernel.select(m, train, 2, 6, 0.5, 3, 1);
        SparseKernel one = SparseKernel.select(m, train, 2, 6, 1.0, 3, 1);
        assertThat(half.joint()).isTrue();
        assertThat(half.count(0)).isEqualTo(6 * m.species().length);
        int b = blockIndex(m, "a:L2+");
        double[][] xt = half.sparseFeatures(m, train, 1)[b];
        SparseKernel.KernelFeatures kh = half.features(m, b, xt), k1 = one.features(m, b, one.sparseFeatures(m, train, 1)[b]);
        Structure s = molecules.get(30);
        int n = s.size(), C = kh.components(), width = kh.features();
        int[] gr = m.groups(s);
        LinearRidgeModel.Workspace ws = m.new Workspace();
        ws.expand(s);
        double[] rh = new double[n * width * C], r1 = new double[n * width * C];
        kh.fromExpansions(ws.blocks, gr, 0, n, rh, 0);
        k1.fromExpansions(ws.blocks, gr, 0, n, r1, 0);
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < width / C; q++) {
                double kap = gr[i] == half.pointSpecies[q] ? 1.0 : 0.5;
                for (int e = 0; e < C * C; e++) {
                    int k = i * width * C + q * C * C + e;
                    assertThat(rh[k]).isCloseTo(kap * r1[k], org.assertj.core.api.Assertions.within(1e-14 * (1 + Math.abs(r1[k]))));
                    max = Math.max(max, Math.abs(r1[k]));
                }
            }
        }
        assertThat(max).isGreaterThan(1e-3);
        assertThat(SparseKernel.select(m, train, 2, 6, 0.0, 3, 1).joint()).isFalse();
    }

    /** For any weights on the joint whitened features ψ, the collapsed per-element predictor gives w · ψ for every atom. */
    @Test
    void collapsedPredictorEqualsTheJointNystromFeatures() {
        LinearRidgeModel m = (LinearRidgeModel) model;
        List<Structure> train = molecules.subList(0, 20);
        SparseKernel sk = SparseKernel.select(m, train, 2, 8, 0.5, 3, 1);
        SparseKernel.KernelFeatures[] kf = sk.blocks(m, train, 1);
        SplittableRandom rng = new SplittableRandom(11);
        LinearRidgeModel.Workspace ws = m.new Workspace();
        BlockFeatures scalar = SparseKernel.scalarFeatures(m);
        for (int b = 0; b < kf.length; b++) {
            SparseKernel.KernelFeatures f = kf[b];
            int P = m.blocks().get(b).properties(), C = f.components(), Fp = f.features();
            double[] w = new double[P * Fp];
            for (int k = 0; k < w.length; k++) w[k] = rng.nextGaussian();
            RidgeWeights rw = new RidgeWeights(1, P, Fp, C, w);
            KernelWeights kw = f.predictor(rw);
            assertThat(kw.species()).isEqualTo(m.species().length);
            Structure s = molecules.get(33);
            int n = s.size();
            int[] gr = m.groups(s);
            ws.expand(s);
            double[] centred = new double[3 * n];
            s.centredPositions(centred, 0);
            double[] psi = new double[n * Fp * C];
            f.fromStructure(ws.blocks, gr, centred, 0, n, psi, 0);
            f.whitenBatch(List.of(psi), List.<int[]>of(gr), 1);
            double[] viaPsi = new double[n * P * C];
            for (int i = 0; i < n; i++) rw.predict(0, psi, i * Fp * C, 1, viaPsi, i * P * C);
            BlockFeatures raw = m.features(b);
            double[] x = new double[n * raw.rowSize()];
            raw.fromStructure(ws.blocks, gr, centred, 0, n, x, 0);
            double[] ph = new double[n * scalar.features()];
            scalar.fromExpansions(ws.blocks, 0, n, ph, 0);
            SparseKernel.normalize(raw, m.blocks().get(b).irrep(), x, 0, n, SparseKernel.invariantNorms(ph, 0, n, scalar.features()), 0, SparseKernel.SOFT);
            SparseKernel.normalize(ph, 0, n, scalar.features(), true);
            double[] collapsed = new double[n * P * C];
            double[] t = new double[kw.scratchCount()], v = new double[P * raw.features()];
            for (int i = 0; i < n; i++) kw.addAtom(gr[i], x, i * raw.rowSize(), ph, i * scalar.features(), collapsed, i * P * C, t, v);
            double scale = 0;
            for (double y : viaPsi) scale = Math.max(scale, Math.abs(y));
            assertThat(scale).as("block %d predicts something", b).isGreaterThan(1e-6);
            for (int k = 0; k < viaPsi.length; k++) {
                assertThat(Math.abs(collapsed[k] - viaPsi[k])).as("block %d entry %d", b, k).isLessThan(1e-9 * scale);
            }
        }
    }

    /**
     * With refit_validation the weights are those of a fit on the training and validation structures together with the
     * chosen ridge: the same as a run that trains on all of them with that single ridge (every block but λ = 0, σ = +1, whose
     * normalisation is only a scale, so the two runs' different training sets do not matter).
     */
    @Test
    void theRefitEqualsAFitOnTrainingAndValidationTogether() throws IOException {
        Path d = Files.createDirectories(dir.resolve("refit"));
        List<Structure> labelled = org.tensorbasis.io.ExtXyzReader.readAll(dir.resolve("random.xyz"));
        ExtXyzWriter.writeAll(d.resolve("all.xyz"), labelled.subList(0, 32));
        ExtXyzWriter.writeAll(d.resolve("other.xyz"), labelled.subList(32, 40));
        String blocks = LinearRidgeArchitectureTest.ALL_BLOCKS;
        String common = "targets:\n  s: {type: spherical, blocks: " + blocks + "}\n  a: {type: spherical, per_atom: true, blocks: " + blocks + "}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 3}\n  kernel: {zeta: 2, sparse_points: 40}\n";
        // A: 24 of the 32 for training, 8 for validation, refit on all 32
        Files.writeString(d.resolve("a.yaml"), "seed: 4\ntraining_set: all.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n" + common
            + "training:\n  refit_validation: true\n  ridges: [0.01]\n");
        // B: all 32 for training (validation on other structures), the same single ridge
        Files.writeString(d.resolve("b.yaml"), "seed: 4\ntraining_set: all.xyz\nvalidation_set: other.xyz\ntest_set: 0.0\n" + common
            + "training:\n  refit_validation: false\n  ridges: [0.01]\n");
        TrainedModel a = new Trainer(Options.load(d.resolve("a.yaml")), d, null).train(TrainingSession.Outputs.forModel(d.resolve("a.tbm")), null).model();
        TrainedModel b = new Trainer(Options.load(d.resolve("b.yaml")), d, null).train(TrainingSession.Outputs.forModel(d.resolve("b.tbm")), null).model();
        // the sparse points are chosen among the training structures only: A's 24 against B's 32, so compare the linear
        // model (zeta 0) for the exact identity and the kernel for being closer to B after the refit than before
        Files.writeString(d.resolve("a0.yaml"), Files.readString(d.resolve("a.yaml")).replace("kernel: {zeta: 2, sparse_points: 40}", "kernel: {zeta: 0}"));
        Files.writeString(d.resolve("b0.yaml"), Files.readString(d.resolve("b.yaml")).replace("kernel: {zeta: 2, sparse_points: 40}", "kernel: {zeta: 0}"));
        TrainedModel a0 = new Trainer(Options.load(d.resolve("a0.yaml")), d, null).train(TrainingSession.Outputs.forModel(d.resolve("a0.tbm")), null).model();
        TrainedModel b0 = new Trainer(Options.load(d.resolve("b0.yaml")), d, null).train(TrainingSession.Outputs.forModel(d.resolve("b0.tbm")), null).model();
        List<Structure> test = labelled.subList(32, 40);
        Predictions pa = a0.predict(test, 1), pb = b0.predict(test, 1);
        for (String t : List.of("s", "a")) {
            for (int k = 0; k < test.size(); k++) for (String blk : pa.blocks(t, k).keySet()) {
                if (blk.endsWith(":L0+")) continue; // the composition baseline depends on the training set
                double[] x = pa.blocks(t, k).get(blk), y = pb.blocks(t, k).get(blk);
                double sc = 0;
                for (double v : y) sc = Math.max(sc, Math.abs(v));
                assertThat(sc).isGreaterThan(1e-6);
                for (int j = 0; j < x.length; j++) assertThat(Math.abs(x[j] - y[j])).as(blk + " " + k + " " + j).isLessThan(1e-8 * sc);
            }
        }
        assertThat(Files.readString(d.resolve("a0.tbm").resolveSibling("a0.train.csv"))).isNotEmpty();
        assertThat(a.predict(test, 1).values("s", 0)).isNotEqualTo(b.predict(test, 1).values("s", 0)); // different sparse points
    }

    @Test
    void badCouplingsAreNamed() {
        String head = "training_set: t.xyz\ntargets: {mu: {}}\n";
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 2, element_coupling: 1.5}}\n", "o.yaml",
            Path.of("/b"))).isInstanceOf(BadInputException.class).hasMessageContaining("o.yaml").hasMessageContaining("model.kernel.element_coupling");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 2, element_coupling: -0.1}}\n", "o.yaml",
            Path.of("/b"))).isInstanceOf(BadInputException.class).hasMessageContaining("model.kernel.element_coupling");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge}\ntraining: {refit_validation: 3}\n", "o.yaml",
            Path.of("/b"))).isInstanceOf(BadInputException.class).hasMessageContaining("training.refit_validation");
        Options o = Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 1, element_coupling: 0.25}}\ntraining: {refit_validation: true}\n",
            "o.yaml", Path.of("/b"));
        LinearRidgeOptions h = LinearRidgeOptions.of(o);
        assertThat(h.elementCoupling()).isEqualTo(0.25);
        assertThat(h.jointKernel()).isTrue();
        assertThat(h.refitValidation()).isTrue();
        assertThat(Options.parse(o.toYaml(Path.of("/b")), "again.yaml", Path.of("/b")).hypers()).isEqualTo(o.hypers());
        // no kernel: the coupling is unused
        assertThat(LinearRidgeOptions.of(Options.parse(head + "model: {architecture: linear_ridge, kernel: {element_coupling: 1}}\n", "o.yaml",
            Path.of("/b"))).jointKernel()).isFalse();
    }

    private static int blockIndex(LinearRidgeModel m, String name) {
        for (int b = 0; b < m.blocks().size(); b++) if (m.blocks().get(b).name().equals(name)) return b;
        throw new AssertionError(name);
    }
}
