package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;

    @Test
    void summarisesTheShippedSlice() {
        CliRun r = CliRun.of("inspect", "data/water-monomer-200/water_monomer_200.xyz");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("frames: 200").contains("atoms: 600").contains("species: H 400, O 200")
            .contains("pbc=\"F F F\" 200");
        assertThat(r.out()).containsPattern("alpha\\s+real \\[9\\]\\s+all frames\\s+Cartesian rank 2")
            .containsPattern("mu\\s+real \\[3\\]\\s+all frames\\s+Cartesian rank 1")
            .containsPattern("beta\\s+real \\[27\\]\\s+all frames\\s+Cartesian rank 3")
            .containsPattern("potential\\s+real scalar");
        // every O has its two H within 5 Å, every H the O and the other H
        assertThat(r.out()).contains("neighbours within 5.00 Å: mean 2.00, min 2, max 2");
    }

    @Test
    void periodicFramesPerAtomFieldsAndHistogram() throws IOException {
        Path f = dir.resolve("cells.xyz");
        Files.writeString(f, """
            2
            Lattice="3.0 0 0 0 3.0 0 0 0 3.0" Properties=species:S:1:pos:R:3:ms:R:9 name=a pbc="T T T"
            Si 0 0 0 1 2 3 4 5 6 7 8 9
            Si 1.5 1.5 1.5 1 2 3 4 5 6 7 8 9
            1
            Lattice="2.0 0 0 0 2.0 0 0 0 2.0" Properties=species:S:1:pos:R:3:ms:R:9 pbc="T T F"
            C 0 0 0 1 2 3 4 5 6 7 8 9
            """);
        CliRun r = CliRun.of("inspect", f.toString(), "--cutoff", "2.5", "--bins", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("frames: 2").contains("species: C 1, Si 2").contains("pbc=\"T T T\" 1")
            .contains("pbc=\"T T F\" 1").contains("cell volume: 8.0..27.0");
        assertThat(r.out()).containsPattern("ms\\s+real \\[9\\]\\s+all frames\\s+Cartesian rank 2");
        assertThat(r.out()).containsPattern("name\\s+string scalar\\s+1 of 2 frames");
        // Si: 8 neighbours at 2.60 Å (body centre) excluded by 2.5 Å; its own images at 3 Å too: 0;
        // C in a 2 Å square lattice: 4 in-plane images at 2 Å
        assertThat(r.out()).contains("neighbours within 2.50 Å: mean 1.33, min 0, max 4");
    }

    @Test
    void badInputIsOneLineWithExitCode2() throws IOException {
        Path f = dir.resolve("bad.xyz");
        Files.writeString(f, "2\nProperties=species:S:1:pos:R:3\nH 0 0 0\nXx 1 1 1\n");
        CliRun r = CliRun.of("inspect", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("bad.xyz").contains("frame 0").contains("line 4");
        CliRun missing = CliRun.of("inspect", dir.resolve("nope.xyz").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.xyz");
        CliRun cutoff = CliRun.of("inspect", f.toString(), "--cutoff", "-1");
        assertThat(cutoff.code()).isEqualTo(2);
        assertThat(cutoff.err()).contains("--cutoff");
    }

    @Test
    void helpAndVersion() {
        assertThat(CliRun.of("inspect", "--help").out()).contains("Usage: tensorbasis inspect");
        assertThat(CliRun.of("--version").out()).contains("tensorbasis");
        for (String cmd : new String[] {"train", "eval", "bench"}) {
            assertThat(CliRun.of(cmd, "--help").code()).isZero();
        }
    }
}
