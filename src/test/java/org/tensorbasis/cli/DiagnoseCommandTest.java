package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basis diagnostics of a trained model: planar water has the ranks method.md §4 predicts. */
class DiagnoseCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path data;

    @BeforeAll
    static void train() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/water-monomer-200/water_monomer_200.xyz"));
        data = dir.resolve("water30.xyz");
        Files.write(data, lines.subList(0, 30 * 5));
        Path opts = dir.resolve("o.yaml");
        Files.writeString(opts, "seed: 3\ntraining_set: water30.xyz\ntest_set: 0.0\nvalidation_set: 0.2\n"
            + "targets: {alpha: {}, mu: {}}\ntraining: {epochs: 2, refine_heads: false}\n");
        model = dir.resolve("m.tbm");
        CliRun r = CliRun.of("train", opts.toString(), "-o", model.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void planarMoleculesHaveTheExpectedRanks() {
        CliRun r = CliRun.of("diagnose", model.toString(), data.toString(), "--frames", "0,7", "--atoms");
        assertThat(r.code()).as(r.err()).isZero();
        // every learned vector of a 3-atom molecule lies in its plane: at H, λ = 1 rank 2, λ = 2 rank λ+1 = 3
        assertThat(r.out()).containsPattern("0\\s+1\\s+H\\s+mu:L1\\+\\s+2/3\\s+Infinity");
        assertThat(r.out()).containsPattern("7\\s+2\\s+H\\s+alpha:L2\\+\\s+3/5\\s+Infinity");
        // these frames are symmetric (C2v): the O density's l = 1 part lies along the bisector, all its
        // vectors are parallel: rank 1 for λ = 1, rank 2 for λ = 2 (method.md §4, v2 ∥ v1)
        assertThat(r.out()).containsPattern("0\\s+0\\s+O\\s+mu:L1\\+\\s+1/3\\s+Infinity");
        assertThat(r.out()).containsPattern("7\\s+0\\s+O\\s+alpha:L2\\+\\s+2/5\\s+Infinity");
        assertThat(r.out()).containsPattern("0\\s+1\\s+H\\s+alpha:L0\\+\\s+1/1\\s+1.000e\\+00");
        assertThat(r.out()).containsPattern("mu:L1\\+\\s+0 of 6 atoms full rank").containsPattern("alpha:L0\\+\\s+6 of 6 atoms full rank");
        assertThat(r.out()).doesNotContain("NaN");
    }

    @Test
    void badInput() {
        CliRun frame = CliRun.of("diagnose", model.toString(), data.toString(), "--frames", "99");
        assertThat(frame.code()).isEqualTo(2);
        assertThat(frame.err()).contains("water30.xyz").contains("--frames");
        CliRun tol = CliRun.of("diagnose", model.toString(), data.toString(), "--tolerance", "2");
        assertThat(tol.code()).isEqualTo(2);
        CliRun notModel = CliRun.of("diagnose", data.toString(), data.toString());
        assertThat(notModel.code()).isEqualTo(2);
        assertThat(notModel.err().strip().lines().count()).isEqualTo(1);
    }
}
