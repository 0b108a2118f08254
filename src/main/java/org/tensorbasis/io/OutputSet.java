package org.tensorbasis.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The outputs of one command, replaced together or not at all: each output is first written
 * completely to a staging file beside its destination ({@link #stage}); {@link #commit()} then
 * renames them into place in the order they were staged (put the most important one, e.g. the
 * model, last), and {@link #close()} without a commit deletes the staging files, so a command that
 * fails halfway leaves every earlier output byte-identical.
 */
public final class OutputSet implements AutoCloseable {
    private final Map<Path, Path> staged = new LinkedHashMap<>();  // destination → staging file
    private final List<Path> removed = new ArrayList<>();
    private boolean committed;

    /**
     * A staging path for {@code destination} (created empty, in the destination's folder, named like
     * {@link AtomicFiles}' temporaries); write the output there with any writer.
     */
    public Path stage(Path destination) throws IOException {
        Path abs = destination.toAbsolutePath();
        if (staged.containsKey(abs)) return staged.get(abs);
        Path dir = abs.getParent();
        Path tmp;
        try {
            if (dir != null) Files.createDirectories(dir);
            cleanStale(dir, abs.getFileName().toString());
            tmp = AtomicFiles.tempFile(dir, abs.getFileName().toString());
        } catch (IOException e) {
            throw new IOException("cannot write " + destination + ": " + AtomicFiles.reason(e), e);
        }
        staged.put(abs, tmp);
        return tmp;
    }

    /** Stages an output and writes it with {@code body}; a failure names the destination, not the staging file. */
    public void write(Path destination, AtomicFiles.Body body) throws IOException {
        Path tmp = stage(destination);
        try {
            AtomicFiles.write(tmp, body);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IOException io ? io : e;
            throw new IOException("cannot write " + destination + ": " + AtomicFiles.reason((IOException) cause), e);
        }
    }

    /** An earlier output that this command's set replaces with nothing: deleted at {@link #commit()}. */
    public void remove(Path destination) {
        removed.add(destination.toAbsolutePath());
    }

    /** Renames every staged output into place, in staging order; then deletes the outputs marked {@link #remove}d. */
    public void commit() throws IOException {
        for (Map.Entry<Path, Path> e : staged.entrySet()) {
            try {
                AtomicFiles.replace(e.getValue(), e.getKey());
            } catch (IOException x) {
                throw new IOException("cannot write " + e.getKey() + ": " + AtomicFiles.reason(x), x);
            }
        }
        for (Path p : removed) Files.deleteIfExists(p);
        committed = true;
    }

    /** Deletes the staging files of an uncommitted set. */
    @Override
    public void close() {
        if (committed) return;
        for (Path tmp : staged.values()) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the next run cleans stale temporaries of this name
            }
        }
    }

    /**
     * Deletes temporaries {@code .<name>.<random>.tmp} of our own naming left by a killed process
     * (kill -9) in {@code dir}: those of another live process writing the same output could only
     * belong to a run that is about to replace it anyway.
     */
    public static void cleanStale(Path dir, String name) {
        if (dir == null || !Files.isDirectory(dir)) return;
        Pattern ours = Pattern.compile("\\." + Pattern.quote(name) + "\\.[0-9a-z]{1,13}\\.tmp");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + escapeGlob(name) + ".*.tmp")) {
            for (Path p : ds) {
                if (ours.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // nothing to clean, or not allowed to: harmless
        }
    }

    private static String escapeGlob(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }
}
