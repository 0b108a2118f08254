package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

class ExtXyzReaderTest {

    static List<Structure> read(String text, List<String> warnings) {
        List<Structure> out = new ArrayList<>();
        try (ExtXyzReader r = new ExtXyzReader(new StringReader(text), "mem.xyz", warnings::add)) {
            while (r.hasNext()) out.add(r.next());
        }
        return out;
    }

    static List<Structure> read(String text) {
        List<String> w = new ArrayList<>();
        List<Structure> s = read(text, w);
        assertThat(w).as("warnings").isEmpty();
        return s;
    }

    @Test
    void readsCellPbcInfoAndArraysInFileOrder() {
        String text = "2\n"
            + "Lattice=\"10 0 0 0 11 0 1 0 12.5\" Properties=species:S:1:pos:R:3:forces:R:3:tag:I:1:fixed:L:2:label:S:1"
            + " energy=-1.5 n=7 flag ok=F name=water mu=\"0.1 0.2 0.3\" ids=\"1 2\" pbc=\"T T F\"\n"
            + "O 0.0 0.1 0.2  1 2 3  5 T F  oxy\n"
            + "H -1e-05 2.5E+1 .5  -1 -2 -3  -6 True False  hyd\n";
        Structure s = read(text).get(0);
        assertThat(s.numbers()).containsExactly(8, 1);
        assertThat(s.positions()).containsExactly(0.0, 0.1, 0.2, -1e-5, 25.0, 0.5);
        assertThat(s.cell()).isEqualTo(new Cell(new double[] {10, 0, 0, 0, 11, 0, 1, 0, 12.5}, new boolean[] {true, true, false}));
        assertThat(s.info().keySet()).containsExactly("energy", "n", "flag", "ok", "name", "mu", "ids");
        assertThat(s.info().get("energy")).isEqualTo(Value.scalar(-1.5));
        assertThat(s.info().get("n")).isEqualTo(Value.scalar(7L));
        assertThat(s.info().get("flag")).isEqualTo(Value.scalar(true));
        assertThat(s.info().get("ok")).isEqualTo(Value.scalar(false));
        assertThat(s.info().get("name")).isEqualTo(Value.scalar("water"));
        assertThat(s.info().get("mu")).isEqualTo(Value.row(0.1, 0.2, 0.3));
        assertThat(s.info().get("ids")).isEqualTo(Value.ofInts(1, 2, new long[] {1, 2}));
        assertThat(s.arrays().keySet()).containsExactly("forces", "tag", "fixed", "label");
        assertThat(s.arrays().get("forces")).isEqualTo(Value.ofReals(2, 3, new double[] {1, 2, 3, -1, -2, -3}));
        assertThat(s.arrays().get("tag")).isEqualTo(Value.ofInts(2, 1, new long[] {5, -6}));
        assertThat(s.arrays().get("fixed")).isEqualTo(Value.ofBools(2, 2, new boolean[] {true, false, true, false}));
        assertThat(s.arrays().get("label")).isEqualTo(Value.ofStrings(2, 1, new String[] {"oxy", "hyd"}));
    }

    @Test
    void defaultPropertiesAndNoCell() {
        List<Structure> l = read("1\n\nC 1 2 3\n1\nplain comment line\nN 4 5 6\n\n\n");
        assertThat(l).hasSize(2);
        assertThat(l.get(0).cell()).isNull();
        assertThat(l.get(0).info()).isEmpty();
        assertThat(l.get(1).number(0)).isEqualTo(7);
        assertThat(l.get(1).info().keySet()).containsExactly("plain", "comment", "line"); // bare keys, as ASE
    }

