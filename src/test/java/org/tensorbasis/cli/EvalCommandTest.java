package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.io.Json;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.lambdamcov.LambdaMcovModel;

/**
 * End-to-end tests of {@code tensorbasis eval} on a tiny model trained once on 40 frames of the
 * shipped water-monomer slice (alpha, mu, and a synthetic per-atom vector r0 = r − centroid).
 */
class EvalCommandTest {
    @TempDir
    static Path dir;

    static Path data;
    static Path model;
    static List<Structure> frames;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        Path slice = Path.of("data/water-monomer-200/water_monomer_200.xyz");
        List<Structure> all = ExtXyzReader.readAll(slice, w -> { });
        frames = new ArrayList<>();
        for (Structure s : all.subList(0, 40)) frames.add(s.withArrays(Map.of("r0", centred(s))));
        data = dir.resolve("data.xyz");
        ExtXyzWriter.writeAll(data, frames);
        Path options = dir.resolve("options.yaml");
        Files.writeString(options, String.join("\n",
            "seed: 3",
            "threads: 2",
            "training_set: data.xyz",
            "targets:",
            "  alpha: {unit: \"a.u.\"}",
            "  mu: {unit: \"a.u.\"}",
            "  r0: {per_atom: true, unit: \"Å\"}",
            "model: {soap: {max_radial: 4, max_angular: 3}, bpnn: {num_neurons_per_layer: 16}}",
            "training: {epochs: 4, batch_size: 8}", ""));
        model = dir.resolve("model.tbm");
        CliRun r = CliRun.of("train", options.toString(), "-o", model.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
    }

