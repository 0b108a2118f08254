package org.tensorbasis.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.tensorbasis.BadInputException;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.PowerSpectrumForm;

/**
 * The options of a training run, read from {@code options.yaml} (see {@code docs/options.md}).
 * Every option has a default; unknown keys are rejected with the closest valid name; relative
 * file paths are resolved against the options file's folder. {@link #toYaml()} writes the fully
 * resolved options, which are stored next to (and inside) the model.
 */
public record Options(
    long seed,
    int threads,
    DataSet trainingSet,
    DataSet validationSet,
    DataSet testSet,
    Map<String, Target> targets,
    ModelOptions model,
    TrainingOptions training) {

    /** A data set: a file, or a fraction of the training file. */
    public record DataSet(Path file, double fraction) {
        public boolean isFraction() { return file == null; }

        String yaml(Path base) {
            return isFraction() ? fmt(fraction) : quote(rel(base, file));
        }
    }

    /** How a target is stored in the files. */
    public enum TargetType { CARTESIAN, SPHERICAL }

    /** Symmetry handling of Cartesian tensors of rank ≥ 2. */
    public enum Symmetry { AUTO, SYMMETRIC, GENERAL }

    /** A target: name → extended-XYZ field, layout and unit. */
    public record Target(String name, String key, boolean perAtom, TargetType type, int rank, Symmetry symmetric,
                         List<int[]> blocks, String unit) {
        /** Number of numbers per structure (or atom) in the file; -1 for "infer from the data". */
        public int width() {
            if (type == TargetType.SPHERICAL) {
                int w = 0;
                for (int[] b : blocks) w += 2 * b[0] + 1;
                return w;
            }
            return rank < 1 ? -1 : (int) Math.round(Math.pow(3, rank));
        }
    }

    /** Model hyper-parameters. */
    public record ModelOptions(double cutoff, double cutoffWidth, int maxRadial, int maxAngular, PowerSpectrumForm powerSpectrum,
                               int width, int depth, boolean addLambdaBasis, PseudoMode pseudotensorBasis, boolean normalizeBasis) {}

    /** Training hyper-parameters. */
    public record TrainingOptions(int epochs, int batchSize, double learningRate, double warmupFraction, String scheduler,
                                  double plateauFactor, int plateauPatience, Map<String, Double> lossWeights,
                                  int checkpointInterval, int logInterval, boolean compositionBaseline, boolean refineHeads,
                                  boolean perSpeciesScale) {}

    static final Set<String> TOP = keys("seed", "threads", "training_set", "validation_set", "test_set", "targets", "model", "training");
    static final Set<String> SET = keys("read_from");
    static final Set<String> TARGET = keys("key", "per_atom", "type", "rank", "symmetric", "blocks", "unit");
    static final Set<String> MODEL = keys("soap", "bpnn", "add_lambda_basis", "pseudotensor_basis", "normalize_basis");
    static final Set<String> SOAP = keys("cutoff", "cutoff_width", "max_radial", "max_angular", "power_spectrum");
    static final Set<String> BPNN = keys("num_hidden_layers", "num_neurons_per_layer");
    static final Set<String> TRAINING = keys("epochs", "batch_size", "learning_rate", "warmup_fraction", "scheduler",
        "plateau_factor", "plateau_patience", "loss_weights", "checkpoint_interval", "log_interval", "composition_baseline",
        "refine_heads", "per_species_scale");

    private static Set<String> keys(String... k) {
        return new LinkedHashSet<>(List.of(k));
    }

    /** Defaults of every option (documented in docs/options.md). */
    public static ModelOptions defaultModel() {
        return new ModelOptions(DescriptorSettings.DEFAULT_CUTOFF, DescriptorSettings.DEFAULT_WIDTH, DescriptorSettings.DEFAULT_MAX_RADIAL,
            DescriptorSettings.DEFAULT_MAX_ANGULAR, DescriptorSettings.DEFAULT_FORM, 128, 2, true, PseudoMode.PSEUDOSCALAR, true);
    }

    public static TrainingOptions defaultTraining() {
        return new TrainingOptions(100, 8, 1e-3, 0.01, "cosine", 0.5, 10, Map.of(), 10, 1, true, true, true);
    }

    /** Reads and validates an options file. */
    public static Options load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file.toString(), -1, -1, null, "cannot read options file: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base);
    }

    /** Parses options text; relative paths are resolved against {@code base}. */
    public static Options parse(String text, String fileName, Path base) {
        Optional<Node> root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(fileName).setAllowDuplicateKeys(false).build();
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            long line = e.getProblemMark().map(m -> (long) m.getLine() + 1).orElse(-1L);
            throw new BadInputException(fileName, -1, line, null, "invalid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new BadInputException(fileName, -1, -1, null, "invalid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) throw new BadInputException(fileName, -1, -1, null, "the options file is empty");
        OptionsNode top = new OptionsNode(fileName, "", root.get());
        Map<String, OptionsNode> m = top.mapping(TOP);

        long seed = m.containsKey("seed") ? m.get("seed").integer(0, Long.MAX_VALUE) : 0;
        int threads = m.containsKey("threads") ? (int) m.get("threads").integer(0, 1024) : 0;
        if (!m.containsKey("training_set")) throw top.error("'training_set' is required (a file of structures)");
        DataSet train = dataSet(m.get("training_set"), base, false);
        DataSet val = m.containsKey("validation_set") ? dataSet(m.get("validation_set"), base, true) : new DataSet(null, 0.1);
        DataSet test = m.containsKey("test_set") ? dataSet(m.get("test_set"), base, true) : new DataSet(null, 0.1);
        double frac = (val.isFraction() ? val.fraction() : 0) + (test.isFraction() ? test.fraction() : 0);
        if (frac >= 1.0) throw top.error("validation_set + test_set fractions must leave some training data (sum " + fmt(frac) + ")");

        if (!m.containsKey("targets")) throw top.error("'targets' is required (name: {key: field, ...})");
        Map<String, Target> targets = new LinkedHashMap<>();
        for (Map.Entry<String, OptionsNode> e : m.get("targets").mapping(null).entrySet()) {
            targets.put(e.getKey(), target(e.getKey(), e.getValue()));
        }
        if (targets.isEmpty()) throw m.get("targets").error("at least one target is required");

        ModelOptions model = m.containsKey("model") ? model(m.get("model")) : defaultModel();
        TrainingOptions training = m.containsKey("training") ? training(m.get("training"), targets) : defaultTraining();
        return new Options(seed, threads, train, val, test, targets, model, training);
    }

    private static DataSet dataSet(OptionsNode n, Path base, boolean allowFraction) {
        if (n.isMapping()) {
            Map<String, OptionsNode> m = n.mapping(SET);
            if (!m.containsKey("read_from")) throw n.error("'read_from' is required");
            return dataSet(m.get("read_from"), base, false);
        }
        String s = n.string().trim();
        if (allowFraction) {
            try {
                double f = Double.parseDouble(s);
                if (!(f >= 0 && f < 1)) throw n.error("a fraction must be in [0, 1), got " + s);
                return new DataSet(null, f);
            } catch (NumberFormatException ignored) {
                // a file name
            }
        }
        Path p = base == null ? Path.of(s) : base.resolve(s).normalize();
        return new DataSet(p, 0);
    }

    private static Target target(String name, OptionsNode n) {
        Map<String, OptionsNode> m = n.isNull() ? Map.of() : n.mapping(TARGET);
        String key = m.containsKey("key") ? m.get("key").string() : name;
        boolean perAtom = m.containsKey("per_atom") && m.get("per_atom").bool();
        TargetType type = m.containsKey("type")
            ? TargetType.valueOf(m.get("type").choice(keys("cartesian", "spherical")).toUpperCase(Locale.ROOT))
            : TargetType.CARTESIAN;
        int rank = -1;
        Symmetry sym = Symmetry.AUTO;
        List<int[]> blocks = new ArrayList<>();
        if (type == TargetType.CARTESIAN) {
            if (m.containsKey("blocks")) throw m.get("blocks").error("'blocks' is for spherical targets");
            if (m.containsKey("rank")) rank = (int) m.get("rank").integer(1, 4);
            if (m.containsKey("symmetric")) {
                String s = m.get("symmetric").choice(keys("auto", "true", "false"));
                sym = s.equals("auto") ? Symmetry.AUTO : s.equals("true") ? Symmetry.SYMMETRIC : Symmetry.GENERAL;
            }
        } else {
            if (m.containsKey("rank")) throw m.get("rank").error("'rank' is for cartesian targets");
            if (m.containsKey("symmetric")) throw m.get("symmetric").error("'symmetric' is for cartesian targets");
            if (!m.containsKey("blocks")) throw n.error("a spherical target needs 'blocks: [[lambda, sigma], ...]'");
            for (OptionsNode b : m.get("blocks").sequence()) {
                List<OptionsNode> pair = b.sequence();
                if (pair.size() != 2) throw b.error("a block is [lambda, sigma]");
                int lambda = (int) pair.get(0).integer(0, 12);
                int sigma = (int) pair.get(1).integer(-1, 1);
                if (sigma == 0) throw pair.get(1).error("sigma must be 1 or -1");
                for (int[] o : blocks) {
                    if (o[0] == lambda && o[1] == sigma) throw b.error("duplicate block [" + lambda + ", " + sigma + "]");
                }
                blocks.add(new int[] {lambda, sigma});
            }
            if (blocks.isEmpty()) throw m.get("blocks").error("at least one block is required");
        }
        String unit = m.containsKey("unit") ? m.get("unit").text() : "";
        return new Target(name, key, perAtom, type, rank, sym, blocks, unit);
    }

    private static ModelOptions model(OptionsNode n) {
        ModelOptions d = defaultModel();
        Map<String, OptionsNode> m = n.mapping(MODEL);
        double rc = d.cutoff();
        double w = d.cutoffWidth();
        int nr = d.maxRadial();
        int na = d.maxAngular();
        PowerSpectrumForm form = d.powerSpectrum();
        if (m.containsKey("soap")) {
            Map<String, OptionsNode> s = m.get("soap").mapping(SOAP);
            if (s.containsKey("cutoff")) rc = s.get("cutoff").number(0.5, 30);
            if (s.containsKey("cutoff_width")) {
                w = s.get("cutoff_width").number(0.0, 30);
                // the descriptor needs a positive switch width; 0 would only fail later, without file and line
                if (!(w > 0)) throw s.get("cutoff_width").error("must be > 0, got " + w);
            }
            if (w >= rc) throw s.containsKey("cutoff_width") ? s.get("cutoff_width").error("must be smaller than the cutoff " + fmt(rc))
                : m.get("soap").error("cutoff must exceed cutoff_width " + fmt(w));
            if (s.containsKey("max_radial")) nr = (int) s.get("max_radial").integer(0, 30);
            if (s.containsKey("max_angular")) na = (int) s.get("max_angular").integer(0, 12);
            if (s.containsKey("power_spectrum")) {
                form = s.get("power_spectrum").choice(keys("full", "unique_pairs")).equals("full")
                    ? PowerSpectrumForm.FULL : PowerSpectrumForm.UNIQUE_PAIRS;
            }
        }
        int depth = d.depth();
        int width = d.width();
        if (m.containsKey("bpnn")) {
            Map<String, OptionsNode> b = m.get("bpnn").mapping(BPNN);
            if (b.containsKey("num_hidden_layers")) depth = (int) b.get("num_hidden_layers").integer(1, 8);
            if (b.containsKey("num_neurons_per_layer")) width = (int) b.get("num_neurons_per_layer").integer(1, 4096);
        }
        boolean lb = m.containsKey("add_lambda_basis") ? m.get("add_lambda_basis").bool() : d.addLambdaBasis();
        PseudoMode pm = d.pseudotensorBasis();
        if (m.containsKey("pseudotensor_basis")) {
            pm = m.get("pseudotensor_basis").choice(keys("pseudoscalar", "pseudo_maximal")).equals("pseudoscalar")
                ? PseudoMode.PSEUDOSCALAR : PseudoMode.PSEUDO_MAXIMAL;
        }
        boolean nbas = m.containsKey("normalize_basis") ? m.get("normalize_basis").bool() : d.normalizeBasis();
        return new ModelOptions(rc, w, nr, na, form, width, depth, lb, pm, nbas);
    }

    private static TrainingOptions training(OptionsNode n, Map<String, Target> targets) {
        TrainingOptions d = defaultTraining();
        Map<String, OptionsNode> m = n.mapping(TRAINING);
        int epochs = m.containsKey("epochs") ? (int) m.get("epochs").integer(1, 1_000_000) : d.epochs();
        int batch = m.containsKey("batch_size") ? (int) m.get("batch_size").integer(1, 1_000_000) : d.batchSize();
        double lr = m.containsKey("learning_rate") ? m.get("learning_rate").number(1e-12, 10) : d.learningRate();
        double wf = m.containsKey("warmup_fraction") ? m.get("warmup_fraction").number(0, 0.9) : d.warmupFraction();
        String sched = m.containsKey("scheduler") ? m.get("scheduler").choice(keys("cosine", "plateau", "constant")) : d.scheduler();
        double pf = m.containsKey("plateau_factor") ? m.get("plateau_factor").number(1e-6, 0.999999) : d.plateauFactor();
        int pp = m.containsKey("plateau_patience") ? (int) m.get("plateau_patience").integer(1, 1_000_000) : d.plateauPatience();
        Map<String, Double> weights = new LinkedHashMap<>();
        if (m.containsKey("loss_weights")) {
            for (Map.Entry<String, OptionsNode> e : m.get("loss_weights").mapping(targets.keySet()).entrySet()) {
                weights.put(e.getKey(), e.getValue().number(0, 1e6));
            }
        }
        int ci = m.containsKey("checkpoint_interval") ? (int) m.get("checkpoint_interval").integer(0, 1_000_000) : d.checkpointInterval();
        int li = m.containsKey("log_interval") ? (int) m.get("log_interval").integer(1, 1_000_000) : d.logInterval();
        boolean cb = m.containsKey("composition_baseline") ? m.get("composition_baseline").bool() : d.compositionBaseline();
        boolean rh = m.containsKey("refine_heads") ? m.get("refine_heads").bool() : d.refineHeads();
        boolean pss = m.containsKey("per_species_scale") ? m.get("per_species_scale").bool() : d.perSpeciesScale();
        return new TrainingOptions(epochs, batch, lr, wf, sched, pf, pp, weights, ci, li, cb, rh, pss);
    }

    /** Loss weight of a target (default 1). */
    public double lossWeight(String target) {
        return training.lossWeights().getOrDefault(target, 1.0);
    }

    /** Effective thread count (0 in the file means all cores). */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The fully resolved options as YAML (paths relative to {@code base} when possible). */
    public String toYaml(Path base) {
        StringBuilder sb = new StringBuilder();
        sb.append("seed: ").append(seed).append('\n');
        sb.append("threads: ").append(threads).append('\n');
        sb.append("training_set: ").append(trainingSet.yaml(base)).append('\n');
        sb.append("validation_set: ").append(validationSet.yaml(base)).append('\n');
        sb.append("test_set: ").append(testSet.yaml(base)).append('\n');
        sb.append("targets:\n");
        for (Target t : targets.values()) {
            sb.append("  ").append(quote(t.name())).append(":\n");
            sb.append("    key: ").append(quote(t.key())).append('\n');
            sb.append("    per_atom: ").append(t.perAtom()).append('\n');
            sb.append("    type: ").append(t.type().name().toLowerCase(Locale.ROOT)).append('\n');
            if (t.type() == TargetType.CARTESIAN) {
                if (t.rank() > 0) sb.append("    rank: ").append(t.rank()).append('\n');
                sb.append("    symmetric: ").append(t.symmetric() == Symmetry.AUTO ? "auto" : t.symmetric() == Symmetry.SYMMETRIC ? "true" : "false").append('\n');
            } else {
                sb.append("    blocks: [");
                for (int i = 0; i < t.blocks().size(); i++) {
                    sb.append(i > 0 ? ", " : "").append('[').append(t.blocks().get(i)[0]).append(", ").append(t.blocks().get(i)[1]).append(']');
                }
                sb.append("]\n");
            }
            sb.append("    unit: ").append(quote(t.unit())).append('\n');
        }
        ModelOptions mo = model;
        sb.append("model:\n  soap:\n");
        sb.append("    cutoff: ").append(fmt(mo.cutoff())).append('\n');
        sb.append("    cutoff_width: ").append(fmt(mo.cutoffWidth())).append('\n');
        sb.append("    max_radial: ").append(mo.maxRadial()).append('\n');
        sb.append("    max_angular: ").append(mo.maxAngular()).append('\n');
        sb.append("    power_spectrum: ").append(mo.powerSpectrum() == PowerSpectrumForm.FULL ? "full" : "unique_pairs").append('\n');
        sb.append("  bpnn:\n");
        sb.append("    num_hidden_layers: ").append(mo.depth()).append('\n');
        sb.append("    num_neurons_per_layer: ").append(mo.width()).append('\n');
        sb.append("  add_lambda_basis: ").append(mo.addLambdaBasis()).append('\n');
        sb.append("  pseudotensor_basis: ").append(mo.pseudotensorBasis() == PseudoMode.PSEUDOSCALAR ? "pseudoscalar" : "pseudo_maximal").append('\n');
        sb.append("  normalize_basis: ").append(mo.normalizeBasis()).append('\n');
        TrainingOptions tr = training;
        sb.append("training:\n");
        sb.append("  epochs: ").append(tr.epochs()).append('\n');
        sb.append("  batch_size: ").append(tr.batchSize()).append('\n');
        sb.append("  learning_rate: ").append(fmt(tr.learningRate())).append('\n');
        sb.append("  warmup_fraction: ").append(fmt(tr.warmupFraction())).append('\n');
        sb.append("  scheduler: ").append(tr.scheduler()).append('\n');
        sb.append("  plateau_factor: ").append(fmt(tr.plateauFactor())).append('\n');
        sb.append("  plateau_patience: ").append(tr.plateauPatience()).append('\n');
        sb.append("  loss_weights:");
        if (tr.lossWeights().isEmpty()) sb.append(" {}");
        sb.append('\n');
        for (Map.Entry<String, Double> e : tr.lossWeights().entrySet()) {
            sb.append("    ").append(quote(e.getKey())).append(": ").append(fmt(e.getValue())).append('\n');
        }
        sb.append("  checkpoint_interval: ").append(tr.checkpointInterval()).append('\n');
        sb.append("  log_interval: ").append(tr.logInterval()).append('\n');
        sb.append("  composition_baseline: ").append(tr.compositionBaseline()).append('\n');
        sb.append("  refine_heads: ").append(tr.refineHeads()).append('\n');
        sb.append("  per_species_scale: ").append(tr.perSpeciesScale()).append('\n');
        return sb.toString();
    }

    static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%.1f", d);
        return Double.toString(d).replace("E", "e");
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String rel(Path base, Path p) {
        if (base == null) return p.toString();
        try {
            return base.relativize(p.toAbsolutePath()).toString();
        } catch (IllegalArgumentException e) {
            return p.toAbsolutePath().toString();
        }
    }
}
