package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.equivariant.SphericalHarmonics;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

class PeriodicTest {
    static final SphericalExpansion CALC = new SphericalExpansion(DescriptorSettings.defaults(Geometry.SPECIES).withForm(PowerSpectrumForm.UNIQUE_PAIRS));
    static final int[] ALL_L = {0, 1, 2, 3, 4, 5, 6};

    static Stream<Long> seeds() {
        return IntStream.range(0, 4).mapToObj(i -> 77L + i);
    }

    /** A random triclinic cell with roughly the given edge, and n random atoms in it (fractional coordinates). */
    static Structure crystal(SplittableRandom rng, int n, double edge) {
        double[] cell = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) cell[3 * i + k] = (i == k ? edge : 0.0) + 0.25 * edge * (rng.nextDouble() - 0.5);
        }
        int[] z = new int[n];
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            z[i] = Geometry.SPECIES[rng.nextInt(4)];
            double[] f = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
            for (int k = 0; k < 3; k++) for (int a = 0; a < 3; a++) x[3 * i + k] += f[a] * cell[3 * a + k];
        }
        return new Structure(z, x, Cell.periodic(cell), null, null);
    }

    static Structure supercell(Structure s, int rep) {
        int n = s.size();
        double[] cv = s.cell().vectors();
        int[] z = new int[n * rep * rep * rep];
        double[] x = new double[3 * z.length];
        int t = 0;
        for (int a = 0; a < rep; a++) for (int b = 0; b < rep; b++) for (int c = 0; c < rep; c++) {
            for (int i = 0; i < n; i++, t++) {
                z[t] = s.number(i);
                for (int k = 0; k < 3; k++) x[3 * t + k] = s.position(i, k) + a * cv[k] + b * cv[3 + k] + c * cv[6 + k];
            }
        }
        double[] big = cv.clone();
        for (int k = 0; k < 9; k++) big[k] *= rep;
        return new Structure(z, x, Cell.periodic(big), null, null);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void supercellGivesIdenticalPerAtomFeatures(long seed) {
        Structure s = crystal(new SplittableRandom(seed), 5, 4.0);
        Structure big = supercell(s, 2);
        SphericalExpansion.Features a = CALC.compute(s, 1, 3), b = CALC.compute(big, 1, 3);
        int F = CALC.powerSpectrumSize();
        double scale = Geometry.maxAbs(a.powerSpectrum());
        for (int t = 0; t < big.size(); t++) {
            int i = t % s.size();
            for (int k = 0; k < F; k++) {
                assertThat(Math.abs(b.powerSpectrum()[t * F + k] - a.powerSpectrum()[i * F + k])).isLessThan(1e-11 * scale);
            }
            int B = CALC.blockSize(3);
            for (int k = 0; k < B; k++) {
                assertThat(Math.abs(b.expansions()[1][t * B + k] - a.expansions()[1][i * B + k])).isLessThan(1e-11 * scale);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void cellSmallerThanCutoffMatchesBruteForceOverImages(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Structure s = crystal(rng, 3, 2.6);  // edges ≈ 2.6 Å ≪ r_c = 5 Å: many images of every atom, including self
        SphericalExpansion.Features f = CALC.compute(s, ALL_L);
        RadialBasis rb = CALC.radialBasis();
        SphericalHarmonics sh = new SphericalHarmonics(6);
        double[] y = new double[49];
        double[] cv = s.cell().vectors();
        int range = 6;
        double worst = 0, scale = 0;
        for (int i = 0; i < s.size(); i++) {
            for (int l = 0; l <= 6; l++) {
                int nl = rb.nPerL(l), dm = 2 * l + 1, bs = CALC.blockSize(l);
                double[] ref = new double[bs];
                for (int j = 0; j < s.size(); j++) {
                    int a = CALC.settings().channel(s.number(j));
                    for (int p = -range; p <= range; p++) for (int q = -range; q <= range; q++) for (int r = -range; r <= range; r++) {
                        if (j == i && p == 0 && q == 0 && r == 0) continue;
                        double[] d = new double[3];
                        for (int k = 0; k < 3; k++) d[k] = s.position(j, k) - s.position(i, k) + p * cv[k] + q * cv[3 + k] + r * cv[6 + k];
                        double dist = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                        if (dist >= 5.0) continue;
                        double fc = CosineCutoff.value(dist, 5.0, 0.5);
                        sh.spherical(d[0], d[1], d[2], y, 0);
                        for (int n = 0; n < nl; n++) {
                            double rv = fc * rb.exact(l, n, dist);
                            for (int m = 0; m < dm; m++) ref[(a * nl + n) * dm + m] += rv * y[l * l + m];
                        }
                    }
                }
                for (int k = 0; k < bs; k++) {
                    worst = Math.max(worst, Math.abs(f.expansions()[l][i * bs + k] - ref[k]));
                    scale = Math.max(scale, Math.abs(ref[k]));
                }
            }
        }
        System.out.printf("small cell vs brute force: max |diff| %.2e (max |rho| %.2f)%n", worst, scale);
        assertThat(worst).isLessThan(1e-9 * Math.max(1.0, scale));
        assertThat(scale).isGreaterThan(1.0);
    }
}
