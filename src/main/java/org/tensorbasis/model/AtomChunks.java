package org.tensorbasis.model;

import java.util.stream.IntStream;

/**
 * Fixed chunks of a batch's atoms for parallel loops whose per-chunk results are reduced in chunk order
 * (so that a run is reproducible for a given thread count): {@link #count} chunks of at least 8 atoms,
 * at most {@code threads}, with boundaries that depend only on the atom count.
 */
public final class AtomChunks {
    private AtomChunks() {}

    /** The body of one chunk: atoms {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    public interface Body {
        void run(int chunk, int from, int to);
    }

    /** The number of chunks of {@code atoms} atoms on {@code threads} threads. */
    public static int count(int threads, int atoms) {
        return Math.min(threads, Math.max(1, atoms / 8));
    }

    /** Runs the body on every chunk, in parallel when there is more than one. */
    public static void forEach(int threads, int atoms, Body body) {
        int n = count(threads, atoms);
        if (n == 1) {
            body.run(0, 0, atoms);
            return;
        }
        IntStream.range(0, n).parallel().forEach(c -> body.run(c, (int) ((long) atoms * c / n), (int) ((long) atoms * (c + 1) / n)));
    }
}
