package org.tensorbasis.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.tensorbasis.BadInputException;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Elements;
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
    @Option(names = "--warmup", paramLabel = "N", description = "untimed runs first, and more until 1 s has passed if N > 0 (default: ${DEFAULT-VALUE})")
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

    /**
     * The {@code model} section of a λ-MCoV options file given to a bench command as {@code --options}; an
     * options file of another architecture is bad input naming the file and {@code model.architecture}.
     */
    static org.tensorbasis.lambdamcov.LambdaMcovOptions.ModelOptions lambdaMcovModel(Path optionsFile) {
        org.tensorbasis.options.Options o = org.tensorbasis.options.Options.load(optionsFile);
        String name = org.tensorbasis.lambdamcov.LambdaMcovOptions.NAME;
        if (!name.equals(o.architecture())) {
            throw BadInputException.atField(optionsFile.toString(), "model.architecture",
                "is " + o.architecture() + "; --options of a bench stage needs a " + name + " options file");
        }
        return org.tensorbasis.lambdamcov.LambdaMcovOptions.of(o).model();
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

        /** Every structure of FILE, its elements and atoms; an empty file is bad input. */
        Data read() throws IOException {
            return read(org.tensorbasis.descriptors.DescriptorSettings.DEFAULT_CUTOFF);
        }

        /** As {@link #read()}, refusing (with file and frame) periodic cells far too small for {@code cutoff}. */
        Data read(double cutoff) throws IOException {
            List<Structure> structures = ExtXyzReader.readAll(file);
            if (structures.isEmpty()) throw BadInputException.inFile(file.toString(), "no structures");
            for (int k = 0; k < structures.size(); k++) {
                org.tensorbasis.targets.GeometryCheck.check(new org.tensorbasis.targets.Sample(structures.get(k), file.toString(), k), cutoff, 0);
            }
            TreeSet<Integer> species = new TreeSet<>();
            long atoms = 0;
            for (Structure s : structures) {
                for (int z : s.numbers()) species.add(z);
                atoms += s.size();
            }
            return new Data(structures, species.stream().mapToInt(Integer::intValue).toArray(), atoms);
        }
    }

    /** The structures of a bench input, the atomic numbers present (ascending) and the number of atoms. */
    record Data(List<Structure> structures, int[] species, long atoms) {
        /** The elements as symbols, comma-separated. */
        String speciesSymbols() {
            StringBuilder sb = new StringBuilder();
            for (int z : species) sb.append(sb.length() == 0 ? "" : ",").append(Elements.symbol(z));
            return sb.toString();
        }
    }
}
