package org.tensorbasis.options;

import org.tensorbasis.lambdamcov.LambdaMcovOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.tensorbasis.BadInputException;
import org.tensorbasis.basis.TensorBasis.PseudoMode;

/** Parsing and validation of options.yaml, and docs/options.md against the code. */
class OptionsTest {
    static final String MIN = "training_set: train.xyz\ntargets: {mu: {}}\n";

    private static BadInputException error(String yaml) {
        try {
            Options.parse(yaml, "opts.yaml", Path.of("/base"));
        } catch (BadInputException e) {
            return e;
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    @Test
    void minimalOptionsGetTheDefaults() {
        Options o = Options.parse(MIN, "opts.yaml", Path.of("/base"));
        assertThat(o.seed()).isZero();
        assertThat(o.threads()).isZero();
        assertThat(o.trainingSet().file()).isEqualTo(Path.of("/base/train.xyz"));
        assertThat(o.validationSet().isFraction()).isTrue();
        assertThat(o.validationSet().fraction()).isEqualTo(0.1);
        assertThat(o.testSet().fraction()).isEqualTo(0.1);
        assertThat(LambdaMcovOptions.of(o).model()).isEqualTo(LambdaMcovOptions.defaults().model());
        assertThat(LambdaMcovOptions.of(o).training()).isEqualTo(LambdaMcovOptions.defaults().training());
        Options.Target t = o.targets().get("mu");
        assertThat(t.key()).isEqualTo("mu");
        assertThat(t.perAtom()).isFalse();
        assertThat(t.type()).isEqualTo(Options.TargetType.CARTESIAN);
        assertThat(t.rank()).isEqualTo(-1);
        assertThat(t.symmetric()).isEqualTo(Options.Symmetry.AUTO);
        assertThat(t.unit()).isEmpty();
        assertThat(LambdaMcovOptions.of(o).lossWeight("mu")).isEqualTo(1.0);
    }

    @Test
    void everyOptionIsRead() {
        String yaml = """
            seed: 5
            threads: 3
            training_set: {read_from: sub/train.xyz}
            validation_set: val.xyz
            test_set: 0.25
            targets:
              sigma: {key: cs, per_atom: yes, type: cartesian, rank: 2, symmetric: false, unit: ppm}
              s: {type: spherical, blocks: [[0, 1], [1, -1], [2, 1]]}
            model:
              soap: {cutoff: 4.5, cutoff_width: 1.0, max_radial: 5, max_angular: 4, power_spectrum: full}
              bpnn: {num_hidden_layers: 3, num_neurons_per_layer: 16}
              add_lambda_basis: false
              pseudotensor_basis: pseudo_maximal
              scalar_network: shared
              element_embedding: 12
            training:
              epochs: 7
              batch_size: 2
              learning_rate: 2.5e-3
              warmup_fraction: 0.2
              scheduler: plateau
              plateau_factor: 0.25
              plateau_patience: 4
              loss_weights: {s: 0.5}
              checkpoint_interval: 0
              log_interval: 3
              composition_baseline: off
              refine_heads: no
            """;
        Options o = Options.parse(yaml, "opts.yaml", Path.of("/base"));
        assertThat(o.seed()).isEqualTo(5);
        assertThat(o.threads()).isEqualTo(3);
        assertThat(o.effectiveThreads()).isEqualTo(3);
        assertThat(o.trainingSet().file()).isEqualTo(Path.of("/base/sub/train.xyz"));
        assertThat(o.validationSet().file()).isEqualTo(Path.of("/base/val.xyz"));
        assertThat(o.testSet().fraction()).isEqualTo(0.25);
        Options.Target sigma = o.targets().get("sigma");
        assertThat(sigma).isEqualTo(sigma); // record
        assertThat(sigma.key()).isEqualTo("cs");
        assertThat(sigma.perAtom()).isTrue();
        assertThat(sigma.rank()).isEqualTo(2);
        assertThat(sigma.width()).isEqualTo(9);
        assertThat(sigma.symmetric()).isEqualTo(Options.Symmetry.GENERAL);
        assertThat(sigma.unit()).isEqualTo("ppm");
        Options.Target s = o.targets().get("s");
        assertThat(s.type()).isEqualTo(Options.TargetType.SPHERICAL);
        assertThat(s.blocks()).containsExactly(new int[] {0, 1}, new int[] {1, -1}, new int[] {2, 1});
        assertThat(s.width()).isEqualTo(1 + 3 + 5);
        LambdaMcovOptions.ModelOptions m = LambdaMcovOptions.of(o).model();
        assertThat(m.cutoff()).isEqualTo(4.5);
        assertThat(m.cutoffWidth()).isEqualTo(1.0);
        assertThat(m.maxRadial()).isEqualTo(5);
        assertThat(m.maxAngular()).isEqualTo(4);
        assertThat(m.powerSpectrum()).isEqualTo(org.tensorbasis.descriptors.PowerSpectrumForm.FULL);
        assertThat(m.depth()).isEqualTo(3);
        assertThat(m.width()).isEqualTo(16);
        assertThat(m.addLambdaBasis()).isFalse();
        assertThat(m.pseudotensorBasis()).isEqualTo(PseudoMode.PSEUDO_MAXIMAL);
        assertThat(m.scalarNetwork()).isEqualTo("shared");
        assertThat(m.elementEmbedding()).isEqualTo(12);
        LambdaMcovOptions.TrainingOptions t = LambdaMcovOptions.of(o).training();
        assertThat(t).isEqualTo(new LambdaMcovOptions.TrainingOptions(7, 2, 2.5e-3, 0.2, "plateau", 0.25, 4, Map.of("s", 0.5), 0, 3, false, false, true, Double.NaN, 1, false, "auto"));
        assertThat(LambdaMcovOptions.of(o).lossWeight("s")).isEqualTo(0.5);
        assertThat(LambdaMcovOptions.of(o).lossWeight("sigma")).isEqualTo(1.0);

        // the resolved YAML reads back to the same options
        Options again = Options.parse(o.toYaml(Path.of("/base")), "resolved.yaml", Path.of("/base"));
        assertThat(again.toYaml(Path.of("/base"))).isEqualTo(o.toYaml(Path.of("/base")));
        assertThat(LambdaMcovOptions.of(again).training()).isEqualTo(LambdaMcovOptions.of(o).training());
        assertThat(LambdaMcovOptions.of(again).model()).isEqualTo(LambdaMcovOptions.of(o).model());
        assertThat(again.trainingSet()).isEqualTo(o.trainingSet());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "training: {epocs: 3}                 | training.epocs  | epochs",
        "training: {learning_rte: 0.1}        | training.learning_rte | learning_rate",
        "model: {soap: {cutof: 4}}            | model.soap.cutof | cutoff",
        "model: {bpnn: {num_hidden_layer: 2}} | model.bpnn.num_hidden_layer | num_hidden_layers",
        "sed: 3                               | sed | seed",
        "validation: 0.1                      | validation | validation_set",
    })
    void unknownKeyGetsClosestNameWithFileAndLine(String extra, String field, String suggestion) {
        BadInputException e = error(MIN + extra.trim() + "\n");
        assertThat(e.file()).isEqualTo("opts.yaml");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains("unknown option").contains("did you mean '" + suggestion + "'")
            .startsWith("opts.yaml, line 3, field '" + field + "'");
    }

    @Test
    void unknownTargetKeyAndLossWeightName() {
        BadInputException e = error("training_set: t.xyz\ntargets:\n  mu:\n    perr_atom: true\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.field()).isEqualTo("targets.mu.perr_atom");
        assertThat(e.getMessage()).contains("did you mean 'per_atom'");
        e = error(MIN + "training: {loss_weights: {muu: 2}}\n");
        assertThat(e.field()).isEqualTo("training.loss_weights.muu");
        assertThat(e.getMessage()).contains("did you mean 'mu'");
    }

    @Test
    void farFromAnyNameHasNoSuggestion() {
        BadInputException e = error(MIN + "training: {xyzzyplugh: 1}\n");
        assertThat(e.getMessage()).contains("unknown option").doesNotContain("did you mean");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "training: {epochs: ten}                | training.epochs | expected an integer",
        "training: {epochs: 2.5}                | training.epochs | expected an integer",
        "training: {learning_rate: fast}        | training.learning_rate | expected a number",
        "training: {learning_rate: .nan}        | training.learning_rate | expected a number",
        "training: {composition_baseline: 2}    | training.composition_baseline | expected true or false",
        "training: {scheduler: cosin}           | training.scheduler | did you mean 'cosine'",
        "training: [1, 2]                       | training | expected a mapping",
        "seed: [1]                              | seed | expected a single value",
        "model: {soap: {power_spectrum: half}}  | model.soap.power_spectrum | is not one of",
        "model: {pseudotensor_basis: scalar}    | model.pseudotensor_basis | is not one of",
    })
    void wrongTypes(String extra, String field, String text) {
        BadInputException e = error(MIN + extra.trim() + "\n");
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains(text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "training: {epochs: 0}                       | training.epochs",
        "training: {batch_size: -1}                  | training.batch_size",
        "training: {learning_rate: 0}                | training.learning_rate",
        "training: {learning_rate: 100}              | training.learning_rate",
        "training: {warmup_fraction: 0.95}           | training.warmup_fraction",
        "training: {plateau_factor: 1}               | training.plateau_factor",
        "training: {loss_weights: {mu: -1}}          | training.loss_weights.mu",
        "training: {checkpoint_interval: -2}         | training.checkpoint_interval",
        "seed: -1                                    | seed",
        "threads: 100000                             | threads",
        "model: {soap: {cutoff: 0.1}}                | model.soap.cutoff",
        "model: {soap: {cutoff: 100}}                | model.soap.cutoff",
        "model: {soap: {cutoff: 3, cutoff_width: 3}} | model.soap.cutoff_width",
        "model: {soap: {cutoff_width: 0}}            | model.soap.cutoff_width",
        "model: {soap: {max_angular: 13}}            | model.soap.max_angular",
        "model: {soap: {max_radial: 31}}             | model.soap.max_radial",
        "model: {bpnn: {num_hidden_layers: 0}}       | model.bpnn.num_hidden_layers",
        "validation_set: 1.5                         | validation_set",
        "test_set: -0.1                              | test_set",
    })
    void outOfRange(String extra, String field) {
        BadInputException e = error(MIN + extra.trim() + "\n");
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.file()).isEqualTo("opts.yaml");
    }