    /** Positions relative to the centroid: a per-atom vector that rotates with the structure. */
    static Value centred(Structure s) {
        int n = s.size();
        double[] c = new double[3];
        for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) c[k] += s.position(i, k) / n;
        double[] v = new double[3 * n];
        for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) v[3 * i + k] = s.position(i, k) - c[k];
        return Value.ofReals(n, 3, v);
    }

    static Path write(String name, List<Structure> structures) throws IOException {
        Path p = dir.resolve(name);
        ExtXyzWriter.writeAll(p, structures);
        return p;
    }

    static List<Structure> map(List<Structure> in, UnaryOperator<Structure> f) {
        List<Structure> out = new ArrayList<>();
        for (Structure s : in) out.add(f.apply(s));
        return out;
    }

    static Structure without(Structure s, String... keys) {
        Map<String, Value> info = new LinkedHashMap<>(s.info());
        Map<String, Value> arrays = new LinkedHashMap<>(s.arrays());
        for (String k : keys) {
            info.remove(k);
            arrays.remove(k);
        }
        return new Structure(s.numbers(), s.positions(), s.cell(), info, arrays);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path p) throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(p));
    }

    @Test
    void predictionsReadBackWithPredFieldsOfTheRightShape() throws IOException {
        Path out = dir.resolve("pred/predictions.xyz");
        CliRun r = CliRun.of("eval", model.toString(), data.toString(), "-o", out.toString(), "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("predictions written to").contains("alpha_pred, mu_pred, r0_pred");
        List<Structure> back = ExtXyzReader.readAll(out, w -> { });
        assertThat(back).hasSize(frames.size());
        // what eval predicts: the model with its targets' transforms (r0 sums to zero per structure: zero_sum auto)
        var m = org.tensorbasis.architecture.Architectures.load(model, 1);
        var p = m.predict(frames, 1);
        for (int k = 0; k < back.size(); k++) {
            Structure s = back.get(k);
            Structure in = frames.get(k);
            // input fields untouched, predictions added in the same layout
            assertThat(s.info().get("alpha")).isEqualTo(in.info().get("alpha"));
            assertThat(s.arrays().get("r0")).isEqualTo(in.arrays().get("r0"));
            Value a = s.info().get("alpha_pred");
            Value mu = s.info().get("mu_pred");
            Value r0 = s.arrays().get("r0_pred");
            assertThat(a.rows()).isEqualTo(1);
            assertThat(a.width()).isEqualTo(9);
            assertThat(mu.width()).isEqualTo(3);
            assertThat(r0.rows()).isEqualTo(in.size());
            assertThat(r0.width()).isEqualTo(3);
            assertClose(a.toDoubles(), p.values("alpha", k));
            assertClose(mu.toDoubles(), p.values("mu", k));
            assertClose(r0.toDoubles(), p.values("r0", k));
            // a symmetric target is predicted symmetric
            double[] t = a.toDoubles();
            assertThat(t[1]).isCloseTo(t[3], within(1e-12));
            assertThat(t[2]).isCloseTo(t[6], within(1e-12));
            assertThat(t[5]).isCloseTo(t[7], within(1e-12));
        }
        assertThat(dir.resolve("pred/predictions.metrics.json")).exists();
    }

    static void assertClose(double[] got, double[] want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) assertThat(got[i]).isCloseTo(want[i], within(1e-12 * (1 + Math.abs(want[i]))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void metricsMatchAnIndependentComputation() throws IOException {
        Path out = dir.resolve("m/p.xyz");
        Path mf = dir.resolve("m/metrics.json");
        CliRun r = CliRun.of("eval", model.toString(), data.toString(), "-o", out.toString(), "--metrics", mf.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("alpha:L2+").contains("%RMSE");
        assertThat(out.resolveSibling("p.metrics.json")).doesNotExist();
        List<Structure> back = ExtXyzReader.readAll(out, w -> { });
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Object o : (List<Object>) json(mf).get("metrics")) byName.put((String) ((Map<String, Object>) o).get("name"), (Map<String, Object>) o);
        assertThat(byName.keySet()).contains("alpha", "mu", "r0", "alpha:L0+", "alpha:L2+", "mu:L1+", "r0:L1+");

        for (String[] t : new String[][] {{"alpha", "info"}, {"mu", "info"}, {"r0", "arrays"}}) {
            List<double[]> ref = new ArrayList<>();
            List<double[]> pred = new ArrayList<>();
            int width = 0;
            for (Structure s : back) {
                Map<String, Value> m = t[1].equals("info") ? s.info() : s.arrays();
                Value rv = m.get(t[0]);
                Value pv = m.get(t[0] + "_pred");
                width = rv.width();
                for (int row = 0; row < rv.rows(); row++) {
                    ref.add(Arrays.copyOfRange(rv.toDoubles(), row * width, (row + 1) * width));
                    pred.add(Arrays.copyOfRange(pv.toDoubles(), row * width, (row + 1) * width));
                }
            }
            double se = 0, ae = 0, var = 0;
            for (int i = 0; i < ref.size(); i++) {
                for (int c = 0; c < width; c++) {
                    double d = pred.get(i)[c] - ref.get(i)[c];
                    se += d * d;
                    ae += Math.abs(d);
                }
            }
            for (int c = 0; c < width; c++) {
                double mean = 0;
                for (double[] v : ref) mean += v[c] / ref.size();
                for (double[] v : ref) var += (v[c] - mean) * (v[c] - mean) / ref.size();
            }
            int n = ref.size() * width;
            double rmse = Math.sqrt(se / n);
            double std = Math.sqrt(var / width);
            Map<String, Object> j = byName.get(t[0]);
            assertThat(((Number) j.get("rows")).intValue()).isEqualTo(ref.size());
            // errors near round-off (a target the model fits exactly) are compared to the data's scale
            double floor = 1e-14 * std;
            assertThat(((Number) j.get("rmse")).doubleValue()).isCloseTo(rmse, within(1e-12 * rmse + floor));
            assertThat(((Number) j.get("mae")).doubleValue()).isCloseTo(ae / n, within(1e-12 * ae / n + floor));
            assertThat(((Number) j.get("std")).doubleValue()).isCloseTo(std, within(1e-12 * std));
            assertThat(((Number) j.get("percent_rmse")).doubleValue()).isCloseTo(100 * rmse / std, within(1e-9 + 100 * floor / std));
        }
        // per-atom target over H and O atoms: per-element rows, the same definition on each element's atoms
        assertThat(byName).containsKeys("r0[H]", "r0[O]", "r0:L1+[H]", "r0:L1+[O]");
        assertThat(byName.keySet()).noneMatch(k -> k.startsWith("alpha[") || k.startsWith("mu["));
        assertThat(byName.get("r0[H]").get("element")).isEqualTo("H");
        assertThat(byName.get("r0:L1+[O]").get("target")).isEqualTo("r0");
        assertThat(byName.get("r0").get("element")).isNull();
        double seH = 0;
        long nH = 0;
        for (Structure s : back) {
            double[] rr = s.arrays().get("r0").toDoubles();
            double[] pp = s.arrays().get("r0_pred").toDoubles();
            for (int i = 0; i < s.size(); i++) {
                if (s.number(i) != 1) continue;
                nH++;
                for (int c = 0; c < 3; c++) seH += (pp[3 * i + c] - rr[3 * i + c]) * (pp[3 * i + c] - rr[3 * i + c]);
            }
        }
        assertThat(((Number) byName.get("r0[H]").get("rows")).longValue()).isEqualTo(nH);
        assertThat(rmse(byName, "r0[H]")).isCloseTo(Math.sqrt(seH / (3 * nH)), within(1e-12 * Math.sqrt(seH / (3 * nH))));
        long rows = ((Number) byName.get("r0").get("rows")).longValue();
        long rowsO = ((Number) byName.get("r0[O]").get("rows")).longValue();
        assertThat(nH + rowsO).isEqualTo(rows);
        double pooled = rmse(byName, "r0");
        double fromElements = rmse(byName, "r0[H]") * rmse(byName, "r0[H]") * nH + rmse(byName, "r0[O]") * rmse(byName, "r0[O]") * rowsO;
        assertThat(fromElements).isCloseTo(pooled * pooled * rows, within(1e-9 * pooled * pooled * rows));
        assertThat(rmse(byName, "r0:L1+[O]")).isCloseTo(rmse(byName, "r0[O]"), within(1e-12)); // λ = 1 only: same numbers

        // the spherical blocks are an orthonormal change of basis: squared errors add up (Parseval)
        double a = rmse(byName, "alpha");
        double l0 = rmse(byName, "alpha:L0+");
        double l2 = rmse(byName, "alpha:L2+");
        assertThat(l0 * l0 + 5 * l2 * l2).isCloseTo(9 * a * a, within(1e-9 * 9 * a * a)); // relative to the compared value
        assertThat(rmse(byName, "mu:L1+")).isCloseTo(rmse(byName, "mu"), within(1e-12));
        // L0 of alpha is its trace / √3 (up to sign)
        double se0 = 0;
        for (Structure s : back) {
            double[] rr = s.info().get("alpha").toDoubles();
            double[] pp = s.info().get("alpha_pred").toDoubles();
            double d = (pp[0] + pp[4] + pp[8] - rr[0] - rr[4] - rr[8]) / Math.sqrt(3);
            se0 += d * d;
        }
        assertThat(rmse(byName, "alpha:L0+")).isCloseTo(Math.sqrt(se0 / back.size()), within(1e-10));
    }

    static double rmse(Map<String, Map<String, Object>> m, String name) {
        return ((Number) m.get(name).get("rmse")).doubleValue();
    }

    @Test
    void parityPlotsAreValidPngs() throws IOException {
        Path plots = dir.resolve("plots");
        CliRun r = CliRun.of("eval", model.toString(), data.toString(), "--plots", plots.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String t : List.of("alpha", "mu", "r0")) {
            Path png = plots.resolve(t + ".png");
            assertThat(png).exists();
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
            assertThat(head).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isBetween(400, 2000);
            assertThat(img.getHeight()).isBetween(400, 2000);
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
            assertThat(colours.size()).as("a drawn chart, not a blank image").isGreaterThan(20);
        }
        try (Stream<Path> s = Files.list(plots)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
        // no -o and no --metrics: nothing but the plots
        assertThat(r.out()).doesNotContain("metrics written");
    }

    @Test
    @SuppressWarnings("unchecked")
    void symmetryCheckIsAtRoundOffForMoleculesAndPeriodicStructures() throws IOException {
        // two water molecules in a triclinic periodic cell smaller than twice the cutoff: the cell must rotate too
        List<Structure> periodic = new ArrayList<>();
        double[] cell = {6.0, 0.0, 0.0, 1.2, 5.5, 0.0, -0.7, 0.9, 6.3};
        for (int f = 0; f < 2; f++) {
            Structure a = frames.get(f);
            Structure b = frames.get(f + 10);
            int[] z = new int[6];
            double[] pos = new double[18];
            for (int i = 0; i < 3; i++) {
                z[i] = a.number(i);
                z[3 + i] = b.number(i);
                for (int k = 0; k < 3; k++) {
                    pos[3 * i + k] = a.position(i, k) + 0.5;
                    pos[9 + 3 * i + k] = b.position(i, k) + (k == 0 ? 3.1 : 2.7);
                }
            }
            periodic.add(new Structure(z, pos, Cell.periodic(cell), Map.of(), Map.of()));
        }
        Path pbc = write("periodic.xyz", periodic);
        for (Path in : List.of(data, pbc)) {
            Path mf = dir.resolve("sym-" + in.getFileName() + ".json");
            CliRun r = CliRun.of("eval", model.toString(), in.toString(), "--check-symmetry", "--rotations", "2", "--seed", "7", "--metrics", mf.toString(),
                "--strict");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("symmetry: PASS");
            Map<String, Object> sym = (Map<String, Object>) json(mf).get("symmetry");
            assertThat(sym.get("pass")).isEqualTo(true);
            List<Object> results = (List<Object>) sym.get("results");
            assertThat(results).hasSize(3);
            for (Object o : results) {
                Map<String, Object> res = (Map<String, Object>) o;
                assertThat(((Number) res.get("proper")).doubleValue()).as(res.toString()).isLessThanOrEqualTo(1e-10);
                assertThat(((Number) res.get("improper")).doubleValue()).as(res.toString()).isLessThanOrEqualTo(1e-10);
            }
            if (in == pbc) assertThat(r.out()).contains("metrics skipped for alpha").contains("metrics skipped for r0");
        }
    }

    /**
     * {@code --precision float32}: the same predictions as float64 to float32 round-off (≤ 1e-5 of the target's RMS
     * prediction, measured ~1e-7), recorded in the metrics file, and rotating with the structures to the float32
     * tolerance (and well above float64 round-off: the float32 arithmetic is really used).
     */
    @Test
    @SuppressWarnings("unchecked")
    void float32PredictionsAgreeWithFloat64AndRotateToFloat32RoundOff() throws IOException {
        Path out64 = dir.resolve("p64.xyz");
        Path out32 = dir.resolve("p32.xyz");
        Path m32 = dir.resolve("p32.metrics.json");
        CliRun r64 = CliRun.of("eval", model.toString(), data.toString(), "-o", out64.toString(), "--threads", "2");
        CliRun r32 = CliRun.of("eval", model.toString(), data.toString(), "-o", out32.toString(), "--threads", "2", "--precision", "float32",
            "--check-symmetry", "--rotations", "2", "--strict", "--metrics", m32.toString());
        assertThat(r64.code()).as(r64.err()).isZero();
        assertThat(r32.code()).as(r32.out() + r32.err()).isZero();
        assertThat(r32.out()).contains("symmetry: PASS (tolerance 1e-05, float32 prediction)");
        Map<String, Object> js = json(m32);
        assertThat(js.get("precision")).isEqualTo("float32");
        assertThat(((Map<String, Object>) js.get("symmetry")).get("tolerance")).isEqualTo(1e-5);
        List<Structure> a = ExtXyzReader.readAll(out64, w -> { });
        List<Structure> b = ExtXyzReader.readAll(out32, w -> { });
        for (String key : List.of("alpha_pred", "mu_pred", "r0_pred")) {
            double sq = 0, maxDiff = 0;
            long count = 0;
            for (int k = 0; k < a.size(); k++) {
                Value va = a.get(k).info().containsKey(key) ? a.get(k).info().get(key) : a.get(k).arrays().get(key);
                Value vb = b.get(k).info().containsKey(key) ? b.get(k).info().get(key) : b.get(k).arrays().get(key);
                double[] x = va.toDoubles(), y = vb.toDoubles();
                for (int i = 0; i < x.length; i++) {
                    sq += x[i] * x[i];
                    maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
                }
                count += x.length;
            }
            double rms = Math.sqrt(sq / count);
            assertThat(maxDiff / rms).as(key).isLessThan(1e-5).isGreaterThan(0.0);
        }
        for (Object o : (List<Object>) ((Map<String, Object>) js.get("symmetry")).get("results")) {
            Map<String, Object> res = (Map<String, Object>) o;
            double worst = Math.max(((Number) res.get("proper")).doubleValue(), ((Number) res.get("improper")).doubleValue());
            assertThat(worst).as(res.toString()).isLessThanOrEqualTo(1e-5).isGreaterThan(1e-12);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void dataWithoutTargetsIsOnlyPredicted() throws IOException {
        Path bare = write("bare.xyz", map(frames.subList(0, 5), s -> without(s, "alpha", "mu", "r0", "beta", "potential")));
        Path out = dir.resolve("bare-pred.xyz");
        CliRun r = CliRun.of("eval", model.toString(), bare.toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("metrics skipped for alpha").contains("metrics skipped for mu").contains("metrics skipped for r0")
            .doesNotContain("RMSE");
        assertThat(ExtXyzReader.readAll(out, w -> { }).get(4).info()).containsKey("alpha_pred");
        Map<String, Object> j = json(dir.resolve("bare-pred.metrics.json"));
        assertThat((List<Object>) j.get("metrics")).isEmpty();
        assertThat((List<Object>) j.get("metrics_skipped")).containsExactly("alpha", "mu", "r0");
    }

    /** Bad-input cases: name, arguments (with placeholders), strings the message must contain. */
    static Stream<Arguments> badInputs() throws IOException {
        Path foreignVersion = dir.resolve("v99.tbm");
        ModelFile.Contents c = ModelFile.read(model);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("format_version", "99");
        ModelFile.write(foreignVersion, meta, c.tensors());
        Path truncated = dir.resolve("truncated.tbm");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        List<Structure> withC = new ArrayList<>(frames.subList(0, 3));
        Structure s1 = withC.get(1);
        withC.set(1, new Structure(new int[] {8, 6, 1}, s1.positions(), null, s1.info(), s1.arrays()));
        Path carbon = write("carbon.xyz", withC);
        List<Structure> partial = new ArrayList<>(frames.subList(0, 6));
        partial.set(3, without(partial.get(3), "mu"));
        Path partialFile = write("partial.xyz", partial);
        List<Structure> partialAtom = new ArrayList<>(frames.subList(0, 6));
        partialAtom.set(4, without(partialAtom.get(4), "r0"));
        Path partialAtomFile = write("partial-atom.xyz", partialAtom);
        List<Structure> wide = new ArrayList<>(frames.subList(0, 4));
        wide.set(2, wide.get(2).withInfo(Map.of("mu", Value.row(1, 2, 3, 4))));
        Path wideFile = write("wide.xyz", wide);
        List<Structure> nan = new ArrayList<>(frames.subList(0, 4));
        nan.set(1, nan.get(1).withInfo(Map.of("alpha", Value.row(1, 0, 0, 0, Double.NaN, 0, 0, 0, 1))));
        Path nanFile = write("nan.xyz", nan);
        Path empty = dir.resolve("empty.xyz");
        Files.writeString(empty, "");
        String m = model.toString();
        String d = data.toString();
        return Stream.of(
            Arguments.of("missing model", new String[] {dir.resolve("nope.tbm").toString(), d}, new String[] {"nope.tbm", "no such file"}),
            Arguments.of("missing data", new String[] {m, dir.resolve("nope.xyz").toString()}, new String[] {"nope.xyz", "no such file"}),
            Arguments.of("other format version", new String[] {foreignVersion.toString(), d}, new String[] {"v99.tbm", "format_version", "99"}),
            Arguments.of("truncated model", new String[] {truncated.toString(), d}, new String[] {"truncated.tbm", "truncated"}),
            Arguments.of("unknown species", new String[] {m, carbon.toString()}, new String[] {"carbon.xyz", "frame 1", "species", "C,", "never saw"}),
            Arguments.of("partial target", new String[] {m, partialFile.toString()}, new String[] {"partial.xyz", "frame 3", "'mu'", "missing"}),
            Arguments.of("partial per-atom target", new String[] {m, partialAtomFile.toString()},
                new String[] {"partial-atom.xyz", "frame 4", "'r0'", "missing"}),
            Arguments.of("wrong width", new String[] {m, wideFile.toString()}, new String[] {"wide.xyz", "frame 2", "'mu'", "4 numbers"}),
            Arguments.of("non-finite reference", new String[] {m, nanFile.toString()}, new String[] {"nan.xyz", "frame 1", "'alpha'", "non-finite"}),
            Arguments.of("empty data", new String[] {m, empty.toString()}, new String[] {"empty.xyz", "no frame"}),
            Arguments.of("model is not a model", new String[] {d, d}, new String[] {"not a model file"}),
            Arguments.of("zero rotations", new String[] {m, d, "--check-symmetry", "--rotations", "0"}, new String[] {"--rotations", "0"}),
            Arguments.of("absurd rotations", new String[] {m, d, "--check-symmetry", "--rotations", "1000000"}, new String[] {"--rotations", "1000000"}),
            Arguments.of("negative threads", new String[] {m, d, "--threads", "-3"}, new String[] {"--threads"}),
            Arguments.of("unknown precision", new String[] {m, d, "--precision", "half"}, new String[] {"--precision", "float64 or float32", "'half'"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsOneLineExitTwoAndLeavesOutputsAlone(String name, String[] args, String[] expected) throws IOException {
        Path out = dir.resolve("keep/existing.xyz");
        Path metrics = dir.resolve("keep/existing.metrics.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "previous predictions\n");
        Files.writeString(metrics, "{\"previous\": true}\n");
        List<String> all = new ArrayList<>(List.of("eval"));
        all.addAll(List.of(args));
        all.addAll(List.of("-o", out.toString(), "--plots", dir.resolve("keep/plots").toString()));
        CliRun r = CliRun.of(all.toArray(String[]::new));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        String err = r.err().strip();
        assertThat(err).as("one line").doesNotContain("\n").startsWith("error: ");
        for (String e : expected) assertThat(err).contains(e);
        assertThat(Files.readString(out)).isEqualTo("previous predictions\n");
        assertThat(Files.readString(metrics)).isEqualTo("{\"previous\": true}\n");
        assertThat(dir.resolve("keep/plots")).doesNotExist();
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("existing.xyz", "existing.metrics.json");
        }
    }

    @Test
    void outputEqualToTheInputIsRefused() throws IOException {
        Path copy = dir.resolve("same/data.xyz");
        Files.createDirectories(copy.getParent());
        Files.copy(data, copy);
        byte[] before = Files.readAllBytes(copy);
        byte[] modelBefore = Files.readAllBytes(model);
        // the same file, spelled differently
        String spelled = copy.getParent().resolve("../same/./data.xyz").toString();
        for (String[] args : new String[][] {{"-o", spelled}, {"--metrics", copy.toString()}, {"-o", model.toString()}}) {
            List<String> all = new ArrayList<>(List.of("eval", model.toString(), copy.toString()));
            all.addAll(List.of(args));
            CliRun r = CliRun.of(all.toArray(String[]::new));
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).doesNotContain("\n").contains("refusing to overwrite").contains(args[0]);
        }
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
        assertThat(Files.readAllBytes(model)).isEqualTo(modelBefore);
        CliRun r = CliRun.of("eval", model.toString(), copy.toString(), "-o", dir.resolve("same/a.xyz").toString(), "--metrics", dir.resolve("same/a.xyz").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is also the -o output");
    }
}
