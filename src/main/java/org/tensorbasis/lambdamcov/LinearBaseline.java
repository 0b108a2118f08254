package org.tensorbasis.lambdamcov;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingData;
import org.tensorbasis.architecture.TrainingOutcome;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.Splits;
import org.tensorbasis.targets.TargetLayout;

/**
 * {@code model.linear_baseline}: the listed targets are first fitted by the linear_ridge architecture at its defaults
 * (one weight per λ-SOAP feature and element, the ridge chosen on the same validation structures; its
 * {@code position_basis} is the network's), and λ-MCoV learns
 * what that fit leaves. Why: a dipole is nearly linear in the λ = 1 density features, which the λ = 1 basis of
 * λ-MCoV (three learned vectors) reaches only through nonlinear coefficients, while the network captures the
 * many-body part the linear fit misses (docs/results.md, "A linear baseline under the network").
 *
 * <p>The residual keeps the target's scale (only the composition baseline of invariant blocks is fitted anew on the
 * residual): the loss then weighs every target's error relative to the target's own spread, as the reported %RMSE
 * does. Rescaling the residual to unit spread instead made it dominate the shared network's loss: on the water
 * dimer (N = 800, mu with the baseline, alpha without) mu 1.71 % but alpha 7.90 %, against 2.09 / 5.17 % with the
 * scale kept (mu alone: 1.78 against 1.75 %, the scale does not matter there).
 */
final class LinearBaseline {
    /** The fitted baseline and the data whose values are the residuals of the baseline's targets. */
    record Fit(TrainedModel model, TrainingData residualData, List<String> blocks) {}

    /** The baseline's architecture. */
    static final String ARCHITECTURE = "linear_ridge";

    private LinearBaseline() {}

