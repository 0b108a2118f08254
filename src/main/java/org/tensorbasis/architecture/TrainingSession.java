package org.tensorbasis.architecture;

import java.nio.file.Path;
import java.util.Map;

/** What a training run gives an architecture besides the data: where to write, whom to tell, when to stop. */
public interface TrainingSession {
    /** Where a run writes its files, derived from the model path {@code X.tbm}: X.ckpt, X.train.csv, X.options.yaml. */
    record Outputs(Path model, Path checkpoint, Path csv, Path options) {
        public static Outputs forModel(Path model) {
            String name = model.getFileName().toString();
            String stem = name.endsWith(".tbm") ? name.substring(0, name.length() - 4) : name;
            Path dir = model.toAbsolutePath().getParent();
            return new Outputs(model, dir.resolve(stem + ".ckpt"), dir.resolve(stem + ".train.csv"), dir.resolve(stem + ".options.yaml"));
        }
    }

    /** Receives progress; all methods have no-op defaults. */
    interface Listener {
        default void message(String line) {}

        default void progress(int epoch, int epochs, int batch, int batches) {}

        default void epoch(EpochReport report) {}

        /**
         * A phase of training ended (e.g. {@code "refit"}, the head refit of λ-MCoV) and took these seconds (wall time):
         * {@code "total"} and the sub-phases, in order. What {@code tensorbasis bench refit} times.
         */
        default void timing(String phase, Map<String, Double> seconds) {}
    }

    /** What an epoch produced (RMSE per block and per target, real units). */
    record EpochReport(int epoch, double trainLoss, double validationLoss, double lr, double seconds,
                       Map<String, Double> trainRmse, Map<String, Double> validationRmse, boolean best) {}

    Outputs outputs();

    Listener listener();

    /** A checkpoint to resume from, or null. */
    Path restart();

    /** True once the user asked to stop (Ctrl-C, {@code Trainer.requestStop()}): write a checkpoint and return. */
    boolean stopRequested();
}
