package org.tensorbasis.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.tensorbasis.Version;
import org.tensorbasis.architecture.Architecture;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingData;
import org.tensorbasis.architecture.TrainingOutcome;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.architecture.TransformedModel;
import org.tensorbasis.evaluation.Evaluation;
import org.tensorbasis.evaluation.Metrics;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.GeometryCheck;
import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.Splits;
import org.tensorbasis.targets.TargetLayout;
import org.tensorbasis.targets.TargetLayouts;
import org.tensorbasis.targets.ZeroSumRule;

/**
 * A training run of any architecture: reads and splits the data, decides every target's layout,
 * fits the normalisation of each block, records provenance, hands everything to the architecture
 * named in {@code model.architecture}, writes the model file and reports validation and test metrics.
 *
 * <p>Usable without the command line: {@code new Trainer(options, base, listener).train(outputs, restart)}.
 */
public final class Trainer {
    /** The outcome of a run: the model, best epoch and loss, whether it was stopped, and the final metrics. */
    public record Result(TrainedModel model, int bestEpoch, double bestValidationLoss, boolean interrupted,
                         List<Metrics> testMetrics, List<Metrics> validationMetrics) {}

    private final Options options;
    private final TrainingSession.Listener listener;
    private final Path optionsBase;
    private volatile boolean stopRequested;

    /**
     * @param optionsBase folder against which paths are written relative in the resolved options (may be null)
     */
    public Trainer(Options options, Path optionsBase, TrainingSession.Listener listener) {
        this.options = options;
        this.optionsBase = optionsBase;
        this.listener = listener == null ? new TrainingSession.Listener() {} : listener;
    }

    /** Asks a running {@link #train} to write a checkpoint and return at the next batch boundary. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Reads, splits and normalises the data of the options (the same for every architecture). */
    TrainingData prepare() {
        int threads = options.effectiveThreads();
        Splits splits = Splits.of(options, listener::message);
        GeometryCheck.check(splits.all(), options.hypers().cutoff(), options.minDistance());
        List<Sample> train = splits.train();
        // from here on the options with zero_sum: auto decided (what the model file and the resolved options record)
        Options options = ZeroSumRule.resolve(this.options, train, splits.all(), listener::message);
        // the model knows every element of the three splits: with many elements a random split leaves
        // some only in validation or test structures, which must still be predicted (they get the
        // untrained share of the model: the block's scale, no baseline, an untrained embedding)
        TreeSet<Integer> zs = new TreeSet<>();
        for (Sample s : train) for (int i = 0; i < s.structure().size(); i++) zs.add(s.structure().number(i));
        TreeSet<Integer> untrained = new TreeSet<>();
        for (Sample s : splits.all()) {
            for (int i = 0; i < s.structure().size(); i++) if (!zs.contains(s.structure().number(i))) untrained.add(s.structure().number(i));
        }
        if (!untrained.isEmpty()) {
            StringBuilder u = new StringBuilder();
            for (int z : untrained) u.append(u.length() > 0 ? " " : "").append(Elements.symbol(z));
            listener.message("warning: elements " + u + " appear only in validation or test structures; the model has no training "
                + "atoms of them and predicts them from what it learned of the others");
            zs.addAll(untrained);
        }
        int[] species = zs.stream().mapToInt(Integer::intValue).toArray();
        Map<String, TargetLayout> layouts = TargetLayouts.infer(options, train, listener::message);

        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("training_set", options.trainingSet().file().toString());
        provenance.put("training_set_sha256", sha256(options.trainingSet().file()));
        if (!options.validationSet().isFraction()) provenance.put("validation_set_sha256", sha256(options.validationSet().file()));
        if (!options.testSet().isFraction()) provenance.put("test_set_sha256", sha256(options.testSet().file()));
        provenance.put("program_version", Version.version());
        String commit = Version.commit();
        if (commit != null) provenance.put("git_commit", commit);
        provenance.put("created", java.time.Instant.now().toString());
        String yaml = options.toYaml(optionsBase);
        provenance.put("options_sha256", HexFormat.of().formatHex(digest(yaml)));

        List<ModelBlock> blocks = ModelBlock.of(options, layouts);
        if (blocks.isEmpty()) throw new org.tensorbasis.BadInputException("no target block left to learn (every target is zero in the training data)");
        // every sample's block values are read once; the training samples come first (Splits.all())
        double[][][] values = ModelBlock.values(blocks, options, layouts, splits.all());
        Normalization[] norms = TrainingData.fitNormalization(options, blocks, species, train, values);
        StringBuilder sym = new StringBuilder();
        for (int z : species) sym.append(sym.length() > 0 ? " " : "").append(Elements.symbol(z));
        listener.message(String.format(Locale.ROOT, "data: %d training, %d validation, %d test structures; species %s; architecture %s",
            train.size(), splits.validation().size(), splits.test().size(), sym, options.architecture()));
        return new TrainingData(options, yaml, provenance, splits, species, layouts, blocks, norms, values, threads);
    }

