package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchNeighborsCommandTest {
    private static final String TWO_FRAMES =
        "2\n"
        + "Lattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n"
        + "O 0.0 0.0 0.0\n"
        + "H 0.9 0.1 0.0\n"
        + "3\n"
        + "Properties=species:S:1:pos:R:3\n"
        + "O 0.0 0.0 0.0\n"
        + "H 0.9 0.1 0.0\n"
        + "H -0.2 0.9 0.0\n";

    private static String[] run(String... args) {
        CliRun r = CliRun.of(args);
        return new String[] {Integer.toString(r.code()), r.out(), r.err()};
    }

    @Test
    void printsSummaryThenJson(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("two.xyz");
        Files.writeString(f, TWO_FRAMES);
        String[] r = run("bench", "neighbors", f.toString(), "--cutoff", "2.5", "--warmup", "1",
            "--repetitions", "3", "--threads", "1");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        String[] lines = r[1].strip().split("\n");
        String last = lines[lines.length - 1];
        assertThat(last).startsWith("{\"stage\":\"neighbors\",\"atoms_per_s_median\":")
            .contains("\"threads\":1", "\"repetitions\":3", "\"items\":5");
        assertThat(r[1]).contains("2 structures", "5 atoms");
    }

    @Test
    void badCutoffIsBadInput(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("two.xyz");
        Files.writeString(f, TWO_FRAMES);
        String[] r = run("bench", "neighbors", f.toString(), "--cutoff", "0");
        assertThat(r[0]).isEqualTo(Integer.toString(Main.EXIT_BAD_INPUT));
        assertThat(r[2]).contains("--cutoff");
    }
}
