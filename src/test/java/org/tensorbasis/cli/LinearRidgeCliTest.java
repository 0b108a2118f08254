package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train` and `eval --check-symmetry` of a linear_ridge model on the shipped water monomers, and its option errors. */
class LinearRidgeCliTest {
    static final Path DATA = Path.of("data/water-monomer-200").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void trainsAndEvaluatesThroughTheSameCommands() throws IOException {
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, "seed: 1\ntraining_set: " + DATA.resolve("water_monomer_200.xyz") + "\nvalidation_set: 0.1\ntest_set: 0.0\n"
            + "targets:\n  mu: {unit: \"a.u.\"}\n  alpha: {unit: \"a.u.\"}\nmodel:\n  architecture: linear_ridge\n  soap: {max_radial: 3, max_angular: 3}\n",
            StandardCharsets.UTF_8);
        CliRun t = CliRun.of("train", opts.toString(), "-o", dir.resolve("run/m.tbm").toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("architecture linear_ridge").contains("block alpha:L2+").contains("validation metrics");
        assertThat(dir.resolve("run/m.options.yaml")).content().contains("architecture: linear_ridge");
        CliRun e = CliRun.of("eval", dir.resolve("run/m.tbm").toString(), DATA.resolve("water_monomer_test_50.xyz").toString(), "-o",
            dir.resolve("run/pred.xyz").toString(), "--check-symmetry");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("symmetry: PASS").contains("mu:L1+").contains("alpha:L2+");
        assertThat(dir.resolve("run/pred.xyz")).content().contains("alpha_pred");
        // float32 prediction is a lambda_mcov path: refused in one line, the earlier predictions kept
        CliRun f = CliRun.of("eval", dir.resolve("run/m.tbm").toString(), DATA.resolve("water_monomer_test_50.xyz").toString(), "-o",
            dir.resolve("run/pred.xyz").toString(), "--precision", "float32");
        assertThat(f.code()).isEqualTo(2);
        assertThat(f.err().strip()).doesNotContain("\n").contains("--precision").contains("linear_ridge");
        assertThat(dir.resolve("run/pred.xyz")).content().contains("alpha_pred");
    }

    @Test
    void optionsOfAnotherArchitectureExitWithCode2() throws IOException {
        Path opts = dir.resolve("bad.yaml");
        Files.writeString(opts, "training_set: " + DATA.resolve("water_monomer_200.xyz") + "\ntargets: {mu: {}}\n"
            + "model: {architecture: linear_ridge}\ntraining:\n  epochs: 5\n", StandardCharsets.UTF_8);
        CliRun r = CliRun.of("train", opts.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("bad.yaml").contains("line 5").contains("training.epochs")
            .contains("unknown option");
        assertThat(dir.resolve("m.tbm")).doesNotExist();
    }
}