    /**
     * Runs the training.
     *
     * <p>A run's outputs are replaced together or not at all: while it runs, the architecture writes its
     * options, log and checkpoints into {@code <stem>.partial/} beside the model; when it ends they are
     * renamed into place, the model last (an interrupted run: options, log and checkpoint, the model file
     * is left to the last completed run). A run that fails leaves every earlier output byte-identical;
     * its partial folder is kept only if it holds a checkpoint to resume from, and said so.
     *
     * @param outputs where to write the model, checkpoint, CSV and resolved options
     * @param restart a checkpoint to resume from, or null
     */
    public Result train(TrainingSession.Outputs outputs, Path restart) throws IOException {
        long t0 = System.nanoTime();
        Architecture arch = Architectures.get(options.architecture());
        TrainingData data = prepare();
        Path dir = outputs.model().toAbsolutePath().getParent();
        String name = outputs.model().getFileName().toString();
        Path partial = dir.resolve((name.endsWith(".tbm") ? name.substring(0, name.length() - 4) : name) + ".partial");
        boolean resumingFromPartial = restart != null && restart.toAbsolutePath().normalize().startsWith(partial);
        if (!resumingFromPartial && Files.isDirectory(partial)) {
            listener.message("removing " + partial + ", the partial outputs of an earlier run that did not end (to resume it instead, pass --restart "
                + partial.resolve(outputs.checkpoint().getFileName()) + ")");
            deleteTree(partial);
        }
        Files.createDirectories(partial);
        for (Path p : List.of(outputs.model(), outputs.checkpoint(), outputs.csv(), outputs.options())) {
            org.tensorbasis.io.OutputSet.cleanStale(dir, p.getFileName().toString());  // temporaries of a killed run
        }
        TrainingSession.Outputs staged = new TrainingSession.Outputs(partial.resolve(outputs.model().getFileName()),
            partial.resolve(outputs.checkpoint().getFileName()), partial.resolve(outputs.csv().getFileName()),
            partial.resolve(outputs.options().getFileName()));
        TrainingSession session = new TrainingSession() {
            @Override
            public Outputs outputs() { return staged; }

            @Override
            public Listener listener() { return listener; }

            @Override
            public Path restart() { return restart; }

            @Override
            public boolean stopRequested() { return stopRequested; }
        };
        TrainingOutcome out;
        TrainedModel model;
        try {
            out = arch.train(data, session);
            model = TransformedModel.wrap(out.model()); // predicts (and is measured) in the targets' own units
            if (!out.interrupted()) model.save(staged.model());
        } catch (IOException | RuntimeException | Error e) {
            if (Files.isRegularFile(staged.checkpoint())) {
                listener.message("the run failed; the earlier outputs are untouched, and its last checkpoint is kept: resume with --restart "
                    + staged.checkpoint());
            } else {
                deleteTree(partial);
            }
            throw e;
        }
        // options, log and checkpoint, then the model: one run's files, replaced together
        commit(staged.options(), outputs.options());
        commit(staged.csv(), outputs.csv());
        if (Files.isRegularFile(staged.checkpoint())) commit(staged.checkpoint(), outputs.checkpoint());
        else Files.deleteIfExists(outputs.checkpoint()); // a run without checkpoints (linear_ridge) leaves none of another run's
        if (out.interrupted()) {
            deleteTree(partial);
            listener.message("resume with --restart " + outputs.checkpoint());
            return new Result(model, out.bestEpoch(), out.bestValidationLoss(), true, List.of(), List.of());
        }
        commit(staged.model(), outputs.model());
        deleteTree(partial);
        List<Metrics> valM = metrics(model, data.validation(), data.threads());
        List<Metrics> testM = data.test().isEmpty() ? List.of() : metrics(model, data.test(), data.threads());
        listener.message(String.format(Locale.ROOT, "model written to %s in %.1f s", outputs.model(), (System.nanoTime() - t0) * 1e-9));
        return new Result(model, out.bestEpoch(), out.bestValidationLoss(), false, testM, valM);
    }

    /** Renames a staged output into place (same file system: atomic). */
    private static void commit(Path staged, Path destination) throws IOException {
        if (!Files.isRegularFile(staged)) return;
        try {
            org.tensorbasis.io.AtomicFiles.replace(staged, destination);
        } catch (IOException e) {
            throw new IOException("cannot write " + destination + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a staging folder of this program (its files, then itself). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (java.util.stream.Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Metrics per target (file layout), per block and per element of a split. */
    static List<Metrics> metrics(TrainedModel model, List<Sample> samples, int threads) {
        List<Structure> structures = new ArrayList<>(samples.size());
        for (Sample s : samples) structures.add(s.structure());
        Predictions p = model.predict(structures, threads);
        return Evaluation.metrics(model, p, samples);
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            DigestInputStream d = (DigestInputStream) in;
            while (d.read(buf) >= 0) {
                // digest
            }
            return HexFormat.of().formatHex(d.getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown";
        }
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
