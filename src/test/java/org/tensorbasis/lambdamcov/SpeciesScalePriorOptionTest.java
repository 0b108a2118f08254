package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.options.Options;
import org.tensorbasis.targets.Normalization;

/** {@code training.species_scale_prior}: auto (0 up to 8 elements, 20 above), explicit values, the resolved YAML, errors. */
class SpeciesScalePriorOptionTest {
    static LambdaMcovOptions parse(String training) {
        return LambdaMcovOptions.of(Options.parse(ScalarNetworkOptionTest.MIN + training, "opts.yaml", Path.of("/base")));
    }

    @Test
    void autoIsNoneForFewElementsAndTheBlockScalePriorForMany() {
        LambdaMcovOptions o = parse("");
        for (int s = 1; s <= 8; s++) assertThat(o.speciesScalePrior(s)).isZero();
        for (int s : new int[] {9, 64}) assertThat(o.speciesScalePrior(s)).isEqualTo(Normalization.SCALE_PRIOR_ATOMS);
        assertThat(o.toYaml()).contains("species_scale_prior: auto");
        assertThat(parse("training: {species_scale_prior: auto}").speciesScalePrior(64)).isEqualTo(Normalization.SCALE_PRIOR_ATOMS);
    }

    @Test
    void anExplicitValueHoldsForEveryElementCount() {
        LambdaMcovOptions o = parse("training: {species_scale_prior: 5}");
        assertThat(o.speciesScalePrior(2)).isEqualTo(5);
        assertThat(o.speciesScalePrior(64)).isEqualTo(5);
        // the resolved YAML reads back to the same options
        LambdaMcovOptions again = LambdaMcovOptions.of(Options.parse(Options.parse(ScalarNetworkOptionTest.MIN
            + "training: {species_scale_prior: 5}", "opts.yaml", Path.of("/base")).toYaml(Path.of("/base")), "r.yaml", Path.of("/base")));
        assertThat(again.speciesScalePrior(64)).isEqualTo(5);
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> parse("training: {species_scale_prior: -1}")).isInstanceOf(BadInputException.class)
            .hasMessageContaining("training.species_scale_prior");
        assertThatThrownBy(() -> parse("training: {species_scale_prior: many}")).isInstanceOf(BadInputException.class)
            .hasMessageContaining("training.species_scale_prior");
    }
}
