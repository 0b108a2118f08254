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

/**
 * An element that a random split leaves only in validation or test structures (common with many
 * elements) is known to the model, trained or not: train warns and succeeds, eval predicts it.
 */
class UntrainedElementTest {
    @TempDir
    Path dir;

    @Test
    void anElementOnlyInTheValidationSetIsPredictedNotRefused() throws IOException {
        List<String> train = Fixtures.frames(32);
        List<String> val = Fixtures.frames(40).subList(32 * Fixtures.LINES, 40 * Fixtures.LINES);
        val = new java.util.ArrayList<>(val);
        // frame 0 of the validation file: the second hydrogen becomes fluorine
        val.set(4, val.get(4).replaceFirst("^H ", "F "));
        Fixtures.write(dir, "train.xyz", train);
        Fixtures.write(dir, "val.xyz", val);
        String opts = Fixtures.options("train.xyz", 2, null).replace("validation_set: 0.2", "validation_set: val.xyz");
        Path o = dir.resolve("options.yaml");
        Files.writeString(o, opts, StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("train", o.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString() + err).contains("elements F appear only in validation or test structures");

        cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        StringWriter err2 = new StringWriter();
        cl.setErr(new PrintWriter(err2, true));
        code = cl.execute("eval", dir.resolve("m.tbm").toString(), dir.resolve("val.xyz").toString(), "-o", dir.resolve("p.xyz").toString());
        assertThat(code).as(err2.toString()).isZero();
        String pred = Files.readString(dir.resolve("p.xyz"));
        assertThat(pred).contains("alpha_pred").doesNotContain("NaN");
    }
}
