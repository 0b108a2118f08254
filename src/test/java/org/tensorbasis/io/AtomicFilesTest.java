package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplaces(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("out.txt");
        AtomicFiles.writeText(f, "first é\n");
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("first é\n");
        AtomicFiles.writeBytes(f, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3);
        AtomicFiles.write(f, out -> {
            for (int i = 0; i < 100_000; i++) out.write(i);
        });
        assertThat(Files.size(f)).isEqualTo(100_000);
        assertThat(names(dir)).containsExactly("out.txt");
    }

    @Test
    void aFailingBodyLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.tbm");
        AtomicFiles.writeText(f, "old contents");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessageEndingWith(": disk full").hasMessageContaining("cannot write");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[1 << 20]);
            throw new UncheckedIOException(new IOException("bug"));
        })).isInstanceOf(UncheckedIOException.class);
        assertThat(Files.readString(f)).isEqualTo("old contents");
        assertThat(names(dir)).containsExactly("model.tbm");
    }

    @Test
    void aFailingFirstWriteLeavesNothing(@TempDir Path dir) {
        Path f = dir.resolve("new.csv");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            throw new IOException("no");
        })).isInstanceOf(IOException.class);
        assertThat(f).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void createsTheParentFolders(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a").resolve("b").resolve("c.json");
        AtomicFiles.writeText(f, "{}");
        assertThat(Files.readString(f)).isEqualTo("{}");
        assertThat(names(f.getParent())).containsExactly("c.json");
    }

    @Test
    void failuresNameTheOutputAndTheReason(@TempDir Path tmp) throws IOException {
        assertThat(AtomicFiles.reason(new java.nio.file.AccessDeniedException("/x/.m.tbm.1.tmp"))).isEqualTo("permission denied");
        assertThat(AtomicFiles.reason(new java.nio.file.FileSystemException("/x/.m.tbm.1.tmp", null, "No space left on device")))
            .isEqualTo("No space left on device");
        assertThat(AtomicFiles.reason(new IOException("No space left on device"))).isEqualTo("No space left on device");
        // a folder where the output's parent should be: the message names the output
        java.nio.file.Path blocker = java.nio.file.Files.writeString(tmp.resolve("blocker"), "x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AtomicFiles.writeText(blocker.resolve("out.txt"), "y"))
            .isInstanceOf(IOException.class).hasMessageContaining("cannot write").hasMessageContaining("out.txt");
    }
}
