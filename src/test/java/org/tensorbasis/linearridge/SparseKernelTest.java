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
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.Trainer;

/**
 * The sparse λ-SOAP kernel of linear_ridge ({@code model.kernel.zeta} ≥ 1) end to end: exact equivariance of every
 * block λ = 0..4, σ = ±1, per structure and per atom; the collapsed predictor equal to the Nyström features the ridge
 * was fitted on; the model file round trip; farthest-point sampling; bad options and damaged files.
 */
class SparseKernelTest {
    @TempDir
    static Path dir;
    static List<Structure> molecules;
    static TrainedModel model;

    @BeforeAll
    static void train() throws IOException {
        molecules = LinearRidgeArchitectureTest.molecules(40, 5);
        ExtXyzWriter.writeAll(dir.resolve("random.xyz"), LinearRidgeArchitectureTest.withRandomTargets(molecules, 9));
        Path opts = dir.resolve("options.yaml");
        String blocks = LinearRidgeArchitectureTest.ALL_BLOCKS;
        Files.writeString(opts, "seed: 2\nthreads: 2\ntraining_set: random.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  s: {type: spherical, blocks: " + blocks + "}\n  a: {type: spherical, per_atom: true, blocks: " + blocks + "}\n"
            + "model:\n  architecture: linear_ridge\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 3}\n"
            + "  kernel: {zeta: 2, sparse_points: 25}\n", StandardCharsets.UTF_8);
        model = new Trainer(Options.load(opts), dir, null).train(TrainingSession.Outputs.forModel(dir.resolve("k.tbm")), null).model();
    }

    @Test
    void everyBlockIsPredictedAndExactlyEquivariant() {
        LinearRidgeModel m = (LinearRidgeModel) model;
        for (int b = 0; b < m.blocks().size(); b++) assertThat(m.kernel(b)).as(m.blocks().get(b).name()).isNotNull();
        LinearRidgeArchitectureTest.assertEveryBlockPredictedAndEquivariant(model, molecules);
    }

    /**
     * The fitted model is stored collapsed (U = Σ_ν X̂ a); for any weights w on the whitened Nyström features ψ the
     * collapsed predictor gives w · ψ, per atom and summed per structure, for every block.
     */
    @Test
    void collapsedPredictorEqualsTheNystromFeatures() {
        LinearRidgeModel m = (LinearRidgeModel) model;
        List<Structure> train = molecules.subList(0, 20);
        SparseKernel sk = SparseKernel.select(m, train, 2, 12, 3, 1);
        SparseKernel.KernelFeatures[] kf = sk.blocks(m, train, 1);
        int ns = m.species().length;
        for (int g = 0; g < ns; g++) assertThat(sk.count(g)).isEqualTo(12);
        SplittableRandom rng = new SplittableRandom(11);
        LinearRidgeModel.Workspace ws = m.new Workspace();
        BlockFeatures scalar = SparseKernel.scalarFeatures(m);
        for (int b = 0; b < kf.length; b++) {
            SparseKernel.KernelFeatures f = kf[b];
            int P = m.blocks().get(b).properties(), C = f.components(), Fp = f.features();
            double[] w = new double[ns * P * Fp];
            for (int k = 0; k < w.length; k++) w[k] = rng.nextGaussian();
            RidgeWeights rw = new RidgeWeights(ns, P, Fp, C, w);
            KernelWeights kw = f.predictor(rw);
            for (Structure s : List.of(molecules.get(3), molecules.get(30))) {
                int n = s.size();
                int[] gr = m.groups(s);
                ws.expand(s);
                double[] psi = new double[n * Fp * C];
                f.fromExpansions(ws.blocks, gr, 0, n, psi, 0);
                f.whitenBatch(List.of(psi), List.<int[]>of(gr), 1);
                double[] viaPsi = new double[n * P * C];
                for (int i = 0; i < n; i++) rw.predict(gr[i], psi, i * Fp * C, 1, viaPsi, i * P * C);
                // the collapsed form, from the normalised raw features
                BlockFeatures raw = m.features(b);
                double[] x = new double[n * raw.rowSize()];
                raw.fromExpansions(ws.blocks, 0, n, x, 0);
                double[] ph = new double[n * scalar.features()];
                scalar.fromExpansions(ws.blocks, 0, n, ph, 0);
                SparseKernel.normalize(raw, m.blocks().get(b).irrep(), x, 0, n, SparseKernel.invariantNorms(ph, 0, n, scalar.features()), 0, SparseKernel.SOFT);
                SparseKernel.normalize(ph, 0, n, scalar.features(), true);
                double[] collapsed = new double[n * P * C];
                double[] t = new double[kw.maxCount()], v = new double[P * raw.features()];
                for (int i = 0; i < n; i++) kw.addAtom(gr[i], x, i * raw.rowSize(), ph, i * scalar.features(), collapsed, i * P * C, t, v);
                double scale = 0;
                for (double y : viaPsi) scale = Math.max(scale, Math.abs(y));
                assertThat(scale).as("block %d predicts something", b).isGreaterThan(1e-6);
                for (int k = 0; k < viaPsi.length; k++) {
                    assertThat(Math.abs(collapsed[k] - viaPsi[k])).as("block %d entry %d", b, k).isLessThan(1e-9 * scale);
                }
                // the batched form (every atom of the structure in two products per term): the same sums, to round-off
                double[] batched = new double[n * P * C];
                kw.addAtoms(gr, n, x, raw.rowSize(), ph, batched);
                for (int k = 0; k < batched.length; k++) {
                    assertThat(Math.abs(batched[k] - collapsed[k])).as("block %d entry %d batched", b, k).isLessThan(1e-13 * scale);
                }
                // per structure: the whitened sum of the atoms' kernel rows is the sum of their ψ
                double[] design = new double[ns * Fp * C];
                f.fromExpansions(ws.blocks, gr, 0, n, psi, 0);
                StructureDesign.sum(psi, 0, n, gr, ns, Fp, C, design, 0);
                f.whitenBatch(List.of(design), null, 1);
                double[] sum = new double[P * C];
                double[] direct = new double[P * C];
                for (int i = 0; i < n; i++) for (int k = 0; k < P * C; k++) direct[k] += viaPsi[i * P * C + k];
                new RidgeWeights(1, P, ns * Fp, C, perStructure(w, ns, P, Fp)).predict(0, design, 0, 1, sum, 0);
                for (int k = 0; k < sum.length; k++) assertThat(Math.abs(sum[k] - direct[k])).as("block %d structure", b).isLessThan(1e-9 * scale * n);
            }
        }
    }

