package org.tensorbasis.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IrrepTest {
    @Test
    void nameAndParseRoundTrip() {
        for (int lambda = 0; lambda <= 12; lambda++) {
            for (int sigma : new int[] {1, -1}) {
                Irrep r = new Irrep(lambda, sigma);
                assertThat(r.name()).isEqualTo("L" + lambda + (sigma > 0 ? "+" : "-"));
                assertThat(r).hasToString(r.name());
                assertThat(r.dim()).isEqualTo(2 * lambda + 1);
                assertThat(Irrep.parse(r.name())).isEqualTo(r);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "L", "L+", "L2", "2+", "l2+", "X2+", "L2*", "Lx+", "L 2+", "L-1+", "L2+ ", "L99999999999+"})
    void badNamesAreRejected(String name) {
        assertThatThrownBy(() -> Irrep.parse(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badOrdersAndParitiesAreRejected() {
        assertThatThrownBy(() -> new Irrep(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Irrep(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Irrep(2, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void orderedByLambdaThenEvenParityFirst() {
        List<Irrep> l = new ArrayList<>(List.of(new Irrep(2, -1), new Irrep(0, -1), new Irrep(2, 1), new Irrep(0, 1)));
        l.sort(null);
        assertThat(l).extracting(Irrep::name).containsExactly("L0+", "L0-", "L2+", "L2-");
    }

    @Test
    void onlyCanonicalNamesParse() {
        for (String bad : List.of("L02+", "L+2+", "L2", "2+", "L-1+", "l2+", "L2+ ")) {
            assertThatThrownBy(() -> Irrep.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void metricNamesRoundTrip() {
        for (String n : List.of("ms", "ms:L0+", "ms[H]", "ms:L1-[Se]", "alpha:L2+")) {
            assertThat(org.tensorbasis.evaluation.MetricName.parse(n).name()).isEqualTo(n);
        }
        var m = org.tensorbasis.evaluation.MetricName.parse("ms:L1-[Se]");
        assertThat(m.target()).isEqualTo("ms");
        assertThat(m.irrep()).isEqualTo(new Irrep(1, -1));
        assertThat(m.element()).isEqualTo("Se");
        assertThat(org.tensorbasis.evaluation.MetricName.parse("a:b").target()).isEqualTo("a:b");
    }
}
