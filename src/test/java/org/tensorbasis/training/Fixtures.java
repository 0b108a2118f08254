package org.tensorbasis.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Small temporary copies of the shipped water slice and fast options for training tests. */
final class Fixtures {
    static final Path WATER = Path.of("data/water-monomer-200/water_monomer_200.xyz");
    /** Lines per frame of the water slice (count, comment, 3 atoms). */
    static final int LINES = 5;

    private Fixtures() {}

    /** The first {@code frames} frames of the slice as lines. */
    static List<String> frames(int frames) throws IOException {
        List<String> all = Files.readAllLines(WATER, StandardCharsets.UTF_8);
        return new ArrayList<>(all.subList(0, frames * LINES));
    }

    static Path write(Path dir, String name, List<String> lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, lines, StandardCharsets.UTF_8);
        return p;
    }

    /** Replaces {@code key="..."} in the comment line of a frame (null value: removes the key). */
    static void setInfo(List<String> lines, int frame, String key, String value) {
        int i = frame * LINES + 1;
        Matcher m = Pattern.compile(" " + Pattern.quote(key) + "=\"[^\"]*\"").matcher(lines.get(i));
        if (!m.find()) throw new IllegalStateException("no " + key + " in frame " + frame);
        lines.set(i, m.replaceFirst(value == null ? "" : Matcher.quoteReplacement(" " + key + "=\"" + value + "\"")));
    }

    /**
     * Fast options: 40 frames (32 training, 8 validation, no test), a small descriptor and network,
     * batches of 8 (4 per epoch), two threads so that the chunked parallel paths run.
     */
    static String options(String trainingSet, int epochs, String extraTraining) {
        return "seed: 3\n"
            + "threads: 2\n"
            + "training_set: " + trainingSet + "\n"
            + "validation_set: 0.2\n"
            + "test_set: 0.0\n"
            + "targets:\n"
            + "  alpha: {unit: \"a.u.\"}\n"
            + "  mu: {unit: \"a.u.\"}\n"
            + "model:\n"
            + "  soap: {max_radial: 3, max_angular: 2}\n"
            + "  bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}\n"
            + "training:\n"
            + "  epochs: " + epochs + "\n"
            + "  batch_size: 8\n"
            + "  learning_rate: 0.005\n"
            + "  warmup_fraction: 0.1\n"
            + (extraTraining == null ? "" : extraTraining);
    }

    /** Writes {@code water40.xyz} and {@code options.yaml} into dir; returns the options file. */
    static Path setUp(Path dir, int epochs, String extraTraining) throws IOException {
        write(dir, "water40.xyz", frames(40));
        Path opts = dir.resolve("options.yaml");
        Files.writeString(opts, options("water40.xyz", epochs, extraTraining), StandardCharsets.UTF_8);
        return opts;
    }

    /** Files in dir whose names end with the suffix (e.g. left-over temporary files). */
    static List<String> filesEndingWith(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    /** The CSV without its last column (wall-clock seconds, which differ between runs). */
    static List<String> csvWithoutSeconds(Path csv) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) out.add(line.substring(0, line.lastIndexOf(',')));
        return out;
    }
}
