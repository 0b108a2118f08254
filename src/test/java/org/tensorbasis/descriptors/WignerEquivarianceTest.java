package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.equivariant.WignerD;
import org.tensorbasis.structure.Structure;

/** ρ_{l·}(RA) = D^l(R) ρ_{l·}(A) for every l, channel and n; improper: × (−1)^l. */
class WignerEquivarianceTest {
    static final SphericalExpansion CALC = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES));

    static Stream<Long> seeds() {
        return IntStream.range(0, 5).mapToObj(i -> 4242L + i);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void expansionRotatesWithWignerD(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Structure s = Geometry.molecule(rng, 13, 5.0);
        double[] rot = Rotations.random(rng);
        boolean improper = seed % 2 == 1;
        double[] q = improper ? Rotations.improper(rot) : rot;
        int[] ls = {0, 1, 2, 3, 4, 5, 6};
        SphericalExpansion.Features a = CALC.compute(s, ls), b = CALC.compute(Geometry.transform(s, q), ls);
        double[][] d = WignerD.realAll(6, rot);
        for (int l = 0; l <= 6; l++) {
            int dm = 2 * l + 1;
            double sign = improper && l % 2 == 1 ? -1 : 1;
            double[] ea = a.expansions()[l], eb = b.expansions()[l];
            double worst = 0, scale = Geometry.maxAbs(ea);
            for (int row = 0; row < ea.length / dm; row++) {
                for (int m = 0; m < dm; m++) {
                    double v = 0;
                    for (int mp = 0; mp < dm; mp++) v += d[l][m * dm + mp] * ea[row * dm + mp];
                    worst = Math.max(worst, Math.abs(eb[row * dm + m] - sign * v));
                }
            }
            assertThat(worst).as("l = %d", l).isLessThan(1e-12 * scale);
        }
    }
}
