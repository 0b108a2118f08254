package org.tensorbasis.linearridge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.Architecture;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingData;
import org.tensorbasis.architecture.TrainingOutcome;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.descriptors.SpeciesMixing;
import org.tensorbasis.io.AtomicFiles;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.ModelBlock;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.Sample;

/**
 * The linear ridge architecture: per block (λ, σ), an exactly equivariant linear model on λ-SOAP
 * features ({@link LinearRidgeModel}), fitted by ridge regression with the ridge chosen on the
 * validation set, per element for per-atom targets ({@link RidgeSystem}). One pass over the data per
 * block, no epochs; the formulas are in {@code docs/linear-ridge.md}.
 */
public final class LinearRidgeArchitecture implements Architecture {
    /** Structures whose features are computed in parallel before they are added to the normal equations. */
    private static final int CHUNK = 64;

    @Override
    public String name() { return LinearRidgeOptions.NAME; }

    @Override
    public TrainedModel load(ModelFile.Contents contents, String fileName, int threads) {
        return LinearRidgeModel.fromContents(contents, fileName);
    }

    @Override
    public TrainingOutcome train(TrainingData data, TrainingSession session) throws IOException {
        long t0 = System.nanoTime();
        TrainingSession.Listener log = session.listener();
        LinearRidgeOptions hy = LinearRidgeOptions.of(data.options());
        List<Structure> trainStructures = new ArrayList<>();
        for (Sample s : data.train()) trainStructures.add(s.structure());
        double[] mixing = hy.soap().mixing(data.species(), trainStructures, data.options().seed());
        log.message(SpeciesMixing.describe(data.species(), mixing, hy.soap().speciesChannels(), hy.soap().channelsFor(data.species().length, false)));
        // position features (model.position_basis): auto gives none when every training structure is periodic (they would be zero)
        java.util.Set<String> positions = new java.util.LinkedHashSet<>();
        if (!hy.positionBasis().noneFor(trainStructures)) {
            for (ModelBlock mb : ModelBlock.of(data.options(), data.layouts())) if (hy.positionFeatures(mb)) positions.add(mb.name());
        }
        LinearRidgeModel model = new LinearRidgeModel(data.options(), data.optionsYaml(), data.provenance(), data.species(), data.layouts(),
            data.normalization(), null, null, mixing, positions);
        if (!positions.isEmpty()) log.message("position features: " + String.join(", ", positions) + " (model.position_basis: " + hy.positionBasis().yaml() + ")");
        AtomicFiles.writeText(session.outputs().options(), data.optionsYaml());
        int ns = data.species().length;
        int threads = data.threads();
        List<Sample> train = data.train();
        List<Sample> val = data.validation();
        int nTrain = train.size();
        // a joint kernel (model.kernel.element_coupling > 0) has one set of sparse points and one ridge group for all elements
        boolean joint = hy.jointKernel();
        int rg = joint ? 1 : ns;
        int perElement = hy.sparsePoints();
        String tooLarge = memoryProblem(hy, model, trainStructures, perElement, joint, threads);
        if (tooLarge != null && hy.kernel() && hy.shrinkToFit()) {
            // model.kernel.shrink_to_fit: the largest count per element that fits, found by bisection (the need grows with it)
            int lo = 0, hi = perElement;
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (memoryProblem(hy, model, trainStructures, mid, joint, threads) == null) lo = mid; else hi = mid;
            }
            if (lo >= 1) {
                log.message(String.format(Locale.ROOT, "kernel: %d sparse points per element instead of %d, so that the kernel fits in memory "
                    + "(model.kernel.shrink_to_fit)", lo, perElement));
                perElement = lo;
                tooLarge = null;
            }
        }
        if (tooLarge != null) throw BadInputException.option(null, -1, "model.soap", tooLarge);
        SparseKernel sk = null;
        double[][][] sparse = null;
        if (hy.kernel()) {
            long tk = System.nanoTime();
            sk = SparseKernel.select(model, trainStructures, hy.zeta(), perElement, hy.elementCoupling(), data.options().seed(), threads);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "kernel: zeta %d%s, sparse points", hy.zeta(),
                joint ? String.format(Locale.ROOT, ", one joint kernel (element coupling %s)", org.tensorbasis.options.Options.fmt(hy.elementCoupling())) : ""));
            for (int g = 0; g < ns; g++) {
                sb.append(g > 0 ? "," : "").append(' ').append(Elements.symbol(data.species()[g])).append(' ').append(sk.chosen[g])
                    .append(" of ").append(sk.candidates[g]);
            }
            sparse = sk.sparseFeatures(model, trainStructures, threads);
            log.message(sb.append(String.format(Locale.ROOT, " (farthest-point sampling of the invariant features, in %.1f s)",
                (System.nanoTime() - tk) * 1e-9)).toString());
        }
        StringBuilder csv = new StringBuilder("block,element,ridge,validation_rmse,chosen\n");
        double lossSum = 0;
        for (int b = 0; b < model.blocks().size(); b++) {
            if (session.stopRequested()) {
                log.message("stopped before block " + model.blocks().get(b).name() + " (linear_ridge writes no checkpoint: run it again)");
                return new TrainingOutcome(model, 1, Double.NaN, true);
            }
            long tb = System.nanoTime();
            ModelBlock mb = model.blocks().get(b);
            SparseKernel.KernelFeatures kf = sk != null ? sk.features(model, b, sparse[b]) : null;
            BlockFeatures bf = kf != null ? kf : model.features(b);
            boolean jointBlock = kf != null && joint;
            int dg = jointBlock ? 1 : ns; // groups of the per-structure design and of the per-atom ridge
            int groups = mb.perAtom() ? dg : 1;
            int f = mb.perAtom() ? bf.features() : StructureDesign.features(dg, bf.features());
            RidgeSystem sys = new RidgeSystem(groups, f, mb.properties(), mb.dim(), threads);
            if (kf != null) sys.uniformScale();
            if (hy.refitValidation()) sys.refitValidation();
            if (hy.leaveOneOut() && !mb.perAtom()) sys.leaveOneOut(); // a per-atom sample is an atom: leaving one out would leak
            try {
                feed(model, bf, b, train, data.values()[b], 0, sys, true, jointBlock, threads);
                sys.solve(hy.ridges());
                feed(model, bf, b, val, data.values()[b], nTrain, sys, false, jointBlock, threads);
                RidgeResult r = sys.select(mb.perAtom());
                RidgeWeights w = mb.perAtom() ? r.weights() : StructureDesign.asPerAtom(r.weights(), dg);
                double[] alpha = new double[groups];
                for (int g = 0; g < groups; g++) alpha[g] = r.alpha(g);
                if (kf != null) {
                    model.setKernelFit(b, kf.predictor(w), alpha);
                    sparse[b] = null; // the block's sparse features and factors are no longer needed
                } else {
                    model.setFit(b, w, alpha);
                }
                int refits = 0;
                for (int g = 0; g < groups; g++) if (sys.refitted(g)) refits++;
                lossSum += report(log, csv, mb, r, model.normalization(b), data.species(), (System.nanoTime() - tb) * 1e-9, f, refits);
            } finally {
                sys.close();
            }
        }
        AtomicFiles.writeText(session.outputs().csv(), csv.toString());
        double loss = lossSum / Math.max(1, model.blocks().size());
        log.message(String.format(Locale.ROOT, "linear ridge fitted in %.1f s (mean normalised validation MSE %.6g)", (System.nanoTime() - t0) * 1e-9, loss));
        if (hy.refitValidation() && !val.isEmpty()) {
            log.message("weights refit on the training and validation structures with the chosen ridges (training.refit_validation): "
                + "the validation metrics below are not out of sample");
        }
        return new TrainingOutcome(model, 1, loss, false);
    }

    /**
     * Every block's normal equations sized before the first is allocated (with a kernel of {@code perElement} sparse points
     * per element: plus every block's sparse-point features, held throughout, and the block's kernel factors): null when
     * they fit, else the message with the numbers and the options to change.
     */
    private static String memoryProblem(LinearRidgeOptions hy, LinearRidgeModel model, List<Structure> train, int perElement, boolean joint,
                                        int threads) {
        int rg = joint ? 1 : model.species().length;
        int points = hy.kernel() ? sparsePointsBound(model, train, perElement, joint) : 0;
        long sparseBytes = 0;
        for (int b = 0; b < model.blocks().size() && hy.kernel(); b++) {
            sparseBytes += SparseKernel.featureBytes(rg, points, model.features(b).features(), model.features(b).components());
        }
        for (int b = 0; b < model.blocks().size(); b++) {
            ModelBlock mb = model.blocks().get(b);
            BlockFeatures bf = model.features(b);
            int pf = hy.kernel() ? points * bf.components() : bf.features();
            long extra = hy.kernel() ? sparseBytes + SparseKernel.factorBytes(rg, points, bf.components()) : 0;
            String p = memoryProblem(hy, mb, mb.perAtom() ? pf : StructureDesign.features(rg, pf), mb.perAtom() ? rg : 1, bf.components(), threads, extra);
            if (p != null) return p;
        }
        return null;
    }

    /** The message with the numbers and the options to change when one block's normal equations would not fit, else null. */
    private static String memoryProblem(LinearRidgeOptions hy, ModelBlock mb, int f, int groups, int components, int threads, long extra) {
        long need = RidgeSystem.estimateBytes(groups, f, mb.properties(), components, hy.ridges().length, threads) + extra;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > hy.maxGramBytes() || need > 0.8 * free) {
            return String.format(Locale.ROOT,
                "block %s: %d features%s need %.2f GB for the ridge's normal equations (limit training.max_gram_gb = %s GB, free heap %.2f GB); "
                    + "lower model.soap.max_radial or max_angular%s, or raise the limit (and the heap with TENSORBASIS_JAVA_OPTS=-Xmx...)",
                mb.name(), f, groups > 1 ? " per element" : "", need / 1e9, org.tensorbasis.options.Options.fmt(hy.maxGramBytes() / (double) (1L << 30)), free / 1e9,
                hy.kernel() ? " or model.kernel.sparse_points (or set model.kernel.shrink_to_fit: true)" : "");
        }
        return null;
    }

    /**
     * The most sparse points any species can get: min(sparse_points, its training atoms), for the memory estimate; with a
     * joint kernel the sum over the elements (one set).
     */
    private static int sparsePointsBound(LinearRidgeModel model, List<Structure> train, int points, boolean joint) {
        int[] count = new int[model.species().length];
        for (Structure s : train) for (int g : model.groups(s)) count[g]++;
        int mx = 0, sum = 0;
        for (int c : count) {
            mx = Math.max(mx, Math.min(c, points));
            sum += Math.min(c, points);
        }
        return joint ? sum : mx;
    }

    /**
     * Computes the features of the samples (in parallel, a chunk at a time) and adds them with their
     * normalised targets to the system: per atom (group = its element) or per structure (features summed per element);
     * with {@code joint} (a joint kernel) every atom is in group 0 of the ridge and of the design, while the features
     * still see each atom's element.
     *
     * @param first index of samples.get(0) in the values' sample order (train, validation, test)
     */
    private static void feed(LinearRidgeModel model, BlockFeatures bf, int b, List<Sample> samples, double[][] values, int first, RidgeSystem sys,
                             boolean training, boolean joint, int threads) {
        ModelBlock mb = model.blocks().get(b);
        Normalization nz = model.normalization(b);
        int ns = joint ? 1 : model.species().length;
        int row = bf.rowSize();
        int width = mb.rowWidth();
        boolean intensive = model.options().targets().get(mb.targetName()).intensive();
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(Math.max(1, threads));
        ThreadLocal<LinearRidgeModel.Workspace> workspaces = ThreadLocal.withInitial(() -> model.new Workspace()); // one per worker
        try {
            for (int c0 = 0; c0 < samples.size(); c0 += CHUNK) {
                int c1 = Math.min(samples.size(), c0 + CHUNK);
                double[][] xs = new double[c1 - c0][];
                final int from = c0;
                pool.submit(() -> java.util.stream.IntStream.range(from, c1).parallel().forEach(k -> {
                    Structure s = samples.get(k).structure();
                    LinearRidgeModel.Workspace ws = workspaces.get();
                    ws.expand(s);
                    double[] x = new double[s.size() * row];
                    int[] gr = model.groups(s);
                    if (bf.usesPositions()) {
                        double[] centred = new double[3 * s.size()];
                        s.centredPositions(centred, 0);
                        bf.fromStructure(ws.blocks, gr, centred, 0, s.size(), x, 0);
                    } else {
                        bf.fromExpansions(ws.blocks, gr, 0, s.size(), x, 0);
                    }
                    if (!bf.whitensInBatches() && !SparseKernel.hasConstant(mb.irrep())) {
                        // round-off features (symmetry zeros) as exactly zero, as the prediction has them
                        double[] inv = new double[s.size() * model.invariantFeatures().features()];
                        model.invariantFeatures().fromExpansions(ws.blocks, 0, s.size(), inv, 0);
                        SparseKernel.zeroRoundOff(bf, mb.irrep(), x, 0, s.size(), SparseKernel.invariantNorms(inv, 0, s.size(), model.invariantFeatures().features()));
                    }
                    if (!mb.perAtom()) {
                        double[] sum = new double[ns * row];
                        StructureDesign.sum(x, 0, s.size(), joint ? new int[s.size()] : gr, ns, bf.features(), bf.components(), sum, 0);
                        x = sum;
                    }
                    xs[k - from] = x;
                })).get();
                if (bf.whitensInBatches()) {
                    List<int[]> grs = null;
                    if (mb.perAtom()) {
                        grs = new ArrayList<>();
                        for (int k = c0; k < c1; k++) grs.add(model.groups(samples.get(k).structure())); // the kernel maps elements to its groups
                    }
                    final List<int[]> fg = grs;
                    pool.submit(() -> bf.whitenBatch(java.util.Arrays.asList(xs), fg, threads)).get();
                }
                for (int k = c0; k < c1; k++) {
                    Structure s = samples.get(k).structure();
                    int[] g = model.groups(s);
                    double[] v = values[first + k];
                    double[] x = xs[k - c0];
                    if (mb.perAtom()) {
                        double[] y = new double[width];
                        double[] base = new double[width];
                        for (int i = 0; i < s.size(); i++) {
                            java.util.Arrays.fill(base, 0);
                            nz.addBaseline(g, i, i + 1, base, 0);
                            double sc = nz.scale(g[i]);
                            for (int j = 0; j < width; j++) y[j] = (v[i * width + j] - base[j]) / sc;
                            int rgi = joint ? 0 : g[i];
                            if (training) sys.addTraining(rgi, x, i * row, y, 0, 1);
                            else sys.addValidation(rgi, x, i * row, y, 0, 1);
                        }
                    } else {
                        double[] y = new double[width];
                        nz.addBaseline(g, 0, s.size(), y, 0);
                        for (int j = 0; j < width; j++) y[j] = (v[j] - y[j]) / nz.scale();
                        // an intensive target is learned as n_atoms × y (targets.TargetTransform): weight 1/n² makes the
                        // squared error that of the mean, each structure counting once (as λ-MCoV's per-atom loss)
                        double w = intensive ? 1.0 / ((double) s.size() * s.size()) : 1.0;
                        if (training) sys.addTraining(0, x, 0, y, 0, 1, w);
                        else sys.addValidation(0, x, 0, y, 0, 1, w);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    /** One log line per block (chosen ridge and validation RMSE in real units, per element); the CSV rows of the scan. */
    private static double report(TrainingSession.Listener log, StringBuilder csv, ModelBlock mb, RidgeResult r, Normalization nz, int[] species,
                                 double seconds, int features, int refits) {
        int groups = r.chosen().length;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "block %s: %d features; ridge", mb.name(), features));
        double mse = 0;
        int counted = 0;
        for (int g = 0; g < groups; g++) {
            String el = groups > 1 ? Elements.symbol(species[g]) : "all";
            double scale = groups > 1 ? nz.scale(g) : nz.scale();
            for (int a = 0; a < r.alphas().length; a++) {
                csv.append(mb.name()).append(',').append(el).append(',').append(String.format(Locale.ROOT, "%.3g", r.alphas()[a])).append(',')
                    .append(String.format(Locale.ROOT, "%.8g", r.validationRmse()[g][a] * scale)).append(',').append(a == r.chosen()[g] ? 1 : 0).append('\n');
            }
            double rmse = r.chosenRmse(g);
            sb.append(String.format(Locale.ROOT, " %s%.0e%s (validation RMSE %.4g)", groups > 1 ? el + " " : "", r.alpha(g),
                r.leaveOneOut()[g] ? ", by leave-one-out" : r.fallback()[g] ? ", no validation atoms: pooled choice" : "", rmse * scale));
            if (!Double.isNaN(rmse)) {
                mse += rmse * rmse;
                counted++;
            }
            if (g + 1 < groups) sb.append(',');
        }
        if (refits > 0) {
            sb.append(groups > 1 ? String.format(Locale.ROOT, "; refit on training + validation (%d of %d elements)", refits, groups)
                : "; refit on training + validation");
        }
        sb.append(String.format(Locale.ROOT, "; %.2f s", seconds));
        log.message(sb.toString());
        return counted > 0 ? mse / counted : Double.NaN;
    }
}
