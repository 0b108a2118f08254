package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tensorbasis.structure.Structure;

/** Reads every .xyz file of ../shared/data (when present) and round-trips every frame through the writer. */
class SharedDataTest {
    private static final Path DATA = Path.of("..", "shared", "data");

    /** file name → {frames, atoms, periodic frames, expected warnings} from the READMEs. */
    private static final Map<String, int[]> EXPECTED = Map.of(
        "water_monomer_1000.xyz", new int[] {1000, 3000, 0, 1},
        "water_monomer_gamma_1000.xyz", new int[] {1000, 3000, 0, 1},
        "water_dimer_1000.xyz", new int[] {1000, 6000, 0, 1},
        "water_bulk_1000.xyz", new int[] {1000, 96000, 1000, 0},
        "phonon_becs_epsilon.xyz", new int[] {1520, 11220, 1520, 0},
        "csd_s546_shielding.xyz", new int[] {546, 49638, 546, 0},
        "qm7x_reduced_100_CHNO.xyz", new int[] {100, 1015, 0, 0},
        "qm7x_reduced_100.xyz", new int[] {100, 1400, 0, 0});

    @Test
    void everySharedFileReadsAndRoundTripsLosslessly() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(DATA), "../shared/data not present: skipped");
        List<Path> files;
        try (Stream<Path> s = Files.walk(DATA)) {
            files = s.filter(p -> p.toString().endsWith(".xyz")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        int checked = 0;
        for (Path f : files) {
            List<String> warnings = new ArrayList<>();
            List<Structure> frames = ExtXyzReader.readAll(f, warnings::add);
            int atoms = 0, periodic = 0;
            for (Structure s : frames) { atoms += s.size(); if (s.isPeriodic()) periodic++; }
            int[] exp = EXPECTED.get(f.getFileName().toString());
            if (exp != null) {
                checked++;
                assertThat(frames).as(f + " frames").hasSize(exp[0]);
                assertThat(atoms).as(f + " atoms").isEqualTo(exp[1]);
                assertThat(periodic).as(f + " periodic frames").isEqualTo(exp[2]);
                assertThat(warnings).as(f + " warnings (once per quirk kind)").hasSize(exp[3]);
            }
            StringWriter sw = new StringWriter();
            try (ExtXyzWriter w = new ExtXyzWriter(sw)) {
                for (Structure s : frames) w.write(s);
            }
            List<Structure> back = new ArrayList<>();
            try (ExtXyzReader r = new ExtXyzReader(new StringReader(sw.toString()), f + " (rewritten)", m -> { throw new AssertionError(m); })) {
                r.forEachRemaining(back::add);
            }
            assertThat(back).as(f + " round trip").hasSize(frames.size());
            for (int i = 0; i < frames.size(); i++) assertThat(back.get(i)).as(f + " frame " + i).isEqualTo(frames.get(i));
        }
        assertThat(checked).as("files with README counts found").isEqualTo(EXPECTED.size());
    }

    @Test
    void nmrSpotChecks() throws IOException {
        Path f = DATA.resolve("shiftml-csd-s546-nmr/csd_s546_shielding.xyz");
        Assumptions.assumeTrue(Files.exists(f), "NMR data not present: skipped");
        try (ExtXyzReader r = new ExtXyzReader(f)) {
            Structure s = r.next();
            assertThat(s.size()).isEqualTo(48);
            assertThat(s.info().get("name").getString(0, 0)).isEqualTo("ABAROL");
            assertThat(s.info().get("sus").width()).isEqualTo(9);
            assertThat(s.arrays().get("ms").getDouble(0, 0)).isEqualTo(60.9354);
            assertThat(s.number(0)).isEqualTo(16);
            assertThat(s.cell().vector(2, 1)).isEqualTo(-2.706013);
        }
    }
}
