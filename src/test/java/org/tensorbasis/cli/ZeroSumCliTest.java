package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.RandomMolecules;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * {@code targets.<name>.zero_sum: true}: a per-atom target whose atoms' values sum to zero in every structure
 * (Born charges: the acoustic sum rule) is predicted with its structure's mean removed — exactly zero-sum,
 * still equivariant (for linear_ridge, whose fit it does not change, never a larger error than without; λ-MCoV
 * also trains on the projected loss) — for both architectures; values that do not sum
 * to zero and misplaced options are errors naming file, frame / line and field.
 */
class ZeroSumCliTest {
    @TempDir
    static Path dir;

    static Path data;
    static Path test;

    /** A Born-charge-like tensor: Z_i = Σ_j e^{−r²/4} (r̂ r̂ᵀ + 0.3 [r̂]×) with the structure's mean removed. */
    static double[] charges(Structure s) {
        int n = s.size();
        double[] z = new double[9 * n];
        NeighborList nl = NeighborList.build(s, 3.5);
        for (int i = 0; i < n; i++) {
            for (int p = nl.offsets()[i]; p < nl.offsets()[i + 1]; p++) {
                double[] r = {nl.vectors()[3 * p], nl.vectors()[3 * p + 1], nl.vectors()[3 * p + 2]};
                double d = nl.distances()[p];
                double w = Math.exp(-d * d / 4) * (s.number(i) == 14 ? 1.5 : 0.5);
                for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) z[9 * i + 3 * a + b] += w * r[a] * r[b] / (d * d);
                z[9 * i + 1] -= 0.3 * w * r[2] / d;
                z[9 * i + 2] += 0.3 * w * r[1] / d;
                z[9 * i + 3] += 0.3 * w * r[2] / d;
                z[9 * i + 5] -= 0.3 * w * r[0] / d;
                z[9 * i + 6] -= 0.3 * w * r[1] / d;
                z[9 * i + 7] += 0.3 * w * r[0] / d;
            }
        }
        for (int c = 0; c < 9; c++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += z[9 * i + c];
            for (int i = 0; i < n; i++) z[9 * i + c] -= m / n;
        }
        return z;
    }

    @BeforeAll
    static void crystals() throws IOException {
        SplittableRandom rng = new SplittableRandom(23);
        List<Structure> all = new ArrayList<>();
        while (all.size() < 50) {
            Structure s = RandomMolecules.crystal(rng, 2 + rng.nextInt(4), 3.6, 8, 14);
            if (NeighborList.build(s, 1.2).pairs() > 0) continue;
            all.add(s.withArrays(Map.of("zs", Value.ofReals(s.size(), 9, charges(s)))));
        }
        data = dir.resolve("crystals.xyz");
        ExtXyzWriter.writeAll(data, all.subList(0, 40));
        test = dir.resolve("test.xyz");
        ExtXyzWriter.writeAll(test, all.subList(40, 50));
    }

    static String options(String architecture, String target) {
        String model = architecture.equals("linear_ridge")
            ? "model: {architecture: linear_ridge, soap: {cutoff: 3.5, max_radial: 3, max_angular: 2}}\n"
            : "model: {soap: {cutoff: 3.5, max_radial: 3, max_angular: 2}, bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}}\n"
                + "training: {epochs: 3, batch_size: 8, checkpoint_interval: 0}\n";
        return "seed: 1\nthreads: 2\ntraining_set: " + data + "\nvalidation_set: 0.2\ntest_set: 0.0\ntargets:\n  zs: " + target + "\n" + model;
    }

    static CliRun train(String name, String options) throws IOException {
        Path opts = dir.resolve(name + ".yaml");
        Files.writeString(opts, options, StandardCharsets.UTF_8);
        return CliRun.of("train", opts.toString(), "-o", dir.resolve(name + "/m.tbm").toString());
    }

    /** The training file with frame {@code frame}'s values of zs changed in place by {@code edit}, written as {@code name}. */
    static Path withValues(String name, int frame, java.util.function.Consumer<double[]> edit) throws IOException {
        List<Structure> frames = ExtXyzReader.readAll(data);
        Structure s = frames.get(frame);
        double[] z = s.arrays().get("zs").toDoubles();
        edit.accept(z);
        frames.set(frame, s.withArrays(Map.of("zs", Value.ofReals(s.size(), 9, z))));
        Path file = dir.resolve(name);
        ExtXyzWriter.writeAll(file, frames);
        return file;
    }

    /** Every structure's predicted zs_pred sums to zero over its atoms, component by component (to 1e-12). */
    static void assertSumsToZero(List<Structure> pred) {
        for (Structure f : pred) {
            double[] p = f.arrays().get("zs_pred").toDoubles();
            for (int c = 0; c < 9; c++) {
                double sum = 0, abs = 0;
                for (int i = 0; i < f.size(); i++) {
                    sum += p[9 * i + c];
                    abs += Math.abs(p[9 * i + c]);
                }
                assertThat(Math.abs(sum)).isLessThanOrEqualTo(1e-12 * Math.max(1, abs));
            }
        }
    }

    static double sq(List<Structure> pred, String key) {
        double s = 0;
        for (Structure f : pred) {
            double[] p = f.arrays().get(key + "_pred").toDoubles();
            double[] y = f.arrays().get(key).toDoubles();
            for (int i = 0; i < p.length; i++) s += (p[i] - y[i]) * (p[i] - y[i]);
        }
        return s;
    }

    /**
     * A linear baseline under a zero-sum target: the network learns what the projected baseline leaves, the model's
     * predictions sum to zero over every structure and pass the symmetry check.
     */
    @Test
    void aLinearBaselineOfAZeroSumTargetKeepsTheSum() throws IOException {
        CliRun r = train("zs-baseline", options("lambda_mcov", "{per_atom: true, symmetric: false, zero_sum: true}")
            .replace("bpnn:", "linear_baseline: true, bpnn:"));
        assertThat(r.code()).as(r.err()).isZero();
        Path out = dir.resolve("zs-baseline/pred.xyz");
        CliRun e = CliRun.of("eval", dir.resolve("zs-baseline/m.tbm").toString(), test.toString(), "-o", out.toString(), "--check-symmetry");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("PASS");
        assertSumsToZero(ExtXyzReader.readAll(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lambda_mcov", "linear_ridge"})
    void predictionsSumToZeroAndAreNoWorseThanWithout(String architecture) throws IOException {
        String name = "zs-" + architecture;
        CliRun r = train(name, options(architecture, "{per_atom: true, symmetric: false, zero_sum: true}"));
        assertThat(r.code()).as(r.err()).isZero();
        CliRun plain = train(name + "-plain", options(architecture, "{per_atom: true, symmetric: false, zero_sum: false}"));
        assertThat(plain.code()).as(plain.err()).isZero();
        Path out = dir.resolve(name + "/pred.xyz");
        Path outPlain = dir.resolve(name + "-plain/pred.xyz");
        CliRun e = CliRun.of("eval", dir.resolve(name + "/m.tbm").toString(), test.toString(), "-o", out.toString(), "--check-symmetry");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("PASS");
        assertThat(CliRun.of("eval", dir.resolve(name + "-plain/m.tbm").toString(), test.toString(), "-o", outPlain.toString()).code()).isZero();
        List<Structure> pred = ExtXyzReader.readAll(out);
        assertSumsToZero(pred);
        if (architecture.equals("linear_ridge")) {
            // the same weights (the option only acts on its predictions) projected: the error cannot grow
            assertThat(sq(pred, "zs")).isLessThanOrEqualTo(sq(ExtXyzReader.readAll(outPlain), "zs") * (1 + 1e-12));
        } else {
            // λ-MCoV also trains on the projected loss (another model), so only a sanity bound
            assertThat(sq(pred, "zs")).isLessThan(4 * sq(ExtXyzReader.readAll(outPlain), "zs"));
        }
    }

    @Test
    void autoDecidesFromTheTrainingValues() throws IOException {
        // the default of a per-atom target: these values sum to zero, so the projection is on and recorded
        CliRun r = train("auto", options("linear_ridge", "{per_atom: true, symmetric: false}"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out() + r.err()).contains("target zs: zero_sum auto");
        assertThat(Files.readString(dir.resolve("auto/m.options.yaml"))).contains("zero_sum: true");
        Path out = dir.resolve("auto/pred.xyz");
        assertThat(CliRun.of("eval", dir.resolve("auto/m.tbm").toString(), test.toString(), "-o", out.toString()).code()).isZero();
        for (Structure f : ExtXyzReader.readAll(out)) {
            double[] p = f.arrays().get("zs_pred").toDoubles();
            double sum = 0, abs = 0;
            for (int i = 0; i < f.size(); i++) {
                sum += p[9 * i];
                abs += Math.abs(p[9 * i]);
            }
            assertThat(Math.abs(sum)).isLessThanOrEqualTo(1e-12 * Math.max(1, abs));
        }
        // values that do not sum to zero (one atom shifted): auto stays off, silently, and writes false
        Path file = withValues("notzero.xyz", 0, z -> z[0] += 0.5);
        r = train("auto-off", options("linear_ridge", "{per_atom: true, symmetric: false}").replace(data.toString(), file.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out() + r.err()).doesNotContain("zero_sum auto");
        assertThat(Files.readString(dir.resolve("auto-off/m.options.yaml"))).contains("zero_sum: false");
    }

    @Test
    void valuesThatDoNotSumToZeroNameFileFrameAndField() throws IOException {
        Path file = withValues("bad.xyz", 5, z -> z[0] += 0.5);
        CliRun r = train("bad", options("lambda_mcov", "{per_atom: true, symmetric: false, zero_sum: true}").replace(data.toString(), file.toString()));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("bad.xyz").contains("frame 5").contains("'zs'").contains("zero_sum").contains("component 0");
    }

    @Test
    void roundingOfNearlyZeroValuesIsNotAnError() throws IOException {
        // a structure whose values vanish (by symmetry) but are written as noise of 1e-9 that does not sum to zero
        // exactly: relative to its own size the sum is large, relative to the target's it is rounding
        Path file = withValues("rounded.xyz", 7, z -> {
            for (int i = 0; i < z.length; i++) z[i] = 1e-9 * ((i * 7919) % 5 - 1);
        });
        CliRun r = train("rounded", options("linear_ridge", "{per_atom: true, symmetric: false, zero_sum: true}").replace(data.toString(), file.toString()));
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void zeroSumOnAPerStructureTargetOrWithLogIsAnOptionsError() throws IOException {
        CliRun r = train("opt1", options("lambda_mcov", "{zero_sum: true}"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("targets.zs.zero_sum").contains("per_atom");
        r = train("opt2", options("lambda_mcov", "{per_atom: true, symmetric: true, transform: log, zero_sum: true}"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("zero_sum").contains("log");
    }

}
