package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file of the issue: ASE writes a 3x3 array in atoms.info as {@code T="_JSON [[...], [...], [...]]"};
 * {@code inspect} shows it as 9 numbers (rank 2) and {@code train} / {@code eval} learn it as a rank-2
 * Cartesian target. Needs {@code /usr/bin/python3} with ASE (skipped otherwise).
 */
class AseTargetCliTest {
    static final Path DATA = Path.of("data/water-monomer-200").toAbsolutePath();

    @TempDir
    Path dir;

    private Path aseFile(String name, int frames) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import ase, numpy").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "/usr/bin/python3 has no ASE");
        Path script = dir.resolve("ase_conformance.py");
        if (!Files.exists(script)) {
            try (InputStream in = AseTargetCliTest.class.getResourceAsStream("/org/tensorbasis/io/ase_conformance.py")) {
                Files.copy(in, script);
            }
        }
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "retarget", DATA.resolve("water_monomer_200.xyz").toString(),
            out.toString(), Integer.toString(frames)).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(out).content().contains("T=\"_JSON [[");
        return out;
    }

    @Test
    void inspectShowsTheJson3x3AsNineNumbersOfRank2() throws Exception {
        Path file = aseFile("ase.xyz", 5);
        CliRun r = CliRun.of("inspect", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("T\\s+real \\[9\\] \\(3x3\\)\\s+all frames\\s+Cartesian rank 2")
            .containsPattern("mu\\s+real \\[3\\]\\s+all frames\\s+Cartesian rank 1");
    }

    @Test
    void trainsAndEvaluatesTheJson3x3AsARank2Target() throws Exception {
        Path file = aseFile("ase.xyz", 120);
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, "seed: 3\ntraining_set: " + file + "\nvalidation_set: 0.2\ntest_set: 0.1\n"
            + "targets:\n  T: {unit: \"a.u.\"}\nmodel:\n  architecture: linear_ridge\n  soap: {max_radial: 2, max_angular: 2}\n",
            StandardCharsets.UTF_8);
        CliRun t = CliRun.of("train", opts.toString(), "-o", dir.resolve("run/m.tbm").toString());
        assertThat(t.code()).as(t.out() + t.err()).isZero();
        assertThat(t.err()).doesNotContain("Exception").doesNotContain("internal error");
        assertThat(t.out()).contains("T:L0+").contains("T:L2+").contains("validation metrics");
        CliRun e = CliRun.of("eval", dir.resolve("run/m.tbm").toString(), file.toString(), "-o", dir.resolve("run/pred.xyz").toString());
        assertThat(e.code()).as(e.out() + e.err()).isZero();
        assertThat(e.out()).contains("T:L2+");
        // the prediction has the reference's shape: ASE reads T_pred as a 3x3 like T
        assertThat(dir.resolve("run/pred.xyz")).content().containsPattern("T_pred=\"_JSON \\[\\[[^\\]]*\\], \\[[^\\]]*\\], \\[[^\\]]*\\]\\]\"");
        java.util.List<org.tensorbasis.structure.Structure> pred = org.tensorbasis.io.ExtXyzReader.readAll(dir.resolve("run/pred.xyz"));
        assertThat(pred.get(0).info().get("T_pred").rows()).isEqualTo(3);
        assertThat(pred.get(0).info().get("T_pred").width()).isEqualTo(3);
    }
}
