package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Structure;

/**
 * A prediction whose descriptors do not fit in the heap at once runs in consecutive parts that do, with the predictions of
 * the whole (the format-1 fixture model on its 40 water molecules, repeated).
 */
class ChunkedPredictionTest {
    static final Path DIR = FormatOneFixtureTest.DIR;

    @Test
    void partsThatFitGiveTheWholePrediction() throws Exception {
        LambdaMcovModel m = LambdaMcovModel.load(DIR.resolve("model.tbm"), 2);
        List<Structure> one = ExtXyzReader.readAll(DIR.resolve("water40.xyz"), w -> { });
        List<Structure> structures = new ArrayList<>();
        for (int r = 0; r < 5; r++) structures.addAll(one); // 200 molecules
        List<int[]> numbers = new ArrayList<>();
        for (Structure s : structures) numbers.add(s.numbers());
        long whole = MemoryEstimate.prediction(m.design(), numbers, 2).totalBytes();
        long tenth = MemoryEstimate.prediction(m.design(), numbers.subList(0, 20), 2).totalBytes();
        Predictions all = m.predict(structures, 2, Long.MAX_VALUE / 4);
        // room for about a fifth of the set: several parts
        long available = (long) ((tenth * 2.2) / MemoryEstimate.MARGIN);
        assertThat(MemoryEstimate.prediction(m.design(), numbers, 2).fits(available)).as("whole set %d bytes", whole).isFalse();
        Predictions parts = m.predict(structures, 2, available);
        assertThat(parts.size()).isEqualTo(all.size());
        for (String t : all.targets()) {
            for (int k = 0; k < all.size(); k++) {
                double[] a = all.spherical(t, k), b = parts.spherical(t, k);
                assertThat(b).hasSameSizeAs(a);
                for (int i = 0; i < a.length; i++) assertThat(b[i]).as("%s %d", t, k).isCloseTo(a[i], within(1e-12 * (1 + Math.abs(a[i]))));
            }
        }
        // a single structure that does not fit is still the one-line error
        assertThatThrownBy(() -> m.predict(structures.subList(0, 3), 2, 1000)).isInstanceOf(BadInputException.class)
            .hasMessageStartingWith("prediction would need");
    }
}
