package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorbasis.targets.Normalization;

/** The projected loss of zero_sum per-atom blocks: its residuals are those of the projected prediction, its gradient that of finite differences. */
class ZeroSumLossTest {
    final SplittableRandom rng = new SplittableRandom(11);
    final Normalization nz = new Normalization(1.3, 1, 3, null, new double[] {0.5, 2.0, 1.1});
    final int[] species = {0, 1, 2, 1};
    final int w = 3;

    double[] random(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
        return x;
    }

    @Test
    void residualsAreThoseOfThePredictionProjectedInRealUnits() {
        int na = species.length;
        // a reference that sums to zero in real units: t_i = s_i t̂_i
        double[] real = random(na * w);
        for (int c = 0; c < w; c++) {
            double m = 0;
            for (int i = 0; i < na; i++) m += real[i * w + c];
            for (int i = 0; i < na; i++) real[i * w + c] -= m / na;
        }
        double[] t = new double[na * w];
        for (int i = 0; i < na; i++) for (int c = 0; c < w; c++) t[i * w + c] = real[i * w + c] / nz.scale(species[i]);
        double[] y = random(na * w);
        double[] sq = new double[1];
        LambdaMcovTrainer.zeroSumResiduals(nz, species, y, 0, t, w, sq, 0, null, 2);
        // directly: project s ⊙ ŷ, compare with the reference
        double expect = 0;
        for (int c = 0; c < w; c++) {
            double m = 0;
            for (int i = 0; i < na; i++) m += nz.scale(species[i]) * y[i * w + c];
            m /= na;
            for (int i = 0; i < na; i++) {
                double e = nz.scale(species[i]) * y[i * w + c] - m - real[i * w + c];
                expect += e * e;
            }
        }
        assertThat(sq[0]).isCloseTo(expect, org.assertj.core.api.Assertions.within(1e-12 * expect));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        int na = species.length;
        double[] t = random(na * w);
        int a0 = 2; // the structure starts at row 2 of the batch
        double[] y = random((a0 + na) * w);
        double[] grad = new double[y.length];
        double[] sq = new double[1];
        LambdaMcovTrainer.zeroSumResiduals(nz, species, y, a0, t, w, sq, 0, grad, 2);
        for (int k = a0 * w; k < y.length; k++) {
            double h = 1e-6;
            double y0 = y[k];
            y[k] = y0 + h;
            double fp = LambdaMcovTrainer.zeroSumResiduals(nz, species, y, a0, t, w, new double[1], 0, null, 2);
            y[k] = y0 - h;
            double fm = LambdaMcovTrainer.zeroSumResiduals(nz, species, y, a0, t, w, new double[1], 0, null, 2);
            y[k] = y0;
            assertThat(grad[k]).as("row %d", k).isCloseTo((fp - fm) / (2 * h), org.assertj.core.api.Assertions.within(1e-7));
        }
        for (int k = 0; k < a0 * w; k++) assertThat(grad[k]).isZero();
    }
}
