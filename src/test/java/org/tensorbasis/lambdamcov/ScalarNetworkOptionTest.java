package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorbasis.BadInputException;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.options.Options;

/** {@code model.scalar_network} and {@code model.element_embedding}: defaults, the resolution of auto, errors. */
class ScalarNetworkOptionTest {
    static final String MIN = "training_set: t.xyz\ntargets: {mu: {}}\n";

    static LambdaMcovOptions.ModelOptions model(String modelSection) {
        return LambdaMcovOptions.of(Options.parse(MIN + modelSection, "opts.yaml", Path.of("/base"))).model();
    }

    @Test
    void theDefaultIsAutoWithSixteenDimensions() {
        LambdaMcovOptions.ModelOptions m = LambdaMcovOptions.defaults().model();
        assertThat(m.scalarNetwork()).isEqualTo("auto");
        assertThat(m.elementEmbedding()).isEqualTo(16);
    }

    @ParameterizedTest(name = "{0} elements")
    @ValueSource(ints = {1, 2, 5, 8, 9, 10, 64, 100})
    void autoIsOneNetworkPerElementUpToEightElementsAndSharedAbove(int elements) {
        LambdaMcovOptions.ModelOptions m = LambdaMcovOptions.defaults().model();
        assertThat(m.scalarNetworkFor(elements)).isEqualTo(elements <= 8 ? ScalarNetworks.Mode.PER_ELEMENT : ScalarNetworks.Mode.SHARED);
        assertThat(m.describeScalarNetwork(elements)).startsWith(elements <= 8 ? "scalar network: one per element" : "scalar network: one shared by")
            .contains("(scalar_network: auto, " + (elements <= 8 ? "at most" : "more than") + " 8 elements)");
        // explicit choices do not depend on the number of elements
        assertThat(model("model: {scalar_network: per_element}\n").scalarNetworkFor(elements)).isEqualTo(ScalarNetworks.Mode.PER_ELEMENT);
        assertThat(model("model: {scalar_network: shared}\n").scalarNetworkFor(elements)).isEqualTo(ScalarNetworks.Mode.SHARED);
    }

    @Test
    void theDesignFollowsTheResolution() {
        Options o = Options.parse(MemoryEstimateTest.YAML, "opts.yaml", null);
        int[] nine = {1, 3, 5, 6, 7, 8, 9, 11, 16};
        assertThat(LambdaMcovModel.Design.of(o, MemoryEstimateTest.SPECIES, MemoryEstimateTest.layouts(), null).scalarNetwork())
            .isEqualTo(ScalarNetworks.Mode.PER_ELEMENT);
        LambdaMcovModel.Design d = LambdaMcovModel.Design.of(o, nine, MemoryEstimateTest.layouts(), null);
        assertThat(d.scalarNetwork()).isEqualTo(ScalarNetworks.Mode.SHARED);
        assertThat(d.embedding()).isEqualTo(16);
        // a model file's record wins over auto
        assertThat(LambdaMcovModel.Design.of(o, nine, MemoryEstimateTest.layouts(), null, ScalarNetworks.Mode.PER_ELEMENT).embedding()).isZero();
    }

    @Test
    void theResolvedOptionsReadBack() {
        for (String section : new String[] {"model: {scalar_network: shared, element_embedding: 7}\n", "model: {scalar_network: per_element}\n", ""}) {
            Options o = Options.parse(MIN + section, "opts.yaml", Path.of("/base"));
            String yaml = o.toYaml(Path.of("/base"));
            assertThat(yaml).contains("  scalar_network: ");
            assertThat(yaml.contains("element_embedding")).isEqualTo(!section.contains("per_element"));
            Options again = Options.parse(yaml, "resolved.yaml", Path.of("/base"));
            assertThat(LambdaMcovOptions.of(again).model()).isEqualTo(LambdaMcovOptions.of(o).model());
        }
        assertThat(model("model: {scalar_network: SHARED, element_embedding: 7}\n").elementEmbedding()).isEqualTo(7);
    }

    @Test
    void anEmbeddingWithOneNetworkPerElementAndBadValuesAreErrors() {
        assertThatThrownBy(() -> model("model:\n  scalar_network: per_element\n  element_embedding: 8\n"))
            .isInstanceOf(BadInputException.class)
            .hasMessageStartingWith("opts.yaml, line 5, field 'model.element_embedding'")
            .hasMessageContaining("scalar_network: per_element");
        assertThatThrownBy(() -> model("model: {element_embedding: 0}\n")).isInstanceOf(BadInputException.class)
            .hasMessageContaining("model.element_embedding");
        assertThatThrownBy(() -> model("model: {element_embedding: 257}\n")).isInstanceOf(BadInputException.class)
            .hasMessageContaining("model.element_embedding");
        assertThatThrownBy(() -> model("model: {scalar_network: one_per_element}\n")).isInstanceOf(BadInputException.class)
            .hasMessageContaining("model.scalar_network").hasMessageContaining("per_element");
        assertThatThrownBy(() -> model("model: {scalar_netwrk: shared}\n")).isInstanceOf(BadInputException.class)
            .hasMessageContaining("did you mean 'scalar_network'");
    }
}
