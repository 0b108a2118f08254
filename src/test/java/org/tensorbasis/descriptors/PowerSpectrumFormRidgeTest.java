package org.tensorbasis.descriptors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Structure;

/**
 * Accuracy of FULL vs UNIQUE_PAIRS: ridge regression of the isotropic polarizability (trace/3) on the
 * structure-summed power spectrum, 80/20 split. The two forms have identical linear kernels (the √2 keeps
 * the norm), so plain ridge must give the same test RMSE to round-off; per-feature standardisation
 * re-weights the off-diagonal pairs (counted twice in FULL) and is reported too.
 */
class PowerSpectrumFormRidgeTest {
    static final double[] REGS = {1e-9, 1e-7, 1e-5, 1e-3, 1e-1};

    @ParameterizedTest
    @CsvSource({"qm7x-chns-alpha/qm7x_reduced_100.xyz, polarizability", "qm7x-chno-mu-alpha/qm7x_reduced_100_CHNO.xyz, alpha"})
    void fullAndUniquePairsGiveTheSameRidgeAccuracy(String file, String key) throws Exception {
        Path path = Path.of("..", "shared", "data").resolve(file);
        Assumptions.assumeTrue(Files.isRegularFile(path), "shared data not found: " + path);
        List<Structure> list = ExtXyzReader.readAll(path);
        TreeSet<Integer> sp = new TreeSet<>();
        for (Structure s : list) for (int z : s.numbers()) sp.add(z);
        int[] species = sp.stream().mapToInt(Integer::intValue).toArray();
        int n = list.size();
        double[] y = new double[n];
        for (int s = 0; s < n; s++) {
            double[] a = list.get(s).info().get(key).toDoubles();
            y[s] = (a[0] + a[4] + a[8]) / 3.0;
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rng = new SplittableRandom(2024);
        for (int i = n - 1; i > 0; i--) { int j = rng.nextInt(i + 1); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
        int nTrain = (int) Math.round(0.8 * n);

        double[][] rmse = new double[2][];
        double[][] rmseStd = new double[2][];
        for (PowerSpectrumForm form : PowerSpectrumForm.values()) {
            SphericalExpansion calc = new SphericalExpansion(DescriptorSettings.defaults(species).withForm(form));
            FeatureCache cache = FeatureCache.compute(list, calc, new int[0], FeatureCache.Storage.FLOAT64, 2);
            int F = calc.powerSpectrumSize();
            double[][] x = new double[n][F];
            for (int s = 0; s < n; s++) {
                double[] ps = cache.powerSpectrum(s);
                for (int i = 0; i < cache.atoms(s); i++) for (int k = 0; k < F; k++) x[s][k] += ps[i * F + k];
            }
            rmse[form.ordinal()] = ridge(x, y, perm, nTrain, false);
            rmseStd[form.ordinal()] = ridge(x, y, perm, nTrain, true);
        }
        double tm = 0, tv = 0;
        for (int t = nTrain; t < n; t++) tm += y[perm[t]] / (n - nTrain);
        for (int t = nTrain; t < n; t++) tv += Math.pow(y[perm[t]] - tm, 2) / (n - nTrain);
        System.out.printf(Locale.ROOT, "%s: test-set std of trace/3 = %.4f%n", file, Math.sqrt(tv));
        for (int r = 0; r < REGS.length; r++) {
            System.out.printf(Locale.ROOT, "%s: ridge reg %.0e: test RMSE full %.6f unique %.6f | standardised full %.6f unique %.6f%n",
                file, REGS[r], rmse[0][r], rmse[1][r], rmseStd[0][r], rmseStd[1][r]);
            assertThat(Math.abs(rmse[0][r] - rmse[1][r])).isLessThan(1e-6 * rmse[0][r]);
        }
    }

    /** Dual ridge with centred features and target; regularisation relative to the mean kernel diagonal. */
    static double[] ridge(double[][] x, double[] y, int[] perm, int nTrain, boolean standardise) {
        int n = x.length, F = x[0].length;
        double[] mean = new double[F], scale = new double[F];
        double ym = 0;
        for (int t = 0; t < nTrain; t++) {
            int s = perm[t];
            ym += y[s] / nTrain;
            for (int k = 0; k < F; k++) mean[k] += x[s][k] / nTrain;
        }
        for (int k = 0; k < F; k++) {
            if (standardise) {
                double v = 0;
                for (int t = 0; t < nTrain; t++) v += Math.pow(x[perm[t]][k] - mean[k], 2) / nTrain;
                scale[k] = v > 1e-24 ? 1 / Math.sqrt(v) : 0;
            } else {
                scale[k] = 1;
            }
        }
        double[][] z = new double[n][F];
        for (int s = 0; s < n; s++) for (int k = 0; k < F; k++) z[s][k] = (x[s][k] - mean[k]) * scale[k];
        double[][] kmat = new double[n][n];
        for (int a = 0; a < n; a++) for (int b = 0; b <= a; b++) {
            double d = 0;
            for (int k = 0; k < F; k++) d += z[a][k] * z[b][k];
            kmat[a][b] = d;
            kmat[b][a] = d;
        }
        double diag = 0;
        for (int t = 0; t < nTrain; t++) diag += kmat[perm[t]][perm[t]] / nTrain;
        double[] out = new double[REGS.length];
        for (int r = 0; r < REGS.length; r++) {
            double[][] a = new double[nTrain][nTrain];
            double[] rhs = new double[nTrain];
            for (int i = 0; i < nTrain; i++) {
                for (int j = 0; j < nTrain; j++) a[i][j] = kmat[perm[i]][perm[j]];
                a[i][i] += REGS[r] * diag;
                rhs[i] = y[perm[i]] - ym;
            }
            double[] alpha = cholSolve(a, rhs);
            double se = 0;
            for (int t = nTrain; t < n; t++) {
                double p = ym;
                for (int i = 0; i < nTrain; i++) p += alpha[i] * kmat[perm[t]][perm[i]];
                se += Math.pow(p - y[perm[t]], 2);
            }
            out[r] = Math.sqrt(se / (n - nTrain));
        }
        return out;
    }

    static double[] cholSolve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * w[k];
            w[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = w[i];
            for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
            x[i] = s / l[i][i];
        }
        return x;
    }
}
