package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.structure.Structure;

/** An eval whose files were read ahead behaves exactly as one that reads them itself. */
class EvalPrefetchTest {
    @TempDir
    static Path dir;

    static Path data, zeroLattice, model;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        List<Structure> all = ExtXyzReader.readAll(Path.of("data/water-monomer-200/water_monomer_200.xyz"), w -> { });
        data = dir.resolve("data.xyz");
        ExtXyzWriter.writeAll(data, all.subList(0, 24));
        // the same frames with an all-zero Lattice: the reader warns once (non-periodic)
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(data)) lines.add(l.startsWith("Properties=") ? "Lattice=\"0 0 0 0 0 0 0 0 0\" " + l : l);
        zeroLattice = dir.resolve("zero-lattice.xyz");
        Files.write(zeroLattice, lines);
        Path options = dir.resolve("options.yaml");
        Files.writeString(options, String.join("\n",
            "seed: 3", "threads: 2", "training_set: data.xyz",
            "targets:", "  alpha: {unit: \"a.u.\"}",
            "model: {soap: {max_radial: 3, max_angular: 2}, bpnn: {num_neurons_per_layer: 8}}",
            "training: {epochs: 2, batch_size: 8}", ""));
        model = dir.resolve("model.tbm");
        CliRun r = CliRun.of("train", options.toString(), "-o", model.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @AfterEach
    void drop() {
        EvalPrefetch.clear();
    }

    /** The output without its timing line. */
    private static String stable(String out) {
        return out.replaceAll("(?m)^predicted .*$", "predicted");
    }

    private static CliRun eval(boolean prefetch, String... args) {
        if (prefetch) EvalPrefetch.start(args);
        try {
            return CliRun.of(args);
        } finally {
            EvalPrefetch.clear();
        }
    }

    @Test
    void theOutputsAreTheSameWithAndWithoutThePrefetch() throws IOException {
        for (Path file : List.of(data, zeroLattice)) {
            Path a = Files.createDirectories(dir.resolve("a")).resolve(file.getFileName()), b = Files.createDirectories(dir.resolve("b")).resolve(file.getFileName());
            CliRun plain = eval(false, "eval", model.toString(), file.toString(), "-o", a.toString(), "--threads", "2");
            CliRun ahead = eval(true, "eval", model.toString(), file.toString(), "-o", b.toString(), "--threads", "2");
            assertThat(plain.code()).as(plain.err()).isZero();
            assertThat(ahead.code()).as(ahead.err()).isZero();
            assertThat(ahead.err()).isEqualTo(plain.err());  // the reader's warnings, printed once, in place
            assertThat(stable(ahead.out()).replace(b.getParent().toString(), "OUT")).isEqualTo(stable(plain.out()).replace(a.getParent().toString(), "OUT"));
            assertThat(Files.readString(b)).isEqualTo(Files.readString(a));
        }
        assertThat(eval(false, "eval", model.toString(), zeroLattice.toString()).err()).contains("all-zero Lattice");
    }

    @Test
    void thePrefetchedFilesAreTheOnesOfTheCommandLine() {
        EvalPrefetch.start(new String[] {"eval", "--threads=1", model.toString(), data.toString(), "-oout.xyz"});
        assertThat(EvalPrefetch.model(model, 2)).as("another thread count").isNull();
        assertThat(EvalPrefetch.model(model, 1)).isNotNull();
        assertThat(EvalPrefetch.samples(zeroLattice, w -> { })).as("another data file").isNull();
        assertThat(EvalPrefetch.samples(data, w -> { })).as("released by the first request").isNull();

        EvalPrefetch.start(new String[] {"eval", model.toString(), data.toString(), "--metrics", "m.json"});
        assertThat(EvalPrefetch.samples(data, w -> { })).hasSize(24);
    }

    @Test
    void itsOptionsWithAValueAreTheCommandsNonBooleanOptions() {
        List<String> names = new ArrayList<>();
        for (java.lang.reflect.Field f : EvalCommand.class.getDeclaredFields()) {
            picocli.CommandLine.Option o = f.getAnnotation(picocli.CommandLine.Option.class);
            if (o != null && f.getType() != boolean.class) names.addAll(List.of(o.names()));
        }
        assertThat(EvalPrefetch.WITH_VALUE).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void onlyAPlainEvalOfTwoSmallExistingFilesIsPrefetched() {
        String m = model.toString(), d = data.toString();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m, d})).isNotNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m, d, "--check-symmetry", "--rotations", "2", "--plots", "p"})).isNotNull();
        assertThat(EvalPrefetch.parse(new String[] {"train", m, d})).isNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m})).isNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m, d, d})).isNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m, dir.resolve("missing.xyz").toString()})).isNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m, d, "--threads", "x"})).isNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m, d, "--threads", "-1"})).isNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", m, d, "-o"})).isNull();
        assertThat(EvalPrefetch.parse(new String[] {"eval", "--", m, d})).isNull();
        assertThat(EvalPrefetch.parse(null)).isNull();
    }

    @Test
    void aFileThePrefetchCannotReadIsReportedByTheCommandAsWithoutIt() throws IOException {
        Path bad = dir.resolve("bad.xyz");
        Files.writeString(bad, "3\nProperties=species:S:1:pos:R:3\nO 0 0 0\nH 1 0\n");
        Path notAModel = dir.resolve("not-a-model.tbm");
        Files.writeString(notAModel, "not a model\n");
        for (String[] args : List.of(new String[] {"eval", model.toString(), bad.toString()},
                new String[] {"eval", notAModel.toString(), data.toString()})) {
            CliRun plain = eval(false, args), ahead = eval(true, args);
            assertThat(plain.code()).isEqualTo(2);
            assertThat(ahead.code()).isEqualTo(2);
            assertThat(ahead.err()).isEqualTo(plain.err()).startsWith("error: ");
        }
    }
}
