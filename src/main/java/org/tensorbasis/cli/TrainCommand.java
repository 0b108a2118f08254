package org.tensorbasis.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tensorbasis.evaluation.Metrics;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.options.Options;
import org.tensorbasis.training.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tensorbasis train options.yaml [-o model.tbm] [--restart model.ckpt]}. */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Train a model from an options file (see docs/options.md).",
        "Writes MODEL, MODEL-stem.ckpt (checkpoint), MODEL-stem.train.csv (per-epoch log) and MODEL-stem.options.yaml (resolved options).",
        "Ctrl-C writes a checkpoint; --restart resumes it and finishes as an uninterrupted run would."})
public final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OPTIONS", description = "The options file (YAML).")
    Path optionsFile;

    @Option(names = {"-o", "--output"}, defaultValue = "model.tbm", paramLabel = "MODEL", description = "Model file to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--restart", paramLabel = "CHECKPOINT", description = "Resume from a checkpoint written by an earlier run with the same options.")
    Path restart;

    @Option(names = "--quiet", description = "Only print the final metrics.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Options options = Options.load(optionsFile);
        boolean tty = System.console() != null;
        TrainingSession.Listener listener = new TrainingSession.Listener() {
            @Override
            public void message(String line) {
                if (!quiet) {
                    if (tty) out.print("\r\033[K");
                    out.println(line);
                    out.flush();
                }
            }

            @Override
            public void progress(int epoch, int epochs, int batch, int batches) {
                if (quiet) return;
                if (tty) {
                    int width = 30;
                    int filled = (int) Math.round(width * (double) batch / batches);
                    out.printf(Locale.ROOT, "\r\033[Kepoch %d/%d [%s%s] %d/%d", epoch + 1, epochs, "#".repeat(filled), ".".repeat(width - filled), batch, batches);
                    out.flush();
                }
            }

            @Override
            public void epoch(TrainingSession.EpochReport r) {
                if (quiet) return;
                int interval = options.hypers().logInterval();
                if (r.epoch() % interval != 0 && r.epoch() != options.hypers().epochs()) return;
                StringBuilder sb = new StringBuilder();
                if (tty) sb.append("\r\033[K");
                sb.append(String.format(Locale.ROOT, "epoch %4d  loss %.4e  val loss %.4e  lr %.2e  %.2fs", r.epoch(), r.trainLoss(),
                    r.validationLoss(), r.lr(), r.seconds()));
                for (String t : options.targets().keySet()) {
                    Double v = r.validationRmse().get(t);
                    if (v != null) sb.append(String.format(Locale.ROOT, "  val RMSE %s %.4g", t, v));
                }
                if (r.best()) sb.append("  *");
                out.println(sb);
                out.flush();
            }
        };
        Trainer trainer = new Trainer(options, optionsFile.toAbsolutePath().getParent(), listener);
        TrainingSession.Outputs outputs = TrainingSession.Outputs.forModel(output);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                done.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tensorbasis-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        Trainer.Result result;
        try {
            result = trainer.train(outputs, restart);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down (Ctrl-C)
            }
        }
        if (result.interrupted()) return 130;
        out.print(Metrics.table("validation metrics (best epoch " + result.bestEpoch() + "):", result.validationMetrics()));
        if (!result.testMetrics().isEmpty()) {
            out.print(Metrics.table("test metrics:", result.testMetrics()));
            for (Metrics m : result.testMetrics()) {
                if (options.targets().containsKey(m.name())) {
                    out.printf(Locale.ROOT, "test %%RMSE %s: %.4f %%%n", m.name(), m.percentRmse());
                }
            }
        }
        out.flush();
        return 0;
    }
}
