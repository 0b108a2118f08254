package org.tensorbasis.neighbors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tensorbasis.structure.Structure;

/** The shared bulk-water boxes (96 atoms, cubic ~9.7 Å, positions not wrapped) at r_c = 5 Å. */
class WaterDataTest {
    private static final Path FILE = Path.of("../shared/data/bulk-water-dielectric/water_bulk_1000.xyz");

    @Test
    void waterBoxesMatchBruteForce() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(FILE), "shared data absent: " + FILE.toAbsolutePath());
        List<Structure> frames = SimpleXyz.read(FILE, 6);
        assertThat(frames).hasSize(6);
        long pairs = 0, atoms = 0;
        for (int f = 0; f < frames.size(); f++) {
            Structure s = frames.get(f);
            assertThat(s.size()).isEqualTo(96);
            NeighborList nl = NeighborList.build(s, 5.0);
            NeighborListTest.assertMatchesBruteForce(
                new NeighborListTest.Case("water frame " + f, s.positions(), s.cell(), 5.0), nl);
            NeighborListTest.assertSymmetric(nl);
            pairs += nl.pairs();
            atoms += nl.atoms();
        }
        // liquid water, 0.1 atoms/Å³: about (4π/3)·125·0.1 ≈ 52 neighbours per atom within 5 Å
        assertThat((double) pairs / atoms).isBetween(40.0, 65.0);
    }
}
