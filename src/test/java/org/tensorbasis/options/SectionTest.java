package org.tensorbasis.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.tensorbasis.BadInputException;

class SectionTest {
    private static final String FILE = "opts.yaml";

    /** The section {@code key} of a YAML text, as the options parser hands it to an architecture. */
    private static Section section(String yaml, String key) {
        OptionsNode root = new OptionsNode(FILE, "", new Compose(LoadSettings.builder().build()).composeString(yaml).orElseThrow());
        return Section.of(FILE, key, root.mapping(null).get(key));
    }

    /** A few declarations, as an architecture's parser makes them. */
    private static void read(Section s) {
        s.number("cutoff", 5.0, 1, 20, "Cutoff radius");
        s.integer("max_radial", 6, 0, 60, "Radial functions");
        s.bool("lambda_correction", true, "λ correction");
        s.choice("form", "unique", List.of("full", "unique"), "Power-spectrum form");
        Section sub = s.section("bpnn", "Scalar network");
        sub.integer("layers", 2, 1, 8, "Hidden layers");
        sub.finish();
    }

    @Test
    void anAbsentSectionGivesTheDefaults() {
        Section s = Section.of(FILE, "model", null);
        assertThat(s.present()).isFalse();
        assertThat(s.has("cutoff")).isFalse();
        assertThat(s.number("cutoff", 5.0, 0.5, 20, "d")).isEqualTo(5.0);
        assertThat(s.integer("max_radial", 6, 0, 60, "d")).isEqualTo(6);
        assertThat(s.bool("lambda_correction", true, "d")).isTrue();
        assertThat(s.choice("form", "unique", List.of("full", "unique"), "d")).isEqualTo("unique");
        double[] grid = {0.1, 1, 10};
        double[] got = s.numbers("ridge", grid, 0, 100, "d");
        assertThat(got).containsExactly(0.1, 1, 10).isNotSameAs(grid);
        assertThat(s.section("bpnn", "d").integer("layers", 2, 1, 8, "d")).isEqualTo(2);
        s.finish();
    }

    @Test
    void givenValuesAreRead() {
        Section s = section("model:\n  cutoff: 4.5\n  form: FULL\n  bpnn:\n    layers: 3\n", "model");
        assertThat(s.present()).isTrue();
        assertThat(s.has("cutoff")).isTrue();
        assertThat(s.number("cutoff", 5.0, 0.5, 20, "d")).isEqualTo(4.5);
        assertThat(s.choice("form", "unique", List.of("full", "unique"), "d")).isEqualTo("full");
        assertThat(s.section("bpnn", "d").integer("layers", 2, 1, 8, "d")).isEqualTo(3);
        s.finish();
    }

    @Test
    void anUnknownKeyNamesFileLineAndTheClosestValidName() {
        Section s = section("model:\n  cutoff: 4.5\n  max_radail: 8\n", "model");
        read(s);
        BadInputException e = catchThrowableOfType(BadInputException.class, s::finish);
        assertThat(e.file()).isEqualTo(FILE);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("model.max_radail");
        assertThat(e.getMessage()).startsWith("opts.yaml, line 3, field 'model.max_radail': unknown option; did you mean 'max_radial'?")
            .contains("(valid: cutoff, max_radial, lambda_correction, form, bpnn)");
    }

    @Test
    void anUnknownKeyOfASubsectionIsRejectedToo() {
        Section s = section("model:\n  bpnn:\n    layer: 3\n", "model");
        Section sub = s.section("bpnn", "d");
        sub.integer("layers", 2, 1, 8, "d");
        BadInputException e = catchThrowableOfType(BadInputException.class, sub::finish);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("field 'model.bpnn.layer'", "did you mean 'layers'?");
    }

    @Test
    void specsListTheDeclaredOptionsWithTheirDefaults() {
        Section s = Section.of("defaults", "model", null);
        read(s);
        s.numbers("ridge", new double[] {1e-6, 0.5, 100}, 0, 1e3, "Ridge grid");
        assertThat(s.specs()).containsExactly(
            new OptionSpec("model.cutoff", "number 1–20", "5.0", "Cutoff radius"),
            new OptionSpec("model.max_radial", "integer 0–60", "6", "Radial functions"),
            new OptionSpec("model.lambda_correction", "boolean", "true", "λ correction"),
            new OptionSpec("model.form", "full | unique", "unique", "Power-spectrum form"),
            new OptionSpec("model.bpnn.layers", "integer 1–8", "2", "Hidden layers"),
            new OptionSpec("model.ridge", "list of numbers 0–1000", "[1.0e-6, 0.5, 100.0]", "Ridge grid"));
    }

    @Test
    void numbersMustBeStrictlyIncreasing() {
        for (String list : new String[] {"[1, 3, 2]", "[1, 1]"}) {
            Section s = section("training:\n  ridge: " + list + "\n", "training");
            BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> s.numbers("ridge", new double[] {1}, 0, 10, "d"));
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.getMessage()).as(list).contains("values must be strictly increasing");
        }
        Section empty = section("training:\n  ridge: []\n", "training");
        assertThat(catchThrowableOfType(BadInputException.class, () -> empty.numbers("ridge", new double[] {1}, 0, 10, "d")))
            .hasMessageContaining("at least one value is required");
        Section ok = section("training:\n  ridge: [0.1, 1, 10]\n", "training");
        assertThat(ok.numbers("ridge", new double[] {1}, 0, 10, "d")).containsExactly(0.1, 1, 10);
    }
}
