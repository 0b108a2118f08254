package org.tensorbasis.cli;

import java.nio.file.Path;
import java.util.List;
import org.tensorbasis.BadInputException;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Structure;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options every {@code bench} subcommand shares, as a picocli {@code @Mixin}: {@code --warmup} and
 * {@code --repetitions}. Each command mixes in its own instance with its own defaults, e.g.
 * {@code @Mixin BenchOptions runs = new BenchOptions(3, 7);}, and the help shows them.
 *
 * <p>A command whose warm-up default is not a constant ({@code bench descriptors} computes it from the
 * data) passes {@code null} and describes its default in its resource bundle under the key
 * {@code warmup}, which replaces the description below. The subcommands that read structures also mix
 * in {@link Input} (FILE and {@code --threads}).
 */
public final class BenchOptions {
    @Option(names = "--warmup", paramLabel = "N", description = "untimed runs first (default: ${DEFAULT-VALUE})")
    Integer warmup;

    @Option(names = "--repetitions", paramLabel = "N", description = "timed runs (default: ${DEFAULT-VALUE})")
    int repetitions;

    /** For picocli; the commands construct theirs with their defaults. */
    BenchOptions() {}

    /** @param warmup default number of untimed runs, or null when the command computes it */
    BenchOptions(Integer warmup, int repetitions) {
        this.warmup = warmup;
        this.repetitions = repetitions;
    }

    /** Checks the values; the errors name the option. */
    BenchOptions check() {
        if (warmup != null && warmup < 0) throw BadInputException.field("--warmup", "must be >= 0, got " + warmup);
        if (repetitions < 1) throw BadInputException.field("--repetitions", "must be >= 1, got " + repetitions);
        return this;
    }

    /** The number of warm-up runs: as given, or {@code computed} when the command's default is computed. */
    int warmup(int computed) {
        return warmup != null ? warmup : computed;
    }

    /** The number of warm-up runs of a command with a constant default. */
    int warmup() {
        if (warmup == null) throw new IllegalStateException("this command computes its warm-up default");
        return warmup;
    }

    int repetitions() {
        return repetitions;
    }

    /** The input of the subcommands that time work on a structure file: FILE and {@code --threads}. */
    public static final class Input {
        @Parameters(index = "0", paramLabel = "FILE", description = "extended-XYZ file")
        Path file;

        @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
        int threads = Runtime.getRuntime().availableProcessors();

        /** Checks {@code --threads}. */
        Input check() {
            if (threads < 1) throw BadInputException.field("--threads", "must be >= 1, got " + threads);
            return this;
        }

        /** Every structure of FILE; an empty file is bad input. */
        List<Structure> readStructures() throws java.io.IOException {
            List<Structure> structures = ExtXyzReader.readAll(file);
            if (structures.isEmpty()) throw BadInputException.inFile(file.toString(), "no structures");
            return structures;
        }
    }
}
