package org.tensorbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorbasis.BadInputException;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import org.tensorbasis.evaluation.Evaluation;
import org.tensorbasis.io.Json;
import org.tensorbasis.evaluation.Metrics;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.report.ParityPlot;
import org.tensorbasis.evaluation.PredictionFields;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.SampleReader;
import org.tensorbasis.evaluation.SymmetryCheck;
import org.tensorbasis.targets.TargetLayout;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorbasis eval MODEL DATA.xyz [-o predictions.xyz] [--metrics FILE] [--plots DIR]
 * [--check-symmetry [--rotations N] [--seed S] [--strict]] [--threads T]} (see docs/eval.md).
 * Every input is checked before anything is written; every output is written atomically.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Predict the targets of a trained model for the structures of an extended-XYZ file (see docs/eval.md).",
        "When the file holds the targets, prints RMSE, MAE and %%RMSE per target and per spherical block.",
        "-o writes the structures with the predictions added as <key>_pred fields; the metrics go to --metrics or next to -o as JSON."})
public final class EvalCommand implements Callable<Integer> {
    /** Exit code of {@code --strict} when the symmetry check fails. */
    public static final int EXIT_SYMMETRY_FAILED = 1;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file written by 'tensorbasis train'.")
    Path modelFile;

    @Parameters(index = "1", paramLabel = "DATA", description = "Extended-XYZ file of structures to predict.")
    Path dataFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the structures with the predictions (<key>_pred fields) to FILE.")
    Path output;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Write the metrics as JSON to FILE (default with -o: <output stem>.metrics.json).")
    Path metricsFile;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write one parity plot per target (<target>.png) into DIR.")
    Path plotDir;

    @Option(names = "--check-symmetry", description = "Check that predictions rotate with the structures (proper and improper rotations).")
    boolean checkSymmetry;

    @Option(names = "--rotations", defaultValue = "3", paramLabel = "N",
        description = "Random proper and improper rotations per structure for --check-symmetry (1..1000, default: ${DEFAULT-VALUE}).")
    int rotations;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the random rotations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--strict", description = "Exit with code 1 when the symmetry check fails (deviation > 1e-10; 1e-5 with --precision float32).")
    boolean strict;

    @Option(names = "--precision", defaultValue = "float64", paramLabel = "P",
        description = "Arithmetic of the prediction: float64, or float32 (lambda_mcov: the power spectrum and the first network "
            + "layer in float32, the rest float64; faster, relative error ~1e-7; default: ${DEFAULT-VALUE}).")
    String precisionName;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "T", description = "Threads (0 = all cores, default: ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Path metricsOut = metricsFile != null ? metricsFile : output != null ? sibling(output, ".metrics.json") : null;
        checkPaths(metricsOut);

        org.tensorbasis.architecture.Precision precision = org.tensorbasis.architecture.Precision.of(precisionName, "--precision");
        TrainedModel model = EvalPrefetch.model(modelFile, nThreads);
        if (model == null) model = Architectures.load(modelFile, nThreads);
        model.setPrecision(precision);
        final double tolerance = SymmetryCheck.tolerance(precision);
        java.util.function.Consumer<String> warn = w -> {
            err.println("warning: " + w);
            err.flush();
        };
        List<Sample> samples = EvalPrefetch.samples(dataFile, warn);
        if (samples == null) samples = SampleReader.read(dataFile, warn);
        if (samples.isEmpty()) throw BadInputException.inFile(dataFile.toString(), "holds no structures");
        model.checkInput(samples);
        List<String> withRef = targetsWithReference(model, samples);

        List<Structure> structures = new ArrayList<>(samples.size());
        long atoms = 0;
        for (Sample s : samples) {
            structures.add(s.structure());
            atoms += s.structure().size();
        }
        out.printf(Locale.ROOT, "model: %s (%s)%n", modelFile, describeTargets(model));
        out.printf(Locale.ROOT, "data: %s, %d structures, %d atoms%n", dataFile, samples.size(), atoms);
        out.flush();

        long t0 = System.nanoTime();
        Predictions p = model.predict(structures, nThreads);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        out.printf(Locale.ROOT, "predicted %d structures in %.3f s (%.1f structures/s, %.0f atoms/s, %d threads)%n", samples.size(), seconds,
            samples.size() / seconds, atoms / seconds, nThreads);

        // metrics (reads and checks every reference value: errors surface before anything is written)
        List<Evaluation.Pairs> pairs = Evaluation.pairs(model, p, samples, withRef);
        List<Metrics> metrics = Evaluation.metrics(pairs);
        if (!metrics.isEmpty()) out.print(Metrics.table("metrics (" + samples.size() + " structures):", metrics));
        for (String t : p.targets()) {
            if (!withRef.contains(t)) {
                out.printf(Locale.ROOT, "metrics skipped for %s: no frame of %s holds '%s'%n", t, dataFile, model.options().targets().get(t).key());
            }
        }
        out.flush();

