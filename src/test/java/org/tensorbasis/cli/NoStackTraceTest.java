package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command ends in a Java stack trace: hostile files, damaged models, wrong kinds of file, bad options
 * and impossible outputs each give exit 2 and one line starting with "error:".
 */
class NoStackTraceTest {
    static final Path WATER = Path.of("data/water-monomer-200/water_monomer_200.xyz").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void hostileInputsGiveOneLine() throws IOException {
        Path garbage = dir.resolve("garbage.xyz");
        byte[] g = new byte[4096];
        new java.util.SplittableRandom(1).nextBytes(g);
        Files.write(garbage, g);
        Path tiny = dir.resolve("tiny.xyz");
        Files.writeString(tiny, "1\nLattice=\"0.01 0 0 0 0.01 0 0 0 0.01\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nH 0 0 0\n");
        Path opts = dir.resolve("o.yaml");
        Files.writeString(opts, "seed: 1\ntraining_set: " + WATER + "\nvalidation_set: 0.2\ntest_set: 0.0\ntargets: {mu: {}}\n"
            + "model: {architecture: linear_ridge, soap: {max_radial: 1, max_angular: 1}}\n", StandardCharsets.UTF_8);
        CliRun trained = CliRun.of("train", opts.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        byte[] model = Files.readAllBytes(dir.resolve("m.tbm"));
        Path cut = dir.resolve("cut.tbm");
        Files.write(cut, java.util.Arrays.copyOf(model, model.length / 2));
        Path flipped = dir.resolve("flipped.tbm");
        byte[] f = model.clone();
        f[f.length - 3] ^= 0x10;
        Files.write(flipped, f);
        Path badOpts = dir.resolve("bad.yaml");
        Files.writeString(badOpts, "training_set: " + WATER + "\ntargets: {mu: {}}\nmodel: {soap: {cutoff: -1}}\n");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");

        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"inspect", garbage.toString()});
        cases.add(new String[] {"inspect", tiny.toString()});
        cases.add(new String[] {"inspect", dir.resolve("missing.xyz").toString()});
        cases.add(new String[] {"eval", cut.toString(), WATER.toString()});
        cases.add(new String[] {"eval", flipped.toString(), WATER.toString()});
        cases.add(new String[] {"eval", garbage.toString(), WATER.toString()});
        cases.add(new String[] {"eval", dir.resolve("m.tbm").toString(), garbage.toString()});
        cases.add(new String[] {"eval", dir.resolve("m.tbm").toString(), WATER.toString(), "-o", blocker.resolve("p.xyz").toString()});
        cases.add(new String[] {"train", badOpts.toString(), "-o", dir.resolve("x.tbm").toString()});
        cases.add(new String[] {"train", garbage.toString(), "-o", dir.resolve("x.tbm").toString()});
        cases.add(new String[] {"diagnose", dir.resolve("m.tbm").toString(), WATER.toString()});
        cases.add(new String[] {"bench", "descriptors", tiny.toString()});
        for (String[] c : cases) {
            CliRun r = CliRun.of(c);
            String what = String.join(" ", c);
            assertThat(r.code()).as(what + "\n" + r.err()).isEqualTo(2);
            String err = r.err().strip();
            assertThat(err).as(what).doesNotContain("\tat ").doesNotContain("Exception:");
            // reader warnings may come first; the failure is the last line, alone
            String[] lines = err.split("\n");
            assertThat(lines[lines.length - 1]).as(what).startsWith("error: ");
            for (int i = 0; i < lines.length - 1; i++) assertThat(lines[i]).as(what).startsWith("warning: ");
        }
        assertThat(Files.readAllBytes(dir.resolve("m.tbm"))).as("the good model is untouched").isEqualTo(model);
    }

    /** An eval that fails while writing (here: its metrics file cannot be created) leaves the earlier outputs byte-identical. */
    @Test
    void aFailedEvalLeavesTheEarlierOutputs() throws IOException {
        Path opts = dir.resolve("o.yaml");
        Files.writeString(opts, "seed: 1\ntraining_set: " + WATER + "\nvalidation_set: 0.2\ntest_set: 0.0\ntargets: {mu: {}}\n"
            + "model: {architecture: linear_ridge, soap: {max_radial: 1, max_angular: 1}}\n", StandardCharsets.UTF_8);
        assertThat(CliRun.of("train", opts.toString(), "-o", dir.resolve("m.tbm").toString()).code()).isZero();
        Path pred = dir.resolve("pred.xyz");
        Path plots = dir.resolve("plots");
        assertThat(CliRun.of("eval", dir.resolve("m.tbm").toString(), WATER.toString(), "-o", pred.toString(), "--plots", plots.toString())
            .code()).isZero();
        byte[] before = Files.readAllBytes(pred);
        byte[] metricsBefore = Files.readAllBytes(dir.resolve("pred.metrics.json"));
        byte[] plotBefore = Files.readAllBytes(plots.resolve("mu.png"));
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        CliRun r = CliRun.of("eval", dir.resolve("m.tbm").toString(), WATER.toString(), "-o", pred.toString(), "--plots", plots.toString(),
            "--metrics", blocker.resolve("m.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot write").contains("m.json");
        assertThat(Files.readAllBytes(pred)).isEqualTo(before);
        assertThat(Files.readAllBytes(dir.resolve("pred.metrics.json"))).isEqualTo(metricsBefore);
        assertThat(Files.readAllBytes(plots.resolve("mu.png"))).isEqualTo(plotBefore);
        try (var s = Files.list(plots)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
        }
    }
}
