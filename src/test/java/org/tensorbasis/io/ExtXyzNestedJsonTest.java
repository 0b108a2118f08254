package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/** ASE writes rank-3 info arrays (e.g. a hyperpolarizability 3×3×3) as nested _JSON lists: read as rows of the flattened rest, row-major. */
class ExtXyzNestedJsonTest {
    static List<Structure> read(String comment) throws IOException {
        String text = "1\n" + comment + " Properties=species:S:1:pos:R:3\nH 0 0 0\n";
        try (ExtXyzReader r = new ExtXyzReader(new StringReader(text), "t.xyz", w -> { })) {
            return List.of(r.next());
        }
    }

    @Test
    void aRankThreeArrayIsItsTwentySevenNumbersRowMajor() throws IOException {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 3; i++) {
            json.append(i > 0 ? ", " : "").append('[');
            for (int j = 0; j < 3; j++) {
                json.append(j > 0 ? ", " : "").append('[');
                for (int k = 0; k < 3; k++) json.append(k > 0 ? ", " : "").append(9 * i + 3 * j + k + 0.5);
                json.append(']');
            }
            json.append(']');
        }
        json.append(']');
        Value v = read("beta=\"_JSON " + json + "\"").get(0).info().get("beta");
        assertThat(v.rows()).isEqualTo(3);
        assertThat(v.width()).isEqualTo(9);
        double[] d = v.toDoubles();
        assertThat(d).hasSize(27);
        for (int n = 0; n < 27; n++) assertThat(d[n]).isEqualTo(n + 0.5);
    }

    @Test
    void aRaggedDeepListIsAnError() {
        assertThatThrownBy(() -> read("b=\"_JSON [[[1, 2], [3, 4]], [[5, 6], [7]]]\"")).isInstanceOf(BadInputException.class)
            .hasMessageContaining("t.xyz").hasMessageContaining("not rectangular");
    }
}
