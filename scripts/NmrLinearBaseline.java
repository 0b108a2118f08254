import dev.ludovic.netlib.blas.BLAS;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.equivariant.ClebschGordan;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.model.Gemm;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * Linear (ridge) baseline of the per-atom NMR shielding tensor {@code ms} (row-major 3×3 σ, ppm), for
 * the nmr study of scripts/results.sh. Per centre element:
 * <ul>
 * <li>λ = 0: σ_iso = tr σ / 3 by ridge regression with an unpenalised intercept on the raw default SOAP
 *     power spectrum (the neural model's descriptor settings);</li>
 * <li>λ = 1, σ = −1 (the antisymmetric part, an axial vector a with A_ij = ε_ijk a_k): an equivariant
 *     linear ridge a = Σ_f w_f X_f, one scalar weight per feature shared by the three components, no
 *     intercept, on 3-body axial features built from the density expansion: (a) v_k × v_k' of the
 *     l = 1 channels and (b, c, d) the λ = 1 couplings [ρ_l,k ⊗ ρ_l,k']^1 for l = 2, 3, 4 (k &lt; k');</li>
 * <li>λ = 2 is predicted as zero (so the λ = 2 and "all" metrics of this baseline mean nothing).</li>
 * </ul>
 * Both ridges are chosen per element on a log grid by the RMSE on the validation crystals, which are
 * those of the trainer's {@code validation_set: 0.1} (same seeded permutation); the models are fitted
 * on the remaining crystals only (like the neural model, which never fits its validation frames).
 *
 * <pre>
 * OPENBLAS_NUM_THREADS=1 java -Xmx6g -cp target/tensorbasis.jar scripts/NmrLinearBaseline.java \
 *     TRAIN.xyz TEST.xyz OUT_PRED.xyz [--seed 1] [--weights FILE]
 * </pre>
 * OUT_PRED.xyz: the TEST structures with a per-atom {@code ms_pred} (9 columns, as {@code tensorbasis
 * eval -o} writes it). --weights writes the fitted weights (float64, big-endian) as the "model file".
 * Single-threaded and deterministic.
 */
public class NmrLinearBaseline {
    static final String KEY = "ms";
    static final double VALIDATION_FRACTION = 0.1;     // as results.sh's validation_set: 0.1
    /**
     * Isotropic ridge α = r · tr(XcᵀXc)/F (r relative to the mean diagonal of the centred Gram). The grid
     * stops at 1e-8: below it, with n ≤ F atoms, the fit is the interpolant up to round-off (α ~ 1e-13 of
     * the largest Gram eigenvalue) and a validation set of a few crystals picks it by chance.
     */
    static final double[] ISO_GRID = logGrid(-8, 2);
    /** Axial ridge on the per-feature normalised normal equations (unit diagonal). */
    static final double[] AX_GRID = logGrid(-8, 2);
    /** Used when an element has no validation atoms (a small training set): a middle of the grids. */
    static final double ISO_FALLBACK = 1e-1, AX_FALLBACK = 10;
    static final int[] AXIAL_LS = {2, 3, 4};
    static final BLAS BLAS_ = Gemm.blas();

    static double[] logGrid(int lo, int hi) {
        double[] g = new double[hi - lo + 1];
        for (int k = 0; k < g.length; k++) g[k] = Math.pow(10, lo + k);
        return g;
    }

    static long t0 = System.nanoTime();

    static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - t0) / 1e9, String.format(Locale.ROOT, fmt, args));
    }

    public static void main(String[] args) throws IOException {
        List<String> pos = new ArrayList<>();
        long seed = 1;
        Path weightsOut = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seed")) seed = Long.parseLong(args[++i]);
            else if (args[i].equals("--weights")) weightsOut = Path.of(args[++i]);
            else pos.add(args[i]);
        }
        if (pos.size() != 3) {
            System.err.println("usage: java -cp tensorbasis.jar NmrLinearBaseline.java TRAIN.xyz TEST.xyz OUT_PRED.xyz [--seed N] [--weights FILE]");
            System.exit(2);
        }
        Path trainPath = Path.of(pos.get(0)), testPath = Path.of(pos.get(1)), outPath = Path.of(pos.get(2));
        List<Structure> train = ExtXyzReader.readAll(trainPath);
        List<Structure> test = ExtXyzReader.readAll(testPath);
        for (int s = 0; s < train.size(); s++) checkTarget(train.get(s), trainPath, s, true);
        boolean testRef = true;
        for (int s = 0; s < test.size(); s++) testRef &= checkTarget(test.get(s), testPath, s, false);

        // the trainer's split (Trainer.split with validation_set 0.1, test_set 0): a seeded Fisher–Yates
        // permutation, its first round(0.1 n) entries are the validation crystals
        int n = train.size();
        boolean[] isVal = new boolean[n];
        {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) perm[i] = i;
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            int nVal = (int) Math.round(VALIDATION_FRACTION * n);
            for (int k = 0; k < nVal; k++) isVal[perm[k]] = true;
        }
        // species as the trainer picks them: those of the fitted (non-validation) crystals; validation
        // or test crystals with another element are refused (by the feature calculator), as there
        TreeSet<Integer> zs = new TreeSet<>();
        for (int s = 0; s < n; s++) if (!isVal[s]) for (int i = 0; i < train.get(s).size(); i++) zs.add(train.get(s).number(i));
        int[] species = zs.stream().mapToInt(Integer::intValue).toArray();
        int S = species.length;
        DescriptorSettings settings = DescriptorSettings.defaults(species);
        int maxL = Math.max(settings.maxAngular(), AXIAL_LS[AXIAL_LS.length - 1]);
        SphericalExpansion calc = new SphericalExpansion(settings, maxL);   // power spectrum unchanged by maxL
        Axial ax = new Axial(calc);
        int F = calc.powerSpectrumSize();
        int nVal = 0;
        for (boolean v : isVal) if (v) nVal++;
        log("train %s: %d crystals (%d fitted, %d validation, seed %d); test %s: %d crystals", trainPath, n, n - nVal, nVal, seed,
            testPath, test.size());
        log("settings %s; power spectrum F = %d; axial features %d (%s)", settings, F, ax.size, ax.describe());

        FeatureCache cache = FeatureCache.compute(train, calc, AXIAL_LS, FeatureCache.Storage.FLOAT64, 1);
        log("train features: %d atoms, %.0f MB", cache.totalAtoms(), cache.bytes() / 1e6);

        // ---------- λ = 0: isotropic ridge per element ----------
        double[][] isoW = new double[S][];
        double[][][] isoWAll = new double[S][][];
        double[][] isoBAll = new double[S][];
        double[] isoB = new double[S], isoLam = new double[S];
        System.out.println("\nisotropic sigma_iso = tr/3, ridge on the raw power spectrum (with intercept):");
        System.out.printf(Locale.ROOT, "%-3s %6s %6s %5s %8s %10s %10s %8s %8s%n", "el", "fit", "val", "form", "ridge", "RMSE fit", "RMSE val",
            "%val", "seconds");
        for (int e = 0; e < S; e++) {
            long te = System.nanoTime();
            IsoFit fit = fitIso(train, cache, isVal, species[e], F);
            isoW[e] = fit.w;
            isoB[e] = fit.b0;
            isoLam[e] = fit.lam;
            isoWAll[e] = fit.wAll;
            isoBAll[e] = fit.b0All;
            System.out.printf(Locale.ROOT, "%-3s %6d %6d %5s %8.0e %10.4f %10.4f %8.2f %8.1f%s%n", symbol(species[e]), fit.n, fit.nv,
                fit.dual ? "dual" : "primal", fit.lam, fit.rmseFit, fit.rmseVal, 100 * fit.rmseVal / fit.stdVal, (System.nanoTime() - te) / 1e9,
                fit.nv == 0 ? "  (no validation atoms: fallback ridge)" : "");
            System.out.printf(Locale.ROOT, "    validation RMSE per ridge:%s%n", fit.curve);
        }
        log("isotropic fits done");

        // ---------- λ = 1, σ = −1: axial ridge per element ----------
        int Fa = ax.size;
        NormalEq[] ne = new NormalEq[S];
        for (int e = 0; e < S; e++) ne[e] = new NormalEq(Fa);
        double[] X = new double[0];
        for (int s = 0; s < n; s++) {
            if (isVal[s]) continue;
            Structure st = train.get(s);
            if (X.length < st.size() * 3 * Fa) X = new double[st.size() * 3 * Fa];
            ax.compute(cache, s, X);
            Value ms = st.arrays().get(KEY);
            for (int i = 0; i < st.size(); i++) ne[index(species, st.number(i))].add(X, i * 3 * Fa, ms, i);
        }
        for (NormalEq q : ne) q.finish();
        log("axial normal equations done");
        double[][][] axW = new double[S][AX_GRID.length][];
        for (int e = 0; e < S; e++) for (int g = 0; g < AX_GRID.length; g++) axW[e][g] = ne[e].atoms == 0 ? null : ne[e].solve(AX_GRID[g]);
        // validation: one pass over the validation crystals, every ridge at once
        double[][] valErr = new double[S][AX_GRID.length];
        double[] valYY = new double[S];
        long[] valAtoms = new long[S];
        double[] p = new double[3], y = new double[3];
        for (int s = 0; s < n; s++) {
            if (!isVal[s]) continue;
            Structure st = train.get(s);
            if (X.length < st.size() * 3 * Fa) X = new double[st.size() * 3 * Fa];
            ax.compute(cache, s, X);
            Value ms = st.arrays().get(KEY);
            for (int i = 0; i < st.size(); i++) {
                int e = index(species, st.number(i));
                axialOf(ms, i, y);
                valAtoms[e]++;
                valYY[e] += y[0] * y[0] + y[1] * y[1] + y[2] * y[2];
                for (int g = 0; g < AX_GRID.length; g++) {
                    if (axW[e][g] == null) continue;
                    ax.predict(X, i * 3 * Fa, axW[e][g], p);
                    for (int c = 0; c < 3; c++) valErr[e][g] += (p[c] - y[c]) * (p[c] - y[c]);
                }
            }
        }
        double[][] axFinal = new double[S][];
        double[] axLam = new double[S];
        System.out.println("\naxial vector of the antisymmetric part, equivariant ridge (no intercept):");
        System.out.printf(Locale.ROOT, "%-3s %6s %6s %8s %10s %10s %8s   validation %%RMSE (of RMS) per ridge%n", "el", "fit", "val", "ridge",
            "RMSE fit", "RMSE val", "%val");
        for (int e = 0; e < S; e++) {
            int best = -1;
            StringBuilder curve = new StringBuilder();
            for (int g = 0; g < AX_GRID.length; g++) {
                if (axW[e][g] == null) {
                    curve.append(String.format(Locale.ROOT, " %.0e:fail", AX_GRID[g]));
                    continue;
                }
                curve.append(String.format(Locale.ROOT, " %.0e:%.1f", AX_GRID[g], valAtoms[e] > 0 ? 100 * Math.sqrt(valErr[e][g] / valYY[e]) : Double.NaN));
                if (valAtoms[e] > 0 && (best < 0 || valErr[e][g] < valErr[e][best])) best = g;
            }
            double lam;
            if (best >= 0) {
                lam = AX_GRID[best];
                axFinal[e] = axW[e][best];
            } else {
                lam = AX_FALLBACK;
                axFinal[e] = ne[e].atoms == 0 ? new double[Fa] : ne[e].solve(lam);
                if (axFinal[e] == null) throw new IllegalStateException("axial Cholesky failed for " + symbol(species[e]));
            }
            axLam[e] = lam;
            double rmseFit = ne[e].atoms == 0 ? Double.NaN : Math.sqrt(Math.max(0, ne[e].rss(axFinal[e])) / (3.0 * ne[e].atoms));
            double rmseVal = best >= 0 ? Math.sqrt(valErr[e][best] / (3.0 * valAtoms[e])) : Double.NaN;
            System.out.printf(Locale.ROOT, "%-3s %6d %6d %8.0e %10.4f %10.4f %8.2f  %s%s%n", symbol(species[e]), ne[e].atoms, valAtoms[e], lam, rmseFit,
                rmseVal, best >= 0 ? 100 * Math.sqrt(valErr[e][best] / valYY[e]) : Double.NaN, curve, best < 0 ? "  (no validation atoms: fallback ridge)" : "");
        }
        ne = null;
        cache = null;
        log("axial fits done");

        // ---------- test predictions ----------
        FeatureCache tc = FeatureCache.compute(test, calc, AXIAL_LS, FeatureCache.Storage.FLOAT64, 1);
        log("test features: %d atoms", tc.totalAtoms());
        List<Structure> out = new ArrayList<>(test.size());
        Metrics m = new Metrics(S);
        // test error of every ridge of the grids: a diagnostic of the validation choice, never used for it
        double[][] isoErrAll = new double[S][ISO_GRID.length], axErrAll = new double[S][AX_GRID.length];
        double[] y3 = new double[3];
        for (int s = 0; s < test.size(); s++) {
            Structure st = test.get(s);
            int na = st.size();
            if (X.length < na * 3 * Fa) X = new double[na * 3 * Fa];
            ax.compute(tc, s, X);
            double[] ps = tc.powerSpectrum(s);
            double[] pred = new double[na * 9];
            for (int i = 0; i < na; i++) {
                int e = index(species, st.number(i));
                double iso = isoB[e];
                double[] w = isoW[e];
                for (int f = 0; f < F; f++) iso += ps[i * F + f] * w[f];
                ax.predict(X, i * 3 * Fa, axFinal[e], p);
                tensor(iso, p, pred, 9 * i);
                if (testRef) {
                    Value ms = st.arrays().get(KEY);
                    m.add(e, ms, i, iso, p);
                    double yi = isoOf(ms, i);
                    for (int g = 0; g < ISO_GRID.length; g++) {
                        double[] wg = isoWAll[e][g];
                        if (wg == null) continue;
                        double q = isoBAll[e][g];
                        for (int f = 0; f < F; f++) q += ps[i * F + f] * wg[f];
                        isoErrAll[e][g] += (q - yi) * (q - yi);
                    }
                    axialOf(ms, i, y3);
                    for (int g = 0; g < AX_GRID.length; g++) {
                        if (axW[e][g] == null) continue;
                        ax.predict(X, i * 3 * Fa, axW[e][g], y);
                        for (int c = 0; c < 3; c++) axErrAll[e][g] += (y[c] - y3[c]) * (y[c] - y3[c]);
                    }
                }
            }
            for (double v : pred) if (!Double.isFinite(v)) throw new IllegalStateException("non-finite prediction in test frame " + s);
            Map<String, Value> arr = new LinkedHashMap<>();
            arr.put(KEY + "_pred", Value.ofReals(na, 9, pred));
            out.add(st.withArrays(arr));
        }
        Path parent = outPath.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        ExtXyzWriter.writeAll(outPath, out);
        log("wrote %s (%d frames)", outPath, out.size());
        if (testRef) {
            m.print(species);
            System.out.println("\ntest %RMSE of every ridge (diagnostic only: the ridges were chosen on the validation crystals):");
            for (int e = 0; e < S; e++) {
                StringBuilder a = new StringBuilder(), b = new StringBuilder();
                for (int g = 0; g < ISO_GRID.length; g++) a.append(String.format(Locale.ROOT, " %.0e:%.1f", ISO_GRID[g], m.percentIso(e, isoErrAll[e][g])));
                for (int g = 0; g < AX_GRID.length; g++) b.append(String.format(Locale.ROOT, " %.0e:%.1f", AX_GRID[g], m.percentAxial(e, axErrAll[e][g])));
                System.out.printf(Locale.ROOT, "%-3s L0%s%n    L1%s%n", symbol(species[e]), a, b);
            }
        }

        // ---------- sanity: rotation / inversion of the first test crystal ----------
        symmetryCheck(test.get(0), calc, ax, species, isoW, isoB, axFinal, out.get(0).arrays().get(KEY + "_pred").toDoubles());

        if (weightsOut != null) {
            Path wp = weightsOut.toAbsolutePath().getParent();
            if (wp != null) Files.createDirectories(wp);
            try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(weightsOut)))) {
                o.writeInt(S);
                for (int e = 0; e < S; e++) {
                    o.writeInt(species[e]);
                    o.writeInt(F);
                    o.writeDouble(isoB[e]);
                    for (double v : isoW[e]) o.writeDouble(v);
                    o.writeInt(Fa);
                    for (double v : axFinal[e]) o.writeDouble(v);
                }
            }
            log("weights: %s (%d bytes)", weightsOut, Files.size(weightsOut));
        }
        StringBuilder sb = new StringBuilder("chosen ridges (iso relative α, axial λ):");
        for (int e = 0; e < S; e++) sb.append(String.format(Locale.ROOT, " %s %.0e/%.0e", symbol(species[e]), isoLam[e], axLam[e]));
        log("%s", sb);
        log("done");
    }

    // ------------------------------------------------------------------ data

    /** True when structure s holds a per-atom 9-column numeric {@code ms}; required (else throws) when {@code required}. */
    static boolean checkTarget(Structure st, Path file, int s, boolean required) {
        Value v = st.arrays().get(KEY);
        boolean ok = v != null && v.isNumeric() && v.width() == 9 && v.rows() == st.size();
        if (!ok && required) throw new IllegalArgumentException(file + " frame " + s + ": no per-atom 9-column '" + KEY + "'");
        if (ok) for (int i = 0; i < st.size(); i++) for (int c = 0; c < 9; c++) {
            if (!Double.isFinite(v.getDouble(i, c))) throw new IllegalArgumentException(file + " frame " + s + " atom " + i + ": non-finite " + KEY);
        }
        return ok;
    }

    static double isoOf(Value ms, int i) {
        return (ms.getDouble(i, 0) + ms.getDouble(i, 4) + ms.getDouble(i, 8)) / 3.0;
    }

    /** Axial vector of the antisymmetric part: A_ij = (σ_ij − σ_ji)/2 = ε_ijk a_k. */
    static void axialOf(Value ms, int i, double[] a) {
        a[0] = (ms.getDouble(i, 5) - ms.getDouble(i, 7)) / 2;
        a[1] = (ms.getDouble(i, 6) - ms.getDouble(i, 2)) / 2;
        a[2] = (ms.getDouble(i, 1) - ms.getDouble(i, 3)) / 2;
    }

    /** Row-major σ = iso·I + ε·a (the λ = 2 part zero). */
    static void tensor(double iso, double[] a, double[] out, int o) {
        out[o] = iso;
        out[o + 1] = a[2];
        out[o + 2] = -a[1];
        out[o + 3] = -a[2];
        out[o + 4] = iso;
        out[o + 5] = a[0];
        out[o + 6] = a[1];
        out[o + 7] = -a[0];
        out[o + 8] = iso;
    }

    static int index(int[] species, int z) {
        int k = Arrays.binarySearch(species, z);
        if (k < 0) throw new IllegalArgumentException("element Z = " + z + " not among the fitted species " + Arrays.toString(species));
        return k;
    }

    static String symbol(int z) {
        return org.tensorbasis.structure.Elements.symbol(z);
    }

    // ------------------------------------------------------------------ isotropic ridge

    static final class IsoFit {
        int n, nv;
        boolean dual;
        double lam, b0, rmseFit, rmseVal = Double.NaN, stdVal = Double.NaN;
        double[] w;
        String curve;
        /** Weights and intercepts of every ridge of the grid (null where it failed): the test diagnostic. */
        final double[][] wAll = new double[ISO_GRID.length][];
        final double[] b0All = new double[ISO_GRID.length];
    }

    /**
     * Ridge with an unpenalised intercept (centred features and target) for one element: the Gram
     * matrix of the smaller side (XcXcᵀ, n×n, when n ≤ F; else XcᵀXc, F×F), one Cholesky per ridge.
     */
    static IsoFit fitIso(List<Structure> train, FeatureCache cache, boolean[] isVal, int z, int F) {
        IsoFit r = new IsoFit();
        for (int s = 0; s < train.size(); s++) {
            Structure st = train.get(s);
            for (int i = 0; i < st.size(); i++) if (st.number(i) == z) { if (isVal[s]) r.nv++; else r.n++; }
        }
        int n = r.n, nv = r.nv;
        double[] X = new double[n * F], Xv = new double[nv * F], y = new double[n], yv = new double[nv];
        int a = 0, b = 0;
        for (int s = 0; s < train.size(); s++) {
            Structure st = train.get(s);
            Value ms = st.arrays().get(KEY);
            for (int i = 0; i < st.size(); i++) {
                if (st.number(i) != z) continue;
                if (isVal[s]) {
                    cache.powerSpectrumRow(s, i, Xv, b * F);
                    yv[b++] = isoOf(ms, i);
                } else {
                    cache.powerSpectrumRow(s, i, X, a * F);
                    y[a++] = isoOf(ms, i);
                }
            }
        }
        double[] mu = new double[F];
        for (int i = 0; i < n; i++) for (int f = 0; f < F; f++) mu[f] += X[i * F + f];
        for (int f = 0; f < F; f++) mu[f] /= n;
        double ybar = 0;
        for (double v : y) ybar += v;
        ybar /= n;
        double trace = 0;
        for (int i = 0; i < n; i++) for (int f = 0; f < F; f++) {
            double d = X[i * F + f] - mu[f];
            X[i * F + f] = d;
            trace += d * d;
        }
        for (int i = 0; i < nv; i++) for (int f = 0; f < F; f++) Xv[i * F + f] -= mu[f];
        double[] yc = new double[n];
        for (int i = 0; i < n; i++) yc[i] = y[i] - ybar;
        if (nv > 0) {
            double m = 0, q = 0;
            for (double v : yv) m += v;
            m /= nv;
            for (double v : yv) q += (v - m) * (v - m);
            r.stdVal = Math.sqrt(q / nv);
        }

        r.dual = n <= F;
        int g = r.dual ? n : F;
        // upper triangle (column-major view) of the Gram matrix: the row-major X [n×F] is Xᵀ column-major
        double[] gram = new double[g * g];
        if (r.dual) BLAS_.dsyrk("U", "T", n, F, 1.0, X, 0, F, 0.0, gram, 0, n);
        else BLAS_.dsyrk("U", "N", F, n, 1.0, X, 0, F, 0.0, gram, 0, F);
        double[] rhs = r.dual ? yc : new double[F];
        if (!r.dual) Gemm.gemm(true, false, F, 1, n, 1.0, X, 0, yc, 0, 0.0, rhs, 0);

        double[] A = new double[g * g + g], pv = new double[nv];   // + g: see cholesky()
        double bestErr = Double.POSITIVE_INFINITY;
        StringBuilder curve = new StringBuilder();
        for (int gi = 0; gi < ISO_GRID.length; gi++) {
            double lam = ISO_GRID[gi];
            System.arraycopy(gram, 0, A, 0, gram.length);
            double alpha = lam * trace / F;
            for (int k = 0; k < g; k++) A[k * g + k] += alpha;
            if (!cholesky(A, g)) {
                curve.append(String.format(Locale.ROOT, " %.0e:fail", lam));
                continue;
            }
            double[] sol = solve(A, g, rhs);
            double[] w;
            if (r.dual) {
                w = new double[F];
                Gemm.gemm(true, false, F, 1, n, 1.0, X, 0, sol, 0, 0.0, w, 0);
            } else {
                w = sol;
            }
            r.wAll[gi] = w;
            double mw = 0;
            for (int f = 0; f < F; f++) mw += mu[f] * w[f];
            r.b0All[gi] = ybar - mw;
            double err = Double.NaN;
            if (nv > 0) {
                Gemm.gemm(false, false, nv, 1, F, 1.0, Xv, 0, w, 0, 0.0, pv, 0);
                err = 0;
                for (int i = 0; i < nv; i++) err += (pv[i] + ybar - yv[i]) * (pv[i] + ybar - yv[i]);
                err = Math.sqrt(err / nv);
                curve.append(String.format(Locale.ROOT, " %.0e:%.4g", lam, err));
            }
            if (!Double.isFinite(err) && nv > 0) continue;
            if (nv == 0 ? lam == ISO_FALLBACK : err < bestErr) {
                bestErr = err;
                r.lam = lam;
                r.w = w;
                r.rmseVal = err;
            }
        }
        if (r.w == null) throw new IllegalStateException("isotropic ridge failed for every ridge, Z = " + z);
        double[] pf = new double[n];
        Gemm.gemm(false, false, n, 1, F, 1.0, X, 0, r.w, 0, 0.0, pf, 0);
        double e2 = 0;
        for (int i = 0; i < n; i++) e2 += (pf[i] - yc[i]) * (pf[i] - yc[i]);
        r.rmseFit = Math.sqrt(e2 / n);
        double mw = 0;
        for (int f = 0; f < F; f++) mw += mu[f] * r.w[f];
        r.b0 = ybar - mw;
        r.curve = curve.toString();
        return r;
    }

    // ------------------------------------------------------------------ linear algebra

    /**
     * In-place blocked Cholesky A = UᵀU of the upper triangle of a symmetric n×n matrix stored column-major
     * (equivalently the lower triangle of a row-major one); the lower part is ignored. Diagonal blocks by
     * loops, panels by dtrsm, trailing updates by dsyrk. False if A is not (numerically) positive definite.
     * A needs n spare entries after the matrix: netlib's bounds check of a sub-block counts whole columns.
     */
    static boolean cholesky(double[] A, int n) {
        final int nb = 128;
        for (int k0 = 0; k0 < n; k0 += nb) {
            int kb = Math.min(nb, n - k0);
            for (int j = k0; j < k0 + kb; j++) {
                int cj = j * n;
                double d = A[cj + j];
                for (int p = k0; p < j; p++) d -= A[cj + p] * A[cj + p];
                if (!(d > 0)) return false;
                d = Math.sqrt(d);
                A[cj + j] = d;
                for (int c = j + 1; c < k0 + kb; c++) {
                    int cc = c * n;
                    double s = A[cc + j];
                    for (int p = k0; p < j; p++) s -= A[cj + p] * A[cc + p];
                    A[cc + j] = s / d;
                }
            }
            int m = n - k0 - kb;
            if (m > 0) {
                int a11 = k0 + k0 * n, a12 = k0 + (k0 + kb) * n, a22 = (k0 + kb) + (k0 + kb) * n;
                BLAS_.dtrsm("L", "U", "T", "N", kb, m, 1.0, A, a11, n, A, a12, n);
                BLAS_.dsyrk("U", "T", m, kb, -1.0, A, a12, n, 1.0, A, a22, n);
            }
        }
        return true;
    }

    /** Solves UᵀU x = b with the factor of {@link #cholesky}. */
    static double[] solve(double[] U, int n, double[] b) {
        double[] x = b.clone();
        for (int i = 0; i < n; i++) {
            int ci = i * n;
            double s = x[i];
            for (int p = 0; p < i; p++) s -= U[ci + p] * x[p];
            x[i] = s / U[ci + i];
        }
        for (int c = n - 1; c >= 0; c--) {
            int cc = c * n;
            double xc = x[c] / U[cc + c];
            x[c] = xc;
            for (int p = 0; p < c; p++) x[p] -= U[cc + p] * xc;
        }
        return x;
    }

    // ------------------------------------------------------------------ axial features and ridge

    /** Axial 3-vector features of every atom from the cached l = 1..4 expansions. */
    static final class Axial {
        final int k1;
        final int[] kl;
        final ClebschGordan[] cg;
        final int size;
        final double[] v, out = new double[3];

        Axial(SphericalExpansion calc) {
            k1 = calc.blockSize(1) / 3;
            kl = new int[AXIAL_LS.length];
            cg = new ClebschGordan[AXIAL_LS.length];
            int f = k1 * (k1 - 1) / 2;
            for (int q = 0; q < AXIAL_LS.length; q++) {
                int l = AXIAL_LS[q];
                kl[q] = calc.blockSize(l) / (2 * l + 1);
                cg[q] = ClebschGordan.of(l, l, 1);
                f += kl[q] * (kl[q] - 1) / 2;
            }
            size = f;
            v = new double[3 * k1];
        }

        String describe() {
            StringBuilder sb = new StringBuilder("v_k x v_k' K1=" + k1 + ": " + k1 * (k1 - 1) / 2);
            for (int q = 0; q < AXIAL_LS.length; q++) sb.append(String.format(Locale.ROOT, ", [rho_%d x rho_%d]^1 K=%d: %d", AXIAL_LS[q], AXIAL_LS[q],
                kl[q], kl[q] * (kl[q] - 1) / 2));
            return sb.toString();
        }

        /** X[atom][c = x,y,z][f] of cached structure s. */
        void compute(FeatureCache cache, int s, double[] X) {
            double[][] el = new double[AXIAL_LS.length][];
            for (int q = 0; q < AXIAL_LS.length; q++) el[q] = cache.expansion(s, AXIAL_LS[q]);
            compute(cache.atoms(s), cache.expansion(s, 1), el, X);
        }

        void compute(int atoms, double[] e1, double[][] el, double[] X) {
            int F = size;
            for (int i = 0; i < atoms; i++) {
                int base = i * 3 * F, o1 = i * k1 * 3;
                for (int k = 0; k < k1; k++) {   // real harmonics m = −1, 0, 1 are (y, z, x)
                    v[3 * k] = e1[o1 + 3 * k + 2];
                    v[3 * k + 1] = e1[o1 + 3 * k];
                    v[3 * k + 2] = e1[o1 + 3 * k + 1];
                }
                int f = 0;
                for (int k = 0; k < k1; k++) {
                    double ax = v[3 * k], ay = v[3 * k + 1], az = v[3 * k + 2];
                    for (int q = k + 1; q < k1; q++, f++) {
                        double bx = v[3 * q], by = v[3 * q + 1], bz = v[3 * q + 2];
                        X[base + f] = ay * bz - az * by;
                        X[base + F + f] = az * bx - ax * bz;
                        X[base + 2 * F + f] = ax * by - ay * bx;
                    }
                }
                for (int q = 0; q < AXIAL_LS.length; q++) {
                    int w = 2 * AXIAL_LS[q] + 1, K = kl[q], ol = i * K * w;
                    double[] e = el[q];
                    for (int k = 0; k < K; k++) {
                        for (int k2 = k + 1; k2 < K; k2++, f++) {
                            cg[q].couple(e, ol + w * k, e, ol + w * k2, out, 0);
                            X[base + f] = out[2];
                            X[base + F + f] = out[0];
                            X[base + 2 * F + f] = out[1];
                        }
                    }
                }
            }
        }

        void predict(double[] X, int off, double[] w, double[] p) {
            int F = size;
            for (int c = 0; c < 3; c++) {
                double s = 0;
                int o = off + c * F;
                for (int f = 0; f < F; f++) s += X[o + f] * w[f];
                p[c] = s;
            }
        }
    }

    /** Normal equations G = XᵀX, b = Xᵀy of one element (3 rows per atom), fed in batches through dsyrk. */
    static final class NormalEq {
        final int F;
        final double[] G, b;
        double yy;
        long atoms;
        static final int BATCH = 3 * 128;
        final double[] buf, ybuf = new double[BATCH];
        int rows;
        final double[] a = new double[3];

        NormalEq(int F) {
            this.F = F;
            G = new double[F * F];
            b = new double[F];
            buf = new double[BATCH * F];
        }

        void add(double[] X, int off, Value ms, int i) {
            axialOf(ms, i, a);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(X, off + c * F, buf, rows * F, F);
                ybuf[rows++] = a[c];
                yy += a[c] * a[c];
            }
            atoms++;
            if (rows == BATCH) flush();
        }

        void flush() {
            if (rows == 0) return;
            BLAS_.dsyrk("U", "N", F, rows, 1.0, buf, 0, F, 1.0, G, 0, F);
            Gemm.gemm(true, false, F, 1, rows, 1.0, buf, 0, ybuf, 0, 1.0, b, 0);
            rows = 0;
        }

        /** Flushes and mirrors the upper (column-major) triangle into a full symmetric G. */
        void finish() {
            flush();
            for (int c = 0; c < F; c++) for (int r = 0; r < c; r++) G[r * F + c] = G[c * F + r];
        }

        /** Ridge with per-feature normalisation (unit diagonal): (D⁻¹GD⁻¹ + λI) D w = D⁻¹ b; null if not PD. */
        double[] solve(double lam) {
            double[] d = new double[F];
            for (int f = 0; f < F; f++) {
                double g = G[f * F + f];
                d[f] = g > 0 ? Math.sqrt(g) : 1.0;
            }
            double[] M = new double[F * F + F];   // + F: see cholesky()
            for (int i = 0; i < F; i++) for (int j = 0; j < F; j++) M[i * F + j] = G[i * F + j] / (d[i] * d[j]) + (i == j ? lam : 0);
            if (!cholesky(M, F)) return null;
            double[] rhs = new double[F];
            for (int f = 0; f < F; f++) rhs[f] = b[f] / d[f];
            double[] w = NmrLinearBaseline.solve(M, F, rhs);
            for (int f = 0; f < F; f++) w[f] /= d[f];
            return w;
        }

        double rss(double[] w) {
            double r = yy;
            for (int i = 0; i < F; i++) r -= 2 * w[i] * b[i];
            for (int i = 0; i < F; i++) {
                double s = 0;
                for (int j = 0; j < F; j++) s += G[i * F + j] * w[j];
                r += w[i] * s;
            }
            return r;
        }
    }

    // ------------------------------------------------------------------ checks

    /** Test metrics per element in the convention of tb_results.py per_element (RMSE / std of the reference). */
    static final class Metrics {
        final long[] n;
        final double[] isoSum, isoSq, isoErr, axSum, axSq, axErr;

        Metrics(int S) {
            n = new long[S];
            isoSum = new double[S];
            isoSq = new double[S];
            isoErr = new double[S];
            axSum = new double[3 * S];
            axSq = new double[S];
            axErr = new double[S];
        }

        final double[] a = new double[3];

        void add(int e, Value ms, int i, double iso, double[] p) {
            double y = isoOf(ms, i);
            n[e]++;
            isoSum[e] += y;
            isoSq[e] += y * y;
            isoErr[e] += (iso - y) * (iso - y);
            axialOf(ms, i, a);
            for (int c = 0; c < 3; c++) {
                axSum[3 * e + c] += a[c];
                axSq[e] += a[c] * a[c];
                axErr[e] += (p[c] - a[c]) * (p[c] - a[c]);
            }
        }

        double stdIso(int e) {
            double m = isoSum[e] / n[e];
            return Math.sqrt(isoSq[e] / n[e] - m * m);
        }

        double stdAxial(int e) {
            double mm = 0;
            for (int c = 0; c < 3; c++) mm += Math.pow(axSum[3 * e + c] / n[e], 2);
            return Math.sqrt((axSq[e] / n[e] - mm) / 3);
        }

        double percentIso(int e, double sqErr) { return 100 * Math.sqrt(sqErr / n[e]) / stdIso(e); }

        double percentAxial(int e, double sqErr) { return 100 * Math.sqrt(sqErr / (3.0 * n[e])) / stdAxial(e); }

        void print(int[] species) {
            System.out.println("\ntest %RMSE = RMSE / std(reference) per element (as tb_results.py per_element):");
            System.out.printf(Locale.ROOT, "%-3s %6s %10s %10s %8s %10s %10s %8s%n", "el", "atoms", "RMSE L0", "std L0", "%L0", "RMSE L1", "std L1", "%L1");
            for (int e = 0; e < species.length; e++) {
                if (n[e] == 0) continue;
                double N = n[e];
                double m = isoSum[e] / N, var0 = isoSq[e] / N - m * m;
                double mm = 0;
                for (int c = 0; c < 3; c++) mm += Math.pow(axSum[3 * e + c] / N, 2);
                double var1 = (axSq[e] / N - mm) / 3;
                double r0 = Math.sqrt(isoErr[e] / N), r1 = Math.sqrt(axErr[e] / (3 * N));
                System.out.printf(Locale.ROOT, "%-3s %6d %10.4f %10.4f %8.2f %10.4f %10.4f %8.2f%n", symbol(species[e]), n[e], r0, Math.sqrt(var0),
                    100 * r0 / Math.sqrt(var0), r1, Math.sqrt(var1), 100 * r1 / Math.sqrt(var1));
            }
        }
    }

    /** Predictions of one structure computed from scratch (not through a cache), row-major 9 per atom. */
    static double[] predictOne(Structure st, SphericalExpansion calc, Axial ax, int[] species, double[][] isoW, double[] isoB, double[][] axW) {
        int[] ls = {1, 2, 3, 4};
        SphericalExpansion.Features ft = calc.compute(st, ls);
        int na = st.size(), F = calc.powerSpectrumSize(), Fa = ax.size;
        double[][] el = {ft.expansions()[1], ft.expansions()[2], ft.expansions()[3]};
        double[] X = new double[na * 3 * Fa], out = new double[na * 9], p = new double[3];
        ax.compute(na, ft.expansions()[0], el, X);
        double[] ps = ft.powerSpectrum();
        for (int i = 0; i < na; i++) {
            int e = index(species, st.number(i));
            double iso = isoB[e];
            for (int f = 0; f < F; f++) iso += ps[i * F + f] * isoW[e][f];
            ax.predict(X, i * 3 * Fa, axW[e], p);
            tensor(iso, p, out, 9 * i);
        }
        return out;
    }

    /**
     * σ(QA) = Q σ(A) Qᵀ for a proper rotation Q = R and an improper one Q = −R (σ is a true rank-2 tensor, so
     * its axial part picks up det Q); also checks that the cached features give the same predictions.
     */
    static void symmetryCheck(Structure st, SphericalExpansion calc, Axial ax, int[] species, double[][] isoW, double[] isoB,
                              double[][] axW, double[] cachedPred) {
        double[] p0 = predictOne(st, calc, ax, species, isoW, isoB, axW);
        double[] R = Rotations.random(new SplittableRandom(42));
        double scale = 0, dCache = 0;
        for (int k = 0; k < p0.length; k++) {
            scale = Math.max(scale, Math.abs(p0[k]));
            dCache = Math.max(dCache, Math.abs(p0[k] - cachedPred[k]));
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "symmetry check on test crystal 0 (%d atoms, max |pred| %.4g ppm): "
            + "cache vs direct %.2e", st.size(), scale, dCache));
        double worst = dCache;
        for (int improper = 0; improper < 2; improper++) {
            double[] Q = improper == 1 ? Rotations.improper(R) : R;
            Structure moved = st.withGeometry(Rotations.apply(Q, st.positions()),
                st.hasCell() ? new Cell(Rotations.apply(Q, st.cell().vectors()), st.cell().pbc()) : null);
            double[] pq = predictOne(moved, calc, ax, species, isoW, isoB, axW);
            double d = 0;
            for (int i = 0; i < st.size(); i++) {
                for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) {
                    double s = 0;   // (Q σ Qᵀ)_ab
                    for (int c = 0; c < 3; c++) for (int e = 0; e < 3; e++) s += Q[3 * a + c] * p0[9 * i + 3 * c + e] * Q[3 * b + e];
                    d = Math.max(d, Math.abs(pq[9 * i + 3 * a + b] - s));
                }
            }
            worst = Math.max(worst, d);
            sb.append(String.format(Locale.ROOT, "; %s max |σ(QA) − QσQᵀ| %.2e", improper == 1 ? "improper −R" : "proper R", d));
        }
        log("%s", sb);
        if (!(worst <= 1e-8 * Math.max(1, scale))) throw new IllegalStateException("symmetry check failed: " + sb);
    }
}
