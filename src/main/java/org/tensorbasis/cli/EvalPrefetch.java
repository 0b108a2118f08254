package org.tensorbasis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.SampleReader;

/**
 * Reads the model and the data file of an {@code eval} on a second thread while the main thread builds the command
 * line. On a short eval (100 bulk-water boxes) picocli's reflection takes ~0.08 s of the main thread, loading the model
 * ~0.07 s and reading the data ~0.02 s: they overlap on a second core instead of following each other.
 *
 * <p>Purely an overlap, never a second behaviour: {@link EvalCommand} takes a result only when it is for the same
 * files and thread count it was given, and a prefetch that failed (a bad file, any error) is dropped, so that the
 * ordinary path reads the file again and reports the error exactly as without a prefetch. The warnings of the data
 * reader are kept and printed by the command where it would have printed them.
 */
final class EvalPrefetch {
    /** Files above these sizes are read by the command itself (a short eval is what gains; no double memory). */
    static final long MAX_DATA_BYTES = 20_000_000L, MAX_MODEL_BYTES = 100_000_000L;

    /**
     * eval options that take a value (the next argument unless written as --name=value or -oVALUE); the same as
     * {@link EvalCommand}'s non-boolean options (tested), written out because reading the annotations is what picocli's
     * slow start does.
     */
    static final List<String> WITH_VALUE = List.of("-o", "--output", "--metrics", "--plots", "--rotations", "--seed", "--precision", "--threads");

    private static volatile EvalPrefetch current;

    private final Path model, data;
    private final int threads;
    private final CompletableFuture<TrainedModel> loaded = new CompletableFuture<>();
    private final CompletableFuture<Read> read = new CompletableFuture<>();

    private record Read(List<Sample> samples, List<String> warnings) {}

    private EvalPrefetch(Path model, Path data, int threads) {
        this.model = model;
        this.data = data;
        this.threads = threads;
    }

    /**
     * Starts the prefetch for {@code args} when they are an eval's ({@code eval MODEL DATA [options]}) and both files
     * exist and are small; otherwise does nothing. Never throws.
     */
    static void start(String[] args) {
        try {
            EvalPrefetch p = parse(args);
            if (p == null) return;
            current = p;
            Thread t = new Thread(p::run, "tensorbasis-prefetch");
            t.setDaemon(true);
            t.start();
        } catch (RuntimeException e) {
            current = null;  // anything unexpected: no prefetch, the command reads as usual
        }
    }

    /** The prefetch an eval command line asks for, or null when it is not one (or not a plain one). */
    static EvalPrefetch parse(String[] args) {
        if (args == null || args.length < 3 || !"eval".equals(args[0])) return null;
        List<String> positional = new ArrayList<>();
        int threads = 0;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) return null;  // rare: leave it to picocli
            if (a.startsWith("-") && a.length() > 1) {
                String name = a, value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                } else if (!a.startsWith("--") && a.length() > 2 && a.startsWith("-o")) {
                    name = "-o";
                    value = a.substring(2);
                }
                if (WITH_VALUE.contains(name) && value == null) {
                    if (++i >= args.length) return null;
                    value = args[i];
                }
                if (name.equals("--threads")) {
                    try {
                        threads = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        return null;
                    }
                    if (threads < 0 || threads > 1024) return null;
                }
                continue;
            }
            positional.add(a);
        }
        if (positional.size() != 2) return null;
        Path model = Path.of(positional.get(0)), data = Path.of(positional.get(1));
        try {
            if (!Files.isRegularFile(model) || !Files.isRegularFile(data)) return null;
            if (Files.size(model) > MAX_MODEL_BYTES || Files.size(data) > MAX_DATA_BYTES) return null;
        } catch (java.io.IOException | SecurityException e) {
            return null;
        }
        return new EvalPrefetch(model, data, threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }

    private void run() {
        try {
            loaded.complete(Architectures.load(model, threads));
        } catch (Throwable e) {  // an OutOfMemoryError too: the command's own read reports it
            loaded.completeExceptionally(e);
        }
        try {
            List<String> warnings = new ArrayList<>();
            read.complete(new Read(SampleReader.read(data, warnings::add), warnings));
        } catch (Throwable e) {
            read.completeExceptionally(e);
        }
    }

    /** The prefetched model of {@code file} at {@code threads}, waiting for it if needed; null when there is none. */
    static TrainedModel model(Path file, int threads) {
        EvalPrefetch p = current;
        if (p == null || !p.model.equals(file) || p.threads != threads) return null;
        try {
            return p.loaded.join();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The prefetched structures of {@code file}, their reader's warnings passed to {@code warnings} first; null when
     * there are none. Taken once: the prefetch is released afterwards.
     */
    static List<Sample> samples(Path file, Consumer<String> warnings) {
        EvalPrefetch p = current;
        current = null;
        if (p == null || !p.data.equals(file)) return null;
        Read r;
        try {
            r = p.read.join();
        } catch (RuntimeException e) {
            return null;
        }
        r.warnings().forEach(warnings);
        return r.samples();
    }

    /** Drops a prefetch that no command took (tests). */
    static void clear() {
        current = null;
    }
}
