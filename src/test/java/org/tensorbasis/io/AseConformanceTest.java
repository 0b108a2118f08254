package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * Conformance with real ASE (ase.io.extxyz): files written by ASE are read with the keys, kinds,
 * shapes and values ASE itself reads back, and files written by {@link ExtXyzWriter} read in ASE
 * exactly as they were written. The ASE side is {@code ase_conformance.py} (test resources), run
 * with {@code /usr/bin/python3}; skipped when that python has no ASE.
 */
class AseConformanceTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @BeforeAll
    static void needsAse() {
        assumeTrue(aseAvailable(), PYTHON + " with ASE is not installed (apt-get install python3-ase)");
    }

    /** True when {@code /usr/bin/python3 -c "import ase"} succeeds. */
    static boolean aseAvailable() {
        if (!Files.isExecutable(Path.of(PYTHON))) return false;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import ase, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs the ASE script with {@code args}; returns its last output line (a JSON object), asserting exit code 0. */
    static Map<String, Object> ase(Path dir, String... args) throws IOException, InterruptedException {
        Path script = dir.resolve("ase_conformance.py");
        if (!Files.exists(script)) {
            try (InputStream in = AseConformanceTest.class.getResourceAsStream("ase_conformance.py")) {
                Files.copy(in, script);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("PYTHONPATH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ASE script timed out").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String[] lines = out.strip().split("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> verdict = (Map<String, Object>) Json.parse(lines[lines.length - 1]);
        return verdict;
    }

    // ------------------------------------------------------------------ dumps (the format of ase_conformance.py)

    /** A frame as the script dumps it, reals as exact hex strings. */
    static Map<String, Object> dump(Structure s) {
        Map<String, Object> f = new LinkedHashMap<>();
        List<Object> z = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) z.add((long) s.number(i));
        f.put("numbers", z);
        List<Object> pos = new ArrayList<>();
        for (double x : s.positions()) pos.add(Double.toHexString(x));
        f.put("positions", pos);
        Cell c = s.cell();
        List<Object> cell = null;
        if (c != null) {
            cell = new ArrayList<>();
            for (double x : c.vectors()) cell.add(Double.toHexString(x));
        }
        f.put("cell", cell);
        boolean[] pbc = c == null ? new boolean[3] : c.pbc();
        f.put("pbc", List.of(pbc[0], pbc[1], pbc[2]));
        Map<String, Object> info = new LinkedHashMap<>();
        s.info().forEach((k, v) -> info.put(k, field(v, false)));
        f.put("info", info);
        Map<String, Object> arrays = new LinkedHashMap<>();
        s.arrays().forEach((k, v) -> arrays.put(k, field(v, true)));
        f.put("arrays", arrays);
        return f;
    }

    /**
     * A Value with ASE's shape: an info scalar (), one row (n), a table (rows, width); a per-atom
     * column (N), several (N, width).
     */
    static Map<String, Object> field(Value v, boolean perAtom) {
        List<Object> shape;
        if (perAtom) shape = v.width() == 1 ? List.of((long) v.rows()) : List.of((long) v.rows(), (long) v.width());
        else if (v.isScalar()) shape = List.of();
        else if (v.rows() == 1) shape = List.of((long) v.width());
        else shape = List.of((long) v.rows(), (long) v.width());
        List<Object> values = new ArrayList<>();
        for (int r = 0; r < v.rows(); r++) {
            for (int k = 0; k < v.width(); k++) {
                switch (v.kind()) {
                    case REAL -> values.add(Double.toHexString(v.getDouble(r, k)));
                    case INT -> values.add(v.getLong(r, k));
                    case BOOL -> values.add(v.getBool(r, k));
                    default -> values.add(v.getString(r, k));
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", v.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("shape", shape);
        m.put("values", values);
        return m;
    }

    /** Numbers as Long, hex strings of reals (and of positions / cell) as Double: equal iff bit-identical. */
    @SuppressWarnings("unchecked")
    static Object normalise(Object o, boolean hex) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            boolean real = "real".equals(m.get("kind"));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = (String) e.getKey();
                boolean h = k.equals("positions") || k.equals("cell") || (real && k.equals("values"));
                out.put(k, normalise(e.getValue(), h));
            }
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(normalise(x, hex));
            return out;
        }
        if (hex && o instanceof String s) return Double.parseDouble(s);
        if (o instanceof Integer i) return (long) i;
        if (o instanceof java.math.BigInteger b) return b.longValueExact();
        return o;
    }

    // ------------------------------------------------------------------ ASE → tensorbasis

    @Test
    void filesWrittenByAseReadAsAseReadsThem() throws Exception {
        ase(dir, "write", dir.toString());
        List<Structure> frames = ExtXyzReader.readAll(dir.resolve("ase.extxyz"), w -> { throw new AssertionError("warning: " + w); });
        @SuppressWarnings("unchecked")
        Map<String, Object> read = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("ase_read.json")));
        @SuppressWarnings("unchecked")
        List<Object> aseFrames = (List<Object>) read.get("frames");
        assertThat(frames).hasSameSizeAs(aseFrames).hasSize(3);
        int fields = 0;
        for (int i = 0; i < frames.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> expected = (Map<String, Object>) normalise(aseFrames.get(i), false);
            @SuppressWarnings("unchecked")
            Map<String, Object> got = (Map<String, Object>) normalise(dump(frames.get(i)), false);
            for (String key : List.of("numbers", "positions", "cell", "pbc")) {
                assertThat(got.get(key)).as("frame %d %s", i, key).isEqualTo(expected.get(key));
            }
            for (String part : List.of("info", "arrays")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> g = (Map<String, Object>) got.get(part);
                @SuppressWarnings("unchecked")
                Map<String, Object> e = (Map<String, Object>) expected.get(part);
                assertThat(g.keySet()).as("frame %d %s keys", i, part).containsExactlyInAnyOrderElementsOf(e.keySet());
                for (String k : e.keySet()) {
                    assertThat(g.get(k)).as("frame %d %s[%s] (kind, shape, values) as ASE %s reads it", i, part, k, read.get("ase"))
                        .isEqualTo(e.get(k));
                    fields++;
                }
            }
        }
        assertThat(fields).as("fields compared").isGreaterThanOrEqualTo(30);

        // the case of the issue: a 3x3 _JSON info array is a 3x3 table, 9 numbers row-major
        Value t = frames.get(0).info().get("T");
        assertThat(t.rows()).isEqualTo(3);
        assertThat(t.width()).isEqualTo(3);
        assertThat(t.size()).isEqualTo(9);
        // stress / virial: ASE's 9 numbers in Fortran order are the 3x3 matrix ASE reads
        Value virial = frames.get(0).info().get("virial");
        assertThat(virial.rows()).isEqualTo(3);
        assertThat(frames.get(1).info().get("stress").rows()).isEqualTo(3);
        assertThat(frames.get(1).arrays().get("forces").width()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ tensorbasis → ASE

    @Test
    void filesWrittenByTensorbasisReadInAseAsWritten() throws Exception {
        ase(dir, "write", dir.toString());
        List<Structure> frames = new ArrayList<>(ExtXyzReader.readAll(dir.resolve("ase.extxyz")));
        frames.add(builtHere());
        Path file = dir.resolve("tb.extxyz");
        ExtXyzWriter.writeAll(file, frames);
        List<Object> expected = new ArrayList<>();
        for (Structure s : frames) expected.add(dump(s));
        Path exp = dir.resolve("tb_expected.json");
        Files.writeString(exp, Json.write(expected), StandardCharsets.UTF_8);

        Map<String, Object> verdict = ase(dir, "check", file.toString(), exp.toString());
        assertThat((List<?>) verdict.get("mismatches")).as("what ASE reads differently").isEmpty();
        assertThat(verdict.get("ok")).isEqualTo(true);
        assertThat(((Number) verdict.get("frames")).intValue()).isEqualTo(4);
        assertThat(((Number) verdict.get("fields")).intValue()).isGreaterThanOrEqualTo(40);
        // and tensorbasis reads its own output back unchanged
        assertThat(ExtXyzReader.readAll(file)).containsExactlyElementsOf(frames);
    }

    /** Values built in Java: full-precision doubles, tables, the strings ASE's typing would misread. */
    private static Structure builtHere() {
        Random rnd = new Random(11);
        int n = 4;
        double[] pos = new double[3 * n];
        for (int k = 0; k < pos.length; k++) pos[k] = rnd.nextGaussian() * 3;
        double[] t = new double[9];
        for (int k = 0; k < 9; k++) t[k] = rnd.nextGaussian() / 3;
        double[] stress = new double[9];
        for (int k = 0; k < 9; k++) stress[k] = rnd.nextGaussian() * 1e-3;
        Map<String, Value> info = new LinkedHashMap<>();
        info.put("T", Value.ofReals(3, 3, t));
        info.put("stress", Value.ofReals(3, 3, stress)); // not symmetric: the Fortran order must be right
        info.put("virial", Value.ofInts(3, 3, new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
        info.put("energy", Value.scalar(-1234.5678901234567));
        info.put("extremes", Value.row(1e-300, 1e300, -0.0, 4.9e-324, Double.MAX_VALUE, 0.1 + 0.2));
        info.put("one", Value.ofReals(1, 1, new double[] {0.5}));
        info.put("number_text", Value.scalar("123"));
        info.put("bool_text", Value.scalar("T"));
        info.put("sentence", Value.scalar("a \"quoted\" word, and more"));
        info.put("flags", Value.ofBools(1, 3, new boolean[] {true, true, false}));
        info.put("counts", Value.ofInts(1, 2, new long[] {-3, Long.MAX_VALUE}));
        info.put("names", Value.ofStrings(1, 2, new String[] {"x", "y z"}));
        info.put("rect", Value.ofReals(2, 3, new double[] {1, 2, 3, 4, 5, 6.25}));
        Map<String, Value> arrays = new LinkedHashMap<>();
        double[] tens = new double[9 * n];
        for (int k = 0; k < tens.length; k++) tens[k] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10);
        arrays.put("tensor", Value.ofReals(n, 9, tens));
        double[] f = new double[3 * n];
        for (int k = 0; k < f.length; k++) f[k] = rnd.nextGaussian();
        arrays.put("forces", Value.ofReals(n, 3, f));
        arrays.put("tag", Value.ofInts(n, 1, new long[] {0, 1, 2, -7}));
        arrays.put("fixed", Value.ofBools(n, 1, new boolean[] {true, false, false, true}));
        arrays.put("label", Value.ofStrings(n, 1, new String[] {"a", "b", "c", "d"}));
        Cell cell = new Cell(new double[] {5.1, 0, 0, 0.3, 4.9, 0, 0.1, 0.2, 6.7}, new boolean[] {true, false, true});
        return new Structure(new int[] {8, 1, 1, 29}, pos, cell, info, arrays);
    }
}
