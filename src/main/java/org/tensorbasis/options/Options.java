package org.tensorbasis.options;

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
    ArchitectureOptions hypers,
    double minDistance) {

    /** The same options with another seed (the members of a committee). */
    public Options withSeed(long newSeed) {
        return new Options(newSeed, threads, trainingSet, validationSet, testSet, targets, hypers, minDistance);
    }

    /** The same options with other targets (e.g. with {@code zero_sum: auto} decided). */
    public Options withTargets(Map<String, Target> newTargets) {
        return new Options(seed, threads, trainingSet, validationSet, testSet, newTargets, hypers, minDistance);
    }

    /** The same options with another architecture's hyper-parameters (e.g. the linear baseline of a λ-MCoV run). */
    public Options withHypers(ArchitectureOptions newHypers) {
        return new Options(seed, threads, trainingSet, validationSet, testSet, targets, newHypers, minDistance);
    }

    /** Default of {@code min_distance} (Å): closer atoms are an error (duplicated or collapsed atoms). */
    public static final double DEFAULT_MIN_DISTANCE = 0.25;

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

    /**
     * A transform of a target's values before learning ({@code targets.<name>.transform}); predictions are
     * mapped back by its inverse, so metrics and written values are in the file's units.
     */
    public enum Transform {
        /** The values as they are. */
        NONE,
        /** Matrix logarithm of a symmetric positive-definite rank-2 tensor (predictions: the matrix exponential). */
        LOG;

        /** The option's word. */
        public String option() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * A target: name → extended-XYZ field, layout and unit; {@code transform} and {@code intensive} say how its
     * values are mapped to the learned ones ({@code targets.TargetTransform}); {@code zeroSum} (per-atom targets)
     * that every structure's values sum to zero, which predictions are projected onto; {@code zeroSumAuto} that
     * this is still to be decided from the training data ({@code zero_sum: auto}, the per-atom default; decided
     * by {@link #withZeroSum} before anything is learned, and written out as true or false).
     */
    public record Target(String name, String key, boolean perAtom, TargetType type, int rank, Symmetry symmetric,
                         List<int[]> blocks, String unit, Transform transform, boolean intensive, boolean zeroSum,
                         boolean zeroSumAuto) {
        /** A target with neither a transform nor intensive scaling (the values are learned as they are). */
        public Target(String name, String key, boolean perAtom, TargetType type, int rank, Symmetry symmetric,
                      List<int[]> blocks, String unit) {
            this(name, key, perAtom, type, rank, symmetric, blocks, unit, Transform.NONE, false, false, false);
        }

        /** A target without the zero-sum projection. */
        public Target(String name, String key, boolean perAtom, TargetType type, int rank, Symmetry symmetric,
                      List<int[]> blocks, String unit, Transform transform, boolean intensive) {
            this(name, key, perAtom, type, rank, symmetric, blocks, unit, transform, intensive, false, false);
        }

        /** The same target with {@code zero_sum} decided. */
        public Target withZeroSum(boolean on) {
            return new Target(name, key, perAtom, type, rank, symmetric, blocks, unit, transform, intensive, on, false);
        }

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

    public static final Set<String> TOP = keys("seed", "threads", "min_distance", "training_set", "validation_set", "test_set", "targets", "model", "training");
    static final Set<String> SET = keys("read_from");
    public static final Set<String> TARGET = keys("key", "per_atom", "type", "rank", "symmetric", "blocks", "unit", "transform", "intensive",
        "zero_sum");
    /** The architecture used when options.yaml names none. */
    public static final String DEFAULT_ARCHITECTURE = "lambda_mcov";

    private static Set<String> keys(String... k) {
        return new LinkedHashSet<>(List.of(k));
    }

    /** Reads and validates an options file. */
    public static Options load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BadInputException.inFile(file.toString(), "cannot read options file: " + e.getMessage());
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
            throw BadInputException.option(fileName, line, null, "invalid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw BadInputException.inFile(fileName, "invalid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) throw BadInputException.inFile(fileName, "the options file is empty");
        OptionsNode top = new OptionsNode(fileName, "", root.get());
        Map<String, OptionsNode> m = top.mapping(TOP);

        long seed = m.containsKey("seed") ? m.get("seed").integer(0, Long.MAX_VALUE) : 0;
        int threads = m.containsKey("threads") ? (int) m.get("threads").integer(0, 1024) : 0;
        double minDistance = m.containsKey("min_distance") ? m.get("min_distance").number(0, 10) : DEFAULT_MIN_DISTANCE;
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

        ArchitectureOptions hypers = hypers(fileName, m.get("model"), m.get("training"), targets.keySet());
        return new Options(seed, threads, train, val, test, targets, hypers, minDistance);
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
        Transform transform = Transform.NONE;
        if (m.containsKey("transform")) {
            OptionsNode tn = m.get("transform");
            transform = Transform.valueOf(tn.choice(keys("none", "log")).toUpperCase(Locale.ROOT));
            if (transform == Transform.LOG) {
                // the matrix logarithm is defined for symmetric positive-definite 3×3 tensors only
                if (type == TargetType.SPHERICAL) throw tn.error("'log' needs a Cartesian rank-2 symmetric target (type: cartesian), not a spherical one");
                if (rank > 0 && rank != 2) throw tn.error("'log' needs a Cartesian rank-2 symmetric target, not rank " + rank);
                if (sym == Symmetry.GENERAL) throw tn.error("'log' needs a symmetric target (symmetric: true or auto), not symmetric: false");
            }
        }
        boolean intensive = false;
        if (m.containsKey("intensive")) {
            intensive = m.get("intensive").bool();
            if (intensive && perAtom) throw m.get("intensive").error("'intensive' is for per-structure targets, not per_atom ones (a per-atom value is not a sum)");
        }
        boolean zeroSum = false;
        // per-atom targets decide from the data by default (Born charges, charges and forces of neutral, free
        // systems sum to zero; shieldings never do); log targets cannot
        boolean zeroSumAuto = perAtom && transform != Transform.LOG;
        if (m.containsKey("zero_sum")) {
            OptionsNode zn = m.get("zero_sum");
            if (zn.isScalar() && "auto".equalsIgnoreCase(zn.text())) {
                if (!perAtom) throw zn.error("'zero_sum' is for per_atom targets (the atoms' values of a structure sum to zero)");
            } else {
                zeroSum = zn.bool();
                zeroSumAuto = false;
                if (zeroSum && !perAtom) throw zn.error("'zero_sum' is for per_atom targets (the atoms' values of a structure sum to zero)");
                if (zeroSum && transform == Transform.LOG) throw zn.error("'zero_sum' and transform: log exclude each other (positive-definite values cannot sum to zero)");
            }
        }
        return new Target(name, key, perAtom, type, rank, sym, blocks, unit, transform, intensive, zeroSum, zeroSumAuto);
    }

    /** The registered architectures' option parsers, by name (in registration order). */
    public static Map<String, ArchitectureOptions.Parser> parsers() {
        Map<String, ArchitectureOptions.Parser> out = new LinkedHashMap<>();
        for (ArchitectureOptions.Parser p : java.util.ServiceLoader.load(ArchitectureOptions.Parser.class, Options.class.getClassLoader())) {
            out.put(p.architecture(), p);
        }
        if (!out.containsKey(DEFAULT_ARCHITECTURE)) throw new IllegalStateException("no " + DEFAULT_ARCHITECTURE + " architecture on the class path");
        return out;
    }

    /** Every default of an architecture's options (what {@code model: {architecture: <name>}} alone gives). */
    public static ArchitectureOptions defaults(String architecture) {
        ArchitectureOptions.Parser p = parsers().get(architecture);
        if (p == null) throw new IllegalArgumentException("no architecture " + architecture);
        return p.parse(Section.of("defaults", "model", null), Section.of("defaults", "training", null), Set.of());
    }

    /**
     * The options of {@code architecture} with every default but the {@code model} entries of {@code modelYaml} (a YAML
     * mapping, e.g. {@code "{position_basis: false}"}; errors name {@code origin}).
     */
    public static ArchitectureOptions defaults(String architecture, String modelYaml, String origin) {
        return defaults(architecture, modelYaml, "{}", origin);
    }

    /** As {@link #defaults(String, String, String)}, with the {@code training} entries of {@code trainingYaml} too. */
    public static ArchitectureOptions defaults(String architecture, String modelYaml, String trainingYaml, String origin) {
        ArchitectureOptions.Parser p = parsers().get(architecture);
        if (p == null) throw new IllegalArgumentException("no architecture " + architecture);
        LoadSettings settings = LoadSettings.builder().setLabel(origin).build();
        Optional<Node> root = new Compose(settings).composeString(modelYaml);
        OptionsNode model = root.map(n -> new OptionsNode(origin, "model", n)).orElse(null);
        Optional<Node> troot = new Compose(LoadSettings.builder().setLabel(origin).build()).composeString(trainingYaml);
        OptionsNode training = troot.map(n -> new OptionsNode(origin, "training", n)).orElse(null);
        return p.parse(Section.of(origin, "model", model), Section.of(origin, "training", training), Set.of());
    }

    /** Reads {@code model} and {@code training} with the parser of {@code model.architecture}. */
    private static ArchitectureOptions hypers(String fileName, OptionsNode model, OptionsNode training, Set<String> targets) {
        Map<String, ArchitectureOptions.Parser> parsers = parsers();
        Section ms = Section.of(fileName, "model", model);
        String name = ms.choice("architecture", DEFAULT_ARCHITECTURE, List.copyOf(parsers.keySet()),
            "The model: lambda_mcov (invariant coefficients × equivariant tensor basis, the default) or linear_ridge (equivariant linear ridge on λ-SOAP features).");
        return parsers.get(name).parse(ms, Section.of(fileName, "training", training), targets);
    }

    /**
     * Every option of an architecture's {@code model} and {@code training} sections, as declared by its
     * parser (with their defaults), for the docs.
     */
    public static List<OptionSpec> specs(String architecture) {
        ArchitectureOptions.Parser p = parsers().get(architecture);
        if (p == null) throw new IllegalArgumentException("no architecture " + architecture);
        Section ms = Section.of("defaults", "model", null);
        ms.choice("architecture", DEFAULT_ARCHITECTURE, List.copyOf(parsers().keySet()), "The model.");
        Section ts = Section.of("defaults", "training", null);
        p.parse(ms, ts, Set.of());
        List<OptionSpec> out = new ArrayList<>(ms.specs());
        out.addAll(ts.specs());
        return out;
    }

    /** The options of the architecture {@code type} (e.g. {@code LambdaMcovOptions}); a clear error for another. */
    public <T extends ArchitectureOptions> T hypers(Class<T> type) {
        if (!type.isInstance(hypers)) {
            throw new IllegalStateException("the options are for architecture " + hypers.architecture() + ", not " + type.getSimpleName());
        }
        return type.cast(hypers);
    }

    /** The architecture named in {@code model.architecture}. */
    public String architecture() {
        return hypers.architecture();
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
        sb.append("min_distance: ").append(fmt(minDistance)).append('\n');
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
            sb.append("    transform: ").append(t.transform().option()).append('\n');
            sb.append("    intensive: ").append(t.intensive()).append('\n');
            if (t.perAtom()) sb.append("    zero_sum: ").append(t.zeroSumAuto() ? "auto" : String.valueOf(t.zeroSum())).append('\n');
        }
        sb.append(hypers.toYaml());
        return sb.toString();
    }

    public static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%.1f", d);
        return Double.toString(d).replace("E", "e");
    }

    public static String quote(String s) {
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
