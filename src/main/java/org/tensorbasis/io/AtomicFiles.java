package org.tensorbasis.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Temporary files for atomic writes (write beside the destination, then rename into place). */
public final class AtomicFiles {
    private AtomicFiles() {}

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
