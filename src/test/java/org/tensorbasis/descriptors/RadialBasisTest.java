package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.special.BesselJ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorbasis.BadInputException;

class RadialBasisTest {

    /** j_l(x) = sqrt(π/2x) J_{l+1/2}(x), an independent implementation. */
    private static double jRef(int l, double x) {
        return Math.sqrt(Math.PI / (2 * x)) * BesselJ.value(l + 0.5, x);
    }

    @Test
    void besselMatchesCommonsMath() {
        double[] out = new double[12];
        double worst = 0;
        for (double x : new double[] {1e-3, 0.05, 0.3, 1.0, 2.5, 4.0, 6.9, 7.1, 10.0, 13.3, 20.0, 26.5, 40.0}) {
            SphericalBessel.all(11, x, out);
            for (int l = 0; l <= 11; l++) {
                double ref = jRef(l, x);
                // relative where the value is not tiny; commons-math BesselJ is itself accurate to ~1e-15 relative
                worst = Math.max(worst, Math.abs(out[l] - ref) / Math.max(Math.abs(ref), 1e-12));
            }
        }
        assertThat(worst).isLessThan(1e-11);
    }

    @Test
    void besselSmallArgumentSeries() {
        double[] out = new double[8];
        double x = 1e-4;
        SphericalBessel.all(7, x, out);
        double dfact = 1;
        for (int l = 0; l <= 7; l++) {
            if (l > 0) dfact *= 2 * l + 1;
            double lead = Math.pow(x, l) / dfact * (1 - x * x / (2 * (2 * l + 3)));
            assertThat(out[l] / lead).isCloseTo(1.0, within(1e-12));
        }
        SphericalBessel.all(7, 0.0, out);
        assertThat(out[0]).isEqualTo(1.0);
        assertThat(out[3]).isEqualTo(0.0);
    }

    @Test
    void zerosAreZerosAndInterlace() {
        double[][] z = SphericalBessel.zeros(8, 10);
        for (int l = 0; l <= 8; l++) {
            for (int n = 0; n < 10; n++) {
                assertThat(jRef(l, z[l][n])).isCloseTo(0.0, within(1e-13));
                if (n > 0) assertThat(z[l][n]).isGreaterThan(z[l][n - 1] + 2.0);
                if (l > 0) assertThat(z[l][n]).isBetween(z[l - 1][n], z[l - 1][n + 1 < 10 ? n + 1 : n] + (n + 1 < 10 ? 0 : 10));
            }
        }
        // known values (Abramowitz & Stegun table 10.6)
        assertThat(z[1][0]).isCloseTo(4.493409457909064, within(1e-12));
        assertThat(z[2][0]).isCloseTo(5.763459196894550, within(1e-12));
        assertThat(z[1][1]).isCloseTo(7.725251836937707, within(1e-12));
    }

    @Test
    void defaultTrimmingGivesReferenceNPerL() {
        RadialBasis rb = new RadialBasis(5.0, 7, 6);
        assertThat(rb.nPerL()).containsExactly(8, 7, 7, 6, 6, 5, 5);
        assertThat(rb.size()).isEqualTo(44);
        assertThat(rb.offset(1)).isEqualTo(8);
        // independent of the cutoff radius
        assertThat(new RadialBasis(3.0, 7, 6).nPerL()).containsExactly(8, 7, 7, 6, 6, 5, 5);
        assertThat(new RadialBasis(5.0, 3, 2).nPerL()).containsExactly(4, 3, 3);
    }

