package org.tensorbasis.basis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.equivariant.WignerD;

class TensorBasisTest {

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        for (int lambda = 0; lambda <= 8; lambda++) {
            for (int sigma : new int[] {1, -1}) {
                for (boolean corr : new boolean[] {false, true}) {
                    if (sigma == 1) {
                        out.add(Arguments.of(lambda, sigma, corr, PseudoMode.PSEUDOSCALAR));
                    } else {
                        out.add(Arguments.of(lambda, sigma, corr, PseudoMode.PSEUDOSCALAR));
                        out.add(Arguments.of(lambda, sigma, corr, PseudoMode.PSEUDO_MAXIMAL));
                        out.add(Arguments.of(lambda, sigma, corr, PseudoMode.AXIAL));
                    }
                }
            }
        }
        return out.stream();
    }

    /** Random inputs of a basis: v (9), u ({@link TensorBasis#uSize()}), λ-correction tensors (dim²). */
    private static double[][] randomInputs(TensorBasis b, SplittableRandom rng) {
        double[] v = new double[9];
        double[] u = new double[b.uSize()];
        double[] lam = new double[b.dim() * b.dim()];
        for (int i = 0; i < 9; i++) v[i] = rng.nextDouble(-1, 1);
        for (int i = 0; i < u.length; i++) u[i] = rng.nextDouble(-1, 1);
        for (int i = 0; i < lam.length; i++) lam[i] = rng.nextDouble(-1, 1);
        return new double[][] {v, u, lam};
    }

    /** {@code count} consecutive n-vectors of x, each multiplied by the n × n matrix d and by scale. */
    static double[] apply(double[] d, int n, double[] x, int count, double scale) {
        double[] out = new double[x.length];
        for (int c = 0; c < count; c++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += d[i * n + j] * x[c * n + j];
                out[c * n + i] = scale * s;
            }
        }
        return out;
    }

    private static double[] compute(TensorBasis b, double[][] in) {
        double[] t = new double[b.size() * b.dim()];
        b.forward(b.newWorkspace(), in[0], 0, in[1], 0, in[2], 0, t, 0);
        return t;
    }

    @ParameterizedTest(name = "λ={0} σ={1} correction={2} {3}")
    @MethodSource("configurations")
    void equivariantUnderProperAndImproperRotations(int lambda, int sigma, boolean corr, PseudoMode mode) {
        TensorBasis b = new TensorBasis(lambda, sigma, corr, mode);
        int dim = b.dim();
        SplittableRandom rng = new SplittableRandom(1000 + 31L * lambda + sigma + (corr ? 7 : 0) + mode.ordinal());
        for (int trial = 0; trial < 3; trial++) {
            double[][] in = randomInputs(b, rng);
            double[] t = compute(b, in);
            double norm = 0;
            for (double x : t) norm += x * x;
            assertThat(Math.sqrt(norm)).isGreaterThan(1e-6);
            double[] r = Rotations.random(rng);
            double[] d1 = WignerD.real(1, r);
            double[] dl = WignerD.real(lambda, r);
            int lu = b.uOrder();
            double[] du = WignerD.real(lu, r);
            for (boolean improper : new boolean[] {false, true}) {
                // vectors are proper (σ=+1, λ=1): inversion flips them; λ-correction tensors are proper λ-tensors
                double vs = improper ? -1 : 1;
                double ls = improper ? Math.pow(-1, lambda) : 1;
                // the second triplet: proper order-lu tensors (l = 1 vectors, or l = 2 in axial mode)
                double us = improper ? Math.pow(-1, lu) : 1;
                double[][] rin = {apply(d1, 3, in[0], 3, vs), apply(du, 2 * lu + 1, in[1], 3, us), apply(dl, dim, in[2], dim, ls)};
                double[] rt = compute(b, rin);
                double ts = improper ? sigma * Math.pow(-1, lambda) : 1;
                double[] expect = apply(dl, dim, t, b.size(), ts);
                double err = 0;
                for (int i = 0; i < t.length; i++) err = Math.max(err, Math.abs(rt[i] - expect[i]));
                assertThat(err / Math.sqrt(norm)).as("λ=%d σ=%d improper=%s", lambda, sigma, improper).isLessThan(1e-12);
            }
        }
    }

    @ParameterizedTest(name = "λ={0} σ={1} correction={2} {3}")
    @MethodSource("configurations")
    void backwardMatchesFiniteDifferences(int lambda, int sigma, boolean corr, PseudoMode mode) {
        if (lambda > 6) return; // the issue asks λ = 0..6 for gradients; equivariance covers 0..8
        TensorBasis b = new TensorBasis(lambda, sigma, corr, mode);
        SplittableRandom rng = new SplittableRandom(77 + lambda * 3L + sigma);
        double[][] in = randomInputs(b, rng);
        double[] w = new double[b.size() * b.dim()];
        for (int i = 0; i < w.length; i++) w[i] = rng.nextDouble(-1, 1);
        double[] gv = new double[9];
        double[] gu = new double[b.uSize()];
        double[] gl = new double[in[2].length];
        b.backward(b.newWorkspace(), in[0], 0, in[1], 0, in[2], 0, w, 0, gv, 0, gu, 0, gl, 0);
        double[][] grads = {gv, gu, gl};
        boolean[] used = {b.usesV(), b.usesU(), b.usesLambdaCorrection()};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < in[k].length; i++) {
                if (!used[k]) {
                    assertThat(grads[k][i]).isEqualTo(0.0);
                    continue;
                }
                double h = 1e-5;
                double x0 = in[k][i];
                in[k][i] = x0 + h;
                double fp = dot(compute(b, in), w);
                in[k][i] = x0 - h;
                double fm = dot(compute(b, in), w);
                in[k][i] = x0;
                double fd = (fp - fm) / (2 * h);
                double scale = Math.max(1.0, Math.abs(fd));
                assertThat(Math.abs(grads[k][i] - fd) / scale)
                    .as("input group %d index %d (λ=%d σ=%d)", k, i, lambda, sigma).isLessThan(1e-7);
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void sizesAreTwoLambdaPlusOneOrTwice() {
        for (int lambda = 0; lambda <= 12; lambda++) {
            int dim = 2 * lambda + 1;
            assertThat(new TensorBasis(lambda, 1, false, null).size()).isEqualTo(dim);
            assertThat(new TensorBasis(lambda, 1, true, null).size()).isEqualTo(lambda >= 2 ? 2 * dim : dim);
            assertThat(new TensorBasis(lambda, -1, false, PseudoMode.PSEUDOSCALAR).size()).isEqualTo(dim);
            assertThat(new TensorBasis(lambda, -1, false, PseudoMode.PSEUDO_MAXIMAL).size()).isEqualTo(dim);
            assertThat(new TensorBasis(lambda, -1, false, PseudoMode.AXIAL).size()).isEqualTo(dim);
            assertThat(new TensorBasis(lambda, -1, true, PseudoMode.AXIAL).size()).isEqualTo(lambda >= 1 ? 2 * dim : dim);
        }
    }

    private static int rank(TensorBasis b, double[] v, double[] u, double[] lam) {
        double[] t = compute(b, new double[][] {v, u, lam});
        BasisDiagnostics.Result r = BasisDiagnostics.analyse(t, 0, b.size(), b.dim(), 1e-8);
        assertThat(Double.isNaN(r.conditionNumber())).isFalse();
        return r.rank();
    }

    @Test
    void genericVectorsGiveFullRank() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int lambda = 0; lambda <= 8; lambda++) {
            for (int sigma : new int[] {1, -1}) {
                for (PseudoMode mode : PseudoMode.values()) {
                    TensorBasis b = new TensorBasis(lambda, sigma, false, mode);
                    double[][] in = randomInputs(b, rng);
                    assertThat(rank(b, in[0], in[1], in[2])).as("λ=%d σ=%d %s", lambda, sigma, mode)
                        .isEqualTo(2 * lambda + 1);
                }
            }
        }
    }

    @Test
    void knownDegeneraciesOfTheExactConstruction() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int lambda = 2; lambda <= 8; lambda++) {
            TensorBasis b = new TensorBasis(lambda, 1, false, null);
            double[][] in = randomInputs(b, rng);
            // v2 ∥ v1 → rank 2
            double[] par = in[0].clone();
            for (int m = 0; m < 3; m++) par[3 + m] = -0.7 * par[m];
            assertThat(rank(b, par, in[1], in[2])).as("v2 ∥ v1, λ=%d", lambda).isEqualTo(2);
            // v3 in the plane of v1, v2 → rank λ+1
            double[] cop = in[0].clone();
            for (int m = 0; m < 3; m++) cop[6 + m] = 0.3 * cop[m] - 1.1 * cop[3 + m];
            assertThat(rank(b, cop, in[1], in[2])).as("v3 coplanar, λ=%d", lambda).isEqualTo(lambda + 1);
            // v3 = 0 → rank λ+1
            double[] zero3 = in[0].clone();
            for (int m = 0; m < 3; m++) zero3[6 + m] = 0;
            assertThat(rank(b, zero3, in[1], in[2])).as("v3 = 0, λ=%d", lambda).isEqualTo(lambda + 1);
            // all vectors zero (centrosymmetric site): only the λ correction survives
            double[] zeros = new double[9];
            assertThat(rank(b, zeros, in[1], in[2])).isEqualTo(0);
            TensorBasis withCorr = new TensorBasis(lambda, 1, true, null);
            double[] lam = randomInputs(withCorr, rng)[2];
            assertThat(rank(withCorr, zeros, in[1], lam)).isEqualTo(2 * lambda + 1);
        }
    }

    @Test
    void pseudoscalarVanishesOnCoplanarVectorsButPseudoMaximalDoesNot() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int lambda = 1; lambda <= 6; lambda++) {
            TensorBasis ps = new TensorBasis(lambda, -1, false, PseudoMode.PSEUDOSCALAR);
            TensorBasis pm = new TensorBasis(lambda, -1, false, PseudoMode.PSEUDO_MAXIMAL);
            double[][] in = randomInputs(ps, rng);
            // a planar environment: every learned vector lies in one plane (here z = 0, i.e. m = 0 component)
            double[] v = in[0].clone();
            double[] u = in[1].clone();
            for (int k = 0; k < 3; k++) {
                v[3 * k + 1] = 0;
                u[3 * k + 1] = 0;
            }
            assertThat(rank(ps, v, u, in[2])).isEqualTo(0);
            assertThat(rank(pm, v, u, in[2])).as("pseudo-maximal on a planar site, λ=%d", lambda).isGreaterThan(0);
        }
    }

    @Test
    void onlyTheAxialBasisSurvivesAnInversionCentre() {
        // at an inversion centre every l = 1 density, hence every learned vector, is zero, while the
        // l = 2 density is not; the axial vector of a rank-2 tensor (λ = 1, σ = −1) is allowed there
        SplittableRandom rng = new SplittableRandom(13);
        TensorBasis ps = new TensorBasis(1, -1, false, PseudoMode.PSEUDOSCALAR);
        TensorBasis pm = new TensorBasis(1, -1, false, PseudoMode.PSEUDO_MAXIMAL);
        TensorBasis ax = new TensorBasis(1, -1, false, PseudoMode.AXIAL);
        TensorBasis axc = new TensorBasis(1, -1, true, PseudoMode.AXIAL);
        assertThat(ax.usesV()).isFalse();
        assertThat(ax.uOrder()).isEqualTo(2);
        assertThat(ax.uSize()).isEqualTo(15);
        double[] zeros = new double[9];
        double[][] in = randomInputs(ax, rng);
        assertThat(rank(ps, zeros, zeros, in[2])).isEqualTo(0);
        assertThat(rank(pm, zeros, zeros, in[2])).isEqualTo(0);
        assertThat(rank(ax, zeros, in[1], in[2])).isEqualTo(3);
        assertThat(axc.size()).isEqualTo(6);
        assertThat(rank(axc, zeros, in[1], in[2])).isEqualTo(3);
        // odd-parity σ = −1 blocks (λ even) must vanish there by symmetry, and do
        for (int lambda = 0; lambda <= 6; lambda += 2) {
            TensorBasis b = new TensorBasis(lambda, -1, true, PseudoMode.AXIAL);
            assertThat(rank(b, zeros, randomInputs(b, rng)[1], randomInputs(b, rng)[2])).as("λ=%d", lambda).isEqualTo(0);
        }
    }
}
