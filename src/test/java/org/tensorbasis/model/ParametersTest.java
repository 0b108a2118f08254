package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParametersTest {
    @Test
    void blocksAreLaidOutInRegistrationOrder() {
        Parameters p = new Parameters();
        Parameters.Block a = p.register("a", Parameters.Init.constant(2.0), 2, 3);
        Parameters.Block b = p.register("b", Parameters.Init.linear(4), 5);
        assertThat(a.offset()).isZero();
        assertThat(a.size()).isEqualTo(6);
        assertThat(b.offset()).isEqualTo(6);
        assertThat(p.size()).isEqualTo(11);
        assertThat(p.values()).hasSize(11);
        assertThat(p.grads()).hasSize(11);
        assertThat(p.block("b")).isSameAs(b);
        assertThat(p.values()[0]).isEqualTo(2.0);
        assertThatThrownBy(() -> p.register("a", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.block("c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotRestoreAndZeroGrads() {
        Parameters p = new Parameters();
        p.register("w", Parameters.Init.uniform(1.0), 10);
        p.initialize(5);
        double[] snap = p.snapshot();
        p.values()[3] = 100;
        p.grads()[4] = 7;
        p.restore(snap);
        assertThat(p.values()).containsExactly(snap);
        p.zeroGrads();
        assertThat(p.grads()).containsOnly(0.0);
        assertThatThrownBy(() -> p.restore(new double[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addingABlockDoesNotChangeTheOthersInitialisation() {
        Parameters p1 = new Parameters();
        p1.register("x", Parameters.Init.uniform(1.0), 8);
        p1.initialize(9);
        Parameters p2 = new Parameters();
        p2.register("extra", Parameters.Init.uniform(1.0), 3);
        p2.register("x", Parameters.Init.uniform(1.0), 8);
        p2.initialize(9);
        for (int i = 0; i < 8; i++) assertThat(p2.values()[3 + i]).isEqualTo(p1.values()[i]);
    }
}
