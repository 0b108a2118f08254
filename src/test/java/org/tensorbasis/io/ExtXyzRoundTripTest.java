package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

class ExtXyzRoundTripTest {

    static String write(List<Structure> l) throws IOException {
        StringWriter sw = new StringWriter();
        try (ExtXyzWriter w = new ExtXyzWriter(sw)) {
            for (Structure s : l) w.write(s);
        }
        return sw.toString();
    }

    static List<Structure> read(String text) {
        List<String> warnings = new ArrayList<>();
        List<Structure> out = new ArrayList<>();
        try (ExtXyzReader r = new ExtXyzReader(new StringReader(text), "mem", warnings::add)) {
            r.forEachRemaining(out::add);
        }
        assertThat(warnings).isEmpty();
        return out;
    }

    static void assertRoundTrip(List<Structure> l) throws IOException {
        String text = write(l);
        List<Structure> back = read(text);
        assertThat(back).hasSize(l.size());
        for (int i = 0; i < l.size(); i++) assertThat(back.get(i)).as("frame " + i + "\n" + text).isEqualTo(l.get(i));
        assertThat(write(back)).isEqualTo(text);
    }

    static String[] tricky() {
        return new String[] {"plain", "two words", "123", "1.5", "T", "F", "True", "1 2 3", "T F", "", "say \"hi\"",
            "back\\slash", "a=b", "{braces}", "[brackets]", "it's", "tab\there", "line\nbreak", "_JSON x", "_JSON [1]",
            "comma,sep", "nan", "inf", " lead", "trail ", "ünïcødé", "\\", "\"", "="};
    }

    @Test
    void everyKindOfInfoAndArray() throws IOException {
        List<Structure> l = new ArrayList<>();
        Map<String, Value> info = new LinkedHashMap<>();
        info.put("e", Value.scalar(-76.3489282585));
        info.put("n", Value.scalar(-42L));
        info.put("ok", Value.scalar(true));
        info.put("bad", Value.scalar(false));
        info.put("big", Value.scalar(Long.MIN_VALUE));
        info.put("tiny", Value.scalar(Double.MIN_VALUE));
        info.put("negzero", Value.scalar(-0.0));
        info.put("notanumber", Value.scalar(Double.NaN));
        for (int w = 1; w <= 9; w++) {
            double[] d = new double[w];
            long[] k = new long[w];
            boolean[] b = new boolean[w];
            String[] s = new String[w];
            for (int j = 0; j < w; j++) { d[j] = 0.1 * j - 1e-7; k[j] = j - 4; b[j] = j % 2 == 0; s[j] = "s" + j + (j == 1 ? " x" : ""); }
            info.put("r" + w, Value.ofReals(1, w, d));
            info.put("i" + w, Value.ofInts(1, w, k));
            info.put("b" + w, Value.ofBools(1, w, b));
            info.put("s" + w, Value.ofStrings(1, w, s));
        }
        info.put("table", Value.ofReals(3, 3, new double[] {1, 2, 3, 4, 5, 6, 7, 8, Double.POSITIVE_INFINITY}));
        info.put("itable", Value.ofInts(2, 2, new long[] {1, 2, 3, 4}));
        info.put("stable", Value.ofStrings(2, 1, new String[] {"x", "y z"}));
        String[] t = tricky();
        for (int j = 0; j < t.length; j++) info.put("str" + j, Value.scalar(t[j]));
        info.put("key with space", Value.scalar(1L));
        info.put("k=ey\"q", Value.scalar("v"));

        int n = 3;
        Map<String, Value> arrays = new LinkedHashMap<>();
        for (int w = 1; w <= 9; w++) {
            double[] d = new double[n * w];
            long[] k = new long[n * w];
            boolean[] b = new boolean[n * w];
            String[] s = new String[n * w];
            for (int j = 0; j < n * w; j++) { d[j] = Math.scalb(1.0 + j / 7.0, j - 20); k[j] = (long) j * 1_000_000_007L - 5; b[j] = j % 3 == 0; s[j] = "lab" + j; }
            d[0] = Double.NaN;
            arrays.put("R" + w, Value.ofReals(n, w, d));
            arrays.put("I" + w, Value.ofInts(n, w, k));
            arrays.put("L" + w, Value.ofBools(n, w, b));
            arrays.put("S" + w, Value.ofStrings(n, w, s));
        }
        double[] pos = {0.0, -0.0, 1e-300, 1.0 / 3, 2.0 / 3, -1e20, 123.456, 5e-324, -7.0};
        l.add(new Structure(new int[] {8, 1, 118}, pos, null, info, arrays));
        l.add(new Structure(new int[] {14, 6, 1}, pos, Cell.periodic(new double[] {5.43, 0, 0, 0.1, 5.43, 0, -0.2, 0.3, 5.43}), info, arrays));
        l.add(new Structure(new int[] {14, 6, 1}, pos, new Cell(new double[] {3, 0, 0, 0, 4, 0, 0, 0, 20}, new boolean[] {true, true, false}), info, arrays));
        l.add(new Structure(new int[] {14, 6, 1}, pos, new Cell(new double[] {3, 0, 0, 0, 4, 0, 0, 0, 20}, new boolean[] {false, true, false}), Map.of(), Map.of()));
        l.add(new Structure(new int[] {14, 6, 1}, pos, new Cell(new double[] {3, 0, 0, 0, 4, 0, 0, 0, 20}, new boolean[3]), null, null));
        l.add(new Structure(new int[] {2}, new double[] {1, 2, 3}));
        assertRoundTrip(l);
    }

