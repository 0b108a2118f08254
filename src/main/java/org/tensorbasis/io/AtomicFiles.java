package org.tensorbasis.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one atomic writer of the project: every output (model, checkpoint, CSV, extxyz, plots,
 * reports, metrics) is written to a temporary file beside its destination and renamed into place
 * only once it is complete, so a failure never leaves a half-written or mixed output.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the contents of a file to a stream. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code path} atomically: the parent folders are created, {@code body} writes a temporary
     * file in the same folder, which is forced to disk and renamed over {@code path}.
     */
    public static void write(Path path, Body body) throws IOException {
        try {
            writeRaw(path, body);
        } catch (IOException e) {
            throw new IOException("cannot write " + path + ": " + reason(e), e);
        }
    }

    /**
     * What went wrong, in words: {@link java.nio.file.FileSystemException}s carry only a path as their
     * message ("/x/.m.tbm.123.tmp"), which says neither why nor which output.
     */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or folder (" + e.getMessage() + ")";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file is in the way of a folder (" + e.getMessage() + ")";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void writeRaw(Path path, Body body) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = tempFile(dir, abs.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true); // on disk before the rename, so a crash never leaves an empty file in place
            }
            replace(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} over {@code to}: atomically where the file system can (always within one folder). */
    public static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes bytes atomically. */
    public static void writeBytes(Path path, byte[] bytes) throws IOException {
        write(path, out -> out.write(bytes));
    }

    /** Writes UTF-8 text atomically. */
    public static void writeText(Path path, String text) throws IOException {
        writeBytes(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An empty temporary file {@code .<name>.<random>.tmp} in dir. Not {@link Files#createTempFile},
     * which makes the file owner-only (0600), so that the renamed output gets the usual
     * permissions (umask), like any other file the program writes.
     */
    public static Path tempFile(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }
}