    @Test
    void fractionsMustLeaveTrainingData() {
        BadInputException e = error(MIN + "validation_set: 0.5\ntest_set: 0.5\n");
        assertThat(e.getMessage()).contains("fractions").contains("sum 1.0");
        assertThat(error(MIN + "validation_set: 0.6\ntest_set: 0.45\n").getMessage()).contains("must leave some training data");
        // just below 1 is accepted; a file does not count
        Options.parse(MIN + "validation_set: 0.5\ntest_set: 0.49\n", "opts.yaml", null);
        Options.parse(MIN + "validation_set: 0.9\ntest_set: test.xyz\n", "opts.yaml", null);
    }

    @Test
    void requiredOptions() {
        BadInputException e = error("targets: {mu: {}}\n");
        assertThat(e.getMessage()).contains("'training_set' is required");
        assertThat(e.file()).isEqualTo("opts.yaml");
        assertThat(error("training_set: a.xyz\n").getMessage()).contains("'targets' is required");
        assertThat(error("training_set: a.xyz\ntargets: {}\n").getMessage()).contains("at least one target");
        assertThat(error("training_set:\ntargets: {mu: {}}\n").getMessage()).contains("a value is required");
        assertThat(error("").getMessage()).contains("empty");
        assertThat(error("training_set: a.xyz\ntargets: {mu: {}}\ntraining_set: b.xyz\n").getMessage()).containsIgnoringCase("duplicate");
        assertThat(error("training_set: [a.xyz\n").getMessage()).contains("invalid YAML");
    }

