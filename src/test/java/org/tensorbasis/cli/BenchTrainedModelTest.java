package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.RandomMolecules;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.io.Json;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.training.Trainer;

/**
 * {@code bench model --model}, {@code bench model|train-step --options} and {@code bench eval} on a tiny trained
 * model (single and committee of 2): the last line is JSON with the stage and atoms_per_s_median; bad inputs
 * are one line naming the file or field, exit code 2.
 */
class BenchTrainedModelTest {
    @TempDir
    static Path dir;
    static Path data;

    static Path options(String name, int committee) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "seed: 5\nthreads: 1\ntraining_set: mol.xyz\nvalidation_set: 0.25\ntest_set: 0.0\n"
            + "targets:\n  mu: {}\n"
            + "model:\n  soap: {cutoff: 4.0, max_radial: 2, max_angular: 2}\n  bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}\n"
            + "training: {epochs: 1, batch_size: 4, checkpoint_interval: 0, committee: " + committee + "}\n", StandardCharsets.UTF_8);
        return p;
    }

    @BeforeAll
    static void train() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        List<Structure> molecules = new ArrayList<>();
        for (int m = 0; m < 12; m++) {
            Structure s = RandomMolecules.of(rng, 4, 3.0, 0.9, new int[] {8, 6, 1, 1});
            double[] x = s.positions();
            double[] v = {x[0] - x[3], x[1] - x[4], x[2] - x[5]};
            molecules.add(s.withInfo(Map.of("mu", Value.ofReals(1, 3, v))));
        }
        data = dir.resolve("mol.xyz");
        ExtXyzWriter.writeAll(data, molecules);
        new Trainer(Options.load(options("c1.yaml", 1)), dir, null).train(TrainingSession.Outputs.forModel(dir.resolve("c1.tbm")), null);
        new Trainer(Options.load(options("c2.yaml", 2)), dir, null).train(TrainingSession.Outputs.forModel(dir.resolve("c2.tbm")), null);
    }

    /** The last line parsed as JSON; checks stage and a positive atoms_per_s_median. */
    static Map<?, ?> lastJson(CliRun r, String stage) {
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        Object j = Json.parse(lines[lines.length - 1]);
        assertThat(j).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) j;
        assertThat(m.get("stage")).isEqualTo(stage);
        assertThat(((Number) m.get("atoms_per_s_median")).doubleValue()).isPositive();
        return m;
    }

    static void badInput(CliRun r, String... mentions) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception").startsWith("error: ").contains(mentions);
    }

    @Test
    void benchModelTimesTheTrainedModelAndCommittees() {
        CliRun r = CliRun.of("bench", "model", data.toString(), "--model", dir.resolve("c1.tbm").toString(), "--warmup", "0",
            "--repetitions", "2", "--passes", "1", "--threads", "1");
        Map<?, ?> m = lastJson(r, "model");
        assertThat(m.get("repetitions")).isEqualTo(2);
        assertThat(((Number) m.get("items")).intValue()).isEqualTo(48);
        assertThat(r.out()).contains("1 x 8 network").contains("maxRadial=2").contains("1 member,");
        CliRun c = CliRun.of("bench", "model", data.toString(), "--model", dir.resolve("c2.tbm").toString(), "--warmup", "0",
            "--repetitions", "1", "--passes", "1", "--threads", "2");
        lastJson(c, "model");
        assertThat(c.out()).contains("committee of 2").contains("2 members");
    }

    @Test
    void benchEvalIsEndToEndAndLeavesNoFile() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = leftovers(tmp);
        CliRun r = CliRun.of("bench", "eval", dir.resolve("c2.tbm").toString(), data.toString(), "--warmup", "0", "--repetitions", "2",
            "--threads", "1");
        Map<?, ?> m = lastJson(r, "eval");
        assertThat(((Number) m.get("items")).intValue()).isEqualTo(48);
        assertThat(r.out()).contains("read + predict + write").contains("temporary, deleted");
        assertThat(leftovers(tmp)).isLessThanOrEqualTo(before);
    }

    private static long leftovers(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("tensorbasis-bench-eval")).count();
        }
    }

    @Test
    void optionsFileSetsTheDemoModel() {
        Path o = dir.resolve("c1.yaml");
        CliRun m = CliRun.of("bench", "model", data.toString(), "--options", o.toString(), "--warmup", "0", "--repetitions", "1",
            "--passes", "1", "--threads", "1");
        lastJson(m, "model");
        assertThat(m.out()).contains("1 x 8 network").contains("cutoff=4.0").contains("maxRadial=2");
        // the batches of prediction by default (at least 8 of them), a given size with --batch-size
        int n = 12;  // the molecules of the file
        assertThat(m.out()).contains("batches of " + org.tensorbasis.lambdamcov.LambdaMcovModel.predictBatch(n) + " structures");
        CliRun b = CliRun.of("bench", "model", data.toString(), "--options", o.toString(), "--warmup", "0", "--repetitions", "1",
            "--passes", "1", "--threads", "1", "--batch-size", "5");
        assertThat(b.out()).contains("batches of 5 structures");
        badInput(CliRun.of("bench", "model", data.toString(), "--batch-size", "-1"), "--batch-size");
        badInput(CliRun.of("bench", "model", data.toString(), "--model", dir.resolve("c1.tbm").toString(), "--batch-size", "64"), "--batch-size");
        CliRun t = CliRun.of("bench", "train-step", data.toString(), "--options", o.toString(), "--warmup", "0", "--repetitions", "1",
            "--epochs", "1", "--threads", "1");
        lastJson(t, "train-step");
        assertThat(t.out()).contains("1 x 8 network").contains("maxRadial=2");
    }

    @Test
    void badInputsExitWithCode2() throws IOException {
        Path missing = dir.resolve("nope.tbm");
        badInput(CliRun.of("bench", "model", data.toString(), "--model", missing.toString()), "nope.tbm");
        badInput(CliRun.of("bench", "eval", missing.toString(), data.toString()), "nope.tbm");
        Path ridge = dir.resolve("ridge.yaml");
        Files.writeString(ridge, "training_set: mol.xyz\ntargets: {mu: {}}\nmodel: {architecture: linear_ridge}\n", StandardCharsets.UTF_8);
        for (String stage : List.of("model", "train-step", "descriptors")) {
            badInput(CliRun.of("bench", stage, data.toString(), "--options", ridge.toString()), "ridge.yaml", "model.architecture");
        }
        Path nitrogen = dir.resolve("n.xyz");
        Files.writeString(nitrogen, "2\nProperties=species:S:1:pos:R:3\nN 0 0 0\nH 1.0 0 0\n", StandardCharsets.UTF_8);
        badInput(CliRun.of("bench", "model", nitrogen.toString(), "--model", dir.resolve("c1.tbm").toString(), "--warmup", "0",
            "--repetitions", "1"), "n.xyz", "species", "N");
        badInput(CliRun.of("bench", "eval", dir.resolve("c1.tbm").toString(), nitrogen.toString()), "n.xyz", "species", "N");
        badInput(CliRun.of("bench", "model", data.toString(), "--model", dir.resolve("c1.tbm").toString(), "--options",
            dir.resolve("c1.yaml").toString()), "--options");
    }
}
