package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Degenerate structures stop train and inspect with exit 2 and one line naming file, frame and atoms. */
class GeometryCliTest {
    @TempDir
    Path dir;

    @Test
    void duplicatedAtomsAndTinyCells() throws IOException {
        Files.writeString(dir.resolve("dup.xyz"), "3\nProperties=species:S:1:pos:R:3 mu=\"1 2 3\"\nH 0 0 0\nO 1 0 0\nH 1.000001 0 0\n",
            StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("o.yaml"), "training_set: dup.xyz\nvalidation_set: dup.xyz\ntest_set: 0.0\ntargets: {mu: {}}\n",
            StandardCharsets.UTF_8);
        CliRun r = CliRun.of("train", dir.resolve("o.yaml").toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("dup.xyz").contains("frame 0").contains("atoms 1 (O) and 2 (H)");
        Files.writeString(dir.resolve("o.yaml"), "min_distance: 0\ntraining_set: dup.xyz\nvalidation_set: dup.xyz\ntest_set: 0.0\n"
            + "targets: {mu: {}}\nmodel: {architecture: linear_ridge, soap: {max_radial: 1, max_angular: 1}}\n", StandardCharsets.UTF_8);
        CliRun ok = CliRun.of("train", dir.resolve("o.yaml").toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(ok.code()).as(ok.err()).isZero();

        Files.writeString(dir.resolve("tiny.xyz"), "1\nLattice=\"0.01 0 0 0 0.01 0 0 0 0.01\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nH 0 0 0\n",
            StandardCharsets.UTF_8);
        CliRun t = CliRun.of("inspect", dir.resolve("tiny.xyz").toString());
        assertThat(t.code()).isEqualTo(2);
        assertThat(t.err().strip()).doesNotContain("\n").contains("tiny.xyz").contains("Lattice").contains("too small for the cutoff");
    }
}