        List<SymmetryCheck.Result> symmetry = null;
        double symSeconds = 0;
        if (checkSymmetry) {
            long s0 = System.nanoTime();
            symmetry = SymmetryCheck.run(model, structures, p, rotations, seed, nThreads);
            symSeconds = (System.nanoTime() - s0) * 1e-9;
        }

        // every output is written in full to a staging file, then all are renamed into place together:
        // a failure (disk full, a plot that cannot be written) leaves the previous outputs byte-identical
        String[] done = new String[3];  // printed in this order: predictions, metrics, plots
        try (org.tensorbasis.io.OutputSet set = new org.tensorbasis.io.OutputSet()) {
            if (plotDir != null) {
                if (pairs.isEmpty()) {
                    done[2] = "parity plots skipped: the data holds none of the targets";
                } else {
                    Files.createDirectories(plotDir);
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < pairs.size(); i++) {
                        Evaluation.Pairs pr = pairs.get(i);
                        if (!p.targets().contains(pr.name())) continue; // per-block pairs come after the targets
                        String file = ParityPlot.fileName(pr.name());
                        byte[] png = ParityPlot.png(pr.name(), pr.unit(), pr.reference(), pr.predicted(), metrics.get(i));
                        set.write(plotDir.resolve(file), o -> o.write(png));
                        names.add(file);
                    }
                    done[2] = String.format(Locale.ROOT, "parity plots written to %s (%s)", plotDir, String.join(", ", names));
                }
            }
            if (metricsOut != null) {
                String json = Json.write(metricsJson(model, p, samples.size(), atoms, seconds, metrics, withRef, symmetry)) + "\n";
                set.write(metricsOut, o -> o.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                done[1] = String.format(Locale.ROOT, "metrics written to %s", metricsOut);
            }
            if (output != null) {
                set.write(output, ExtXyzWriter.body(PredictionFields.attach(model, p, structures)));
                List<String> fields = new ArrayList<>();
                for (String t : p.targets()) fields.add(PredictionFields.key(model.options().targets().get(t)));
                done[0] = String.format(Locale.ROOT, "predictions written to %s (%s)", output, String.join(", ", fields));
            }
            set.commit();
        }
        for (String line : done) if (line != null) out.println(line);

