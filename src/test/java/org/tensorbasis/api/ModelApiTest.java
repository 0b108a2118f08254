package org.tensorbasis.api;

import org.tensorbasis.lambdamcov.LambdaMcovOptions;

import org.tensorbasis.evaluation.Predictions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.evaluation.Metrics;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.targets.TargetLayout;

/**
 * The Java API on a model with a per-structure Cartesian target (mu), a per-atom general rank-2
 * target (sig, synthetic but rotation-equivariant) and a spherical target (mu_sph).
 */
class ModelApiTest {
    static final Path WATER = Path.of("data/water-monomer-200/water_monomer_200.xyz");
    static final int FRAMES = 40;

    @TempDir
    static Path dir;
    static Path options;
    static Trainer.Result result;
    static List<Structure> structures;
    static int epochsSeen;

    /**
     * Per-atom tensor of atom i: Σ_j e^{−r}(r_ij ⊗ r_ij) + 0.1 [a]×, a = Σ_{j<k} (|r_ij| − |r_ik|) r_ij × r_ik
     * (axial, so T is a proper tensor). The weight makes a a function of the environment (the same for
     * either order of j and k), so it vanishes where symmetry says it must: at a C2v site (the O of a
     * symmetric water). Without it a depends on the atoms' order, which no equivariant model can fit:
     * the model then amplifies round-off of near-vanishing axial basis elements to fit it.
     */
    static double[] sig(Structure s, int i) {
        double[] t = new double[9];
        double[] a = new double[3];
        for (int j = 0; j < s.size(); j++) {
            if (j == i) continue;
            double[] r = diff(s, i, j);
            double w = Math.exp(-Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]));
            for (int p = 0; p < 3; p++) for (int q = 0; q < 3; q++) t[3 * p + q] += w * r[p] * r[q];
            for (int k = j + 1; k < s.size(); k++) {
                if (k == i) continue;
                double[] u = diff(s, i, k);
                double f = Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) - Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
                a[0] += f * (r[1] * u[2] - r[2] * u[1]);
                a[1] += f * (r[2] * u[0] - r[0] * u[2]);
                a[2] += f * (r[0] * u[1] - r[1] * u[0]);
            }
        }
        // [a]× = [[0, −a_z, a_y], [a_z, 0, −a_x], [−a_y, a_x, 0]]
        t[1] -= 0.1 * a[2];
        t[2] += 0.1 * a[1];
        t[3] += 0.1 * a[2];
        t[5] -= 0.1 * a[0];
        t[6] -= 0.1 * a[1];
        t[7] += 0.1 * a[0];
        return t;
    }

    private static double[] diff(Structure s, int i, int j) {
        return new double[] {s.position(j, 0) - s.position(i, 0), s.position(j, 1) - s.position(i, 1), s.position(j, 2) - s.position(i, 2)};
    }

    @BeforeAll
    static void train() throws IOException {
        List<String> lines = Files.readAllLines(WATER, StandardCharsets.UTF_8).subList(0, FRAMES * 5);
        List<Structure> frames = ExtXyzReader.readAll(WATER).subList(0, FRAMES);
        List<String> out = new ArrayList<>();
        for (int f = 0; f < FRAMES; f++) {
            Structure s = frames.get(f);
            double[] mu = s.info().get("mu").toDoubles();
            String comment = lines.get(5 * f + 1).replace("species:S:1:pos:R:3", "species:S:1:pos:R:3:sig:R:9");
            // spherical λ = 1 order is (y, z, x)
            comment += String.format(Locale.ROOT, " mu_sph=\"%s %s %s\"", mu[1], mu[2], mu[0]);
            out.add(lines.get(5 * f));
            out.add(comment);
            for (int i = 0; i < 3; i++) {
                StringBuilder sb = new StringBuilder(lines.get(5 * f + 2 + i));
                for (double v : sig(s, i)) sb.append(' ').append(v);
                out.add(sb.toString());
            }
        }
        Files.write(dir.resolve("water40.xyz"), out, StandardCharsets.UTF_8);
        options = dir.resolve("options.yaml");
        Files.writeString(options, """
            seed: 11
            threads: 2
            training_set: water40.xyz
            validation_set: 0.2
            test_set: 0.1
            targets:
              mu: {unit: "a.u."}
              sig: {per_atom: true, type: cartesian, rank: 2, symmetric: false}
              mu_sph: {type: spherical, blocks: [[1, 1]]}
            model:
              soap: {max_radial: 3, max_angular: 2}
              bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}
            training: {epochs: 3, batch_size: 8, learning_rate: 0.005}
            """, StandardCharsets.UTF_8);
        structures = ExtXyzReader.readAll(dir.resolve("water40.xyz"));
        result = Trainer.fromOptions(options).listener(new Trainer.Listener() {
            @Override
            public void epoch(org.tensorbasis.architecture.TrainingSession.EpochReport report) {
                epochsSeen++;
            }
        }).train(dir.resolve("m.tbm"));
    }

    @Test
    void trainResult() {
        assertThat(result.interrupted()).isFalse();
        assertThat(result.model()).isNotNull();
        assertThat(result.outputs().model()).exists();
        assertThat(result.outputs().checkpoint()).exists();
        assertThat(result.outputs().csv()).exists();
        assertThat(result.outputs().options()).exists();
        assertThat(epochsSeen).isEqualTo(3);
        assertThat(result.bestEpoch()).isBetween(1, 3);
        assertThat(result.validationMetrics()).extracting(Metrics::name).contains("mu", "sig", "mu_sph", "sig:L1-");
        assertThat(result.testMetrics()).extracting(Metrics::name).contains("mu", "sig", "mu_sph");
    }

    @Test
    void modelDescription() {
        Model m = Model.load(dir.resolve("m.tbm"));
        assertThat(m.targets()).containsExactly("mu", "sig", "mu_sph");
        assertThat(m.species()).containsExactly(1, 8);
        assertThat(m.isPerAtom("sig")).isTrue();
        assertThat(m.isPerAtom("mu")).isFalse();
        assertThat(m.width("sig")).isEqualTo(9);
        assertThat(m.width("mu_sph")).isEqualTo(3);
        assertThat(m.blocks("sig")).containsExactly("sig:L0+", "sig:L1-", "sig:L2+");
        assertThat(LambdaMcovOptions.of(m.options()).training().epochs()).isEqualTo(3);
        assertThat(m.optionsYaml()).contains("per_atom: true");
        assertThat(m.provenance()).containsKey("training_set_sha256");
        assertThatThrownBy(() -> m.width("nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mu, sig, mu_sph");
    }

    @Test
    void loadedModelPredictsLikeTheTrainedOne() {
        Model loaded = Model.load(dir.resolve("m.tbm"));
        List<Prediction> a = result.model().predict(structures);
        List<Prediction> b = loaded.predict(structures);
        assertThat(b).hasSize(FRAMES);
        for (int k = 0; k < FRAMES; k++) {
            for (String t : loaded.targets()) {
                assertThat(b.get(k).tensor(t)).isEqualTo(a.get(k).tensor(t));
                for (String blk : loaded.blocks(t)) assertThat(b.get(k).spherical(t, blk).values()).isEqualTo(a.get(k).spherical(t, blk).values());
            }
        }
    }

    @Test
    void layoutsOfThePrediction() {
        Model m = Model.load(dir.resolve("m.tbm"));
        Prediction p = m.predict(structures.get(5));
        assertThat(p.targets()).containsExactly("mu", "sig", "mu_sph");
        assertThat(p.rows("mu")).isEqualTo(1);
        assertThat(p.tensor("mu")).hasSize(3);
        assertThat(p.rows("sig")).isEqualTo(3);
        assertThat(p.isPerAtom("sig")).isTrue();
        assertThat(p.width("sig")).isEqualTo(9);
        double[] sig = p.tensor("sig");
        assertThat(sig).hasSize(3 * 9);
        Map<String, SphericalBlock> blocks = p.spherical("sig");
        assertThat(blocks.keySet()).containsExactly("sig:L0+", "sig:L1-", "sig:L2+");
        assertThat(blocks.get("sig:L1-").lambda()).isEqualTo(1);
        assertThat(blocks.get("sig:L1-").sigma()).isEqualTo(-1);
        assertThat(blocks.get("sig:L2+").values()).hasSize(3 * 5);
        assertThat(blocks.get("sig:L2+").dim()).isEqualTo(5);
        // the Cartesian rows decompose into the spherical blocks
        TargetLayout layout = m.trainedModel().layouts().get("sig");
        for (int r = 0; r < 3; r++) {
            double[] sph = layout.toSpherical(sig, 9 * r);
            for (int b = 0; b < layout.blocks().size(); b++) {
                TargetLayout.Block blk = layout.blocks().get(b);
                double[] got = new double[blk.dim()];
                layout.gather(sph, b, got, 0);
                double[] v = blocks.get(blk.name()).values();
                for (int mu = 0; mu < blk.dim(); mu++) assertThat(got[mu]).isCloseTo(v[r * blk.dim() + mu], within(1e-12));
            }
        }
        // a spherical target's file layout is its block
        assertThat(p.tensor("mu_sph")).isEqualTo(p.spherical("mu_sph", "mu_sph:L1+").values());
        // copies: callers cannot change the prediction
        p.tensor("mu")[0] = 1e9;
        p.spherical("mu").values().iterator().next().values()[0] = 1e9;
        assertThat(p.tensor("mu")[0]).isNotEqualTo(1e9);
        assertThat(p.spherical("mu", "mu:L1+").values()[0]).isNotEqualTo(1e9);
        assertThatThrownBy(() -> p.tensor("alpha")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.spherical("sig", "sig:L3+")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Predictions rotate with the structure: mu → R mu, sig_i → R sig_i Rᵀ (row-major layout). */
    @Test
    void predictionsAreEquivariant() {
        Model m = Model.load(dir.resolve("m.tbm"));
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 3; trial++) {
            double[] rot = randomRotation(rng);
            Structure s = structures.get(trial * 7);
            double[] pos = s.positions();
            double[] rp = new double[pos.length];
            for (int i = 0; i < s.size(); i++) {
                for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) rp[3 * i + a] += rot[3 * a + b] * pos[3 * i + b];
            }
            Prediction p = m.predict(s);
            Prediction q = m.predict(s.withGeometry(rp, null));
            double[] mu = p.tensor("mu");
            double[] muR = q.tensor("mu");
            for (int a = 0; a < 3; a++) {
                double e = 0;
                for (int b = 0; b < 3; b++) e += rot[3 * a + b] * mu[b];
                assertThat(muR[a]).isCloseTo(e, within(1e-10));
            }
            double[] sig = p.tensor("sig");
            double[] sigR = q.tensor("sig");
            for (int i = 0; i < 3; i++) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        double e = 0;
                        for (int c = 0; c < 3; c++) for (int d = 0; d < 3; d++) e += rot[3 * a + c] * sig[9 * i + 3 * c + d] * rot[3 * b + d];
                        assertThat(sigR[9 * i + 3 * a + b]).isCloseTo(e, within(1e-10));
                    }
                }
            }
        }
    }

    private static double[] randomRotation(SplittableRandom rng) {
        // unit quaternion
        double w = rng.nextGaussian(), x = rng.nextGaussian(), y = rng.nextGaussian(), z = rng.nextGaussian();
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n; x /= n; y /= n; z /= n;
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
    }

    /** One structure or a batch: the same numbers up to rounding (BLAS blocking depends on the batch size). */
    @Test
    void singleAndBatchAgree() {
        Model m = Model.load(dir.resolve("m.tbm"));
        List<Prediction> all = m.predict(structures);
        for (int k = 0; k < FRAMES; k += 9) {
            Prediction one = m.predict(structures.get(k));
            for (String t : m.targets()) {
                double[] a = all.get(k).tensor(t);
                double[] b = one.tensor(t);
                for (int i = 0; i < a.length; i++) assertThat(b[i]).isCloseTo(a[i], within(1e-11 * (1 + Math.abs(a[i]))));
            }
        }
        assertThat(m.predict(List.of())).isEmpty();
    }

    @Test
    void unknownSpeciesIsBadInput() {
        Model m = Model.load(dir.resolve("m.tbm"));
        Structure s = structures.get(0);
        int[] z = s.numbers();
        z[2] = 6;
        Structure carbon = new Structure(z, s.positions());
        assertThatThrownBy(() -> m.predict(List.of(s, carbon))).isInstanceOf(BadInputException.class)
            .hasMessageContaining("frame 1").hasMessageContaining("'species'").hasMessageContaining("atom 2 is C");
    }

    @Test
    void concurrentCallersGetTheSequentialResults() throws Exception {
        Model m = Model.load(dir.resolve("m.tbm"));
        List<Prediction> expected = m.predict(structures);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Prediction>>> futures = new ArrayList<>();
            for (int k = 0; k < 8; k++) futures.add(pool.submit(() -> m.predict(structures)));
            for (Future<List<Prediction>> f : futures) {
                List<Prediction> got = f.get();
                for (int k = 0; k < FRAMES; k++) {
                    for (String t : m.targets()) assertThat(got.get(k).tensor(t)).isEqualTo(expected.get(k).tensor(t));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stopAndResumeThroughTheFacade() throws IOException {
        Path out = dir.resolve("stopped.tbm");
        Trainer t = Trainer.fromOptions(options);
        t.listener(new Trainer.Listener() {
            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (epoch == 1 && batch == 2) t.requestStop();
            }
        });
        Trainer.Result stopped = t.train(out);
        assertThat(stopped.interrupted()).isTrue();
        assertThat(stopped.model()).isNull();
        assertThat(out).doesNotExist();
        t.listener(null);
        Trainer.Result resumed = t.resume(out, stopped.outputs().checkpoint());
        assertThat(resumed.interrupted()).isFalse();
        ModelFile.Contents a = ModelFile.read(out);
        ModelFile.Contents b = ModelFile.read(dir.resolve("m.tbm"));
        for (String k : b.tensors().keySet()) assertThat(a.tensors().get(k).data()).as(k).isEqualTo(b.tensors().get(k).data());
        assertThat(resumed.bestEpoch()).isEqualTo(result.bestEpoch());
    }

    @Test
    void fromYamlResolvesAgainstBaseAndReportsErrors() {
        Trainer t = Trainer.fromYaml("training_set: water40.xyz\ntargets: {mu: {}}\n", dir);
        assertThat(t.options().trainingSet().file()).isEqualTo(dir.toAbsolutePath().resolve("water40.xyz"));
        assertThatThrownBy(() -> Trainer.fromYaml("training_set: a.xyz\ntargets: {mu: {}}\ntraining: {epochz: 2}\n", dir))
            .isInstanceOf(BadInputException.class).hasMessageContaining("line 3").hasMessageContaining("did you mean 'epochs'");
        assertThatThrownBy(() -> Model.load(dir.resolve("missing.tbm"))).isInstanceOf(BadInputException.class)
            .hasMessageContaining("missing.tbm");
    }
}