    /**
     * The kernel blocks of a structure's atoms are evaluated together: a file predicts bit for bit the same on 1 and 2
     * threads, and each structure the same alone as in the file.
     */
    @Test
    void kernelPredictionsDoNotDependOnThreadsOrNeighbours() {
        List<Structure> many = new ArrayList<>();
        for (int r = 0; r < 4; r++) many.addAll(molecules);
        Predictions one = model.predict(many, 1), two = model.predict(many, 2);
        for (int k = 0; k < many.size(); k++) {
            assertThat(two.values("a", k)).isEqualTo(one.values("a", k));
            assertThat(two.values("s", k)).isEqualTo(one.values("s", k));
        }
        for (int k = 0; k < many.size(); k += 37) {
            Predictions alone = model.predict(List.of(many.get(k)), 1);
            assertThat(alone.values("a", 0)).isEqualTo(one.values("a", k));
            assertThat(alone.values("s", 0)).isEqualTo(one.values("s", k));
        }
    }

    /** Per-atom weights [S][P][F] as the one-group structure design [P][S·F]. */
    private static double[] perStructure(double[] w, int ns, int P, int F) {
        double[] out = new double[w.length];
        for (int g = 0; g < ns; g++) for (int p = 0; p < P; p++) System.arraycopy(w, (g * P + p) * F, out, p * ns * F + g * F, F);
        return out;
    }