    /**
     * Fits the baseline of the entries' targets and returns it with the residual data; null when the run was stopped.
     *
     * @param entries target names (every block of the target) or block names ({@code ms:L1-}: that block only)
     * @param alone   the baseline takes its blocks alone: the network is trained on zero for them (its heads refit to
     *                exactly zero), so the model's prediction of those blocks is the baseline's ({@code linear_baseline:
     *                auto}); else the network learns what the baseline leaves
     */
    static Fit fit(TrainingData data, TrainingSession session, List<String> entries, boolean alone) throws IOException {
        long t0 = System.nanoTime();
        TrainingSession.Listener outer = session.listener();
        java.util.LinkedHashSet<String> targets = new java.util.LinkedHashSet<>();
        java.util.LinkedHashSet<String> chosen = new java.util.LinkedHashSet<>();
        for (String e : entries) {
            int colon = e.indexOf(':');
            String t = colon < 0 ? e : e.substring(0, colon);
            targets.add(t);
            boolean found = false;
            StringBuilder have = new StringBuilder();
            for (ModelBlock mb : data.blocks()) {
                if (!mb.targetName().equals(t)) continue;
                have.append(have.length() > 0 ? ", " : "").append(mb.name());
                if (colon < 0 || mb.name().equals(e)) {
                    chosen.add(mb.name());
                    found = true;
                }
            }
            if (!found) {
                throw BadInputException.option(null, -1, "model.linear_baseline", "names " + e + ", which is not a block the model learns"
                    + (have.length() > 0 ? " (" + t + ": " + have + ")" : " (target " + t + " has no block left to learn)"));
            }
        }
        Map<String, Options.Target> sub = new LinkedHashMap<>();
        Map<String, TargetLayout> layouts = new LinkedHashMap<>();
        for (Map.Entry<String, Options.Target> e : data.options().targets().entrySet()) {
            if (!targets.contains(e.getKey()) || !data.layouts().containsKey(e.getKey())) continue;
            sub.put(e.getKey(), e.getValue());
            layouts.put(e.getKey(), onlyChosen(data.layouts().get(e.getKey()), chosen));
        }
        // the architectures do not know each other's classes: the baseline is found by its name, as options.yaml would
        // at its defaults but for model.position_basis, which the network's option sets for both parts
        LambdaMcovOptions.ModelOptions mo = LambdaMcovOptions.of(data.options()).model();
        String pb = mo.positionBasis().yaml();
        // the kernel builds no position features: with it, only auto (which resolves to none) or false pass on
        String soap = "soap: {cutoff: " + Options.fmt(mo.baselineCutoff()) + "}";
        String baselineModel = mo.baselineKernelZeta() > 0
            ? "{kernel: {zeta: " + mo.baselineKernelZeta() + ", element_coupling: " + Options.fmt(mo.baselineKernelCoupling())
                + (mo.baselineKernelPoints() == 0 // auto: at most AUTO_KERNEL_POINTS, fewer when the kernel would not fit
                    ? ", sparse_points: " + LambdaMcovOptions.AUTO_KERNEL_POINTS + ", shrink_to_fit: true"
                    : ", sparse_points: " + mo.baselineKernelPoints())
                + "}, position_basis: " + (pb.equals("false") ? "false" : "auto") + ", " + soap + "}"
            : "{position_basis: " + pb + ", " + soap + "}";
        // its weights stay fitted on the training structures alone (refit_validation: false): the network chooses its epoch
        // and its heads' ridges on the validation residuals, which must stay out of sample for the baseline too
        // a baseline that takes its blocks alone (auto) fits them, above 8 elements, with one target scale for all elements:
        // its joint kernel has one ridge for every element, and the scales of many rare elements would weigh down the few
        // that carry an axial block (Born charges, 64 elements: 5-fold CV 85.8 against 86.7 %); with few elements and many
        // atoms each, per-element scales are better (NMR shieldings, 5 elements: 93.9 against 91.5 %; docs/results.md)
        boolean oneScale = alone && data.species().length > LambdaMcovOptions.AUTO_MAX_PER_ELEMENT;
        String training = oneScale ? "{refit_validation: false, per_species_scale: false}" : "{refit_validation: false}";
        Options lo = data.options().withTargets(sub).withHypers(Options.defaults(ARCHITECTURE, baselineModel, training,
            "model.linear_baseline"));
        List<ModelBlock> blocks = ModelBlock.of(lo, layouts);
        int[] index = new int[blocks.size()]; // block of the baseline → block of the run
        double[][][] values = new double[blocks.size()][][];
        for (int b = 0; b < blocks.size(); b++) {
            index[b] = indexOf(data.blocks(), blocks.get(b).name());
            values[b] = data.values()[index[b]];
        }
        List<Sample> train = data.train();
        String tag = "linear baseline: ";
        TrainingSession.Outputs o = session.outputs();
        Path dir = o.model().toAbsolutePath().getParent();
        String name = o.model().getFileName().toString();
        String stem = (name.endsWith(".tbm") ? name.substring(0, name.length() - 4) : name) + ".baseline";
        TrainingSession.Outputs bo = new TrainingSession.Outputs(o.model(), dir.resolve(stem + ".ckpt"), dir.resolve(stem + ".train.csv"),
            dir.resolve(stem + ".options.yaml"));
        outer.message(tag + "fitting " + String.join(", ", sub.keySet()) + " with linear_ridge at its defaults; the network learns the residual of "
            + String.join(", ", chosen));
        TrainingSession.Listener log = new TrainingSession.Listener() {
            @Override public void message(String line) { outer.message(tag + line); }
        };
        TrainingOutcome out = fitLinear(data, lo, layouts, blocks, values, data.splits(), session, bo, log);
        if (out == null) return null;
        TrainedModel model = out.model();

        List<Sample> all = data.splits().all();
        int nTrain = train.size();
        int nVal = data.validation().size();
        // the network learns what the baseline leaves on the training structures it was fitted to: out-of-fold residuals
        // (5 fits on 4/5 of them each) were worse on every set measured (docs/results.md)
        double[][][] fitted = predict(model, blocks, all, data.threads());
        double[][][] resid = data.values().clone();
        StringBuilder report = new StringBuilder(tag + "validation RMSE / std of each block:");
        for (int b = 0; b < blocks.size(); b++) {
            int rb = index[b];
            if (!chosen.contains(blocks.get(b).name())) continue; // fitted with its target, not subtracted
            int w = blocks.get(b).rowWidth();
            double[] mean = new double[w];
            long rows = 0;
            for (int k = nTrain; k < nTrain + nVal; k++) {
                double[] y = data.values()[rb][k];
                for (int i = 0; i < y.length; i++) mean[i % w] += y[i];
                rows += y.length / w;
            }
            for (int j = 0; j < w; j++) mean[j] /= Math.max(1, rows);
            double spread = 0;
            double err = 0;
            double[][] r = new double[all.size()][];
            // a zero_sum target: the network learns what the projected baseline leaves (y − P f, which sums to zero); the
            // model's prediction, baseline plus network, is projected as a whole, and P(f + n) = P f + n for such an n
            boolean project = blocks.get(b).perAtom() && data.options().targets().get(blocks.get(b).targetName()).zeroSum();
            for (int k = 0; k < all.size(); k++) {
                double[] y = data.values()[rb][k];
                double[] f = project ? centred(fitted[b][k], w) : fitted[b][k];
                double[] d = new double[y.length];
                for (int i = 0; i < y.length; i++) {
                    d[i] = y[i] - f[i];
                    if (k >= nTrain && k < nTrain + nVal) {
                        spread += (y[i] - mean[i % w]) * (y[i] - mean[i % w]);
                        err += d[i] * d[i];
                    }
                }
                r[k] = alone ? new double[y.length] : d;
            }
            resid[rb] = r;
            report.append(String.format(Locale.ROOT, " %s %.1f %%", blocks.get(b).name(), spread > 0 ? 100 * Math.sqrt(err / spread) : Double.NaN));
        }
        outer.message(report + String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - t0) * 1e-9)
            + (alone ? "; the baseline takes " + String.join(", ", chosen) + " alone (the network is trained on zero there)" : ""));
        // the other blocks keep their normalisation; a baseline block its scale, with the composition baseline of the residual
        Normalization[] refit = TrainingData.fitNormalization(data.options(), data.blocks(), data.species(), train, resid);
        Normalization[] rn = data.normalization().clone();
        for (int b = 0; b < blocks.size(); b++) {
            int rb = index[b];
            if (!chosen.contains(blocks.get(b).name())) continue;
            ModelBlock mb = data.blocks().get(rb);
            double[][] bl = null;
            if (refit[rb].hasBaseline()) {
                bl = new double[data.species().length][mb.properties()];
                for (int z = 0; z < bl.length; z++) for (int q = 0; q < mb.properties(); q++) bl[z][q] = refit[rb].baseline(z, q);
            }
            rn[rb] = new Normalization(rn[rb].scale(), mb.properties(), mb.dim(), bl, rn[rb].speciesScales());
        }
        TrainingData rd = new TrainingData(data.options(), data.optionsYaml(), data.provenance(), data.splits(), data.species(),
            data.layouts(), data.blocks(), rn, resid, data.threads());
        return new Fit(model, rd, List.copyOf(chosen));
    }

    /**
     * A Cartesian target's layout with only the chosen blocks (the others are not fitted: on the 64-element Born charges
     * the kernel of the λ = 2 block alone took 11 minutes); a spherical target's as it is (its field holds every block).
     */
    static TargetLayout onlyChosen(TargetLayout l, java.util.Collection<String> chosen) {
        if (!l.isCartesian()) return l;
        boolean all = true;
        for (TargetLayout.Block b : l.blocks()) all &= chosen.contains(b.name());
        if (all) return l;
        Map<String, Boolean> keep = new LinkedHashMap<>();
        for (TargetLayout.Block b : TargetLayout.cartesian(l.target(), l.rank(), l.isSymmetric(), null).blocks()) keep.put(b.name(), chosen.contains(b.name()));
        return TargetLayout.cartesian(l.target(), l.rank(), l.isSymmetric(), keep);
    }

    /** Per-atom rows of width w with their mean over the atoms subtracted, column by column (the zero-sum projection). */
    static double[] centred(double[] rows, int w) {
        int n = rows.length / w;
        double[] out = rows.clone();
        for (int j = 0; j < w; j++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += rows[i * w + j];
            m /= Math.max(1, n);
            for (int i = 0; i < n; i++) out[i * w + j] -= m;
        }
        return out;
    }

    /** Trains the baseline on a split; null when the run was stopped. */
    private static TrainingOutcome fitLinear(TrainingData data, Options lo, Map<String, TargetLayout> layouts, List<ModelBlock> blocks,
                                             double[][][] values, Splits splits, TrainingSession session, TrainingSession.Outputs bo,
                                             TrainingSession.Listener log) throws IOException {
        Normalization[] norms = TrainingData.fitNormalization(lo, blocks, data.species(), splits.train(), values);
        TrainingData ld = new TrainingData(lo, lo.toYaml(null), data.provenance(), splits, data.species(), layouts, blocks, norms,
            values, data.threads());
        TrainingOutcome out = Architectures.get(ARCHITECTURE).train(ld, new TrainingSession() {
            @Override public Outputs outputs() { return bo; }
            @Override public Listener listener() { return log; }
            @Override public Path restart() { return null; }
            @Override public boolean stopRequested() { return session.stopRequested(); }
        });
        return out.interrupted() ? null : out;
    }

    /** The model's block values of every sample, fitted[b][k]. */
    private static double[][][] predict(TrainedModel model, List<ModelBlock> blocks, List<Sample> all, int threads) {
        List<Structure> structures = new ArrayList<>(all.size());
        for (Sample s : all) structures.add(s.structure());
        Predictions p = model.predict(structures, threads);
        double[][][] fitted = new double[blocks.size()][all.size()][];
        for (int b = 0; b < blocks.size(); b++) {
            for (int k = 0; k < all.size(); k++) fitted[b][k] = p.block(blocks.get(b), k);
        }
        return fitted;
    }

    private static int indexOf(List<ModelBlock> blocks, String name) {
        for (int b = 0; b < blocks.size(); b++) if (blocks.get(b).name().equals(name)) return b;
        throw new IllegalStateException("no block " + name);
    }
}
