package org.tensorbasis.api;

import org.tensorbasis.evaluation.Evaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.tensorbasis.BadInputException;
import org.tensorbasis.evaluation.Metrics;
import org.tensorbasis.options.Options;

/**
 * Trains a model from an options file or text, as {@code tensorbasis train} does, without the
 * command line:
 *
 * <pre>{@code
 * Trainer.Result r = Trainer.fromOptions(Path.of("options.yaml")).train(Path.of("model.tbm"));
 * Model model = r.model();
 * }</pre>
 *
 * <p>A run writes the model file and, next to it, {@code <stem>.ckpt} (checkpoint),
 * {@code <stem>.train.csv} (per-epoch log) and {@code <stem>.options.yaml} (resolved options); see
 * {@link org.tensorbasis.architecture.TrainingSession.Outputs}. The model file is written only at the end of a
 * successful run (atomically), so a failed or stopped run never leaves a half-written model.
 * {@link #requestStop()} (from any thread, e.g. a listener) makes the run write a checkpoint at the
 * next batch boundary and return; {@link #resume} continues it to the same final weights as an
 * uninterrupted run with the same options and thread count.
 *
 * <p>A {@code Trainer} runs one training at a time.
 */
public final class Trainer {
    /** Progress callbacks (all optional): log lines, batches, epochs. */
    public interface Listener extends org.tensorbasis.architecture.TrainingSession.Listener {}

    /**
     * What a run produced.
     *
     * @param model              the best model (by validation loss), also written to {@code outputs.model()};
     *                           null when the run was stopped
     * @param outputs            the files of the run (model, checkpoint, CSV log, resolved options)
     * @param bestEpoch          1-based epoch of the best model
     * @param bestValidationLoss its validation loss (normalised units)
     * @param interrupted        true when {@link #requestStop()} stopped the run (a checkpoint was written)
     * @param validationMetrics  per target (file layout), then per spherical block, then per element for
     *                           per-atom targets with several elements (see {@code Evaluation.pairs}), for the best model
     * @param testMetrics        the same on the test split (empty when there is none)
     */
    public record Result(Model model, org.tensorbasis.architecture.TrainingSession.Outputs outputs, int bestEpoch, double bestValidationLoss,
                         boolean interrupted, List<Metrics> validationMetrics, List<Metrics> testMetrics) {}

    private final Options options;
    private final Path base;
    private volatile org.tensorbasis.architecture.TrainingSession.Listener listener;
    private volatile org.tensorbasis.training.Trainer running;
    private volatile boolean stop;

    private Trainer(Options options, Path base) {
        this.options = Objects.requireNonNull(options, "options");
        this.base = base;
    }

    /**
     * Reads an options file ({@code docs/options.md}); relative paths in it are resolved against its folder.
     *
     * @throws BadInputException on any problem in the file (names file, line and option)
     */
    public static Trainer fromOptions(Path optionsFile) {
        return new Trainer(Options.load(optionsFile), optionsFile.toAbsolutePath().getParent());
    }

    /**
     * Parses options text; relative paths are resolved against {@code base} (null: the working directory).
     *
     * @throws BadInputException on any problem in the text (names line and option)
     */
    public static Trainer fromYaml(String yaml, Path base) {
        Path b = (base == null ? Path.of("") : base).toAbsolutePath().normalize();
        return new Trainer(Options.parse(yaml, "options", b), b);
    }

    /** From already parsed options; {@code base} is the folder paths are written relative to in the resolved options. */
    public static Trainer fromOptions(Options options, Path base) {
        return new Trainer(options, base == null ? null : base.toAbsolutePath().normalize());
    }

    /** The validated options, with every default filled in. */
    public Options options() {
        return options;
    }

    /** Sets the progress listener (null: none); returns this trainer. */
    public Trainer listener(org.tensorbasis.architecture.TrainingSession.Listener listener) {
        this.listener = listener;
        return this;
    }

    /**
     * Trains and writes the model to {@code modelOut} (and the checkpoint, log and resolved options next to it).
     *
     * @throws BadInputException on bad data or options (names file, frame and field); no model file is written
     * @throws IOException       if an output cannot be written
     */
    public Result train(Path modelOut) throws IOException {
        return run(modelOut, null);
    }

    /**
     * Resumes a run from a checkpoint written by a stopped (or periodically checkpointed) run with
     * the same options and training file, and finishes it.
     *
     * @throws BadInputException if the checkpoint does not match the options or data, or is not a checkpoint
     */
    public Result resume(Path modelOut, Path checkpoint) throws IOException {
        return run(modelOut, Objects.requireNonNull(checkpoint, "checkpoint"));
    }

    /** Asks the current (or next) run to write a checkpoint at the next batch boundary and return. */
    public void requestStop() {
        stop = true;
        org.tensorbasis.training.Trainer t = running;
        if (t != null) t.requestStop();
    }

    private synchronized Result run(Path modelOut, Path checkpoint) throws IOException {
        org.tensorbasis.training.Trainer t = new org.tensorbasis.training.Trainer(options, base, listener);
        running = t;
        if (stop) t.requestStop(); // a stop requested before this run started
        try {
            org.tensorbasis.architecture.TrainingSession.Outputs outputs = org.tensorbasis.architecture.TrainingSession.Outputs.forModel(modelOut);
            org.tensorbasis.training.Trainer.Result r = t.train(outputs, checkpoint);
            return new Result(r.interrupted() ? null : Model.of(r.model()), outputs, r.bestEpoch(), r.bestValidationLoss(),
                r.interrupted(), r.validationMetrics(), r.testMetrics());
        } finally {
            running = null;
            stop = false;
        }
    }
}
