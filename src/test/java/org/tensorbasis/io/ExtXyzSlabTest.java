package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorbasis.structure.Structure;

/** Slabs and wires as ASE writes them, with zero lattice vectors along the non-periodic axes. */
class ExtXyzSlabTest {
    // ase.build.graphene(vacuum=None), as written by ase.io.write(..., format="extxyz")
    static final String GRAPHENE_LATTICE = "2.46 0.0 0.0 -1.2299999999999995 2.130422493309719 0.0 0.0 0.0 0.0";
    static final String GRAPHENE = "2\n"
        + "Lattice=\"" + GRAPHENE_LATTICE + "\" Properties=species:S:1:pos:R:3 pbc=\"T T F\"\n"
        + "C        0.00000000       0.00000000       0.00000000\n"
        + "C        1.23000000       0.71014083       0.00000000\n";
    static final String WIRE_LATTICE = "3.1 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0";
    static final String WIRE = "1\nLattice=\"" + WIRE_LATTICE + "\" Properties=species:S:1:pos:R:3 pbc=\"T F F\"\n"
        + "Au 0.5 -7.0 12.0\n";

    static List<Structure> read(String text) {
        return ExtXyzRoundTripTest.read(text); // no warnings allowed
    }

    static String write(Structure s) throws IOException {
        StringWriter sw = new StringWriter();
        try (ExtXyzWriter w = new ExtXyzWriter(sw)) {
            w.write(s);
        }
        return sw.toString();
    }

    @Test
    void readsGrapheneWithZeroThirdVector() {
        Structure s = read(GRAPHENE).get(0);
        assertThat(s.isPeriodic()).isTrue();
        assertThat(s.cell().pbc()).containsExactly(true, true, false);
        assertThat(s.cell().vectors()).containsExactly(2.46, 0, 0, -1.2299999999999995, 2.130422493309719, 0, 0, 0, 0);
        assertThat(s.cell().completedVectors()).containsExactly(2.46, 0, 0, -1.2299999999999995, 2.130422493309719, 0, 0, 0, 1);
        assertThat(s.cell().periodicMeasure()).isCloseTo(2.46 * 2.130422493309719, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void writerReproducesTheLatticeString() throws IOException {
        for (String[] c : new String[][] {{GRAPHENE, GRAPHENE_LATTICE}, {WIRE, WIRE_LATTICE}}) {
            Structure s = read(c[0]).get(0);
            String text = write(s);
            assertThat(text).contains("Lattice=\"" + c[1] + "\"");
            Structure back = read(text).get(0);
            assertThat(back).isEqualTo(s);
            assertThat(back.cell().vectors()).containsExactly(s.cell().vectors());
        }
        assertThat(write(read(WIRE).get(0))).contains("pbc=\"T F F\"");
        assertThat(write(read(GRAPHENE).get(0))).contains("pbc=\"T T F\"");
    }
}
