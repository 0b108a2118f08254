package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchDescriptorsCommandTest {
    private static final String FRAMES =
        "3\n"
        + "Properties=species:S:1:pos:R:3\n"
        + "O 0.0 0.0 0.0\n"
        + "H 0.96 0.0 0.0\n"
        + "H -0.24 0.93 0.0\n"
        + "2\n"
        + "Lattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n"
        + "O 0.0 0.0 0.0\n"
        + "H 0.9 0.1 0.0\n";

    private static String[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void lastLineIsTheJson(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("w.xyz");
        Files.writeString(f, FRAMES);
        String[] r = run("bench", "descriptors", f.toString(), "--warmup", "1", "--repetitions", "3", "--threads", "1", "--form", "full");
        assertThat(r[0]).isEqualTo("0");
        String[] lines = r[1].strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("{\"stage\":\"descriptors\",\"atoms_per_s_median\":")
            .contains("\"threads\":1").contains("\"repetitions\":3").contains("\"items\":5");
        assertThat(r[1]).contains("power spectrum 1136 features/atom (FULL)");
    }

    @Test
    void badFormIsExitCode2(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("w.xyz");
        Files.writeString(f, FRAMES);
        String[] r = run("bench", "descriptors", f.toString(), "--form", "square");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--form");
    }

    /** --options uses the file's model.soap settings (here max_radial 3, max_angular 2: fewer features than the defaults). */
    @Test
    void optionsFileSettingsAreUsed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("w.xyz");
        Files.writeString(f, FRAMES);
        Path o = dir.resolve("options.yaml");
        Files.writeString(o, "seed: 1\ntraining_set: w.xyz\ntargets:\n  mu: {}\nmodel:\n  soap:\n    cutoff: 4.0\n    max_radial: 3\n    max_angular: 2\n");
        String[] r = run("bench", "descriptors", f.toString(), "--options", o.toString(), "--warmup", "0", "--repetitions", "1", "--threads", "1");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("cutoff=4.0").contains("maxRadial=3").contains("maxAngular=2");
        String[] lines = r[1].strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("{\"stage\":\"descriptors\",\"atoms_per_s_median\":");
        String[] bad = run("bench", "descriptors", f.toString(), "--options", o.toString(), "--form", "full");
        assertThat(bad[0]).isEqualTo("2");
    }
}
