package org.tensorbasis.linearridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Ridge numerics on synthetic data that are exactly linear in the features. */
class RidgeSystemTest {

    static double[] gaussian(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    /** y = X w for samples of one group, w [P][F]. */
    static double[] targets(double[] x, int samples, int F, int P, int dm, double[] w, int wOff) {
        double[] y = new double[samples * P * dm];
        for (int s = 0; s < samples; s++) {
            for (int p = 0; p < P; p++) {
                for (int mu = 0; mu < dm; mu++) {
                    double v = 0;
                    for (int f = 0; f < F; f++) v += w[wOff + p * F + f] * x[(s * F + f) * dm + mu];
                    y[(s * P + p) * dm + mu] = v;
                }
            }
        }
        return y;
    }

    static double relErr(double[] a, double[] ref) {
        double d = 0, n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - ref[i]) * (a[i] - ref[i]);
            n += ref[i] * ref[i];
        }
        return Math.sqrt(d / n);
    }

    @Test
    void perAtomTwoSpeciesRecoversTheWeights() {
        SplittableRandom rng = new SplittableRandom(1);
        int S = 2, F = 12, P = 2, dm = 3;
        double[] wTrue = gaussian(rng, S * P * F);
        RidgeSystem sys = new RidgeSystem(S, F, P, dm, 2);
        double[][] xv = new double[S][], yv = new double[S][];
        for (int g = 0; g < S; g++) {
            // mixed-size calls, one sample at a time and in batches: buffering must not matter
            for (int batch : new int[] {1, 7, 40, 1, 150}) {
                double[] x = gaussian(rng, batch * F * dm);
                sys.addTraining(g, x, 0, targets(x, batch, F, P, dm, wTrue, g * P * F), 0, batch);
            }
            xv[g] = gaussian(rng, 30 * F * dm);
            yv[g] = targets(xv[g], 30, F, P, dm, wTrue, g * P * F);
        }
        sys.solve(RidgeSystem.defaultGrid());
        for (int g = 0; g < S; g++) sys.addValidation(g, xv[g], 0, yv[g], 0, 30);
        RidgeResult r = sys.select(true);
        assertThat(relErr(r.weights().weights(), wTrue)).isLessThan(1e-8);
        for (int g = 0; g < S; g++) {
            assertThat(r.chosen()[g]).as("smallest ridge on noise-free data").isZero();
            assertThat(r.alpha(g)).isEqualTo(1e-10);
            assertThat(r.fallback()[g]).isFalse();
            assertThat(r.trainingRows()[g]).isEqualTo(199);
            assertThat(r.validationRows()[g]).isEqualTo(30);
            // validation error grows with α
            for (int a = 1; a < r.alphas().length; a++) assertThat(r.validationRmse()[g][a]).isGreaterThanOrEqualTo(r.validationRmse()[g][a - 1]);
        }
        double[] pred = new double[30 * P * dm];
        r.weights().predict(1, xv[1], 0, 30, pred, 0);
        assertThat(relErr(pred, yv[1])).isLessThan(1e-8);
    }

    @Test
    void perStructureRecoversThePerSpeciesWeights() {
        SplittableRandom rng = new SplittableRandom(2);
        int S = 2, F = 8, P = 1, dm = 5, nTrain = 60, nVal = 15;
        double[] wTrue = gaussian(rng, S * P * F);   // [S][P][F]
        RidgeWeights truth = new RidgeWeights(S, P, F, dm, wTrue);
        int SF = StructureDesign.features(S, F);
        RidgeSystem sys = new RidgeSystem(1, SF, P, dm, 1);
        double[][] vx = new double[nVal][], vy = new double[nVal][];
        double[] design = new double[SF * dm];
        for (int k = 0; k < nTrain + nVal; k++) {
            int atoms = 2 + rng.nextInt(5);
            int[] grp = new int[atoms];
            for (int i = 0; i < atoms; i++) grp[i] = rng.nextInt(S);
            double[] x = gaussian(rng, atoms * F * dm), y = new double[P * dm];
            truth.predictSum(grp, x, 0, atoms, y, 0);
            StructureDesign.sum(x, 0, atoms, grp, S, F, dm, design, 0);
            if (k < nTrain) {
                sys.addTraining(0, design, 0, y, 0, 1);
            } else {
                vx[k - nTrain] = design.clone();
                vy[k - nTrain] = y;
            }
        }
        sys.solve(RidgeSystem.defaultGrid());
        for (int k = 0; k < nVal; k++) sys.addValidation(0, vx[k], 0, vy[k], 0, 1);
        RidgeResult r = sys.select(false);
        assertThat(r.chosen()[0]).isZero();
        RidgeWeights perAtom = StructureDesign.asPerAtom(r.weights(), S);
        assertThat(perAtom.groups()).isEqualTo(S);
        assertThat(relErr(perAtom.weights(), wTrue)).isLessThan(1e-8);
    }

    @Test
    void speciesWithoutValidationRowsTakesThePooledChoice() {
        SplittableRandom rng = new SplittableRandom(3);
        int S = 3, F = 6, P = 1, dm = 1;
        RidgeSystem sys = new RidgeSystem(S, F, P, dm, 1);
        double[] w = gaussian(rng, S * F);
        double[][] xv = new double[S][], yv = new double[S][];
        for (int g = 0; g < S; g++) {
            double[] x = gaussian(rng, 20 * F), y = targets(x, 20, F, P, dm, w, g * F);
            for (int i = 0; i < y.length; i++) y[i] += 0.5 * rng.nextGaussian();  // noisy: the best α is not at the edge
            sys.addTraining(g, x, 0, y, 0, 20);
            xv[g] = gaussian(rng, 10 * F);
            yv[g] = targets(xv[g], 10, F, P, dm, w, g * F);
        }
        sys.solve(RidgeSystem.defaultGrid());
        sys.addValidation(0, xv[0], 0, yv[0], 0, 10);
        sys.addValidation(2, xv[2], 0, yv[2], 0, 10);
        RidgeResult r = sys.select(true);
        assertThat(r.fallback()).containsExactly(false, true, false);
        assertThat(r.validationRmse()[1][0]).isNaN();
        int pooledBest = 0;
        for (int a = 1; a < r.alphas().length; a++) if (r.pooledRmse()[a] < r.pooledRmse()[pooledBest]) pooledBest = a;
        assertThat(r.chosen()[1]).isEqualTo(pooledBest);
        // the pooled error is the count-weighted mean of the two groups' errors
        double e0 = r.validationRmse()[0][4], e2 = r.validationRmse()[2][4];
        assertThat(r.pooledRmse()[4]).isCloseTo(Math.sqrt((e0 * e0 + e2 * e2) / 2), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void noValidationAtAllTakesTheMiddleOfTheGrid() {
        SplittableRandom rng = new SplittableRandom(4);
        RidgeSystem sys = new RidgeSystem(1, 4, 1, 1, 1);
        double[] x = gaussian(rng, 40);
        sys.addTraining(0, x, 0, gaussian(rng, 10), 0, 10);
        sys.solve(RidgeSystem.defaultGrid());
        RidgeResult r = sys.select(true);
        assertThat(r.fallback()[0]).isTrue();
        assertThat(r.alpha(0)).isEqualTo(1e-4);
    }

    @Test
    void zeroColumnAndSpeciesWithoutTrainingRowsGiveNoNaN() {
        SplittableRandom rng = new SplittableRandom(5);
        int S = 2, F = 7, P = 2, dm = 3, n = 80;
        double[] w = gaussian(rng, S * P * F);
        for (int p = 0; p < P; p++) w[p * F + 3] = 0;  // the true weight of the zero column is irrelevant
        RidgeSystem sys = new RidgeSystem(S, F, P, dm, 1);
        double[] x = gaussian(rng, n * F * dm);
        for (int s = 0; s < n; s++) for (int mu = 0; mu < dm; mu++) x[(s * F + 3) * dm + mu] = 0.0;
        double[] y = targets(x, n, F, P, dm, w, 0);
        sys.addTraining(0, x, 0, y, 0, n);   // group 1 never gets a row
        sys.solve(RidgeSystem.defaultGrid());
        sys.addValidation(0, x, 0, y, 0, 20);
        double[] x1 = gaussian(rng, 5 * F * dm);
        sys.addValidation(1, x1, 0, targets(x1, 5, F, P, dm, w, P * F), 0, 5);
        RidgeResult r = sys.select(true);
        for (double v : r.weights().weights()) assertThat(v).isFinite();
        assertThat(r.droppedFeatures()).containsExactly(1, F);
        for (int p = 0; p < P; p++) {
            assertThat(r.weights().weight(0, p, 3)).isZero();
            for (int f = 0; f < F; f++) assertThat(r.weights().weight(1, p, f)).isZero();
        }
        for (double[] row : r.validationRmse()) for (double v : row) assertThat(v).isFinite();
        double[] pred = new double[n * P * dm];
        r.weights().predict(0, x, 0, n, pred, 0);
        assertThat(relErr(pred, y)).isLessThan(1e-8);
    }

    @Test
    void sampleWeightEqualsRepetitionAndThreadsDoNotMatter() {
        SplittableRandom rng = new SplittableRandom(6);
        int F = 150, P = 1, dm = 1, n = 400;  // large enough for the BLAS and the parallel panels
        double[] x = gaussian(rng, n * F), y = gaussian(rng, n);
        RidgeSystem a = new RidgeSystem(1, F, P, dm, 1), b = new RidgeSystem(1, F, P, dm, 3);
        a.addTraining(0, x, 0, y, 0, n);
        a.addTraining(0, x, 0, y, 0, 1);   // sample 0 twice ...
        b.addTraining(0, x, F, y, 1, n - 1);
        b.addTraining(0, x, 0, y, 0, 1, 2.0);   // ... = weight 2
        double[] grid = {1e-3, 1e-1};
        a.solve(grid);
        b.solve(grid);
        a.addValidation(0, x, 0, y, 0, 50);
        b.addValidation(0, x, 0, y, 0, 50);
        RidgeResult ra = a.select(true), rb = b.select(true);
        assertThat(relErr(rb.weights().weights(), ra.weights().weights())).isLessThan(1e-12);
        assertThat(rb.validationRmse()[0][1]).isCloseTo(ra.validationRmse()[0][1], org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void lifecycleAndEstimates() {
        RidgeSystem sys = new RidgeSystem(1, 3, 1, 1, 1);
        assertThatThrownBy(() -> sys.addValidation(0, new double[3], 0, new double[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sys.solve(new double[] {1e-2, 1e-3})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sys.select(true)).isInstanceOf(IllegalStateException.class);
        long est = RidgeSystem.estimateBytes(5, 3440, 1, 3, 13, 3);
        assertThat(est).isGreaterThan(8L * 3440 * 3440 * 8).isLessThan(8L * 3440 * 3440 * 11);  // 5 Grams + 3 factor copies + buffers
        assertThat(RidgeSystem.featureBytes(1000, 100, 5)).isEqualTo(4_000_000L);
    }

    /**
     * Few samples, many features: the dual form (kernel of the kept columns) gives the weights and validation errors
     * of the normal equations, for every α, to round-off; so does a group that outgrows the dual form half way (its
     * kept columns go into the Gram matrix). A zero feature gets weight 0 in both.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"30, 400, 1, 0", "30, 400, 2, 0", "150, 400, 2, 99", "700, 300, 2, 0"})
    void theDualFormEqualsTheNormalEquations(int samples, int F, int threads, int chunk) {
        int S = 2, P = 2, dm = 3;
        SplittableRandom rng = new SplittableRandom(samples + F);
        double[] wTrue = gaussian(rng, S * P * F);
        // 30 samples: 90 columns, dual at solve(); 150 in chunks of 99 columns: two chunks kept, then the primal form
        RidgeSystem dual = new RidgeSystem(S, F, P, dm, threads, true, chunk);
        RidgeSystem primal = new RidgeSystem(S, F, P, dm, threads, false, chunk);
        double[][] xv = new double[S][], yv = new double[S][];
        for (int g = 0; g < S; g++) {
            double[] x = gaussian(rng, samples * F * dm);
            for (int s = 0; s < samples; s++) for (int mu = 0; mu < dm; mu++) x[(s * F + 5) * dm + mu] = 0; // feature 5 never seen
            double[] y = targets(x, samples, F, P, dm, wTrue, g * P * F);
            for (int k = 0; k < y.length; k++) y[k] += 0.1 * rng.nextGaussian();
            for (RidgeSystem sys : new RidgeSystem[] {dual, primal}) {
                // in two calls, so that buffering and the switch to the primal form are exercised
                int half = samples / 2;
                sys.addTraining(g, x, 0, y, 0, half, 1.5);
                sys.addTraining(g, x, half * F * dm, y, half * P * dm, samples - half, 1.5);
            }
            xv[g] = gaussian(rng, 20 * F * dm);
            yv[g] = targets(xv[g], 20, F, P, dm, wTrue, g * P * F);
        }
        double[] grid = RidgeSystem.defaultGrid();
        dual.solve(grid);
        primal.solve(grid);
        for (int a = 0; a < grid.length; a++) {
            double[] wd = dual.weightsAt(a).weights(), wp = primal.weightsAt(a).weights();
            // the F × F normal equations of rank m < F are ill-conditioned as 1/α: they lose digits at small α
            assertThat(relErr(wd, wp)).as("alpha " + grid[a]).isLessThan(Math.max(1e-10, 1e-13 / grid[a]));
            for (int g = 0; g < S; g++) assertThat(wd[g * P * F + 5]).isZero();
        }
        for (int g = 0; g < S; g++) {
            dual.addValidation(g, xv[g], 0, yv[g], 0, 20);
            primal.addValidation(g, xv[g], 0, yv[g], 0, 20);
        }
        RidgeResult rd = dual.select(true), rp = primal.select(true);
        assertThat(rd.chosen()).isEqualTo(rp.chosen());
        assertThat(rd.droppedFeatures()).isEqualTo(rp.droppedFeatures()).containsOnly(1);
        for (int g = 0; g < S; g++) {
            for (int a = 3; a < grid.length; a++) {
                assertThat(rd.validationRmse()[g][a]).isCloseTo(rp.validationRmse()[g][a], org.assertj.core.api.Assertions.within(1e-7 * rp.validationRmse()[g][a]));
            }
        }
    }
    /**
     * {@link RidgeSystem#uniformScale}: the penalty α · mean(G_ff) · ‖w‖² (one scale for all features), in the dual
     * form (fewer columns than features) and the primal one, against the normal equations solved directly.
     */
    /**
     * leaveOneOut(): the closed-form error of each sample left out equals refitting without it (the same α, the feature
     * scales of all rows), for every α; select() then takes the α of least leave-one-out error and says so; the primal
     * form and a system without the option have no such error.
     */
    @Test
    void leaveOneOutEqualsRefittingWithoutEachSample() {
        SplittableRandom rng = new SplittableRandom(21);
        int samples = 12, F = 64, P = 2, dm = 3; // m = 36 columns, m F + m² ≤ F²: the dual form
        double[] x = gaussian(rng, samples * F * dm);
        double[] wTrue = gaussian(rng, P * F);
        double[] y = targets(x, samples, F, P, dm, wTrue, 0);
        for (int k = 0; k < y.length; k++) y[k] += 0.3 * rng.nextGaussian();
        double[] grid = {1e-3, 1e-1, 1e1};
        RidgeSystem sys = new RidgeSystem(1, F, P, dm, 2).leaveOneOut();
        sys.addTraining(0, x, 0, y, 0, samples);
        sys.solve(grid);
        double[] loo = sys.leaveOneOutSse(0);
        assertThat(loo).hasSize(grid.length);
        // the brute force: scaled features b_f = x_f / √Σ_all x_f², ridge (Bᵀ_−S B_−S + α I) w = Bᵀ_−S y_−S, error y_S − B_S w
        double[] sc = new double[F];
        for (int f = 0; f < F; f++) {
            double t = 0;
            for (int sm = 0; sm < samples; sm++) for (int mu = 0; mu < dm; mu++) t += x[(sm * F + f) * dm + mu] * x[(sm * F + f) * dm + mu];
            sc[f] = 1 / Math.sqrt(t);
        }
        for (int a = 0; a < grid.length; a++) {
            double want = 0;
            for (int out = 0; out < samples; out++) {
                double[] g = new double[F * F], b = new double[F * P];
                for (int sm = 0; sm < samples; sm++) {
                    if (sm == out) continue;
                    for (int mu = 0; mu < dm; mu++) {
                        for (int f = 0; f < F; f++) {
                            double xf = sc[f] * x[(sm * F + f) * dm + mu];
                            for (int h = 0; h < F; h++) g[f * F + h] += xf * sc[h] * x[(sm * F + h) * dm + mu];
                            for (int p = 0; p < P; p++) b[f * P + p] += xf * y[(sm * P + p) * dm + mu];
                        }
                    }
                }
                for (int f = 0; f < F; f++) g[f * F + f] += grid[a];
                assertThat(org.tensorbasis.linalg.Cholesky.factor(g, F)).isTrue();
                for (int p = 0; p < P; p++) {
                    double[] r = new double[F];
                    for (int f = 0; f < F; f++) r[f] = b[f * P + p];
                    org.tensorbasis.linalg.Cholesky.solve(g, F, r);
                    for (int mu = 0; mu < dm; mu++) {
                        double pred = 0;
                        for (int f = 0; f < F; f++) pred += r[f] * sc[f] * x[(out * F + f) * dm + mu];
                        double e = y[(out * P + p) * dm + mu] - pred;
                        want += e * e;
                    }
                }
            }
            assertThat(loo[a]).as("α = %s", grid[a]).isCloseTo(want, org.assertj.core.api.Assertions.within(1e-8 * want));
        }
        int best = 0;
        for (int a = 1; a < grid.length; a++) if (loo[a] < loo[best]) best = a;
        RidgeResult r = sys.select(false);
        assertThat(r.chosen()[0]).isEqualTo(best);
        assertThat(r.leaveOneOut()[0]).isTrue();
        // without the option, or in the primal form, there is no leave-one-out error and the choice is the validation one
        RidgeSystem plain = new RidgeSystem(1, F, P, dm, 1);
        plain.addTraining(0, x, 0, y, 0, samples);
        plain.solve(grid);
        assertThat(plain.leaveOneOutSse(0)).isNull();
        assertThat(plain.select(false).leaveOneOut()[0]).isFalse();
        RidgeSystem primal = new RidgeSystem(1, F, P, dm, 1, false, 0).leaveOneOut();
        primal.addTraining(0, x, 0, y, 0, samples);
        primal.solve(grid);
        assertThat(primal.leaveOneOutSse(0)).isNull();
    }

    @Test
    void uniformScaleIsTheRidgeOfOneMeanDiagonal() {
        for (int samples : new int[] {4, 60}) {
            SplittableRandom rng = new SplittableRandom(samples);
            int F = 30, P = 2, dm = 3;
            double[] x = gaussian(rng, samples * F * dm);
            for (int s = 0; s < samples; s++) for (int f = 0; f < F; f++) for (int mu = 0; mu < dm; mu++) x[(s * F + f) * dm + mu] *= 1 + 3 * f;
            double[] y = gaussian(rng, samples * P * dm);
            double alpha = 1e-2;
            RidgeSystem sys = new RidgeSystem(1, F, P, dm, 1).uniformScale();
            sys.addTraining(0, x, 0, y, 0, samples);
            sys.solve(new double[] {alpha});
            RidgeWeights w = sys.weightsAt(0);
            // G = Σ X Xᵀ, b = Σ X y; (G + α mean(diag G) I) w = b
            double[] g = new double[F * F], b = new double[F * P];
            for (int s = 0; s < samples; s++) {
                for (int mu = 0; mu < dm; mu++) {
                    for (int f = 0; f < F; f++) {
                        double xf = x[(s * F + f) * dm + mu];
                        for (int h = 0; h < F; h++) g[f * F + h] += xf * x[(s * F + h) * dm + mu];
                        for (int p = 0; p < P; p++) b[f * P + p] += xf * y[(s * P + p) * dm + mu];
                    }
                }
            }
            double mean = 0;
            for (int f = 0; f < F; f++) mean += g[f * F + f] / F;
            for (int f = 0; f < F; f++) g[f * F + f] += alpha * mean;
            assertThat(org.tensorbasis.linalg.Cholesky.factor(g, F)).isTrue();
            for (int p = 0; p < P; p++) {
                double[] r = new double[F];
                for (int f = 0; f < F; f++) r[f] = b[f * P + p];
                org.tensorbasis.linalg.Cholesky.solve(g, F, r);
                double[] got = new double[F];
                for (int f = 0; f < F; f++) got[f] = w.weight(0, p, f);
                assertThat(relErr(got, r)).as("%d samples, property %d", samples, p).isLessThan(1e-9);
            }
        }
    }

    /**
     * {@link RidgeSystem#refitValidation}: the final weights equal a fit, with the chosen α, of a system that had the
     * training and validation rows as training rows — in the dual form, the primal one, a group that switches half
     * way, with per-feature and uniform scaling; a group without validation rows keeps its weights.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"30, 400, true, 0, false", "30, 400, false, 0, true", "150, 400, true, 99, false",
        "30, 400, true, 0, true", "700, 60, true, 0, false"})
    void theRefitEqualsAFitOnTrainingAndValidationRows(int samples, int F, boolean allowDual, int chunk, boolean uniform) {
        int S = 3, P = 2, dm = 3, nv = 12;
        SplittableRandom rng = new SplittableRandom(samples * 7L + F);
        double[] wTrue = gaussian(rng, S * P * F);
        RidgeSystem refit = new RidgeSystem(S, F, P, dm, 2, allowDual, chunk).refitValidation();
        if (uniform) refit.uniformScale();
        double[][] xt = new double[S][], yt = new double[S][], xv = new double[S][], yv = new double[S][];
        for (int g = 0; g < S; g++) {
            xt[g] = gaussian(rng, samples * F * dm);
            yt[g] = targets(xt[g], samples, F, P, dm, wTrue, g * P * F);
            for (int k = 0; k < yt[g].length; k++) yt[g][k] += 0.3 * rng.nextGaussian();
            refit.addTraining(g, xt[g], 0, yt[g], 0, samples, 2.0);
            xv[g] = gaussian(rng, nv * F * dm);
            yv[g] = targets(xv[g], nv, F, P, dm, wTrue, g * P * F);
            for (int k = 0; k < yv[g].length; k++) yv[g][k] += 0.3 * rng.nextGaussian();
        }
        double[] grid = RidgeSystem.defaultGrid();
        refit.solve(grid);
        double[] before = refit.weightsAt(0).weights();
        for (int g = 0; g < S - 1; g++) refit.addValidation(g, xv[g], 0, yv[g], 0, nv, 0.5); // the last group has none
        RidgeResult r = refit.select(true);
        for (int g = 0; g < S; g++) assertThat(refit.refitted(g)).as("group " + g).isEqualTo(g < S - 1);
        for (int g = 0; g < S; g++) {
            RidgeSystem both = new RidgeSystem(S, F, P, dm, 1, allowDual, chunk);
            if (uniform) both.uniformScale();
            both.addTraining(g, xt[g], 0, yt[g], 0, samples, 2.0);
            if (g < S - 1) both.addTraining(g, xv[g], 0, yv[g], 0, nv, 0.5);
            both.solve(new double[] {r.alpha(g)});
            double[] want = both.weightsAt(0).weights(), got = r.weights().weights();
            double[] a = java.util.Arrays.copyOfRange(got, g * P * F, (g + 1) * P * F), b = java.util.Arrays.copyOfRange(want, g * P * F, (g + 1) * P * F);
            // rank-deficient normal equations (primal, fewer columns than features) lose digits as 1/α
            assertThat(relErr(a, b)).as("group " + g + " at alpha " + r.alpha(g)).isLessThan(Math.max(1e-9, 1e-13 / r.alpha(g)));
            both.close();
        }
        // the refit moved the weights of the groups with validation rows
        double[] at = refit.weightsAt(r.chosen()[0]).weights();
        assertThat(relErr(java.util.Arrays.copyOfRange(r.weights().weights(), 0, P * F), java.util.Arrays.copyOfRange(at, 0, P * F))).isGreaterThan(1e-6);
        assertThat(before).hasSize(S * P * F);
        RidgeSystem late = new RidgeSystem(1, 3, 1, 1, 1);
        late.solve(new double[] {1});
        assertThatThrownBy(late::refitValidation).isInstanceOf(IllegalStateException.class).hasMessageContaining("after solve");
    }

    /** Features at round-off size relative to the largest get weight 0 and count as dropped; small real ones are kept. */
    @Test
    void numericallyZeroFeaturesGetNoWeight() {
        double[] diag = {4.0, 1e-10, 4e-25, 0.0, 3e-24};
        double[] s = new double[diag.length];
        assertThat(RidgeSystem.scales(diag, s)).isEqualTo(3);
        assertThat(s[0]).isEqualTo(0.5);
        assertThat(s[1]).isCloseTo(1e5, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(new double[] {s[2], s[3], s[4]}).containsOnly(0.0);
        SplittableRandom rng = new SplittableRandom(5);
        int F = 4, n = 40;
        double[] x = gaussian(rng, n * F);
        for (int k = 0; k < n; k++) x[k * F + 2] *= 1e-16; // feature 2: round-off
        double[] y = new double[n];
        for (int k = 0; k < n; k++) y[k] = x[k * F] + 1e15 * x[k * F + 2];
        RidgeSystem sys = new RidgeSystem(1, F, 1, 1, 1, false, 0);
        sys.addTraining(0, x, 0, y, 0, n);
        sys.solve(new double[] {1e-6});
        sys.addValidation(0, x, 0, y, 0, n);
        RidgeResult r = sys.select(true);
        assertThat(r.weights().weight(0, 0, 2)).isZero();
        assertThat(r.droppedFeatures()[0]).isEqualTo(1);
        assertThat(r.weights().weight(0, 0, 0)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(0.2));
    }
}
