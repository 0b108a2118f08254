package org.tensorbasis.targets;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/** Duplicated atoms, atoms on their own images and cells far below the cutoff are named before any descriptor is computed. */
class GeometryCheckTest {
    static Sample sample(Structure s) {
        return new Sample(s, "f.xyz", 3);
    }

    @Test
    void closeAtomsAreNamedWithTheirDistance() {
        Structure s = new Structure(new int[] {8, 1, 1}, new double[] {0, 0, 0, 0.96, 0, 0, 0.96 + 1e-6, 0, 0});
        assertThatThrownBy(() -> GeometryCheck.check(sample(s), 5.0, 0.25)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("f.xyz").hasMessageContaining("frame 3").hasMessageContaining("atoms 1 (H) and 2 (H)")
            .hasMessageContaining("1.00e-06 Å").hasMessageContaining("min_distance");
        assertThatCode(() -> GeometryCheck.check(sample(s), 5.0, 0)).as("0 turns the check off").doesNotThrowAnyException();
        Structure water = new Structure(new int[] {8, 1, 1}, new double[] {0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0});
        assertThatCode(() -> GeometryCheck.check(sample(water), 5.0, 0.25)).doesNotThrowAnyException();
    }

    @Test
    void anAtomOnItsOwnImageAndATinyCellAreRefused() {
        Cell small = new Cell(new double[] {0.2, 0, 0, 0, 3, 0, 0, 0, 3}, new boolean[] {true, true, true});
        Structure s = new Structure(new int[] {14}, new double[] {0, 0, 0}, small, java.util.Map.of(), java.util.Map.of());
        assertThatThrownBy(() -> GeometryCheck.check(sample(s), 5.0, 0.25)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("atom 0 (Si)").hasMessageContaining("own periodic image");
        Cell tiny = new Cell(new double[] {0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01}, new boolean[] {true, true, true});
        Structure t = new Structure(new int[] {1}, new double[] {0, 0, 0}, tiny, java.util.Map.of(), java.util.Map.of());
        assertThatThrownBy(() -> GeometryCheck.check(sample(t), 5.0, 0)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("f.xyz").hasMessageContaining("Lattice").hasMessageContaining("too small for the cutoff");
    }

    /** Every shared real dataset passes the defaults (min_distance 0.25 Å, cutoff 5 Å). */
    @Test
    void theRealDatasetsPassTheDefaults() throws IOException {
        Path shared = Path.of("../shared/data");
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared/data not present");
        List<Path> files;
        try (Stream<Path> w = Files.walk(shared)) {
            files = w.filter(p -> p.toString().endsWith(".xyz")).toList();
        }
        for (Path f : files) {
            for (Sample smp : SampleReader.read(f, m -> { })) {
                assertThatCode(() -> GeometryCheck.check(smp, 5.0, 0.25)).as(f + " frame " + smp.frame()).doesNotThrowAnyException();
            }
        }
    }
}
