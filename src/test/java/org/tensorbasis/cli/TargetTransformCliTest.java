package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.tensorbasis.RandomMolecules;
import org.tensorbasis.api.Model;
import org.tensorbasis.equivariant.SymmetricMatrices;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.io.Json;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * {@code targets.<name>.transform: log} and {@code intensive: true} end to end, for both architectures: train and
 * eval on small random crystals with a dielectric-like target ε = exp(M), M an intensive mean of pair terms;
 * predictions symmetric positive definite, metrics in ε's units, a supercell predicted as its primitive cell;
 * and the bad inputs (exit 2, one line naming file, frame and field).
 */
class TargetTransformCliTest {
    @TempDir
    static Path dir;

    static Path data;
    static Path test;
    static List<Structure> testFrames;

    @BeforeAll
    static void crystals() throws IOException {
        SplittableRandom rng = new SplittableRandom(17);
        List<Structure> all = new ArrayList<>();
        while (all.size() < 70) {
            Structure s = RandomMolecules.crystal(rng, 2 + rng.nextInt(4), 3.6, 8, 14);
            if (NeighborList.build(s, 1.2).pairs() > 0) continue; // atoms at least 1.2 Å apart
            all.add(s.withInfo(Map.of("eps", Value.ofReals(1, 9, epsilon(s)), "mu", Value.ofReals(1, 3, new double[] {0.1, 0.2, 0.3}))));
        }
        data = dir.resolve("crystals.xyz");
        ExtXyzWriter.writeAll(data, all.subList(0, 60));
        testFrames = all.subList(60, 70);
        test = dir.resolve("test.xyz");
        ExtXyzWriter.writeAll(test, testFrames);
    }