        boolean failed = false;
        if (symmetry != null) {
            out.printf(Locale.ROOT, "symmetry check: %d proper + %d improper random rotations per structure (seed %d), %.2f s%n",
                rotations, rotations, seed, symSeconds);
            out.printf(Locale.ROOT, "  %-16s %14s %14s  %s%n", "target", "proper", "improper", "(largest relative deviation)");
            for (SymmetryCheck.Result r : symmetry) {
                Sample worst = samples.get(r.worstStructure());
                out.printf(Locale.ROOT, "  %-16s %14.3e %14.3e  worst frame %d  %s%n", r.target(), r.proper(), r.improper(), worst.frame(),
                    r.passed(tolerance) ? "PASS" : "FAIL");
                failed |= !r.passed(tolerance);
            }
            out.printf(Locale.ROOT, "symmetry: %s (tolerance %.0e%s)%n", failed ? "FAIL" : "PASS", tolerance,
                precision == org.tensorbasis.architecture.Precision.FLOAT32 ? ", float32 prediction" : "");
        }
        out.flush();
        return failed && strict ? EXIT_SYMMETRY_FAILED : 0;
    }

    private void checkOptions() {
        if (rotations < 1 || rotations > 1000) {
            throw BadInputException.field("--rotations", "must be in 1..1000, got " + rotations);
        }
        if (threads < 0 || threads > 1024) {
            throw BadInputException.field("--threads", "must be in 0..1024 (0 = all cores), got " + threads);
        }
    }

    /** Inputs exist; no output may be an input or another output. */
    private void checkPaths(Path metricsOut) {
        requireFile(modelFile, "model file");
        requireFile(dataFile, "data file");
        List<Path> outs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (output != null) {
            outs.add(output);
            names.add("-o");
        }
        if (metricsOut != null) {
            outs.add(metricsOut);
            names.add(metricsFile != null ? "--metrics" : "--metrics (default from -o)");
        }
        for (int i = 0; i < outs.size(); i++) {
            Path o = outs.get(i);
            if (Files.isDirectory(o)) throw BadInputException.atField(o.toString(), names.get(i), "is a directory, expected a file name");
            if (same(o, dataFile)) throw BadInputException.atField(o.toString(), names.get(i), "is the input data file; refusing to overwrite it");
            if (same(o, modelFile)) throw BadInputException.atField(o.toString(), names.get(i), "is the model file; refusing to overwrite it");
            for (int j = 0; j < i; j++) {
                if (same(o, outs.get(j))) throw BadInputException.atField(o.toString(), names.get(i), "is also the " + names.get(j) + " output");
            }
        }
        if (plotDir != null && Files.exists(plotDir) && !Files.isDirectory(plotDir)) {
            throw BadInputException.atField(plotDir.toString(), "--plots", "exists and is not a directory");
        }
    }

    private static void requireFile(Path p, String what) {
        if (!Files.exists(p)) throw BadInputException.inFile(p.toString(), what + ": no such file");
        if (!Files.isRegularFile(p)) throw BadInputException.inFile(p.toString(), what + ": not a regular file");
    }

    private static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code dir/stem + suffix} for {@code dir/stem.ext}. */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return file.resolveSibling(stem + suffix);
    }

    /**
     * The targets every frame holds (in model order); a target no frame holds is only predicted; one
     * that some frames hold and others do not is bad input (names the first frame without it).
     */
    static List<String> targetsWithReference(TrainedModel model, List<Sample> samples) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Options.Target> e : model.options().targets().entrySet()) {
            if (!model.layouts().containsKey(e.getKey())) continue;
            Options.Target t = e.getValue();
            Sample firstWith = null;
            Sample firstWithout = null;
            int with = 0;
            for (Sample s : samples) {
                Map<String, Value> fields = t.perAtom() ? s.structure().arrays() : s.structure().info();
                if (fields.containsKey(t.key())) {
                    with++;
                    if (firstWith == null) firstWith = s;
                } else if (firstWithout == null) {
                    firstWithout = s;
                }
            }
            if (with == samples.size()) {
                out.add(e.getKey());
            } else if (with > 0) {
                throw BadInputException.atFrame(firstWithout.file(), firstWithout.frame(), t.key(),
                    "target '" + t.name() + "' is missing here but present in " + with + " of " + samples.size() + " frames (first: frame "
                        + firstWith.frame() + "); give it in every frame (metrics) or in none (predictions only)");
            }
        }
        return out;
    }

    private static String describeTargets(TrainedModel model) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, TargetLayout> e : model.layouts().entrySet()) {
            Options.Target t = model.options().targets().get(e.getKey());
            TargetLayout l = e.getValue();
            if (sb.length() > 0) sb.append("; ");
            sb.append(e.getKey()).append(": ");
            sb.append(l.isCartesian() ? "Cartesian rank " + l.rank() + (l.rank() >= 2 ? l.isSymmetric() ? " symmetric" : " general" : "")
                : "spherical");
            sb.append(t.perAtom() ? ", per atom" : "").append(", blocks");
            for (TargetLayout.Block b : l.blocks()) sb.append(' ').append(b.name().substring(b.name().lastIndexOf(':') + 1));
            if (!t.unit().isBlank()) sb.append(", ").append(t.unit());
        }
        return sb.toString();
    }

    private Map<String, Object> metricsJson(TrainedModel model, Predictions p, int structures, long atoms, double seconds, List<Metrics> metrics,
                                            List<String> withRef, List<SymmetryCheck.Result> symmetry) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", modelFile.toString());
        root.put("data", dataFile.toString());
        root.put("structures", structures);
        root.put("atoms", atoms);
        root.put("predict_seconds", seconds);
        root.put("structures_per_second", structures / seconds);
        root.put("atoms_per_second", atoms / seconds);
        root.put("precision", model.precision().option());
        List<Object> ms = new ArrayList<>();
        for (Metrics m : metrics) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", m.name());
            // names: "t", "t:L0+", and per element of per-atom targets "t[H]", "t:L0+[H]"
            org.tensorbasis.evaluation.MetricName mn = org.tensorbasis.evaluation.MetricName.parse(m.name());
            o.put("target", mn.target());
            if (mn.element() != null) o.put("element", mn.element());
            o.put("unit", m.unit());
            o.put("rows", m.rows());
            o.put("width", m.width());
            o.put("rmse", m.rmse());
            o.put("mae", m.mae());
            o.put("std", m.std());
            o.put("percent_rmse", m.percentRmse());
            ms.add(o);
        }
        root.put("metrics", ms);
        List<Object> skipped = new ArrayList<>();
        for (String t : p.targets()) if (!withRef.contains(t)) skipped.add(t);
        root.put("metrics_skipped", skipped);
        if (symmetry != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("rotations", rotations);
            s.put("seed", seed);
            double tolerance = SymmetryCheck.tolerance(model.precision());
            s.put("tolerance", tolerance);
            List<Object> rs = new ArrayList<>();
            boolean pass = true;
            for (SymmetryCheck.Result r : symmetry) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("target", r.target());
                o.put("proper", r.proper());
                o.put("improper", r.improper());
                o.put("worst_frame", r.worstStructure());
                o.put("pass", r.passed(tolerance));
                pass &= r.passed(tolerance);
                rs.add(o);
            }
            s.put("results", rs);
            s.put("pass", pass);
            root.put("symmetry", s);
        }
        return root;
    }
}