    @Test
    void latticeWithoutPbcIsPeriodicAndPbcFalseWithoutLatticeHasNoCell() {
        Structure a = read("1\nLattice=\"2 0 0 0 2 0 0 0 2\"\nC 0 0 0\n").get(0);
        assertThat(a.cell().pbc()).containsExactly(true, true, true);
        Structure b = read("1\npbc=\"F F F\"\nC 0 0 0\n").get(0);
        assertThat(b.cell()).isNull();
        Structure c = read("1\nLattice=\"2 0 0 0 2 0 0 0 2\" pbc=\"F F F\"\nC 0 0 0\n").get(0);
        assertThat(c.cell().isAnyPeriodic()).isFalse();
        Structure d = read("1\nLattice=\"2 0 0 0 2 0 0 0 2\" pbc=F\nC 0 0 0\n").get(0);
        assertThat(d.cell().pbc()).containsExactly(false, false, false);
    }

    @Test
    void atomicNumbersColumn() {
        Structure s = read("2\nProperties=Z:I:1:pos:R:3:q:R:1\n8 0 0 0 -0.8\n1 1 0 0 0.4\n").get(0);
        assertThat(s.numbers()).containsExactly(8, 1);
        assertThat(s.arrays().keySet()).containsExactly("q");
        Structure t = read("1\nProperties=species:S:1:pos:R:3:Z:I:1\nO 0 0 0 8\n").get(0);
        assertThat(t.numbers()).containsExactly(8);
        assertThat(t.arrays()).isEmpty();
    }

    @Test
    void nanAllowedOutsidePositions() {
        Structure s = read("1\nProperties=species:S:1:pos:R:3:ms:R:2 e=nan\nS 0 0 0 nan -inf\n").get(0);
        assertThat(s.arrays().get("ms").getDouble(0, 0)).isNaN();
        assertThat(s.arrays().get("ms").getDouble(0, 1)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.info().get("e").getDouble(0, 0)).isNaN();
    }

    @Test
    void zeroLatticeQuirkWarnsOncePerReader() {
        String frame = "1\nLattice=\"0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0\" Properties=\"species:S:1:pos:R:3\" potential=-76.3\nO 0 0 0\n";
        List<String> w = new ArrayList<>();
        List<Structure> l = read(frame + frame + frame, w);
        assertThat(l).hasSize(3).allMatch(s -> s.cell() == null && !s.isPeriodic());
        assertThat(w).hasSize(1);
        assertThat(w.get(0)).contains("mem.xyz", "all-zero Lattice", "frame 0");
    }

    @Test
    void pbcWithoutLatticeQuirkWarnsOncePerReader() {
        String frame = "1\nProperties=species:S:1:pos:R:3 pbc=\"T T T\" gamma=\"1 2\"\nO 0 0 0\n";
        List<String> w = new ArrayList<>();
        List<Structure> l = read(frame + frame, w);
        assertThat(l).hasSize(2).allMatch(s -> s.cell() == null);
        assertThat(w).hasSize(1);
        assertThat(w.get(0)).contains("mem.xyz", "pbc without a Lattice");
        // both quirks in one file: one warning per kind
        String zero = "1\nLattice=\"0 0 0 0 0 0 0 0 0\"\nO 0 0 0\n";
        List<String> w2 = new ArrayList<>();
        read(frame + zero + frame + zero, w2);
        assertThat(w2).hasSize(2);
    }

    @Test
    void pathConstructorAndHelpers(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.xyz");
        Files.writeString(f, "1\nx=1\nH 0 0 0\n2\nx=2\nH 0 0 0\nH 1 0 0\n");
        assertThat(ExtXyzReader.readAll(f)).extracting(Structure::size).containsExactly(1, 2);
        List<Integer> sizes = new ArrayList<>();
        ExtXyzReader.forEach(f, s -> sizes.add(s.size()));
        assertThat(sizes).containsExactly(1, 2);
        try (Stream<Structure> st = ExtXyzReader.stream(f, w -> { })) {
            assertThat(st.mapToLong(s -> s.info().get("x").getLong(0, 0)).sum()).isEqualTo(3);
        }
        try (ExtXyzReader r = new ExtXyzReader(f)) {
            r.next();
            assertThat(r.framesRead()).isEqualTo(1);
            assertThat(r.fileName()).isEqualTo(f.toString());
        }
    }
}