    /**
     * ε = exp(M), M = 0.8 I + (1/N) Σ_i Σ_j (0.5 + 0.5 [Z_i = 14]) e^{−r²/4} r̂ r̂ᵀ over neighbours within 3.5 Å: symmetric
     * positive definite, equivariant and intensive (the same for any supercell), eigenvalues from e^0.8 ≈ 2.2 up.
     */
    static double[] epsilon(Structure s) {
        NeighborList nl = NeighborList.build(s, 3.5);
        double[] m = new double[9];
        for (int i = 0; i < s.size(); i++) {
            double w = s.number(i) == 14 ? 1.0 : 0.5;
            for (int p = nl.offsets()[i]; p < nl.offsets()[i + 1]; p++) {
                double r = nl.distances()[p];
                double g = w * Math.exp(-r * r / 4) / (r * r);
                for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) m[3 * a + b] += g * nl.vectors()[3 * p + a] * nl.vectors()[3 * p + b];
            }
        }
        for (int k = 0; k < 9; k++) m[k] = m[k] / s.size() + (k % 4 == 0 ? 0.8 : 0);
        return SymmetricMatrices.exp(m);
    }

    /** The structure repeated twice along its first lattice vector (the same crystal, twice the atoms). */
    static Structure supercell(Structure s) {
        int n = s.size();
        double[] v = s.cell().vectors();
        int[] z = new int[2 * n];
        double[] x = new double[6 * n];
        for (int i = 0; i < n; i++) {
            z[i] = z[n + i] = s.number(i);
            for (int k = 0; k < 3; k++) {
                x[3 * i + k] = s.position(i, k);
                x[3 * (n + i) + k] = s.position(i, k) + v[k];
            }
        }
        double[] big = v.clone();
        for (int k = 0; k < 3; k++) big[k] *= 2;
        return new Structure(z, x, Cell.periodic(big), null, null);
    }

    static String options(String architecture, String target) {
        String model = architecture.equals("linear_ridge")
            ? "model: {architecture: linear_ridge, soap: {cutoff: 3.5, max_radial: 3, max_angular: 2}}\n"
            : "model: {soap: {cutoff: 3.5, max_radial: 3, max_angular: 2}, bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}}\n"
                + "training: {epochs: 3, batch_size: 8, checkpoint_interval: 0}\n";
        return "seed: 1\nthreads: 2\ntraining_set: " + data + "\nvalidation_set: 0.2\ntest_set: 0.0\ntargets:\n  eps: " + target + "\n" + model;
    }

    static CliRun train(String name, String options) throws IOException {
        Path opts = dir.resolve(name + ".yaml");
        Files.writeString(opts, options, StandardCharsets.UTF_8);
        return CliRun.of("train", opts.toString(), "-o", dir.resolve(name + "/m.tbm").toString());
    }

    static double[] eps(Structure s, String key) {
        return s.info().get(key).toDoubles();
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear_ridge", "lambda_mcov"})
    void logAndIntensivePredictPositiveDefiniteTensorsWithMetricsInTheTargetsUnits(String architecture) throws IOException {
        String name = "log-" + architecture;
        CliRun t = train(name, options(architecture, "{symmetric: true, transform: log, intensive: true}"));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("matrix log").contains("intensive").contains("validation metrics");
        Path model = dir.resolve(name + "/m.tbm");
        assertThat(dir.resolve(name + "/m.options.yaml")).content().contains("transform: log").contains("intensive: true");

        Path pred = dir.resolve(name + "/pred.xyz");
        Path metrics = dir.resolve(name + "/metrics.json");
        CliRun e = CliRun.of("eval", model.toString(), test.toString(), "-o", pred.toString(), "--metrics", metrics.toString(), "--check-symmetry");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("symmetry: PASS");

        // every prediction is symmetric positive definite (the exponential of a symmetric matrix)
        List<Structure> out = ExtXyzReader.readAll(pred, w -> { });
        double se = 0;
        double[] means = new double[9];
        for (Structure s : out) {
            double[] p = eps(s, "eps_pred");
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertThat(p[3 * i + j]).isCloseTo(p[3 * j + i], org.assertj.core.api.Assertions.within(1e-12 * Math.abs(p[0])));
            assertThat(SymmetricMatrices.eigen(p, 0).min()).isPositive();
            double[] r = eps(s, "eps");
            for (int k = 0; k < 9; k++) {
                se += (p[k] - r[k]) * (p[k] - r[k]);
                means[k] += r[k] / out.size();
            }
        }
        double var = 0;
        for (Structure s : out) {
            double[] r = eps(s, "eps");
            for (int k = 0; k < 9; k++) var += (r[k] - means[k]) * (r[k] - means[k]) / out.size();
        }
        double rmse = Math.sqrt(se / (9.0 * out.size()));
        double std = Math.sqrt(var / 9);
        // the metrics are those of ε itself (not of log ε): recomputed from the written predictions and references
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(metrics));
        Map<?, ?> all = null;
        for (Object o : (List<?>) json.get("metrics")) if ("eps".equals(((Map<?, ?>) o).get("name"))) all = (Map<?, ?>) o;
        assertThat(all).isNotNull();
        assertThat(((Number) all.get("rmse")).doubleValue()).isCloseTo(rmse, org.assertj.core.api.Assertions.within(1e-9 * rmse));
        assertThat(((Number) all.get("std")).doubleValue()).isCloseTo(std, org.assertj.core.api.Assertions.within(1e-9 * std));

        // the Java API: the same numbers, and a supercell (the same crystal) predicted as its primitive cell
        Model m = Model.load(model);
        for (int k = 0; k < 3; k++) {
            Structure s = testFrames.get(k);
            double[] p = m.predict(s).tensor("eps");
            assertThat(p).containsExactly(eps(out.get(k), "eps_pred"), org.assertj.core.api.Assertions.within(1e-9 * Math.abs(p[0])));
            double[] big = m.predict(supercell(s)).tensor("eps");
            for (int c = 0; c < 9; c++) assertThat(big[c]).as("supercell, component " + c).isCloseTo(p[c], org.assertj.core.api.Assertions.within(1e-9 * Math.abs(p[0])));
        }
        // predictFlat (the Python package's path) gives the same numbers
        Structure s0 = testFrames.get(0);
        double[][] flat = m.predictFlat(new int[] {s0.size()}, s0.numbers(), s0.positions(), s0.cell().vectors(), new boolean[] {true, true, true});
        assertThat(flat[0]).containsExactly(m.predict(s0).tensor("eps"), org.assertj.core.api.Assertions.within(1e-12 * Math.abs(flat[0][0])));
    }

    @Test
    void withoutIntensiveAPerStructureTargetIsASumAndDoublesOnASupercell() throws IOException {
        CliRun t = train("sum", options("linear_ridge", "{symmetric: true}"));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(dir.resolve("sum/m.options.yaml")).content().contains("transform: none").contains("intensive: false");
        Model m = Model.load(dir.resolve("sum/m.tbm"));
        Structure s = testFrames.get(0);
        double[] p = m.predict(s).tensor("eps");
        double[] big = m.predict(supercell(s)).tensor("eps");
        for (int c = 0; c < 9; c++) assertThat(big[c]).isCloseTo(2 * p[c], org.assertj.core.api.Assertions.within(1e-9 * Math.abs(p[0])));
    }

    /** Writes the crystals with frame {@code frame}'s field {@code key} replaced; returns the file. */
    static Path withValue(String file, int frame, String key, double[] value) throws IOException {
        List<Structure> all = ExtXyzReader.readAll(data, w -> { });
        Map<String, Value> info = new LinkedHashMap<>(all.get(frame).info());
        info.put(key, Value.ofReals(1, value.length, value));
        Structure s = all.get(frame);
        all.set(frame, new Structure(s.numbers(), s.positions(), s.cell(), info, s.arrays()));
        Path p = dir.resolve(file);
        ExtXyzWriter.writeAll(p, all);
        return p;
    }

    static CliRun trainOn(String name, Path file, String target) throws IOException {
        return train(name, options("linear_ridge", target).replace("training_set: " + data, "training_set: " + file));
    }

    @Test
    void aValueThatIsNotPositiveDefiniteNamesFileFrameAndField() throws IOException {
        Path bad = withValue("not-spd.xyz", 7, "eps", new double[] {2, 0, 0, 0, -1, 0, 0, 0, 3});
        CliRun r = trainOn("not-spd", bad, "{symmetric: true, transform: log}");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("not-spd.xyz").contains("frame 7").contains("field 'eps'")
            .contains("not positive definite");
        assertThat(dir.resolve("not-spd/m.tbm")).doesNotExist();
        // without the log the same file trains: only the logarithm needs positive-definite values
        assertThat(trainOn("not-spd-none", bad, "{symmetric: true}").code()).isZero();
    }

    @Test
    void logOfAnUnsymmetricTensorNamesTheFrame() throws IOException {
        Path bad = withValue("unsymmetric.xyz", 4, "eps", new double[] {3, 1, 0, 0, 3, 0, 0, 0, 3});
        CliRun r = trainOn("unsym", bad, "{transform: log}");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("unsymmetric.xyz").contains("frame 4").contains("field 'eps'")
            .contains("not symmetric").contains("transform: log");
    }

    @Test
    void logOfAVectorNamesTheFrameAndField() throws IOException {
        CliRun r = train("rank1", options("linear_ridge", "{key: mu, transform: log}"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("crystals.xyz").contains("frame ").contains("field 'mu'").contains("rank-1");
    }

    @Test
    void optionsThatCannotHoldAreErrorsOfTheOptionsFile() throws IOException {
        Object[][] cases = {
            {"{symmetric: false, transform: log}", "targets.eps.transform", "symmetric"},
            {"{rank: 1, key: mu, transform: log}", "targets.eps.transform", "rank 1"},
            {"{type: spherical, blocks: [[0, 1], [2, 1]], transform: log}", "targets.eps.transform", "spherical"},
            {"{per_atom: true, intensive: true}", "targets.eps.intensive", "per-structure"},
            {"{transform: exp}", "targets.eps.transform", "log"},
        };
        for (Object[] c : cases) {
            CliRun r = train("bad-option", options("linear_ridge", (String) c[0]));
            assertThat(r.code()).as((String) c[0]).isEqualTo(2);
            assertThat(r.err().strip()).as((String) c[0]).doesNotContain("\n").contains("bad-option.yaml").contains("line 7")
                .contains((String) c[1]).contains((String) c[2]);
        }
    }
}
