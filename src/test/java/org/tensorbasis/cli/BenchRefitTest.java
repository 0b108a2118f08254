package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.RandomMolecules;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.io.Json;
import org.tensorbasis.structure.Structure;

/** {@code bench refit OPTIONS}: the head refit of the user's own run, timed by phase; bad options are one line and exit 2. */
class BenchRefitTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws IOException {
        SplittableRandom rng = new SplittableRandom(4);
        List<Structure> mols = new java.util.ArrayList<>();
        for (int m = 0; m < 16; m++) mols.add(RandomMolecules.withVectorAndTensor(RandomMolecules.of(rng, 5, 3.0, 0.9, new int[] {8, 6, 1, 1, 1})));
        ExtXyzWriter.writeAll(dir.resolve("mol.xyz"), mols);
    }

    static Path options(String name, String extra) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "seed: 1\nthreads: 2\ntraining_set: mol.xyz\nvalidation_set: 0.25\ntest_set: 0.0\ntargets:\n  mu: {}\n  a: {symmetric: true}\n"
            + "model:\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 2}\n  bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}\n" + extra,
            StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void timesTheRefitOfTheUsersRunAndLeavesNoFiles() throws IOException {
        Path opts = options("o.yaml", "training: {epochs: 50, batch_size: 4}\n");
        long before = benchFolders();
        CliRun r = CliRun.of("bench", "refit", opts.toString(), "--repetitions", "2");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().trim().split("\n");
        Map<?, ?> json = (Map<?, ?>) Json.parse(lines[lines.length - 1]);
        assertThat(json.get("stage")).isEqualTo("refit");
        assertThat(((Number) json.get("repetitions")).intValue()).isEqualTo(2);
        assertThat(((Number) json.get("items")).intValue()).isEqualTo(12); // training structures: 16 less the 25 % validation
        assertThat(((Number) json.get("epochs")).intValue()).isEqualTo(1);
        double total = ((Number) json.get("seconds_median")).doubleValue();
        double run = ((Number) json.get("run_seconds_median")).doubleValue();
        assertThat(total).isPositive().isLessThanOrEqualTo(run);
        for (String k : List.of("normal_equations_s", "factor_and_solve_s", "scoring_s", "refit_validation_s")) {
            assertThat(((Number) json.get(k)).doubleValue()).as(k).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(total);
        }
        assertThat(r.out()).contains("run 1: refit ", "run 2: refit ");
        assertThat(benchFolders()).isEqualTo(before); // the temporary run folders are deleted
        assertThat(dir.resolve("o.tbm")).doesNotExist();
    }

    private static long benchFolders() throws IOException {
        try (java.util.stream.Stream<Path> f = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return f.filter(p -> p.getFileName().toString().startsWith("tensorbasis-bench-refit")).count();
        }
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() throws IOException {
        CliRun off = CliRun.of("bench", "refit", options("off.yaml", "training: {refine_heads: false, refit_validation: false}\n").toString());
        assertThat(off.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(off.err()).contains("training.refine_heads").doesNotContain("Exception");
        Path ridge = dir.resolve("ridge.yaml");
        Files.writeString(ridge, "training_set: mol.xyz\ntargets:\n  mu: {}\nmodel: {architecture: linear_ridge}\n", StandardCharsets.UTF_8);
        CliRun lr = CliRun.of("bench", "refit", ridge.toString());
        assertThat(lr.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(lr.err()).contains("model.architecture").contains("linear_ridge");
        CliRun none = CliRun.of("bench", "refit", dir.resolve("missing.yaml").toString());
        assertThat(none.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(none.err()).contains("missing.yaml");
        CliRun epochs = CliRun.of("bench", "refit", ridge.toString(), "--epochs", "0");
        assertThat(epochs.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(epochs.err()).contains("--epochs");
    }
}
