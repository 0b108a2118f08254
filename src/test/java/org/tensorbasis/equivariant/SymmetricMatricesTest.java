package org.tensorbasis.equivariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Matrix log / exp of symmetric 3×3 matrices: round trips, equivariance under O(3), degenerate spectra. */
class SymmetricMatricesTest {
    static final double TOL = 1e-12;

    /** A random SPD matrix Q diag(e) Qᵀ with eigenvalues e drawn log-uniformly in [lo, hi]. */
    static double[] spd(SplittableRandom rng, double lo, double hi) {
        double[] e = new double[3];
        for (int k = 0; k < 3; k++) e[k] = Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo)));
        return conjugate(Rotations.random(rng), diag(e[0], e[1], e[2]));
    }

    static double[] diag(double a, double b, double c) {
        return new double[] {a, 0, 0, 0, b, 0, 0, 0, c};
    }

    /** Q A Qᵀ. */
    static double[] conjugate(double[] q, double[] a) {
        return Rotations.multiply(Rotations.multiply(q, a), Rotations.transpose(q));
    }

    static double norm(double[] a) {
        double s = 0;
        for (double x : a) s += x * x;
        return Math.sqrt(s);
    }

    static double relDiff(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
        return norm(d) / Math.max(norm(b), 1e-300);
    }

    /** Hard cases: isotropic (cubic crystals), two equal eigenvalues, nearly equal ones, the data's range 1.8–560, tiny off-diagonals. */
    static double[][] cases(SplittableRandom rng) {
        double[][] out = new double[60][];
        double[] q = Rotations.random(rng);
        out[0] = diag(2.57, 2.57, 2.57);
        out[1] = conjugate(q, diag(7.1, 7.1, 7.1));
        out[2] = conjugate(q, diag(3, 3, 11));
        out[3] = conjugate(q, diag(3, 3 * (1 + 1e-14), 3 * (1 + 2e-14)));
        out[4] = conjugate(q, diag(1.8, 35, 560));
        out[5] = new double[] {4, 1e-17, 0, 1e-17, 4, 1e-20, 0, 1e-20, 5};
        out[6] = diag(1, 1, 1);
        out[7] = conjugate(q, diag(0.5, 20, 560)); // condition number 1120 (the error of log grows as u·κ: 1e6 gives ~1e-11)
        for (int i = 8; i < out.length; i++) out[i] = spd(rng, 1.8, 560);
        return out;
    }

    @Test
    void logOfDiagonalAndIdentity() {
        double[] l = SymmetricMatrices.log(diag(Math.E, 1, Math.exp(2)));
        assertThat(relDiff(l, diag(1, 0, 2))).isLessThan(TOL);
        assertThat(norm(SymmetricMatrices.log(diag(1, 1, 1)))).isLessThan(1e-15);
        assertThat(relDiff(SymmetricMatrices.exp(new double[9]), diag(1, 1, 1))).isLessThan(1e-15);
    }

    @Test
    void eigenvectorsAreOrthonormalAndReconstructTheMatrix() {
        SplittableRandom rng = new SplittableRandom(11);
        for (double[] a : cases(rng)) {
            SymmetricMatrices.Eigen e = SymmetricMatrices.eigen(a, 0);
            assertThat(e.values()[0]).isLessThanOrEqualTo(e.values()[1]);
            assertThat(e.values()[1]).isLessThanOrEqualTo(e.values()[2]);
            double[] v = e.vectors();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double d = 0;
                    for (int k = 0; k < 3; k++) d += v[3 * i + k] * v[3 * j + k];
                    assertThat(Math.abs(d - (i == j ? 1 : 0))).isLessThan(1e-14);
                }
            }
            double[] back = new double[9];
            SymmetricMatrices.apply(e, x -> x, back, 0);
            assertThat(relDiff(back, a)).isLessThan(1e-14);
        }
    }

    @Test
    void expOfLogAndLogOfExpAreTheIdentity() {
        SplittableRandom rng = new SplittableRandom(5);
        for (double[] a : cases(rng)) {
            double[] l = SymmetricMatrices.log(a);
            assertThat(relDiff(SymmetricMatrices.exp(l), a)).as(java.util.Arrays.toString(a)).isLessThan(TOL);
            // and a symmetric matrix (a log) through exp and log
            if (norm(l) > 0) assertThat(relDiff(SymmetricMatrices.log(SymmetricMatrices.exp(l)), l)).isLessThan(TOL);
        }
    }

    @Test
    void logAndExpAreEquivariantUnderProperAndImproperRotations() {
        SplittableRandom rng = new SplittableRandom(7);
        double worst = 0;
        double[][] cs = cases(rng);
        for (int c = 0; c < cs.length; c++) {
            double[] a = cs[c];
            double[] la = SymmetricMatrices.log(a);
            double[] ea = SymmetricMatrices.exp(la);
            for (int trial = 0; trial < 8; trial++) {
                double[] r = Rotations.random(rng);
                double[] q = trial % 2 == 0 ? r : Rotations.improper(r);
                assertThat(Rotations.det(q)).isCloseTo(trial % 2 == 0 ? 1 : -1, org.assertj.core.api.Assertions.within(1e-12));
                double[] lq = SymmetricMatrices.log(conjugate(q, a));
                double[] want = conjugate(q, la);
                double err = norm(la) == 0 ? norm(lq) : relDiff(lq, want);
                worst = Math.max(worst, err);
                assertThat(err).as("log, case " + c + ", trial " + trial).isLessThan(TOL);
                assertThat(relDiff(SymmetricMatrices.exp(conjugate(q, la)), conjugate(q, ea))).as("exp, trial " + trial).isLessThan(TOL);
            }
        }
        assertThat(worst).isLessThan(TOL);
    }

    @Test
    void theCappedExpIsFiniteAndLeavesOrdinaryMatricesAlone() {
        // a wildly wrong predicted log (eigenvalue 5000) gives a finite SPD tensor, an ordinary one the plain exp
        double[] huge = conjugate(Rotations.random(new SplittableRandom(2)), diag(5000, 1, -2));
        double[] capped = SymmetricMatrices.exp(huge, 700);
        for (double x : capped) assertThat(Double.isFinite(x)).isTrue();
        assertThat(SymmetricMatrices.eigen(capped, 0).min()).isGreaterThan(0);
        assertThat(SymmetricMatrices.eigen(capped, 0).max()).isCloseTo(Math.exp(700), org.assertj.core.api.Assertions.withinPercentage(1e-6));
        double[] plain = diag(1.5, 0.2, -0.7);
        assertThat(SymmetricMatrices.exp(plain, 700)).isEqualTo(SymmetricMatrices.exp(plain));
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteHasNoLog() {
        assertThatThrownBy(() -> SymmetricMatrices.log(diag(1, -2, 3))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
        assertThatThrownBy(() -> SymmetricMatrices.log(diag(1, 0, 3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SymmetricMatrices.log(new double[] {1, 2, 0, 2, 1, 0, 0, 0, 1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheSymmetricPartCounts() {
        double[] a = {4, 1, 0, 0.5, 3, 0.2, 0, 0, 2};
        double[] s = {4, 0.75, 0, 0.75, 3, 0.1, 0, 0.1, 2};
        assertThat(relDiff(SymmetricMatrices.log(a), SymmetricMatrices.log(s))).isEqualTo(0);
    }
}
