package org.tensorbasis.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.lambdamcov.LambdaMcovOptions;

/** {@code model.position_basis}: what auto, true, false and a list select, per architecture, and the errors. */
class PositionBasisOptionTest {
    static LambdaMcovOptions.ModelOptions mcov(String value) {
        String yaml = "training_set: t.xyz\ntargets: {mu: {}}\n" + (value == null ? "" : "model: {position_basis: " + value + "}\n");
        return LambdaMcovOptions.of(Options.parse(yaml, "o.yaml", Path.of("/b"))).model();
    }

    @Test
    void autoIsEveryOrderButZeroForTheNetworkAndEveryOrderForTheLinearRidge() {
        LambdaMcovOptions.ModelOptions d = mcov(null);
        assertThat(d.positionBasis().auto()).isTrue();
        assertThat(d.positionElements(false, 0, 1)).isFalse();
        for (int l = 1; l <= 12; l++) assertThat(d.positionElements(false, l, 1)).as("λ = %d", l).isTrue();
        assertThat(d.positionElements(true, 1, 1)).as("per atom").isFalse();
        assertThat(d.positionElements(false, 1, -1)).as("σ = −1").isFalse();
        assertThat(mcov("true").positionElements(false, 0, 1)).isTrue();
        assertThat(mcov("false").positionElements(false, 1, 1)).isFalse();
        assertThat(mcov("[0, 2]").positionBasis().orders()).containsExactly(0, 2);
        PositionBasisOption lr = PositionBasisOption.parse(Section.of("o.yaml", "model", null), "help", PositionBasisOption.ALL_ORDERS);
        assertThat(lr.auto()).isTrue();
        assertThat(lr.covers(false, 0, 1)).isTrue();
        assertThat(lr.yaml()).isEqualTo("auto");
        assertThat(new PositionBasisOption(false, PositionBasisOption.ALL_ORDERS).yaml()).isEqualTo("true");
        assertThat(new PositionBasisOption(false, java.util.List.of(1, 3)).yaml()).isEqualTo("[1, 3]");
        // auto gives none only when every training structure is periodic; an explicit value always applies
        org.tensorbasis.structure.Structure mol = new org.tensorbasis.structure.Structure(new int[] {1, 1}, new double[] {0, 0, 0, 0.7, 0, 0});
        org.tensorbasis.structure.Structure crystal = mol.withGeometry(mol.positions(),
            org.tensorbasis.structure.Cell.periodic(new double[] {5, 0, 0, 0, 5, 0, 0, 0, 5}));
        assertThat(d.positionBasis().noneFor(java.util.List.of(crystal, crystal))).isTrue();
        assertThat(d.positionBasis().noneFor(java.util.List.of(crystal, mol))).isFalse();
        assertThat(mcov("true").positionBasis().noneFor(java.util.List.of(crystal))).isFalse();
        assertThat(d.positionBlocksFor(java.util.List.of(crystal))).isEmpty();
        assertThat(d.positionBlocksFor(java.util.List.of(mol))).isNull();
    }

    @Test
    void badValuesNameTheField() {
        assertThatThrownBy(() -> mcov("[1, 1]")).isInstanceOf(BadInputException.class).hasMessageContaining("model.position_basis")
            .hasMessageContaining("twice");
        assertThatThrownBy(() -> mcov("[13]")).isInstanceOf(BadInputException.class).hasMessageContaining("model.position_basis");
        assertThatThrownBy(() -> mcov("sometimes")).isInstanceOf(BadInputException.class).hasMessageContaining("model.position_basis");
        assertThatThrownBy(() -> mcov("{a: 1}")).isInstanceOf(BadInputException.class).hasMessageContaining("model.position_basis");
    }
}
