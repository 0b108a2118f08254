package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/**
 * A slab written with a zero third lattice vector (ASE's {@code vacuum=None}) has the same features
 * as the same slab with a 100 Å vacuum vector: the non-periodic vector never enters the physics.
 */
class SlabDescriptorsTest {
    static final SphericalExpansion CALC = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES));

    static Stream<Long> seeds() { return IntStream.range(0, 3).mapToObj(i -> 4242L + i); }

    @ParameterizedTest
    @MethodSource("seeds")
    void zeroThirdVectorEqualsVacuum(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // skewed in-plane cell of ~2.5-4 Å (smaller than the cutoff), rotated out of the xy plane
        double la = r.nextDouble(2.5, 4), lb = r.nextDouble(2.5, 4), g = Math.toRadians(r.nextDouble(50, 130));
        double[] flat = {la, 0, 0, lb * Math.cos(g), lb * Math.sin(g), 0, 0, 0, 0};
        int n = 5;
        int[] z = new int[n];
        double[] local = new double[3 * n];
        for (int i = 0; i < n; i++) {
            z[i] = Geometry.SPECIES[r.nextInt(Geometry.SPECIES.length)];
            double f0 = r.nextDouble(), f1 = r.nextDouble();
            local[3 * i] = f0 * flat[0] + f1 * flat[3];
            local[3 * i + 1] = f0 * flat[1] + f1 * flat[4];
            local[3 * i + 2] = r.nextDouble(-2, 2);
        }
        double[] rot = Geometry.rotation(r);
        double[] a = rotate(rot, flat), x = rotate(rot, local);
        double[] vac = a.clone();
        double[] normal = rotate(rot, new double[] {0, 0, 100});
        System.arraycopy(normal, 0, vac, 6, 3);
        boolean[] pbc = {true, true, false};
        Structure zero = new Structure(z, x, new Cell(a, pbc), null, null);
        Structure vacuum = new Structure(z, x, new Cell(vac, pbc), null, null);

        SphericalExpansion.Features fa = CALC.compute(zero, 1, 2), fb = CALC.compute(vacuum, 1, 2);
        assertThat(Geometry.maxAbs(fa.powerSpectrum())).as("non-trivial features").isGreaterThan(1e-3);
        assertClose(fa.powerSpectrum(), fb.powerSpectrum());
        for (int t = 0; t < fa.expansions().length; t++) assertClose(fa.expansions()[t], fb.expansions()[t]);

        FeatureCache ca = FeatureCache.compute(List.of(zero, vacuum), CALC, new int[] {2}, FeatureCache.Storage.FLOAT64, 1);
        assertClose(ca.powerSpectrum(0), ca.powerSpectrum(1));
        assertClose(ca.expansion(0, 2), ca.expansion(1, 2));
        assertClose(ca.powerSpectrum(0), fa.powerSpectrum());
    }

    static void assertClose(double[] p, double[] q) {
        assertThat(p).hasSameSizeAs(q);
        for (int k = 0; k < p.length; k++) assertThat(Math.abs(p[k] - q[k])).as("component %d", k).isLessThanOrEqualTo(1e-12);
    }

    static double[] rotate(double[] rot, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length / 3; i++) {
            for (int k = 0; k < 3; k++) {
                out[3 * i + k] = rot[3 * k] * v[3 * i] + rot[3 * k + 1] * v[3 * i + 1] + rot[3 * k + 2] * v[3 * i + 2];
            }
        }
        return out;
    }
}