    @Test
    void impossibleAngularChannelIsBadInput() {
        assertThatThrownBy(() -> new RadialBasis(5.0, 0, 1)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("max_angular");
    }

    @ParameterizedTest
    @CsvSource({"5.0, 7, 6", "3.5, 4, 3", "6.0, 9, 8"})
    void orthonormalWithR2Weight(double rc, int maxRadial, int maxAngular) {
        RadialBasis rb = new RadialBasis(rc, maxRadial, maxAngular);
        IterativeLegendreGaussIntegrator gl = new IterativeLegendreGaussIntegrator(32, 1e-14, 1e-14);
        double worst = 0;
        for (int l = 0; l <= maxAngular; l++) {
            for (int n = 0; n < rb.nPerL(l); n++) {
                for (int n2 = n; n2 < rb.nPerL(l); n2++) {
                    final int ll = l, a = n, b = n2;
                    double s = gl.integrate(1_000_000, r -> r * r * rb.exact(ll, a, r) * rb.exact(ll, b, r), 0, rc);
                    worst = Math.max(worst, Math.abs(s - (n == n2 ? 1.0 : 0.0)));
                }
            }
        }
        assertThat(worst).isLessThan(1e-10);
    }

    @Test
    void closedFormNormalisationMatchesQuadrature() {
        RadialBasis rb = new RadialBasis(5.0, 7, 6);
        IterativeLegendreGaussIntegrator gl = new IterativeLegendreGaussIntegrator(32, 1e-14, 1e-14);
        for (int l = 0; l <= 6; l++) {
            for (int n = 0; n < rb.nPerL(l); n++) {
                double z = rb.zero(l, n);
                final int ll = l;
                double integral = gl.integrate(1_000_000, r -> r * r * Math.pow(jRef(ll, z * r / 5.0), 2), 1e-12, 5.0);
                assertThat(rb.normalization(l, n)).isCloseTo(1.0 / Math.sqrt(integral), within(1e-10 * rb.normalization(l, n)));
            }
        }
    }

    @Test
    void tableWithinTolerance() {
        RadialBasis rb = new RadialBasis(5.0, 7, 6);
        double[] v = new double[rb.size()], d = new double[rb.size()], v2 = new double[rb.size()];
        SplittableRandom rng = new SplittableRandom(7);
        double worst = 0, worstD = 0;
        for (int s = 0; s < 4000; s++) {
            double r = s < 3 ? new double[] {0.0, 5.0 - 1e-12, 2.5}[s] : 5.0 * rng.nextDouble();
            rb.evaluate(r, v, 0);
            rb.evaluateWithDerivative(r, v2, d, 0);
            for (int l = 0; l <= 6; l++) {
                for (int n = 0; n < rb.nPerL(l); n++) {
                    int f = rb.offset(l) + n;
                    worst = Math.max(worst, Math.abs(v[f] - rb.exact(l, n, r)));
                    assertThat(v2[f]).isEqualTo(v[f]);
                    double hfd = 1e-5;
                    if (r > 2 * hfd && r < 5.0 - 2 * hfd) {
                        double fd = (rb.exact(l, n, r + hfd) - rb.exact(l, n, r - hfd)) / (2 * hfd);
                        worstD = Math.max(worstD, Math.abs(d[f] - fd));
                    }
                }
            }
        }
        assertThat(worst).isLessThan(RadialBasis.TABLE_TOLERANCE);
        assertThat(worstD).isLessThan(1e-5);
        rb.evaluate(5.0, v, 0);
        assertThat(v).containsOnly(0.0);
        System.out.printf("radial table: %d intervals, max |error| %.2e%n", rb.tableIntervals(), worst);
    }

    @Test
    void cutoffIsC1AndVanishes() {
        double rc = 5, w = 0.5;
        assertThat(CosineCutoff.value(4.4, rc, w)).isEqualTo(1.0);
        assertThat(CosineCutoff.value(4.75, rc, w)).isCloseTo(0.5, within(1e-15));
        assertThat(CosineCutoff.value(5.0, rc, w)).isEqualTo(0.0);
        assertThat(CosineCutoff.value(5.0 - 1e-7, rc, w)).isLessThan(1e-12);
        assertThat(CosineCutoff.value(4.5 + 1e-7, rc, w)).isGreaterThan(1 - 1e-12);
        for (int k = 1; k < 50; k++) {
            double r = 4.5 + 0.01 * k;
            double fd = (CosineCutoff.value(r + 1e-6, rc, w) - CosineCutoff.value(r - 1e-6, rc, w)) / 2e-6;
            assertThat(CosineCutoff.derivative(r, rc, w)).isCloseTo(fd, within(1e-8));
        }
    }
}