    @Test
    void modelFileRoundTripsBitForBitAndDamageIsNamed() throws IOException {
        TrainedModel back = Architectures.load(dir.resolve("k.tbm"), 1);
        Predictions a = model.predict(molecules, 2);
        Predictions b = back.predict(molecules, 1);
        for (String t : a.targets()) {
            for (int k = 0; k < molecules.size(); k++) assertThat(b.values(t, k)).isEqualTo(a.values(t, k));
        }
        assertThat(back.describe()).contains("s:L2+ (").contains("kernel zeta 2, 50 sparse points");
        ModelFile.Contents c = ModelFile.read(dir.resolve("k.tbm"));
        assertThat(c.tensors()).containsKey(LinearRidgeModel.KERNEL_INVARIANTS).containsKey("s:L2+" + LinearRidgeModel.KERNEL_WEIGHT)
            .doesNotContainKey("s:L2+.weight");
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>(c.tensors());
        String key = "a:L1-" + LinearRidgeModel.KERNEL_WEIGHT;
        double[] bad = t.get(key).data().clone();
        bad[1] = Double.POSITIVE_INFINITY;
        t.put(key, new ModelFile.Tensor(t.get(key).shape(), bad));
        Path inf = dir.resolve("inf.tbm");
        ModelFile.write(inf, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(inf, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("inf.tbm").hasMessageContaining(key).hasMessageContaining("non-finite");
        t = new LinkedHashMap<>(c.tensors());
        t.remove(LinearRidgeModel.KERNEL_INVARIANTS);
        Path missing = dir.resolve("missing.tbm");
        ModelFile.write(missing, c.metadata(), t);
        assertThatThrownBy(() -> Architectures.load(missing, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("missing.tbm").hasMessageContaining(LinearRidgeModel.KERNEL_INVARIANTS).hasMessageContaining("missing");
    }

    /** The soft scale of the normalisation is recorded; files without it (the first soft normalisation) read 1e-6; bad values are named. */
    @Test
    @SuppressWarnings("unchecked")
    void theSoftScaleIsRecordedAndFilesWithoutItReadTheOldOne() throws IOException {
        ModelFile.Contents c = ModelFile.read(dir.resolve("k.tbm"));
        Map<String, Object> m = (Map<String, Object>) org.tensorbasis.io.Json.parse(c.metadata().get("model"));
        Map<String, Object> km = (Map<String, Object>) m.get("kernel");
        assertThat(((Number) km.get("soft_normalization")).doubleValue()).isEqualTo(SparseKernel.SOFT);
        assertThat(((LinearRidgeModel) Architectures.load(dir.resolve("k.tbm"), 1)).kernelSoft()).isEqualTo(SparseKernel.SOFT);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        km.remove("soft_normalization");
        meta.put("model", org.tensorbasis.io.Json.write(m));
        Path old = dir.resolve("old-soft.tbm");
        ModelFile.write(old, meta, c.tensors());
        LinearRidgeModel back = (LinearRidgeModel) Architectures.load(old, 1);
        assertThat(back.kernelSoft()).isEqualTo(SparseKernel.LEGACY_SOFT);
        back.predict(molecules, 1); // predicts (with the old scale)
        km.put("soft_normalization", -1.0);
        meta.put("model", org.tensorbasis.io.Json.write(m));
        Path bad = dir.resolve("bad-soft.tbm");
        ModelFile.write(bad, meta, c.tensors());
        assertThatThrownBy(() -> Architectures.load(bad, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("bad-soft.tbm").hasMessageContaining("soft_normalization");
    }

    /**
     * {@code model.kernel.soft_normalization}: the option's η is the one the fit and the predictions use, recorded in the
     * file and read back bit for bit; the model stays exactly equivariant; another η gives another model; bad values are named.
     */
    @Test
    void theSoftScaleIsAnOption() throws IOException {
        Path d = Files.createDirectories(dir.resolve("soft"));
        Files.copy(dir.resolve("random.xyz"), d.resolve("random.xyz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(d.resolve("o.yaml"), Files.readString(dir.resolve("options.yaml"))
            .replace("kernel: {zeta: 2, sparse_points: 25}", "kernel: {zeta: 2, sparse_points: 25, soft_normalization: 0.5}"));
        LinearRidgeModel m = (LinearRidgeModel) new Trainer(Options.load(d.resolve("o.yaml")), d, null)
            .train(TrainingSession.Outputs.forModel(d.resolve("s.tbm")), null).model();
        assertThat(m.kernelSoft()).isEqualTo(0.5);
        LinearRidgeModel back = (LinearRidgeModel) Architectures.load(d.resolve("s.tbm"), 1);
        assertThat(back.kernelSoft()).isEqualTo(0.5);
        Predictions p = m.predict(molecules, 1), q = back.predict(molecules, 1), k = model.predict(molecules, 1);
        boolean differs = false;
        for (int i = 0; i < molecules.size(); i++) {
            assertThat(q.values("a", i)).isEqualTo(p.values("a", i));
            assertThat(q.values("s", i)).isEqualTo(p.values("s", i));
            differs |= !java.util.Arrays.equals(p.values("a", i), k.values("a", i));
        }
        assertThat(differs).as("η = 0.5 fits another model than η = 1e-3").isTrue();
        LinearRidgeArchitectureTest.assertEveryBlockPredictedAndEquivariant(m, molecules);
        for (String bad : new String[] {"0", "101", "-1"}) {
            Files.writeString(d.resolve("b.yaml"), Files.readString(d.resolve("o.yaml")).replace("soft_normalization: 0.5", "soft_normalization: " + bad));
            assertThatThrownBy(() -> Options.load(d.resolve("b.yaml"))).as(bad).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model.kernel.soft_normalization");
        }
    }

    @Test
    void farthestPointSamplingIsDeterministicAndSkipsDuplicates() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 60, len = 7;
        double[] rows = new double[n * len];
        for (int r = 0; r < n; r++) {
            if (r % 3 == 2) {
                System.arraycopy(rows, (r - 1) * len, rows, r * len, len); // a duplicate of the previous row
                continue;
            }
            for (int k = 0; k < len; k++) rows[r * len + k] = Math.abs(rng.nextGaussian());
            SparseKernel.normalize(rows, r * len, 1, len, false);
        }
        int[] a = SparseKernel.farthestPoints(rows, n, len, 30);
        assertThat(a).hasSize(30).startsWith(0).doesNotHaveDuplicates();
        assertThat(SparseKernel.farthestPoints(rows, n, len, 30)).isEqualTo(a);
        // asking for every row: only the 40 distinct ones come back
        assertThat(SparseKernel.farthestPoints(rows, n, len, 100)).hasSize(40);
        assertThat(SparseKernel.farthestPoints(rows, n, len, 55)).hasSize(40);
        // each pick is the farthest from the ones before it
        double prev = Double.POSITIVE_INFINITY;
        for (int k = 1; k < a.length; k++) {
            double d = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) d = Math.min(d, dist2(rows, a[k], a[j], len));
            assertThat(d).isLessThanOrEqualTo(prev + 1e-12);
            prev = d;
        }
    }

    private static double dist2(double[] rows, int a, int b, int len) {
        double s = 0;
        for (int k = 0; k < len; k++) s += (rows[a * len + k] - rows[b * len + k]) * (rows[a * len + k] - rows[b * len + k]);
        return s;
    }

    /** The memory estimate of the fit's check counts exactly the sparse features and kernel factors it allocates. */
    @Test
    void memoryEstimatesMatchTheAllocations() {
        LinearRidgeModel m = (LinearRidgeModel) model;
        List<Structure> train = molecules.subList(0, 20);
        SparseKernel sk = SparseKernel.select(m, train, 2, 12, 3, 1);
        double[][][] xt = sk.sparseFeatures(m, train, 1);
        int ns = m.species().length;
        for (int b = 0; b < xt.length; b++) {
            BlockFeatures raw = m.features(b);
            long held = 0;
            for (double[] a : xt[b]) held += a.length * 8L;
            assertThat(held).as("block %d sparse features", b).isEqualTo(SparseKernel.featureBytes(ns, 12, raw.features(), raw.components()));
            long n = 12L * raw.components();
            // the kernel and its factor, per element, while a block is factored
            assertThat(SparseKernel.factorBytes(ns, 12, raw.components())).isEqualTo(ns * 2 * n * n * 8);
            SparseKernel.KernelFeatures f = sk.features(m, b, xt[b]);
            assertThat(f.features()).isEqualTo(12 * raw.components());
        }
    }

    @Test
    void badKernelOptionsAreRejected() {
        String head = "training_set: t.xyz\ntargets: {mu: {}}\n";
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 9}}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("o.yaml").hasMessageContaining("model.kernel.zeta");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 2, sparse_points: 0}}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.kernel.sparse_points");
        assertThatThrownBy(() -> Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 2, points: 10}}\n", "o.yaml", Path.of("/b")))
            .isInstanceOf(BadInputException.class).hasMessageContaining("model.kernel.points").hasMessageContaining("sparse_points");
        Options o = Options.parse(head + "model: {architecture: linear_ridge, kernel: {zeta: 3, sparse_points: 77}}\n", "o.yaml", Path.of("/b"));
        LinearRidgeOptions h = LinearRidgeOptions.of(o);
        assertThat(h.zeta()).isEqualTo(3);
        assertThat(h.sparsePoints()).isEqualTo(77);
        Options again = Options.parse(o.toYaml(Path.of("/b")), "again.yaml", Path.of("/b"));
        assertThat(again.hypers()).isEqualTo(o.hypers());
        assertThat(LinearRidgeOptions.of(Options.parse(head + "model: {architecture: linear_ridge}\n", "o.yaml", Path.of("/b"))).kernel()).isFalse();
    }
}