    static Stream<Long> seeds() {
        return IntStream.range(0, 40).mapToObj(i -> 77L * i + 5);
    }

    static Value randomValue(SplittableRandom r, int rows, int width, boolean allowScalar) {
        int kind = r.nextInt(4);
        if (allowScalar && rows == 1 && width == 1 && r.nextBoolean()) {
            return switch (kind) {
                case 0 -> Value.scalar(randomDouble(r));
                case 1 -> Value.scalar(r.nextLong());
                case 2 -> Value.scalar(r.nextBoolean());
                default -> Value.scalar(tricky()[r.nextInt(tricky().length)]);
            };
        }
        int m = rows * width;
        switch (kind) {
            case 0: { double[] d = new double[m]; for (int i = 0; i < m; i++) d[i] = randomDouble(r); return Value.ofReals(rows, width, d); }
            case 1: { long[] d = new long[m]; for (int i = 0; i < m; i++) d[i] = r.nextLong(-1000, 1000); return Value.ofInts(rows, width, d); }
            case 2: { boolean[] d = new boolean[m]; for (int i = 0; i < m; i++) d[i] = r.nextBoolean(); return Value.ofBools(rows, width, d); }
            default: { String[] d = new String[m]; for (int i = 0; i < m; i++) d[i] = "w" + r.nextInt(100) + (allowScalar ? "~ x" : "_"); return Value.ofStrings(rows, width, d); }
        }
    }

