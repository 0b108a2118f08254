package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;

/** Hostile files have bounded cost: no line breaks, absurd atom counts; line endings as BufferedReader reads them. */
class ExtXyzBoundsTest {
    @TempDir
    Path dir;

    @Test
    void aFileWithoutLineBreaksStopsAtTheLineBound() throws IOException {
        Path p = dir.resolve("nul.xyz");
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(p)) {
            for (int i = 0; i < 40; i++) out.write(chunk);  // 40 MB of NUL bytes, no newline
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> ExtXyzReader.readAll(p)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("nul.xyz").hasMessageContaining("line 1").hasMessageContaining("longer than");
        assertThat((System.nanoTime() - t0) * 1e-9).isLessThan(10);
    }

    @Test
    void anAtomCountTheFileCannotHoldIsRefusedBeforeAllocating() throws IOException {
        Path p = dir.resolve("count.xyz");
        Files.writeString(p, "200000000\ncomment\nH 0 0 0\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ExtXyzReader.readAll(p)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("count.xyz").hasMessageContaining("atom count").hasMessageContaining("200000000 atoms announced");
    }

    @Test
    void lineEndingsAreThoseOfBufferedReader() throws IOException {
        String text = "a\nb\r\nc\rd\r\n\ne";
        LineReader r = new LineReader(new StringReader(text), 3, 100);
        List<String> got = new ArrayList<>();
        for (String l = r.readLine(); l != null; l = r.readLine()) got.add(l);
        assertThat(got).containsExactly("a", "b", "c", "d", "", "e");
        LineReader tooLong = new LineReader(new StringReader("12345\nx"), 2, 4);
        assertThatThrownBy(tooLong::readLine).isInstanceOf(LineReader.LineTooLongException.class);
        LineReader exact = new LineReader(new StringReader("1234\n"), 2, 4);
        assertThat(exact.readLine()).isEqualTo("1234");
        assertThat(exact.readLine()).isNull();
    }
}
