package org.tensorbasis.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.cli.Main;
import picocli.CommandLine;

/** {@code tensorbasis train} through the command line: exit codes, one-line errors, files left alone. */
class TrainCliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static List<String> lines(String s) {
        return s.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void badOptionsFileExits2WithOneLine() throws IOException {
        Path opts = Fixtures.setUp(dir, 2, "  epoch: 3\n");
        Run r = run("train", opts.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(lines(r.err())).hasSize(1);
        assertThat(r.err().trim()).startsWith("error: " + opts + ", line 17, field 'training.epoch': unknown option; did you mean 'epochs'?");
        assertThat(dir.resolve("m.tbm")).doesNotExist();
        assertThat(dir.resolve("m.options.yaml")).doesNotExist();

        Files.writeString(opts, "training_set: water40.xyz\ntargets: {mu: {}}\ntraining: {epochs: many}\n", StandardCharsets.UTF_8);
        r = run("train", opts.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(lines(r.err())).containsExactly("error: " + opts + ", line 3, field 'training.epochs': expected an integer, got 'many'");
        r = run("train", dir.resolve("no-such-options.yaml").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(lines(r.err())).hasSize(1);
    }

    @Test
    void failedTrainingLeavesExistingModelUntouched() throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        List<String> xyz = Fixtures.frames(40);
        Fixtures.setInfo(xyz, 17, "alpha", "1 2 3");
        Fixtures.write(dir, "water40.xyz", xyz);
        Path model = dir.resolve("m.tbm");
        byte[] old = "previous model".getBytes(StandardCharsets.UTF_8);
        Files.write(model, old);
        Run r = run("train", opts.toString(), "-o", model.toString(), "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(lines(r.err())).hasSize(1);
        assertThat(r.err()).contains("water40.xyz, frame 17, field 'alpha'");
        assertThat(Files.readAllBytes(model)).isEqualTo(old);
        assertThat(Fixtures.filesEndingWith(dir, ".tmp")).isEmpty();
    }

    @Test
    void successfulRunThenForeignRestart() throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        Path model = dir.resolve("m.tbm");
        Run r = run("train", opts.toString(), "-o", model.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("validation metrics").contains("alpha").contains("mu");
        assertThat(model).exists();
        assertThat(dir.resolve("m.ckpt")).exists();
        assertThat(dir.resolve("m.options.yaml")).exists();
        assertThat(Files.readAllLines(dir.resolve("m.train.csv"))).hasSize(1 + 2);
        byte[] trained = Files.readAllBytes(model);

        // resuming that checkpoint with other options: one line, exit 2, model untouched
        Files.writeString(opts, Fixtures.options("water40.xyz", 3, null), StandardCharsets.UTF_8);
        r = run("train", opts.toString(), "-o", model.toString(), "--restart", dir.resolve("m.ckpt").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(lines(r.err())).hasSize(1);
        assertThat(r.err()).contains("m.ckpt").contains("different options");
        assertThat(Files.readAllBytes(model)).isEqualTo(trained);
    }
}
