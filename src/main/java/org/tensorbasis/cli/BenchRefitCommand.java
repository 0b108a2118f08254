package org.tensorbasis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.io.Json;
import org.tensorbasis.lambdamcov.LambdaMcovOptions;
import org.tensorbasis.options.Options;
import org.tensorbasis.training.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorbasis bench refit OPTIONS}: the λ-MCoV head refit of a user's own run. Each run trains the options
 * for {@code --epochs} epochs (default 1: the refit's cost does not depend on how well the network is trained) into a
 * temporary folder, deleted afterwards, and times the refit's phases as the trainer reports them (normal
 * equations, factorisation and solve per ridge, validation scoring, the refit on training + validation), beside the
 * whole run's wall time, so that the refit's share of a training is visible.
 */
@Command(name = "refit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Benchmark the head refit of a lambda_mcov training: train OPTIONS for --epochs epochs (default 1) into a "
        + "temporary folder and time the refit's phases; the last line is one JSON object.",
        "Its cost is the same after 1 epoch as after 100: it depends on the data, the network width and the blocks."})
public final class BenchRefitCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OPTIONS", description = "a lambda_mcov options.yaml (its data, targets and model)")
    Path optionsFile;

    @Option(names = "--epochs", paramLabel = "E", description = "epochs before the refit (default: ${DEFAULT-VALUE})")
    int epochs = 1;

    @Option(names = "--threads", paramLabel = "T", description = "threads (default: the options' threads)")
    Integer threads;

    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(0, 1);

    @Override
    public Integer call() throws Exception {
        runs.check();
        if (epochs < 1) throw BadInputException.field("--epochs", "must be >= 1, got " + epochs);
        if (threads != null && threads < 1) throw BadInputException.field("--threads", "must be >= 1, got " + threads);
        if (!Files.isRegularFile(optionsFile)) throw BadInputException.inFile(optionsFile.toString(), "options file: no such file");
        Options opts = Options.load(optionsFile);
        if (!(opts.hypers() instanceof LambdaMcovOptions hy)) {
            throw BadInputException.option(optionsFile.toString(), -1, "model.architecture",
                "is " + opts.architecture() + ": bench refit times the head refit of lambda_mcov");
        }
        if (!hy.training().refineHeads()) {
            throw BadInputException.option(optionsFile.toString(), -1, "training.refine_heads", "is false: there is no refit to time");
        }
        Options run = opts.withHypers(hy.withEpochs(epochs));
        if (threads != null) run = new Options(run.seed(), threads, run.trainingSet(), run.validationSet(), run.testSet(), run.targets(),
            run.hypers(), run.minDistance());
        java.io.PrintWriter out = spec.commandLine().getOut();
        Path base = optionsFile.toAbsolutePath().getParent();
        List<Map<String, Double>> refits = new ArrayList<>();
        List<Double> totals = new ArrayList<>();
        int[] structures = new int[1];
        for (int r = 0; r < runs.warmup() + runs.repetitions(); r++) {
            java.util.concurrent.atomic.AtomicReference<Map<String, Double>> refit = new java.util.concurrent.atomic.AtomicReference<>();
            TrainingSession.Listener listener = new TrainingSession.Listener() {
                @Override
                public void message(String line) {
                    // "data: N training, ..." (training.Trainer): the size of what the refit solves over
                    if (line.startsWith("data: ")) {
                        try {
                            structures[0] = Integer.parseInt(line.substring(6, line.indexOf(' ', 6)));
                        } catch (RuntimeException e) {
                            structures[0] = 0;
                        }
                    }
                }

                @Override
                public void timing(String phase, Map<String, Double> seconds) {
                    if (phase.equals("refit")) refit.set(seconds);
                }
            };
            Path dir = Files.createTempDirectory("tensorbasis-bench-refit");
            long t0 = System.nanoTime();
            try {
                new Trainer(run, base, listener).train(TrainingSession.Outputs.forModel(dir.resolve("m.tbm")), null);
            } finally {
                deleteTree(dir);
            }
            double total = (System.nanoTime() - t0) * 1e-9;
            Map<String, Double> got = refit.get();
            if (got == null) throw new BadInputException(optionsFile + ": the run did not refit its heads (stopped?)");
            boolean timed = r >= runs.warmup();
            out.printf(Locale.ROOT, "%s %d: refit %.2f s of a %.2f s run (normal equations %.2f, factor and solve %.2f, scoring %.2f, "
                    + "refit on training + validation %.2f)%n", timed ? "run" : "warm-up", timed ? r - runs.warmup() + 1 : r + 1,
                got.get("total"), total, got.get("normal_equations"), got.get("factor_and_solve"), got.get("scoring"),
                got.get("refit_validation"));
            if (timed) {
                refits.add(got);
                totals.add(total);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("stage", "refit");
        json.put("seconds_median", round(median(refits, "total")));
        double[] all = refits.stream().mapToDouble(m -> m.get("total")).sorted().toArray();
        json.put("min", round(all[0]));
        json.put("max", round(all[all.length - 1]));
        for (String k : List.of("normal_equations", "factor_and_solve", "scoring", "refit_validation")) json.put(k + "_s", round(median(refits, k)));
        double[] runTotals = totals.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        json.put("run_seconds_median", round(runTotals[runTotals.length / 2]));
        json.put("epochs", epochs);
        json.put("threads", run.effectiveThreads());
        json.put("repetitions", refits.size());
        json.put("items", structures[0]);
        out.printf(Locale.ROOT, "head refit of %s: median %.2f s over %d run(s) of %d epoch(s), %d training structures, %d threads%n",
            optionsFile, median(refits, "total"), refits.size(), epochs, structures[0], run.effectiveThreads());
        out.println(Json.write(json));
        out.flush();
        return 0;
    }

    private static double median(List<Map<String, Double>> runs, String key) {
        double[] v = runs.stream().mapToDouble(m -> m.get(key)).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