    @Test
    void sphericalTargetBlocks() {
        String head = "training_set: t.xyz\ntargets:\n  s:\n    type: spherical\n";
        Options o = Options.parse(head + "    blocks: [[1, -1], [3, 1]]\n", "opts.yaml", null);
        assertThat(o.targets().get("s").width()).isEqualTo(3 + 7);
        assertThat(error(head).getMessage()).contains("needs 'blocks");
        assertThat(error(head + "    blocks: []\n").getMessage()).contains("at least one block");
        assertThat(error(head + "    blocks: [[2, 1], [2, 1]]\n").getMessage()).contains("duplicate block [2, 1]");
        BadInputException e = error(head + "    blocks: [[2, 0]]\n");
        assertThat(e.field()).isEqualTo("targets.s.blocks[0][1]");
        assertThat(e.getMessage()).contains("sigma must be 1 or -1");
        assertThat(error(head + "    blocks: [[13, 1]]\n").field()).isEqualTo("targets.s.blocks[0][0]");
        assertThat(error(head + "    blocks: [[2, 1, 0]]\n").getMessage()).contains("a block is [lambda, sigma]");
        assertThat(error(head + "    blocks: [[2, 1]]\n    rank: 2\n").getMessage()).contains("'rank' is for cartesian targets");
        assertThat(error(head + "    blocks: [[2, 1]]\n    symmetric: true\n").getMessage()).contains("'symmetric' is for cartesian");
        assertThat(error("training_set: t.xyz\ntargets: {a: {blocks: [[0, 1]]}}\n").getMessage()).contains("'blocks' is for spherical");
        assertThat(error("training_set: t.xyz\ntargets: {a: {rank: 5}}\n").field()).isEqualTo("targets.a.rank");
        assertThat(error("training_set: t.xyz\ntargets: {a: {type: polar}}\n").field()).isEqualTo("targets.a.type");
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("my-options.yaml");
        Files.writeString(f, MIN + "training:\n  epochs: 3\n  bach_size: 2\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Options.load(f)).isInstanceOf(BadInputException.class)
            .hasMessageStartingWith(f + ", line 5, field 'training.bach_size': unknown option; did you mean 'batch_size'?");
        assertThatThrownBy(() -> Options.load(dir.resolve("missing.yaml"))).isInstanceOf(BadInputException.class)
            .hasMessageContaining("missing.yaml").hasMessageContaining("cannot read");
        // relative paths are resolved against the options file's folder
        Files.writeString(f, MIN, StandardCharsets.UTF_8);
        assertThat(Options.load(f).trainingSet().file()).isEqualTo(dir.toAbsolutePath().resolve("train.xyz"));
    }

    // ---------------------------------------------------------------- docs/options.md

    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|[^|]*\\| (.*?) \\|");

    /** Every option of the code is documented, nothing else is, and documented defaults are the code's. */
    @Test
    void documentedDefaultsMatchTheCode() throws IOException {
        // rows of the tables, by section: "## ... (lambda_mcov)" / "(linear_ridge)" hold an architecture's options
        Map<String, Map<String, String>> doc = new LinkedHashMap<>();
        String section = "common";
        for (String line : Files.readAllLines(Path.of("docs/options.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                Matcher a = Pattern.compile("\\(architecture `(\\w+)`\\)").matcher(line);
                section = a.find() ? a.group(1) : "common";
            }
            Matcher m = ROW.matcher(line);
            if (m.find()) doc.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(m.group(1), m.group(2));
        }
        Map<String, String> common = doc.get("common");
        Set<String> expected = new TreeSet<>(Options.TOP);
        for (String k : Options.TARGET) expected.add("targets.<name>." + k);
        expected.add("model.architecture");
        assertThat(new TreeSet<>(common.keySet())).isEqualTo(expected);
        Load load = new Load(LoadSettings.builder().build());
        assertThat(load.loadFromString(strip(common.get("model.architecture")))).isEqualTo(Options.DEFAULT_ARCHITECTURE);

        // every architecture's declared options are its table rows, with the declared defaults
        int compared = 0;
        for (String arch : Options.parsers().keySet()) {
            Map<String, String> rows = doc.get(arch);
            assertThat(rows).as("docs/options.md has a section (architecture `" + arch + "`)").isNotNull();
            Map<String, String> declared = new LinkedHashMap<>();
            for (OptionSpec spec : Options.specs(arch)) if (!spec.path().equals("model.architecture")) declared.put(spec.path(), spec.defaultYaml());
            assertThat(new TreeSet<>(rows.keySet())).as(arch + " options documented").isEqualTo(new TreeSet<>(declared.keySet()));
            for (Map.Entry<String, String> e : declared.entrySet()) {
                Object documented = load.loadFromString(strip(rows.get(e.getKey())));
                Object code = load.loadFromString(e.getValue());
                assertThat(normalise(documented)).as("default of " + e.getKey() + " (" + arch + ")").isEqualTo(normalise(code));
                compared++;
            }
            // and a file that only names the architecture resolves to those defaults
            Options o = Options.parse("training_set: t.xyz\ntargets: {t: {}}\nmodel: {architecture: " + arch + "}\n", "opts.yaml", Path.of("/base"));
            Map<String, Object> resolved = new LinkedHashMap<>();
            flatten("", load.loadFromString(o.toYaml(Path.of("/base"))), resolved);
            for (Map.Entry<String, String> e : declared.entrySet()) {
                assertThat(resolved).as("resolved options hold " + e.getKey()).containsKey(e.getKey());
                assertThat(normalise(resolved.get(e.getKey()))).as("resolved " + e.getKey()).isEqualTo(normalise(load.loadFromString(e.getValue())));
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(20);

        // the top-level defaults: resolve a minimal options file and compare with the documented values
        Options o = Options.parse("training_set: t.xyz\ntargets: {t: {}}\n", "opts.yaml", Path.of("/base"));
        Map<String, Object> resolved = new LinkedHashMap<>();
        flatten("", load.loadFromString(o.toYaml(Path.of("/base"))), resolved);
        for (Map.Entry<String, String> e : common.entrySet()) {
            Matcher v = Pattern.compile("^`([^`]*)`$").matcher(e.getValue().trim());
            if (!v.find()) continue; // "required", "inferred", "see below", "the target's name"
            String path = e.getKey().replace("<name>", "t");
            assertThat(resolved).as("resolved options hold " + path).containsKey(path);
            Object documented = load.loadFromString(v.group(1));
            assertThat(resolved.get(path)).as("default of " + path).isEqualTo(documented == null ? "" : documented);
        }
        assertThat(common.get("training_set")).contains("required");
        assertThat(common.get("targets")).contains("required");
        assertThat(resolved.get("targets.t.key")).isEqualTo("t");
        assertThat(resolved).doesNotContainKey("targets.t.rank");
    }

    /** The text between the first pair of backticks. */
    private static String strip(String cell) {
        Matcher v = Pattern.compile("`([^`]*)`").matcher(cell);
        assertThat(v.find()).as("a default in backticks: " + cell).isTrue();
        return v.group(1);
    }

    /** Numbers compared as doubles (the docs write 0.001 where the code writes 1.0e-3), lists element-wise. */
    private static Object normalise(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof List<?> l) return l.stream().map(OptionsTest::normalise).toList();
        return o;
    }

    private static void flatten(String prefix, Object node, Map<String, Object> out) {
        if (node instanceof Map<?, ?> m && !m.isEmpty()) {
            for (Map.Entry<?, ?> e : m.entrySet()) flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
        } else {
            out.put(prefix, node);
        }
        if (node instanceof Map<?, ?> m && m.isEmpty()) out.put(prefix, Map.of());
    }

    @Test
    void examplesInTheDocParse() throws IOException {
        String md = Files.readString(Path.of("docs/options.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(md);
        List<String> blocks = new java.util.ArrayList<>();
        while (m.find()) blocks.add(m.group(1));
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(4);
        Options dipole = Options.parse(blocks.get(0), "example 1", Path.of("/base"));
        assertThat(dipole.targets().keySet()).containsExactly("mu", "alpha");
        assertThat(dipole.targets().get("alpha").symmetric()).isEqualTo(Options.Symmetry.SYMMETRIC);
        Options nmr = Options.parse(blocks.get(1), "example 2", Path.of("/base"));
        Options.Target sh = nmr.targets().get("shielding");
        assertThat(sh.perAtom()).isTrue();
        assertThat(sh.rank()).isEqualTo(2);
        assertThat(sh.symmetric()).isEqualTo(Options.Symmetry.GENERAL);
        assertThat(nmr.validationSet().isFraction()).isFalse();
        Options crystals = Options.parse(blocks.get(2), "example 3", Path.of("/base"));
        assertThat(crystals.targets().get("becs").perAtom()).isTrue();
        assertThat(crystals.targets().get("becs").zeroSumAuto()).isTrue();
        assertThat(crystals.targets().get("eps").transform()).isEqualTo(Options.Transform.LOG);
        assertThat(crystals.targets().get("eps").intensive()).isTrue();
        Options sph = Options.parse("training_set: t.xyz\n" + blocks.get(3), "example 4", Path.of("/base"));
        assertThat(sph.targets().get("alpha_sph").width()).isEqualTo(6);
    }
}
