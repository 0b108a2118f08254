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
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.LambdaSoap;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.Trainer;

/**
 * The linear_ridge architecture end to end (options → train → model file → predict): exact
 * equivariance under proper and improper rotations for every block λ = 0..4, σ = ±1, per structure
 * and per atom; noise-free linear targets recovered to round-off; bad options and damaged files
 * rejected with messages naming the file and field.
 */
class LinearRidgeArchitectureTest {
    static final int[] Z = {1, 6};

    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static TrainedModel model;

    /** Random non-planar molecules of 5–7 H/C atoms at least 0.9 Å apart. */
    static List<Structure> molecules(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Structure> out = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            int n = 5 + rng.nextInt(3);
            out.add(org.tensorbasis.RandomMolecules.of(rng, n, 3.0, 0.9, 6, 1));
        }
        return out;
    }

    static final String ALL_BLOCKS = "[[0, 1], [0, -1], [1, 1], [1, -1], [2, 1], [2, -1], [3, 1], [3, -1], [4, 1], [4, -1]]";
    static final int ALL_WIDTH = 2 * (1 + 3 + 5 + 7 + 9);

    /** The molecules with noise targets of every block: per structure "s" and per atom "a", {@link #ALL_WIDTH} each. */
    static List<Structure> withRandomTargets(List<Structure> molecules, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Structure> labelled = new ArrayList<>();
        for (Structure s : molecules) {
            double[] sv = new double[ALL_WIDTH];
            for (int k = 0; k < sv.length; k++) sv[k] = rng.nextGaussian();
            double[] av = new double[s.size() * ALL_WIDTH];
            for (int k = 0; k < av.length; k++) av[k] = rng.nextGaussian();
            labelled.add(s.withInfo(Map.of("s", Value.row(sv))).withArrays(Map.of("a", Value.ofReals(s.size(), ALL_WIDTH, av))));
        }
        return labelled;
    }

    /** Molecules with random (noise) spherical targets of every block: per structure "s", per atom "a". */
    @BeforeAll
    static void train() throws IOException {
        molecules = molecules(40, 5);
        ExtXyzWriter.writeAll(dir.resolve("random.xyz"), withRandomTargets(molecules, 9));
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, "seed: 2\nthreads: 2\ntraining_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  s: {type: spherical, blocks: " + ALL_BLOCKS + "}\n  a: {type: spherical, per_atom: true, blocks: " + ALL_BLOCKS + "}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 3}\n", StandardCharsets.UTF_8);
        model = new Trainer(Options.load(opts), dir, null).train(TrainingSession.Outputs.forModel(dir.resolve("m.tbm")), null).model();
    }

    @Test
    void everyBlockIsPredictedAndExactlyEquivariant() {
        assertThat(model.architecture()).isEqualTo("linear_ridge");
        assertEveryBlockPredictedAndEquivariant(model, molecules);
    }

    /** Every block of targets "s" and "a" (ALL_BLOCKS) predicts something and is equivariant to 1e-12 (also the kernel's test). */
    static void assertEveryBlockPredictedAndEquivariant(TrainedModel model, List<Structure> molecules) {
        Predictions p = model.predict(molecules, 2);
        // every block predicts something (else equivariance would be trivial), the pseudoscalar included
        for (String t : List.of("s", "a")) {
            for (int b = 0; b < 10; b++) {
                double norm = 0;
                for (int k = 0; k < molecules.size(); k++) {
                    double[] v = p.blocks(t, k).get(t + ":L" + (b / 2) + (b % 2 == 0 ? "+" : "-"));
                    for (double x : v) norm += x * x;
                }
                assertThat(norm).as(t + " block " + b).isGreaterThan(1e-12);
            }
        }
        for (SymmetryCheck.Result r : SymmetryCheck.run(model, molecules, p, 3, 17, 2)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-12);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-12);
        }
    }

    @Test
    void modelFileRoundTripsBitForBit() throws IOException {
        TrainedModel back = Architectures.load(dir.resolve("m.tbm"), 1);
        assertThat(back).isInstanceOf(LinearRidgeModel.class);
        Predictions a = model.predict(molecules, 2);
        Predictions b = back.predict(molecules, 1);
        for (String t : a.targets()) {
            for (int k = 0; k < molecules.size(); k++) assertThat(b.values(t, k)).isEqualTo(a.values(t, k));
        }
        assertThat(back.describe()).contains("s:L0-").contains("features");
        assertThat(Files.readString(dir.resolve("m.train.csv"))).startsWith("block,element,ridge,validation_rmse,chosen\n").contains("a:L2+,C,");
    }

    @Test
    void damagedModelFilesAreRejected() throws IOException {
        ModelFile.Contents c = ModelFile.read(dir.resolve("m.tbm"));
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>(c.tensors());
        String key = "s:L2+.weight";
        double[] bad = t.get(key).data().clone();
        bad[3] = Double.NaN;
        t.put(key, new ModelFile.Tensor(t.get(key).shape(), bad));
        Path nan = dir.resolve("nan.tbm");
        ModelFile.write(nan, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(nan, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("nan.tbm").hasMessageContaining(key).hasMessageContaining("non-finite");
        t.remove(key);
        Path missing = dir.resolve("missing.tbm");
        ModelFile.write(missing, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(missing, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("missing.tbm").hasMessageContaining(key).hasMessageContaining("missing");
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("architecture", "kernel_magic");
        Path foreign = dir.resolve("foreign.tbm");
        ModelFile.write(foreign, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(foreign, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("foreign.tbm").hasMessageContaining("kernel_magic").hasMessageContaining("linear_ridge");
    }

    /** Targets that are exactly linear in the features (random weights per element) are recovered to round-off. */
    @Test
    void noiseFreeLinearTargetsAreRecovered() throws IOException {
        Path d = Files.createDirectories(dir.resolve("linear"));
        List<Structure> mols = molecules(60, 21);
        // the model's own descriptor: these settings, species H and C, orders up to max_angular
        SphericalExpansion calc = new SphericalExpansion(new DescriptorSettings(4.0, 0.5, 1, 2, Z, PowerSpectrumForm.UNIQUE_PAIRS), 2);
        LambdaSoap l1 = new LambdaSoap(calc, 1, 1, 2);
        LambdaSoap l2 = new LambdaSoap(calc, 2, 1, 2);
        SplittableRandom rng = new SplittableRandom(4);
        double[][] w1 = {gauss(rng, l1.features()), gauss(rng, l1.features())};
        double[][] w2 = {gauss(rng, l2.features()), gauss(rng, l2.features())};
        List<Structure> labelled = new ArrayList<>();
        for (Structure s : mols) {
            double[] x1 = l1.compute(s);
            double[] x2 = l2.compute(s);
            double[] v = new double[s.size() * 3];
            double[] tot = new double[5];
            for (int i = 0; i < s.size(); i++) {
                int g = s.number(i) == 1 ? 0 : 1;
                for (int f = 0; f < l1.features(); f++) for (int m = 0; m < 3; m++) v[3 * i + m] += w1[g][f] * x1[(i * l1.features() + f) * 3 + m];
                for (int f = 0; f < l2.features(); f++) for (int m = 0; m < 5; m++) tot[m] += w2[g][f] * x2[(i * l2.features() + f) * 5 + m];
            }
            labelled.add(s.withInfo(Map.of("q", Value.row(tot))).withArrays(Map.of("v", Value.ofReals(s.size(), 3, v))));
        }
        ExtXyzWriter.writeAll(d.resolve("linear.xyz"), labelled);
        Path opts = d.resolve("options.yaml");
        Files.writeString(opts, "seed: 1\nthreads: 2\ntraining_set: linear.xyz\nvalidation_set: 0.2\ntest_set: 0.2\n"
            + "targets:\n  v: {type: spherical, per_atom: true, blocks: [[1, 1]]}\n  q: {type: spherical, blocks: [[2, 1]]}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 1, max_angular: 2}\n"
            + "training: {ridges: [1e-13, 1e-12]}\n", StandardCharsets.UTF_8);
        Trainer.Result r = new Trainer(Options.load(opts), d, null).train(TrainingSession.Outputs.forModel(d.resolve("lin.tbm")), null);
        assertThat(r.testMetrics()).isNotEmpty();
        for (var m : r.testMetrics()) assertThat(m.percentRmse()).as(m.name()).isLessThan(1e-6);
    }

    /**
     * training.ridge_selection: leave_one_out: the per-structure kernel blocks (dual form: 30 structures, more features)
     * choose their ridge by leave-one-out and say so, the per-atom ones keep the validation choice; the model is exactly
     * equivariant; a bad value is named.
     */
    @Test
    void leaveOneOutRidgeSelection(@TempDir Path other) throws IOException {
        List<Structure> mols = molecules(30, 8);
        ExtXyzWriter.writeAll(other.resolve("r.xyz"), withRandomTargets(mols, 3));
        Path opts = other.resolve("o.yaml");
        Files.writeString(opts, "seed: 2\nthreads: 2\ntraining_set: r.xyz\nvalidation_set: 0.2\ntest_set: 0.0\n"
            + "targets:\n  s: {type: spherical, blocks: " + ALL_BLOCKS + "}\n  a: {type: spherical, per_atom: true, blocks: " + ALL_BLOCKS + "}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 3}\n  kernel: {zeta: 1, sparse_points: 20}\n"
            + "training: {ridge_selection: leave_one_out}\n", StandardCharsets.UTF_8);
        List<String> log = new ArrayList<>();
        TrainingSession.Listener listener = new TrainingSession.Listener() {
            @Override
            public void message(String line) { log.add(line); }
        };
        TrainedModel m = new Trainer(Options.load(opts), other, listener).train(TrainingSession.Outputs.forModel(other.resolve("l.tbm")), null).model();
        assertThat(log).anyMatch(l -> l.startsWith("block s:L1+") && l.contains("by leave-one-out"))
            .anyMatch(l -> l.startsWith("block s:L2-") && l.contains("by leave-one-out"))
            .anyMatch(l -> l.startsWith("block a:L1+") && !l.contains("by leave-one-out"));
        assertThat(m.options().hypers().toYaml()).contains("ridge_selection: leave_one_out");
        for (org.tensorbasis.evaluation.SymmetryCheck.Result r : org.tensorbasis.evaluation.SymmetryCheck.run(m, mols, m.predict(mols, 2), 2, 5, 2)) {
            assertThat(r.max()).as(r.target()).isLessThan(1e-12);
        }
        String head = "training_set: t.xyz\ntargets: {mu: {}}\nmodel: {architecture: linear_ridge}\n";
        assertThatThrownBy(() -> Options.parse(head + "training: {ridge_selection: loo}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("training.ridge_selection").hasMessageContaining("leave_one_out");
        assertThat(LinearRidgeOptions.of(Options.parse(head, "o.yaml", Path.of("/b"))).leaveOneOut()).isFalse();
    }

    private static double[] gauss(SplittableRandom rng, int n) {
        double[] w = new double[n];
        for (int k = 0; k < n; k++) w[k] = rng.nextGaussian();
        return w;
    }

    @Test
    void badOptionsAreRejectedWithTheValidNames() {
        String head = "training_set: t.xyz\ntargets: {mu: {}}\n";
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_rige}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("o.yaml").hasMessageContaining("model.architecture")
            .hasMessageContaining("did you mean 'linear_ridge'");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge, bpnn: {num_hidden_layers: 2}}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.bpnn").hasMessageContaining("unknown option")
            .hasMessageContaining("soap");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge}\ntraining: {epochs: 5}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("training.epochs").hasMessageContaining("ridges");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge, soap: {power_spectrum: full}}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.soap.power_spectrum");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge}\ntraining: {ridges: [1.0, 0.1]}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("training.ridges").hasMessageContaining("increasing");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge}\ntraining: {ridges: []}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("training.ridges");
        LinearRidgeOptions d = LinearRidgeOptions.of(Options.parse(head + "model: {architecture: linear_ridge}\n", "o.yaml", Path.of("/b")));
        assertThat(d.ridges()).hasSize(13);
        assertThat(d.soap().maxRadial()).isEqualTo(5);
        // the resolved YAML reads back to the same options
        Options o = Options.parse(head + "model: {architecture: linear_ridge, soap: {max_angular: 3}}\ntraining: {ridges: [0.001, 1]}\n", "o.yaml", Path.of("/b"));
        Options again = Options.parse(o.toYaml(Path.of("/b")), "again.yaml", Path.of("/b"));
        assertThat(again.hypers()).isEqualTo(o.hypers());
        assertThat(again.toYaml(Path.of("/b"))).isEqualTo(o.toYaml(Path.of("/b")));
    }

    /**
     * position_basis: auto on molecules: the per-structure proper blocks (λ = 0..4) have position features (their own
     * features plus one per invariant feature), the per-atom and σ = −1 blocks not; the model file marks them (the
     * equivariance and round-trip tests above run with them); a crystal's prediction does not change when an atom is
     * wrapped into the next cell; the kernel builds them only from an explicit list.
     */
    @Test
    void perStructureProperBlocksHavePositionFeatures() {
        LinearRidgeModel m = (LinearRidgeModel) model;
        BlockFeatures invariant = BlockFeatures.of(m.expansion(), new org.tensorbasis.targets.Irrep(0, 1));
        for (int b = 0; b < m.blocks().size(); b++) {
            org.tensorbasis.targets.ModelBlock mb = m.blocks().get(b);
            boolean want = !mb.perAtom() && mb.sigma() == 1;
            assertThat(m.features(b).usesPositions()).as(mb.name()).isEqualTo(want);
            int own = BlockFeatures.of(m.expansion(), mb.irrep()).features();
            assertThat(m.features(b).features()).as(mb.name()).isEqualTo(own + (want ? invariant.features() : 0));
        }
        assertThat(org.tensorbasis.modelfile.ModelFile.read(dir.resolve("m.tbm")).metadata().get("model")).contains("\"positions\":true");
        Structure mol = molecules.get(0);
        org.tensorbasis.structure.Cell box = org.tensorbasis.structure.Cell.periodic(new double[] {30, 0, 0, 0, 30, 0, 0, 0, 30});
        double[] p = mol.positions();
        p[1] += 30;
        Predictions a = model.predict(List.of(mol.withGeometry(mol.positions(), box), mol.withGeometry(p, box)), 1);
        double[] s0 = a.values("s", 0), s1 = a.values("s", 1);
        for (int k = 0; k < s0.length; k++) assertThat(s1[k]).isCloseTo(s0[k], org.assertj.core.api.Assertions.within(1e-10 * (1 + Math.abs(s0[k]))));
        String head = "training_set: t.xyz\ntargets: {mu: {}}\n";
        // the kernel builds them only when asked by name (auto: none)
        assertThat(LinearRidgeOptions.of(Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 2}, position_basis: [0]}\n", "o.yaml",
            Path.of("/b"))).positionFeatures(m.blocks().get(0))).isTrue();
        assertThat(LinearRidgeOptions.of(Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 2}}\n", "o.yaml", Path.of("/b")))
            .positionFeatures(m.blocks().get(0))).isFalse();
    }

    /**
     * The pseudotensor blocks (λ = 0 and 1, σ = −1) of small O/C/H molecules, where some H atoms see nearly coplanar
     * neighbours: their features there are round-off (~1e-18), and scaled to a unit diagonal they got weights of 10¹⁸,
     * so that a rotated molecule (other round-off) got another prediction (relative deviations up to 94). Such
     * numerically zero features now get weight 0 (RidgeSystem.NUMERICAL_ZERO) and the blocks are exactly equivariant.
     */
    @Test
    void pseudotensorBlocksOfNearlyDegenerateEnvironmentsAreExactlyEquivariant(@TempDir Path other) throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        List<Structure> mols = new ArrayList<>();
        SplittableRandom values = new SplittableRandom(1);
        for (int m = 0; m < 24; m++) {
            Structure s = org.tensorbasis.RandomMolecules.of(rng, 5, 3.0, 0.9, new int[] {8, 6, 1, 1, 1});
            double[] v = new double[s.size() * 4];
            for (int k = 0; k < v.length; k++) v[k] = values.nextGaussian();
            mols.add(s.withArrays(Map.of("p", Value.ofReals(s.size(), 4, v))));
        }
        ExtXyzWriter.writeAll(other.resolve("p.xyz"), mols);
        Files.writeString(other.resolve("p.yaml"), "seed: 5\ntraining_set: p.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  p: {type: spherical, per_atom: true, blocks: [[0, -1], [1, -1]]}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 2}\n", StandardCharsets.UTF_8);
        TrainedModel m = new Trainer(Options.load(other.resolve("p.yaml")), other, null).train(TrainingSession.Outputs.forModel(other.resolve("p.tbm")), null).model();
        Predictions p = m.predict(mols, 1);
        double norm = 0;
        for (int k = 0; k < mols.size(); k++) for (double x : p.values("p", k)) norm += x * x;
        assertThat(norm).isGreaterThan(1e-12);
        for (SymmetryCheck.Result r : SymmetryCheck.run(m, mols, p, 3, 17, 1)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-12);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-12);
        }
    }

    /**
     * Strained rock-salt cells, where symmetry makes every axial vector vanish (a D2h site has none), so the λ = 1,
     * σ = −1 features are round-off (~1e-17 of the density scale); half of the cells have displaced atoms, where the
     * block is not zero. The kernel scales each atom's features to unit length: round-off scaled up was noise of size 1
     * that a rotated cell drew differently (the 64-element Born charges failed --check-symmetry by 3e-2). The kernel's
     * normalisation is now soft (SparseKernel.SOFT) and the linear model zeroes round-off (SparseKernel.NUMERICAL_ZERO):
     * per element, joint and linear, the block is exactly equivariant.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"{zeta: 2}", "{zeta: 2, element_coupling: 0.5}", "{zeta: 0}"})
    void axialBlocksOfSymmetricSitesAreExactlyEquivariant(String kernel, @TempDir Path other) throws IOException {
        SplittableRandom rng = new SplittableRandom(8);
        List<Structure> cells = new ArrayList<>();
        double a = 5.6;
        double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
        for (int c = 0; c < 16; c++) {
            double[] cell = new double[9];
            for (int i = 0; i < 3; i++) cell[4 * i] = a * (1 + 0.04 * (rng.nextDouble() - 0.5)); // orthorhombic strain: D2h sites
            int[] z = new int[8];
            double[] x = new double[24];
            for (int k = 0; k < 8; k++) {
                z[k] = k < 4 ? 11 : 17;
                double[] f = basis[k % 4].clone();
                if (k >= 4) f[0] += 0.5;
                for (int d = 0; d < 3; d++) {
                    x[3 * k + d] = f[d] * cell[4 * d];
                    if (c % 2 == 1) x[3 * k + d] += 0.15 * (rng.nextDouble() - 0.5); // displaced: the block is learnable
                }
            }
            double[] v = new double[24];
            for (int k = 0; k < v.length; k++) v[k] = rng.nextGaussian();
            cells.add(new Structure(z, x, org.tensorbasis.structure.Cell.periodic(cell), null, Map.of("ax", Value.ofReals(8, 3, v))));
        }
        ExtXyzWriter.writeAll(other.resolve("c.xyz"), cells);
        Files.writeString(other.resolve("c.yaml"), "seed: 5\ntraining_set: c.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  ax: {type: spherical, per_atom: true, blocks: [[1, -1]]}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.5, max_radial: 3, max_angular: 4}\n  kernel: " + kernel + "\n",
            StandardCharsets.UTF_8);
        TrainedModel m = new Trainer(Options.load(other.resolve("c.yaml")), other, null).train(TrainingSession.Outputs.forModel(other.resolve("c.tbm")), null).model();
        Predictions p = m.predict(cells, 1);
        double norm = 0;
        for (int k = 1; k < cells.size(); k += 2) for (double y : p.values("ax", k)) norm += y * y;
        assertThat(norm).as("the displaced cells get a prediction").isGreaterThan(1e-12);
        for (SymmetryCheck.Result r : SymmetryCheck.run(m, cells, p, 3, 17, 1)) {
            assertThat(r.proper()).as(r.target() + " proper").isLessThan(1e-10);
            assertThat(r.improper()).as(r.target() + " improper").isLessThan(1e-10);
        }
    }

    /** A descriptor whose normal equations cannot fit stops before anything large is allocated, with the numbers. */
    @Test
    void oversizedNormalEquationsStopBeforeAllocating() throws IOException {
        Path d = Files.createDirectories(dir.resolve("big"));
        Files.copy(dir.resolve("random.xyz"), d.resolve("random.xyz"));
        Path opts = d.resolve("options.yaml");
        Files.writeString(opts, "training_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  s: {type: spherical, blocks: " + ALL_BLOCKS + "}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 14, max_angular: 8}\n"
            + "training: {max_gram_gb: 1}\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new Trainer(Options.load(opts), d, null).train(TrainingSession.Outputs.forModel(d.resolve("m.tbm")), null))
            .isInstanceOf(BadInputException.class).hasMessageContaining("block s:L").hasMessageContaining("GB")
            .hasMessageContaining("max_radial").hasMessageContaining("max_gram_gb");
        assertThat(d.resolve("m.tbm")).doesNotExist();
    }

    @Test
    void trainingDataReadBackHasTheTargets() throws IOException {
        List<Structure> back = ExtXyzReader.readAll(dir.resolve("random.xyz"));
        assertThat(back).hasSize(40);
        assertThat(back.get(0).info().get("s").width()).isEqualTo(ALL_WIDTH);
    }
}