    static double randomDouble(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> Double.longBitsToDouble(r.nextLong()); // any bit pattern, NaN and inf included
            case 1 -> r.nextDouble(-10, 10);
            case 2 -> Math.round(r.nextDouble(-10, 10) * 1e6) / 1e6;
            default -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-12, 12));
        };
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomStructuresRoundTrip(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<Structure> l = new ArrayList<>();
        for (int f = 0; f < 5; f++) {
            int n = 1 + r.nextInt(12);
            int[] z = new int[n];
            double[] pos = new double[3 * n];
            for (int i = 0; i < n; i++) z[i] = 1 + r.nextInt(118);
            for (int i = 0; i < 3 * n; i++) pos[i] = r.nextDouble(-20, 20) * (r.nextInt(10) == 0 ? 1e-9 : 1);
            Cell cell = null;
            if (r.nextBoolean()) {
                double[] v = new double[9];
                for (int k = 0; k < 9; k++) v[k] = (k % 4 == 0 ? 8 : 0) + r.nextDouble(-1, 1);
                cell = new Cell(v, new boolean[] {r.nextBoolean(), r.nextBoolean(), r.nextBoolean()});
            }
            Map<String, Value> info = new LinkedHashMap<>();
            int ni = r.nextInt(6);
            for (int k = 0; k < ni; k++) info.put("info" + k, randomValue(r, r.nextInt(5) == 0 ? 2 : 1, 1 + r.nextInt(9), true));
            Map<String, Value> arrays = new LinkedHashMap<>();
            int na = r.nextInt(5);
            for (int k = 0; k < na; k++) arrays.put("arr" + k, randomValue(r, n, 1 + r.nextInt(9), false));
            l.add(new Structure(z, pos, cell, info, arrays));
        }
        assertRoundTrip(l);
    }

    @Test
    void layoutIsAses() throws IOException {
        Map<String, Value> info = new LinkedHashMap<>();
        info.put("energy", Value.scalar(-1.25));
        info.put("mu", Value.row(0.1, 1e-5, 3));
        info.put("name", Value.scalar("ABAROL"));
        Structure periodic = new Structure(new int[] {8}, new double[] {0.5, 0, 1e-5},
            Cell.periodic(new double[] {10, 0, 0, 0, 10, 0, 0, 0, 10}), info,
            Map.of("ms", Value.ofReals(1, 2, new double[] {1, 2})));
        String[] lines = write(List.of(periodic, new Structure(new int[] {1}, new double[] {0, 0, 0}))).split("\n");
        assertThat(lines[0]).isEqualTo("1");
        assertThat(lines[1]).isEqualTo("Lattice=\"10.0 0.0 0.0 0.0 10.0 0.0 0.0 0.0 10.0\" Properties=species:S:1:pos:R:3:ms:R:2"
            + " energy=-1.25 mu=\"0.1 1e-05 3.0\" name=ABAROL pbc=\"T T T\"");
        assertThat(lines[2].split("\\s+")).containsExactly("O", "0.5", "0.0", "1e-05", "1.0", "2.0");
        assertThat(lines[4]).isEqualTo("Properties=species:S:1:pos:R:3 pbc=\"F F F\"");
    }

    @Test
    void zeroCellIsWrittenWithoutLattice() throws IOException {
        Structure s = new Structure(new int[] {1}, new double[3], new Cell(new double[9], new boolean[3]), null, null);
        assertThat(write(List.of(s))).doesNotContain("Lattice").contains("pbc=\"F F F\"");
    }

    @Test
    void unwritableStructuresAreRejected() {
        assertThatThrownBy(() -> write(List.of(new Structure(new int[0], new double[0])))).isInstanceOf(IllegalArgumentException.class);
        Structure base = new Structure(new int[] {1}, new double[3]);
        assertThatThrownBy(() -> write(List.of(base.withInfo(Map.of("pbc", Value.scalar(true))))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write(List.of(base.withArrays(Map.of("pos", Value.ofReals(1, 3, new double[3]))))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write(List.of(base.withArrays(Map.of("a:b", Value.ofReals(1, 1, new double[1]))))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write(List.of(base.withArrays(Map.of("lab", Value.ofStrings(1, 1, new String[] {"a b"}))))))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeAllIsAtomic(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.xyz");
        Structure s = new Structure(new int[] {1}, new double[] {1, 2, 3});
        ExtXyzWriter.writeAll(out, List.of(s, s));
        assertThat(ExtXyzReader.readAll(out)).containsExactly(s, s);
        String before = Files.readString(out);
        // an iterable that fails half way: the old file stays, no temporary file is left
        Iterable<Structure> failing = () -> new Iterator<>() {
            int k;
            public boolean hasNext() { return true; }
            public Structure next() {
                if (k++ == 3) throw new UncheckedIOException(new IOException("source failed"));
                return s;
            }
        };
        assertThatThrownBy(() -> ExtXyzWriter.writeAll(out, failing)).isInstanceOf(UncheckedIOException.class);
        assertThat(Files.readString(out)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
        // a structure the writer rejects, into a new file: nothing is created
        Path fresh = dir.resolve("fresh.xyz");
        assertThatThrownBy(() -> ExtXyzWriter.writeAll(fresh, List.of(s, new Structure(new int[0], new double[0]))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(fresh).doesNotExist();
    }
}
