package org.tensorbasis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.bench.BenchTimer;
import org.tensorbasis.evaluation.PredictionFields;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.SampleReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorbasis bench eval MODEL FILE}: end-to-end prediction throughput inside the JVM, as
 * {@code tensorbasis eval MODEL FILE -o OUT} runs it minus process start and model loading (timed once,
 * printed apart): each run reads FILE, checks it against the model, predicts (descriptors included) and
 * writes the structures with the predictions to a temporary file, deleted afterwards. Any architecture.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Benchmark prediction end to end inside the JVM: read FILE, predict with MODEL (descriptors included), "
        + "write the predictions to a temporary file (deleted afterwards); the last line is one JSON object.",
        "Process start and model loading are not in the runs (loading is timed once and printed)."})
public final class BenchEvalCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "model file written by 'tensorbasis train' (any architecture)")
    Path modelFile;

    @Parameters(index = "1", paramLabel = "FILE", description = "extended-XYZ file of structures to predict")
    Path file;

    @Option(names = "--precision", defaultValue = "float64", paramLabel = "P", description = "float64 or float32, as eval --precision "
        + "(default: ${DEFAULT-VALUE})")
    String precisionName;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(1, 3);

    @Override
    public Integer call() throws Exception {
        runs.check();
        if (threads < 1) throw BadInputException.field("--threads", "must be >= 1, got " + threads);
        if (!Files.isRegularFile(modelFile)) throw BadInputException.inFile(modelFile.toString(), "model file: no such file");
        if (!Files.isRegularFile(file)) throw BadInputException.inFile(file.toString(), "data file: no such file");
        java.io.PrintWriter out = spec.commandLine().getOut();
        long l0 = System.nanoTime();
        org.tensorbasis.architecture.Precision precision = org.tensorbasis.architecture.Precision.of(precisionName, "--precision");
        TrainedModel model = Architectures.load(modelFile, threads);
        model.setPrecision(precision);
        double loadSeconds = (System.nanoTime() - l0) * 1e-9;
        // one untimed pass first: the input's errors (unknown species, geometry) are reported before any timing
        List<Sample> first = read(model);
        long atoms = 0;
        for (Sample s : first) atoms += s.structure().size();
        Path tmp = Files.createTempFile("tensorbasis-bench-eval", ".xyz");
        long[] bytes = new long[1];
        BenchTimer.Result r;
        try {
            Runnable work = () -> {
                try {
                    List<Sample> samples = read(model);
                    List<Structure> structures = new ArrayList<>(samples.size());
                    for (Sample s : samples) structures.add(s.structure());
                    Predictions p = model.predict(structures, threads);
                    ExtXyzWriter.writeAll(tmp, PredictionFields.attach(model, p, structures));
                    bytes[0] = Files.size(tmp);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            r = BenchTimer.run("eval", runs.warmup(), runs.repetitions(), atoms, threads, work);
        } finally {
            Files.deleteIfExists(tmp);
        }
        out.printf(Locale.ROOT, "model %s: %s (%s), loaded in %.3f s%n", modelFile.getFileName(), model.architecture(), model.describe(), loadSeconds);
        out.printf(Locale.ROOT, "%s: %d structures, %d atoms; predictions file %d bytes (temporary, deleted)%n", file.getFileName(), first.size(),
            atoms, bytes[0]);
        out.printf(Locale.ROOT, "read + predict + write: median %.1f atoms/s = %.3f us/atom (min %.1f, max %.1f atoms/s), %d threads%n",
            r.median(), 1e6 / r.median(), r.min(), r.max(), threads);
        out.println(r.json("atoms_per_s"));
        out.flush();
        return 0;
    }

    /** The structures of FILE, checked against the model (species, geometry), as {@code eval} does; no structures is bad input. */
    private List<Sample> read(TrainedModel model) {
        List<Sample> samples = SampleReader.read(file, w -> {});
        if (samples.isEmpty()) throw BadInputException.inFile(file.toString(), "holds no structures");
        model.checkInput(samples);
        return samples;
    }
}
