package org.tensorbasis.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShuffleTest {
    @Test
    void isAPermutation() {
        for (int n : new int[] {0, 1, 2, 7, 1000}) {
            int[] p = Shuffle.permutation(n, 42);
            assertThat(p).hasSize(n);
            int[] sorted = p.clone();
            Arrays.sort(sorted);
            assertThat(sorted).isEqualTo(IntStream.range(0, n).toArray());
        }
    }

    @Test
    void dependsOnlyOnTheSeed() {
        assertThat(Shuffle.permutation(500, 7)).isEqualTo(Shuffle.permutation(500, 7));
        assertThat(Shuffle.permutation(500, 7)).isNotEqualTo(Shuffle.permutation(500, 8));
    }

    /** The order splits and epochs have always used: Fisher–Yates from the end, on new SplittableRandom(seed). */
    @Test
    void reproducesFisherYatesOnSplittableRandom() {
        for (long seed : new long[] {0, 1, 42, -5, Long.MAX_VALUE}) {
            int n = 257;
            int[] expected = IntStream.range(0, n).toArray();
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = expected[i];
                expected[i] = expected[j];
                expected[j] = t;
            }
            assertThat(Shuffle.permutation(n, seed)).as("seed %d", seed).isEqualTo(expected);
        }
    }
}
