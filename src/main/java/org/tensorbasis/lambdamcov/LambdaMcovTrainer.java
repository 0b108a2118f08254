package org.tensorbasis.lambdamcov;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.TrainingData;
import org.tensorbasis.architecture.TrainingOutcome;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.io.AtomicFiles;
import org.tensorbasis.io.Json;
import org.tensorbasis.linalg.Gemm;
import org.tensorbasis.model.Adam;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.model.ReduceOnPlateau;
import org.tensorbasis.model.TensorModel;
import org.tensorbasis.model.WarmupCosineSchedule;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.Shuffle;
import org.tensorbasis.targets.TargetLayout;

/**
 * The λ-MCoV training loop: descriptors computed once, Adam on mini-batches of structures with
 * validation every epoch, keeping the best model by validation loss, then the exact head refit.
 * Checkpoints (written atomically) hold everything needed to resume, and a resumed run ends with
 * the same result as an uninterrupted one (fixed seed and threads): the order of batches of epoch e
 * depends only on (seed, e) and all reductions have a fixed order. Data preparation (splits, layouts,
 * normalisation) is done before, the same for every architecture ({@code training.Trainer}).
 */
final class LambdaMcovTrainer {
    private final TrainingData data;
    private final Options options;
    private final LambdaMcovOptions hypers;
    private final TrainingSession session;
    private final TrainingSession.Listener listener;

    LambdaMcovTrainer(TrainingData data, TrainingSession session) {
        this.data = data;
        this.options = data.options();
        this.hypers = LambdaMcovOptions.of(options);
        this.session = session;
        this.listener = session.listener();
    }

    // ------------------------------------------------------------------ the run

    /** All state of a run that the loop and checkpoints need. */
    private final class Run {
        LambdaMcovModel model;
        List<Structure> structures; // train, then validation, then test
        FeatureCache cache;
        FeatureCache.Storage storage = FeatureCache.Storage.FLOAT64;
        RefitScores scores;         // during the head refit: hidden rows and basis values of training + validation
        int nTrain;
        int nVal;
        int nTest;
        double[][][] values;        // [block][structure] real-unit rows
        double[][][] targetsNorm;   // [block][structure] normalised targets
        int[][] speciesIdx;
        Adam adam;
        double[] best;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        int epoch;                  // current epoch (0-based)
        int nextBatch;              // first batch of `epoch` still to run
        long step;
        ReduceOnPlateau plateau;
        WarmupCosineSchedule cosine;
        StringBuilder csv = new StringBuilder();
        final LambdaMcovModel.BatchBuffer buffer = new LambdaMcovModel.BatchBuffer(); // reused by every batch
        // species_channels: trained — the sparse unmixed expansions, W (S × d) with its gradient, Adam and best value
        TrainedMixing mixing;
        double[] mixW;
        double[] mixGrad;
        Adam mixAdam;
        double[] bestMix;
        // running sums of the current epoch
        double[] trainSq;
        long[] trainCount;
        double trainLoss;
        long trainLossBatches;
    }

    /** The species mixing of model.soap (null: one-hot channels), logged. */
    private double[] speciesMixing(int[] species, List<Sample> train, TrainingSession.Listener listener) {
        org.tensorbasis.options.SoapOptions soap = LambdaMcovOptions.of(options).model().soap();
        List<Structure> st = new ArrayList<>();
        for (Sample s : train) st.add(s.structure());
        org.tensorbasis.descriptors.SpeciesMixing.Mode used = soap.channelsFor(species.length, true);
        double[] w = soap.mixing(used, species, st, options.seed());
        listener.message(org.tensorbasis.descriptors.SpeciesMixing.describe(species, w, soap.speciesChannels(), used));
        return w;
    }

    /** A run's design and the memory estimate it passed. */
    private record Sized(LambdaMcovModel.Design design, MemoryEstimate memory) {}

    /**
     * The design of the run and its memory estimate, checked against the heap (a BadInputException with the numbers and
     * the options to change when it does not fit); what was chosen is logged to {@code log}.
     */
    private Sized size(List<Structure> all, TrainingSession.Listener log) {
        List<Sample> train = data.train();
        int[] species = data.species();
        int threads = data.threads();
        boolean restart = session.restart() != null;
        List<Structure> trainStructures = new ArrayList<>();
        for (Sample s : train) trainStructures.add(s.structure());
        java.util.Set<String> positionBlocks = hypers.model().positionBlocksFor(trainStructures);
        LambdaMcovModel.Design design = LambdaMcovModel.Design.of(options, species, data.layouts(), speciesMixing(species, train, log), null, null,
            positionBlocks);
        if (positionBlocks != null) log.message("position elements: none (model.position_basis: auto, and every training structure is periodic)");
        boolean trained = design.speciesChannels() == org.tensorbasis.descriptors.SpeciesMixing.Mode.TRAINED;
        log.message(hypers.model().describeScalarNetwork(species.length));
        List<int[]> numbers = new ArrayList<>(all.size());
        for (Structure st : all) numbers.add(st.numbers());
        int nTrain = train.size();
        int nVal = data.validation().size();
        MemoryEstimate memory = MemoryEstimate.training(design, numbers, nTrain, nVal, hypers.training().batchSize(),
            hypers.training().refineHeads(), restart, threads, trained);
        long available = memory.availableFor();
        MemoryEstimate m64 = memory;
        memory = MemoryEstimate.forFeatureCache(hypers.training().featureCache(), m64, () -> MemoryEstimate.training(design, numbers,
            nTrain, nVal, hypers.training().batchSize(), hypers.training().refineHeads(), restart, threads, trained,
            FeatureCache.Storage.FLOAT32), available);
        if (memory != m64 && hypers.training().featureCache().equals("auto")) {
            log.message(String.format(Locale.ROOT, "feature cache: float32 power spectrum (training.feature_cache: auto; with float64 "
                + "the run would need ~%s of the %s available)", MemoryEstimate.gb(m64.totalBytes()), MemoryEstimate.gb(available)));
        }
        memory.check(available);
        log.message(memory.describe(available));
        return new Sized(design, memory);
    }

    /**
     * Stops with the network's memory message before anything else runs (a linear baseline is fitted first: a run whose
     * network cannot fit must not spend minutes on it); silent when the run fits.
     */
    void checkFits() {
        List<Structure> all = new ArrayList<>();
        for (Sample s : data.splits().all()) all.add(s.structure());
        size(all, new TrainingSession.Listener() {});
    }

    /** Runs the training; returns the model with the best (refit) weights, or the current state if stopped. */
    TrainingOutcome train() throws IOException {
        long t0 = System.nanoTime();
        Run run = new Run();
        int threads = data.threads();
        List<Sample> train = data.train();
        Map<String, TargetLayout> layouts = data.layouts();
        String yaml = data.optionsYaml();
        Map<String, String> provenance = data.provenance();
        TrainingSession.Outputs outputs = session.outputs();
        Path restart = session.restart();
        Normalization[] norms = data.normalization();
        run.structures = new ArrayList<>();
        for (Sample s : data.splits().all()) run.structures.add(s.structure());
        run.nTrain = train.size();
        run.nVal = data.validation().size();
        run.nTest = data.test().size();

        // sized before anything large is allocated: a run that cannot fit stops here with the numbers
        Sized sized = size(run.structures, listener);
        LambdaMcovModel.Design design = sized.design();
        boolean trained = design.speciesChannels() == org.tensorbasis.descriptors.SpeciesMixing.Mode.TRAINED;
        run.storage = sized.memory().storage();

        run.model = new LambdaMcovModel(design, options, yaml, layouts, norms, provenance, options.seed(), threads);
        LambdaMcovModel model = run.model;
        int nb = model.network().blocks().size();
        listener.message("model blocks: " + model.describe() + "; " + model.network().parameters().size() + " parameters");

        run.values = data.values();
        run.speciesIdx = new int[run.structures.size()][];
        for (int s = 0; s < run.structures.size(); s++) run.speciesIdx[s] = Normalization.speciesIndices(run.structures.get(s), model.species());
        run.targetsNorm = normalisedTargets(model, run);

        long tf = System.nanoTime();
        run.cache = model.features(run.structures, threads, run.storage);
        listener.message(String.format(Locale.ROOT, "descriptors: %d atoms in %.2f s, %.0f bytes per atom (%d power-spectrum features, %s)",
            run.cache.totalAtoms(), (System.nanoTime() - tf) * 1e-9, run.cache.bytesPerAtom(), run.cache.powerSpectrumSize(),
            run.storage == FeatureCache.Storage.FLOAT32 ? "float32" : "float64"));

        if (restart == null && hypers.model().normalizeBasis()) fitBasisScales(run);
        if (trained) startTrainedMixing(run, threads);

        LambdaMcovOptions.TrainingOptions to = hypers.training();
        int batches = (run.nTrain + to.batchSize() - 1) / to.batchSize();
        long totalSteps = (long) batches * to.epochs();
        Parameters params = model.network().parameters();
        run.adam = new Adam(params.size());
        run.cosine = new WarmupCosineSchedule(to.learningRate(), totalSteps, to.warmupFraction());
        run.plateau = new ReduceOnPlateau(to.learningRate(), to.plateauFactor(), to.plateauPatience());
        run.best = params.snapshot();
        run.csv.append(csvHeader(model)).append('\n');
        if (restart != null) restore(run, restart, provenance.get("options_sha256"), provenance.get("training_set_sha256"));
        AtomicFiles.writeText(outputs.options(), yaml);

        boolean interrupted = false;
        while (run.epoch < to.epochs()) {
            long te = System.nanoTime();
            int[] order = epochOrder(run.nTrain, options.seed(), run.epoch);
            if (run.nextBatch == 0) {
                run.trainSq = new double[nb];
                run.trainCount = new long[nb];
                run.trainLoss = 0;
                run.trainLossBatches = 0;
            }
            for (int bi = run.nextBatch; bi < batches; bi++) {
                if (session.stopRequested()) {
                    run.nextBatch = bi;
                    interrupted = true;
                    break;
                }
                int[] which = Arrays.copyOfRange(order, bi * to.batchSize(), Math.min(run.nTrain, (bi + 1) * to.batchSize()));
                double lr = to.scheduler().equals("cosine") ? run.cosine.lr(run.step)
                    : to.scheduler().equals("plateau") ? warm(run.plateau.lr(), run.step, run.cosine.warmupSteps())
                    : warm(to.learningRate(), run.step, run.cosine.warmupSteps());
                double loss = step(run, which, lr, run.trainSq, run.trainCount);
                run.trainLoss += loss;
                run.trainLossBatches++;
                run.step++;
                listener.progress(run.epoch, to.epochs(), bi + 1, batches);
            }
            if (interrupted) break;
            run.nextBatch = 0;
            // validation
            double[] valSq = new double[nb];
            long[] valCount = new long[nb];
            double valLoss = evaluate(run, run.nTrain, run.nTrain + run.nVal, valSq, valCount);
            boolean isBest = valLoss < run.bestLoss;
            if (isBest) {
                run.bestLoss = valLoss;
                run.bestEpoch = run.epoch;
                run.best = params.snapshot();
                if (run.mixing != null) run.bestMix = run.mixW.clone();
            }
            double lrNow = to.scheduler().equals("cosine") ? run.cosine.lr(Math.max(0, run.step - 1)) : run.plateau.lr();
            if (to.scheduler().equals("plateau")) run.plateau.observe(valLoss);
            double secs = (System.nanoTime() - te) * 1e-9;
            Map<String, Double> trainR = rmseMap(model, run.trainSq, run.trainCount);
            Map<String, Double> valR = rmseMap(model, valSq, valCount);
            double trainLoss = run.trainLoss / Math.max(1, run.trainLossBatches);
            run.csv.append(csvRow(run.epoch + 1, trainLoss, valLoss, trainR, valR, lrNow, secs)).append('\n');
            run.epoch++;
            listener.epoch(new TrainingSession.EpochReport(run.epoch, trainLoss, valLoss, lrNow, secs, trainR, valR, isBest));
            AtomicFiles.writeText(outputs.csv(), run.csv.toString());
            if (to.checkpointInterval() > 0 && run.epoch % to.checkpointInterval() == 0 && run.epoch < to.epochs()) {
                checkpoint(run, outputs.checkpoint());
            }
        }
        if (interrupted) {
            checkpoint(run, outputs.checkpoint());
            listener.message("interrupted at epoch " + (run.epoch + 1) + ", batch " + run.nextBatch + ": checkpoint written");
            if (run.mixing != null) finishTrainedMixing(run, run.mixW, threads);
            return new TrainingOutcome(run.model, run.bestEpoch + 1, run.bestLoss, true);
        }
        checkpoint(run, outputs.checkpoint());
        params.restore(run.best);
        if (run.mixing != null) finishTrainedMixing(run, run.bestMix, threads);
        if (to.refineHeads()) refineHeads(run);
        listener.message(String.format(Locale.ROOT, "best epoch %d (validation loss %.6g); trained in %.1f s",
            run.bestEpoch + 1, run.bestLoss, (System.nanoTime() - t0) * 1e-9));
        return new TrainingOutcome(run.model, run.bestEpoch + 1, run.bestLoss, false);
    }

    /**
     * species_channels: trained — the sparse unmixed expansions of every structure replace the feature cache
     * (released: the steps and the validation mix them with the current W); W starts as the spectral mixing.
     */
    private void startTrainedMixing(Run run, int threads) {
        long t = System.nanoTime();
        LambdaMcovModel model = run.model;
        run.mixing = TrainedMixing.compute(run.structures, model.expansion(), model.network().expansionOrders(), threads);
        run.mixW = model.descriptorSettings().mixing().clone();
        run.mixGrad = new double[run.mixW.length];
        run.mixAdam = new Adam(run.mixW.length);
        run.bestMix = run.mixW.clone();
        run.cache = null;
        listener.message(String.format(Locale.ROOT, "trained species mixing: %d x %d weights from the spectral mixing; %d (atom, element) "
                + "expansions cached (%.3f GB) in %.2f s; basis scales stay those of the initial mixing",
            model.species().length, model.expansion().channels(), run.mixing.entries(), run.mixing.bytes() / 1e9, (System.nanoTime() - t) * 1e-9));
    }

    /** The model with the mixing {@code w} as its fixed mixing (what is saved), and its feature cache for the head refit. */
    private void finishTrainedMixing(Run run, double[] w, int threads) {
        run.model = run.model.withMixing(w);
        run.mixing = null;
        run.cache = run.model.features(run.structures, threads, run.storage);
        double[] w0 = run.model.design().descriptor().mixing();
        listener.message(String.format(Locale.ROOT, "trained species mixing: recorded in the model (RMS entry %.4g)",
            Math.sqrt(Arrays.stream(w0).map(x -> x * x).sum() / w0.length)));
    }

    /** The batch of structures {@code which}: mixed with the current W (trained mixing) or from the feature cache. */
    private static AtomBatch batchOf(Run run, int[] which) {
        if (run.mixing != null) return run.mixing.batch(which, run.structures, run.mixW, run.model.network().kPerL(), run.model.network().usesPositions());
        return run.model.batch(run.cache, which, run.structures, run.buffer);
    }

    private static double warm(double lr, long step, long warmup) {
        return step < warmup ? lr * (step + 1) / (double) warmup : lr;
    }

    /** The order of training structures in epoch e: a permutation that depends only on (seed, e). */
    static int[] epochOrder(int n, long seed, int epoch) {
        return Shuffle.permutation(n, seed * 1_000_003L + epoch + 17);
    }

    private static double[][][] normalisedTargets(LambdaMcovModel model, Run run) {
        int nb = model.network().blocks().size();
        double[][][] out = new double[nb][run.structures.size()][];
        for (int b = 0; b < nb; b++) {
            TensorModel.Block bl = model.network().blocks().get(b);
            Normalization nz = model.normalization(b);
            int w = bl.properties() * bl.dim();
            for (int s = 0; s < run.structures.size(); s++) {
                double[] v = run.values[b][s];
                int na = run.structures.get(s).size();
                double[] t = new double[v.length];
                int rows = v.length / w;
                for (int r = 0; r < rows; r++) {
                    double[] bs = new double[w];
                    if (bl.perAtom()) nz.addBaseline(run.speciesIdx[s], r, r + 1, bs, 0);
                    else nz.addBaseline(run.speciesIdx[s], 0, na, bs, 0);
                    double norm = bl.perAtom() ? nz.scale(run.speciesIdx[s][r]) : na * nz.scale();
                    for (int k = 0; k < w; k++) t[r * w + k] = (v[r * w + k] - bs[k]) / norm;
                }
                out[b][s] = t;
            }
        }
        return out;
    }

    /** Whether block b belongs to a target with {@code zero_sum: true} (per-atom values summing to zero per structure). */
    private static boolean zeroSum(LambdaMcovModel model, int b) {
        Options.Target t = model.options().targets().get(model.modelBlocks().get(b).targetName());
        return t != null && t.zeroSum();
    }

    /**
     * The squared residuals of one structure of a {@code zero_sum} per-atom block after projecting the
     * prediction onto a zero sum in real units (what the model's predictions are, {@code TargetTransform}):
     * with d_i = ŷ_i − t̂_i in the normalised units of atom i (scale s_i), the residual is
     * r_i = d_i − m / s_i, m = mean_j s_j d_j (the reference sums to zero, so its mean drops out, and so does
     * the composition baseline); dL/dŷ_k = g (r_k − s_k mean_i r_i / s_i). Returns Σ r²; accumulates the real
     * squared errors into {@code sq[b]} and, when {@code grad} is given, the gradient times {@code g}.
     */
    static double zeroSumResiduals(org.tensorbasis.targets.Normalization nz, int[] species, double[] y, int a0,
                                           double[] t, int w, double[] sq, int b, double[] grad, double g) {
        int na = t.length / w;
        double sum = 0;
        for (int c = 0; c < w; c++) {
            double m = 0;
            for (int i = 0; i < na; i++) m += nz.scale(species[i]) * (y[(a0 + i) * w + c] - t[i * w + c]);
            m /= na;
            double q = 0;
            for (int i = 0; i < na; i++) {
                double sc = nz.scale(species[i]);
                double r = y[(a0 + i) * w + c] - t[i * w + c] - m / sc;
                sum += r * r;
                sq[b] += r * r * sc * sc;
                q += r / sc;
            }
            q /= na;
            if (grad == null) continue;
            for (int i = 0; i < na; i++) {
                double sc = nz.scale(species[i]);
                double r = y[(a0 + i) * w + c] - t[i * w + c] - m / sc;
                grad[(a0 + i) * w + c] = g * (r - sc * q);
            }
        }
        return sum;
    }

    /**
     * Loss and its gradient with respect to the per-atom outputs for a batch after a forward pass;
     * accumulates real-unit squared errors per block. Returns the loss.
     */
    private double lossAndGradient(Run run, int[] which, AtomBatch batch, double[][] grad, double[] sq, long[] count) {
        LambdaMcovModel model = run.model;
        TensorModel net = model.network();
        double loss = 0;
        List<String> names = new ArrayList<>(model.layouts().keySet());
        for (int b = 0; b < net.blocks().size(); b++) {
            TensorModel.Block bl = net.blocks().get(b);
            double weight = hypers.lossWeight(model.modelBlocks().get(b).targetName());
            int w = bl.properties() * bl.dim();
            double scale = model.normalization(b).scale();
            double sum = 0;
            if (bl.perAtom()) {
                double[] y = net.atomOutput(b);
                int nAtoms = batch.atoms();
                double inv = 1.0 / ((double) nAtoms * w);
                if (grad != null) grad[b] = new double[nAtoms * w];
                boolean zeroSum = zeroSum(model, b);
                for (int k = 0; k < which.length; k++) {
                    double[] t = run.targetsNorm[b][which[k]];
                    int a0 = batch.structureStart(k);
                    if (zeroSum) {
                        sum += zeroSumResiduals(model.normalization(b), run.speciesIdx[which[k]], y, a0, t, w, sq, b,
                            grad == null ? null : grad[b], 2 * weight * inv);
                        count[b] += t.length;
                        continue;
                    }
                    for (int j = 0; j < t.length; j++) {
                        double d = y[a0 * w + j] - t[j];
                        sum += d * d;
                        double sc = model.normalization(b).scale(run.speciesIdx[which[k]][j / w]);
                        sq[b] += d * d * sc * sc;
                        if (grad != null) grad[b][a0 * w + j] = 2 * weight * d * inv;
                    }
                    count[b] += t.length;
                }
                loss += weight * sum * inv;
            } else {
                double[] y = net.structureOutput(b);
                double inv = 1.0 / ((double) which.length * w);
                if (grad != null) grad[b] = new double[batch.atoms() * w];
                for (int k = 0; k < which.length; k++) {
                    double[] t = run.targetsNorm[b][which[k]];
                    int a0 = batch.structureStart(k);
                    int a1 = batch.structureStart(k + 1);
                    int na = a1 - a0;
                    for (int j = 0; j < w; j++) {
                        double d = y[k * w + j] / na - t[j];
                        sum += d * d;
                        double real = d * na * scale;
                        sq[b] += real * real;
                        if (grad != null) {
                            double g = 2 * weight * d * inv / na;
                            for (int i = a0; i < a1; i++) grad[b][i * w + j] = g;
                        }
                    }
                    count[b] += w;
                }
                loss += weight * sum * inv;
            }
        }
        return loss;
    }

    private double step(Run run, int[] which, double lr, double[] sq, long[] count) {
        LambdaMcovModel model = run.model;
        AtomBatch batch = batchOf(run, which);
        TensorModel net = model.network();
        net.forward(batch);
        double[][] grad = new double[net.blocks().size()][];
        double loss = lossAndGradient(run, which, batch, grad, sq, count);
        Parameters p = net.parameters();
        p.zeroGrads();
        if (run.mixing != null) {
            // through the power spectrum (dL/dx̂) and the bases (dL/dρ) into the mixing
            net.backward(grad, run.mixing.featureGradient(), run.mixing.expansionGradients());
            Arrays.fill(run.mixGrad, 0.0);
            run.mixing.backward(run.mixGrad);
            run.adam.step(p, lr);
            run.mixAdam.step(run.mixW, run.mixGrad, lr);
            return loss;
        }
        net.backward(grad);
        run.adam.step(p, lr);
        return loss;
    }

    /** Loss over structures [from, to) with the current weights; accumulates squared errors. */
    private double evaluate(Run run, int from, int to, double[] sq, long[] count) {
        double loss = 0;
        long n = 0;
        int bs = 64;
        for (int s = from; s < to; s += bs) {
            int[] which = new int[Math.min(bs, to - s)];
            for (int k = 0; k < which.length; k++) which[k] = s + k;
            AtomBatch batch = batchOf(run, which);
            run.model.network().forward(batch);
            loss += lossAndGradient(run, which, batch, null, sq, count) * which.length;
            n += which.length;
        }
        return loss / Math.max(1, n);
    }

    /**
     * Per block, the largest cancellation factor over structures [from, to): Σ_i Σ_{p,q} |c_ipq| ‖T_iq‖
     * (per structure, or per atom for per-atom blocks) divided by the RMS of ‖y‖ over those rows.
     * Round-off in the invariant coefficients and the equivariant basis reaches the prediction
     * multiplied by this factor, so it bounds how far a model can drift from exact equivariance.
     */
    private double[] amplification(Run run, int from, int to) {
        TensorModel net = run.model.network();
        int nb = net.blocks().size();
        double[] worst = new double[nb];
        double[][] nums = new double[nb][];
        double[][] dens = new double[nb][];
        int[] fill = new int[nb];
        for (int b = 0; b < nb; b++) {
            long rows = 0;
            for (int s = from; s < to; s++) rows += net.blocks().get(b).perAtom() ? run.structures.get(s).size() : 1;
            nums[b] = new double[(int) rows];
            dens[b] = new double[(int) rows];
        }
        forEachChunk(run, from, to, ch -> {
            for (int b = 0; b < nb; b++) {
                TensorModel.Block bl = net.blocks().get(b);
                int nbas = net.basis(b).size();
                int dim = bl.dim();
                int np = bl.properties();
                double[] c = ch.coef[b];
                double[] t = ch.basis[b];
                double[] y = bl.perAtom() ? ch.atomOut[b] : ch.structOut[b];
                for (int k = 0; k < ch.structures(); k++) {
                    int a0 = ch.start[k];
                    int a1 = ch.start[k + 1];
                    double structSum = 0;
                    for (int i = a0; i < a1; i++) {
                        double atomSum = 0;
                        for (int q = 0; q < nbas; q++) {
                            double tn = 0;
                            for (int mu = 0; mu < dim; mu++) tn += t[(i * nbas + q) * dim + mu] * t[(i * nbas + q) * dim + mu];
                            tn = Math.sqrt(tn);
                            for (int p = 0; p < np; p++) atomSum += Math.abs(c[i * np * nbas + p * nbas + q]) * tn;
                        }
                        if (bl.perAtom()) {
                            double yn = 0;
                            for (int j = 0; j < np * dim; j++) yn += y[i * np * dim + j] * y[i * np * dim + j];
                            nums[b][fill[b]] = atomSum;
                            dens[b][fill[b]++] = Math.sqrt(yn);
                        }
                        structSum += atomSum;
                    }
                    if (!bl.perAtom()) {
                        double yn = 0;
                        for (int j = 0; j < np * dim; j++) yn += y[k * np * dim + j] * y[k * np * dim + j];
                        nums[b][fill[b]] = structSum;
                        dens[b][fill[b]++] = Math.sqrt(yn);
                    }
                }
            }
        });
        for (int b = 0; b < nb; b++) {
            double ms = 0;
            for (double d : dens[b]) ms += d * d;
            // relative to the typical size of the block's predictions: rows whose prediction is
            // legitimately near zero (e.g. small antisymmetric parts on most atoms) must not count as
            // huge cancellations
            double rms = Math.max(Math.sqrt(ms / Math.max(1, dens[b].length)), 1e-300);
            for (int r = 0; r < nums[b].length; r++) worst[b] = Math.max(worst[b], nums[b][r] / rms);
        }
        return worst;
    }

    /** RMSE per block and per target (Cartesian components; the decompositions are orthogonal). */
    private static Map<String, Double> rmseMap(LambdaMcovModel model, double[] sq, long[] count) {
        Map<String, Double> out = new LinkedHashMap<>();
        TensorModel net = model.network();
        List<String> names = new ArrayList<>(model.layouts().keySet());
        double[] tsq = new double[names.size()];
        long[] rows = new long[names.size()];
        for (int b = 0; b < net.blocks().size(); b++) {
            out.put(net.blocks().get(b).name(), Math.sqrt(sq[b] / Math.max(1, count[b])));
            int t = model.modelBlocks().get(b).target();
            tsq[t] += sq[b];
            TensorModel.Block bl = net.blocks().get(b);
            if (model.modelBlocks().get(b).inTarget() == 0) rows[t] = count[b] / (bl.properties() * bl.dim());
        }
        for (int t = 0; t < names.size(); t++) {
            int width = model.layouts().get(names.get(t)).width();
            out.put(names.get(t), Math.sqrt(tsq[t] / Math.max(1, rows[t] * width)));
        }
        return out;
    }

    private static String csvHeader(LambdaMcovModel model) {
        StringBuilder sb = new StringBuilder("epoch,train_loss,validation_loss");
        List<String> cols = new ArrayList<>();
        for (TensorModel.Block b : model.network().blocks()) cols.add(b.name());
        cols.addAll(model.layouts().keySet());
        for (String c : cols) sb.append(",train_rmse ").append(c);
        for (String c : cols) sb.append(",validation_rmse ").append(c);
        sb.append(",learning_rate,seconds");
        return sb.toString();
    }

    private static String csvRow(int epoch, double trainLoss, double valLoss, Map<String, Double> tr, Map<String, Double> va, double lr, double secs) {
        StringBuilder sb = new StringBuilder();
        sb.append(epoch).append(',').append(g(trainLoss)).append(',').append(g(valLoss));
        for (double v : tr.values()) sb.append(',').append(g(v));
        for (double v : va.values()) sb.append(',').append(g(v));
        sb.append(',').append(g(lr)).append(',').append(String.format(Locale.ROOT, "%.3f", secs));
        return sb.toString();
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%.8g", v);
    }

    /**
     * Scales every basis element to unit RMS over the training atoms of each species
     * ({@link TensorModel#fitBasisScales}); a resumed run restores the scales with the weights.
     */
    private void fitBasisScales(Run run) {
        TensorModel net = run.model.network();
        LambdaMcovModel.BatchBuffer buf = new LambdaMcovModel.BatchBuffer();
        // batches built one at a time in one buffer (fitBasisScales consumes each before asking for the next)
        Iterable<AtomBatch> batches = () -> new java.util.Iterator<>() {
            int next = 0;

            @Override
            public boolean hasNext() { return next < run.nTrain; }

            @Override
            public AtomBatch next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                int[] which = new int[Math.min(64, run.nTrain - next)];
                for (int k = 0; k < which.length; k++) which[k] = next + k;
                next += which.length;
                return run.model.batch(run.cache, which, run.structures, buf);
            }
        };
        double[][][] rms = net.fitBasisScales(batches, hypers.speciesScalePrior(net.species().length));
        StringBuilder sb = new StringBuilder("basis scaled to unit RMS per element; raw RMS");
        for (int b = 0; b < rms.length; b++) {
            double lo = Double.POSITIVE_INFINITY, hi = 0;
            for (double[] perSpecies : rms[b]) {
                for (double r : perSpecies) {
                    if (r == 0) continue;
                    lo = Math.min(lo, r);
                    hi = Math.max(hi, r);
                }
            }
            if (hi > 0) sb.append(String.format(Locale.ROOT, " %s %.1e..%.1e", net.blocks().get(b).name(), lo, hi));
        }
        listener.message(sb.toString());
    }

    private static double sum(double[] a) {
        double t = 0;
        for (double v : a) t += v;
        return t;
    }

    /**
     * Squared validation errors (real units) per block and centre species: for per-atom blocks each
     * atom's error goes to its species, for per-structure blocks everything goes to species 0.
     */
    private double[][] validationSquares(Run run) {
        TensorModel net = run.model.network();
        int nb = net.blocks().size();
        int ns = run.model.species().length;
        double[][] sq = new double[nb][ns];
        forEachChunk(run, run.nTrain, run.nTrain + run.nVal, c -> {
            for (int b = 0; b < nb; b++) {
                TensorModel.Block bl = net.blocks().get(b);
                int w = bl.properties() * bl.dim();
                Normalization nz = run.model.normalization(b);
                double scale = nz.scale();
                for (int k = 0; k < c.structures(); k++) {
                    double[] t = run.targetsNorm[b][c.which[k]];
                    int a0 = c.start[k];
                    int na = c.start[k + 1] - a0;
                    if (bl.perAtom()) {
                        double[] y = c.atomOut[b];
                        for (int j = 0; j < t.length; j++) {
                            int sp = run.model.speciesIndex(c.numbers[a0 + j / w]);
                            double d = (y[a0 * w + j] - t[j]) * nz.scale(sp);
                            sq[b][sp] += d * d;
                        }
                    } else {
                        double[] y = c.structOut[b];
                        for (int j = 0; j < w; j++) {
                            double d = (y[k * w + j] / na - t[j]) * na * scale;
                            sq[b][0] += d * d;
                        }
                    }
                }
            }
        });
        return sq;
    }

    /**
     * Chunks of up to 64 consecutive structures of [from, to), in order: from the head refit's captured hidden rows and
     * basis values while it holds them (only the heads change between its ridges), else by a forward pass.
     */
    private static void forEachChunk(Run run, int from, int to, java.util.function.Consumer<RefitScores.Chunk> body) {
        TensorModel net = run.model.network();
        int bs = 64;
        for (int s = from; s < to; s += bs) {
            int e = Math.min(to, s + bs);
            if (run.scores != null && e <= run.scores.count()) {
                body.accept(run.scores.chunk(net, s, e));
                continue;
            }
            int[] which = new int[e - s];
            for (int k = 0; k < which.length; k++) which[k] = s + k;
            AtomBatch batch = run.model.batch(run.cache, which, run.structures, run.buffer);
            net.forward(batch);
            body.accept(RefitScores.Chunk.of(net, batch, which));
        }
    }

    /** The normal equations of every block's heads over the structures [0, count) with the current network. */
    private static HeadRefinement.Normal[] normalEquations(Run run, int count) {
        return normalEquations(run, count, null);
    }

    /** As {@link #normalEquations(Run, int)}, capturing the hidden rows and basis values into {@code scores} (or null). */
    private static HeadRefinement.Normal[] normalEquations(Run run, int count, RefitScores scores) {
        TensorModel net = run.model.network();
        int nb = net.blocks().size();
        // the design rows of every system are known in advance: systems with fewer rows than unknowns take the dual form
        int[][] speciesOfAtoms = new int[count][];
        for (int s = 0; s < count; s++) {
            Structure st = run.structures.get(s);
            speciesOfAtoms[s] = new int[st.size()];
            for (int i = 0; i < st.size(); i++) speciesOfAtoms[s][i] = run.model.speciesIndex(st.number(i));
        }
        HeadRefinement.Normal[] normals = new HeadRefinement.Normal[nb];
        for (int b = 0; b < nb; b++) normals[b] = HeadRefinement.newNormal(net, b, speciesOfAtoms);
        accumulate(run, normals, 0, count, scores);
        return normals;
    }

    /** Adds the design rows of structures [from, to) to the systems (primal systems: also to ones already flushed) and flushes them. */
    private static void accumulate(Run run, HeadRefinement.Normal[] normals, int from, int to) {
        accumulate(run, normals, from, to, null);
    }

    /** As {@link #accumulate(Run, HeadRefinement.Normal[], int, int)}, capturing into {@code scores} (or null). */
    private static void accumulate(Run run, HeadRefinement.Normal[] normals, int from, int to, RefitScores scores) {
        TensorModel net = run.model.network();
        int width = net.scalarNetworks().width();
        int bs = 64;
        for (int s = from; s < to; s += bs) {
            int[] which = new int[Math.min(bs, to - s)];
            for (int k = 0; k < which.length; k++) which[k] = s + k;
            AtomBatch batch = run.model.batch(run.cache, which, run.structures, run.buffer);
            net.forward(batch);
            int[] sidx = new int[batch.atoms()];
            for (int i = 0; i < sidx.length; i++) sidx[i] = run.model.speciesIndex(batch.numbers()[i]);
            double[] hidden = new double[batch.atoms() * width];
            if (scores != null) scores.capture(net, batch, which, hidden);
            HeadRefinement.accumulate(net, batch, which, run.targetsNorm, sidx, normals, hidden);
        }
        for (HeadRefinement.Normal nm : normals) nm.flushAll();
    }

    /**
     * training.refit_validation: the heads solved again on the training and validation structures together, each
     * (block, species) with the ridge the validation chose for it; heads the validation kept from SGD stay. A
     * block whose new heads would exceed the cancellation bound keeps its training-only refit.
     *
     * @return the number of blocks refit
     */
    private int refitWithValidation(Run run, double[][] ridgeOf, double[] chosen, HeadRefinement.Normal[] training) {
        TensorModel net = run.model.network();
        Parameters p = net.parameters();
        int nb = net.blocks().size();
        boolean shared = net.scalarNetworks().isShared();
        int heads = shared ? 1 : run.model.species().length;
        boolean primal = true;
        for (HeadRefinement.Normal nm : training) for (boolean d : nm.dual) primal &= !d;
        HeadRefinement.Normal[] normals;
        if (primal) {
            // normal equations are sums over rows: the validation rows are added to the training systems (one pass over
            // the validation structures instead of a second pass over all); a dual system's size is its row count
            normals = training;
            accumulate(run, normals, run.nTrain, run.nTrain + run.nVal);
        } else {
            Arrays.fill(training, null); // released before the larger ones are formed (the memory estimate holds one set)
            normals = normalEquations(run, run.nTrain + run.nVal);
        }
        double[] all = chosen.clone();
        for (int b = 0; b < nb; b++) {
            boolean perHead = net.blocks().get(b).perAtom() && !shared;
            for (double ridge : HeadRefinement.RIDGES) {
                boolean used = false;
                for (double r : ridgeOf[b]) used |= r == ridge;
                if (!used) continue;
                double[] vals = chosen.clone();
                HeadRefinement.solve(net, b, normals[b], HeadRefinement.factor(normals[b], ridge), vals);
                for (int s = 0; s < heads; s++) {
                    if (perHead ? ridgeOf[b][s] != ridge : false) continue;
                    Parameters.Block w = net.scalarNetworks().headLinear(b, s).weight();
                    System.arraycopy(vals, w.offset(), all, w.offset(), w.size());
                }
            }
        }
        p.restore(all);
        double[] amp = amplification(run, 0, run.nTrain + run.nVal);
        int refit = 0;
        for (int b = 0; b < nb; b++) {
            boolean any = false;
            for (double r : ridgeOf[b]) any |= !Double.isNaN(r);
            if (!any) continue;
            if (amp[b] > HeadRefinement.MAX_AMPLIFICATION) {
                for (int s = 0; s < heads; s++) {
                    Parameters.Block w = net.scalarNetworks().headLinear(b, s).weight();
                    System.arraycopy(chosen, w.offset(), all, w.offset(), w.size());
                }
            } else {
                refit++;
            }
        }
        p.restore(all);
        System.arraycopy(all, 0, chosen, 0, all.length);
        return refit;
    }

    /** Refits the heads of every block exactly on the training set (see {@link HeadRefinement}). */
    private void refineHeads(Run run) {
        long t0 = System.nanoTime();
        // can take minutes for wide networks: say so, so that a quiet terminal is not taken for a hang
        listener.message(String.format(Locale.ROOT, "head refinement: %d blocks on %d training structures, %d ridges to try...",
            run.model.network().blocks().size(), run.nTrain, HeadRefinement.RIDGES.length));
        TensorModel net = run.model.network();
        Parameters p = net.parameters();
        int nb = net.blocks().size();
        // the heads are all that changes from here on: the hidden rows and basis values of training + validation are
        // captured once (training while the normal equations are formed), and every ridge is scored from them
        int[][] zs = new int[run.nTrain + run.nVal][];
        for (int s = 0; s < zs.length; s++) zs[s] = run.structures.get(s).numbers();
        RefitScores scores = new RefitScores(net, zs, run.model::speciesIndex);
        HeadRefinement.Normal[] normals = normalEquations(run, run.nTrain, scores);
        captureValidation(run, scores);
        run.scores = scores;
        StringBuilder sys = new StringBuilder();
        for (int b = 0; b < nb; b++) {
            HeadRefinement.Normal nm = normals[b];
            sys.append(b == 0 ? "" : ", ").append(net.blocks().get(b).name()).append(' ');
            for (int k = 0; k < nm.dual.length; k++) {
                sys.append(k == 0 ? "" : "/").append(nm.order(k)).append(nm.dual[k] ? " dual" : "");
            }
        }
        long tAcc = System.nanoTime();
        listener.message(String.format(Locale.ROOT, "head refinement: normal equations in %.2f s (systems of order %s; BLAS: %s)",
            (tAcc - t0) * 1e-9, sys, Gemm.blasName()));
        double[] original = p.snapshot();
        double[] chosen = original.clone();
        int ns = run.model.species().length;
        // the shared scalar network has one head per block for all species
        boolean shared = net.scalarNetworks().isShared();
        int heads = shared ? 1 : ns;
        // validation squared error per block and centre species: a per-atom block's heads are
        // independent per species, so each species keeps its own ridge (or its SGD heads); a
        // per-structure block couples the species through the sums, and a shared head serves every
        // species: those are chosen as a whole
        double[][] bestSq = validationSquares(run);
        double[][] before = new double[nb][];
        for (int b = 0; b < nb; b++) before[b] = bestSq[b].clone();
        double[][] ridgeOf = new double[nb][ns];
        for (double[] r : ridgeOf) Arrays.fill(r, Double.NaN);
        double solveSeconds = 0;
        double scoreSeconds = 0;
        // the ridges' factorisations are independent: a window of them is factored and solved in parallel (one BLAS
        // thread each), then scored one by one in the grid's order, so the choice is the same as one at a time
        double[] grid = HeadRefinement.RIDGES;
        int window = HeadRefinement.parallelRidges(net.hypers().threads());
        double[][] solved = new double[grid.length][];
        double windowShare = 0; // a ridge's share of its window's wall time
        for (int ri = 0; ri < grid.length; ri++) {
            double ridge = grid[ri];
            long r0 = System.nanoTime();
            if (ri % window == 0) {
                int from = ri, to = Math.min(grid.length, ri + window);
                // at most `window` (≤ threads) tasks: the common pool runs them as the network's chunks are run
                java.util.stream.IntStream.range(from, to).parallel().forEach(k -> {
                    double[] v = original.clone();
                    for (int b = 0; b < nb; b++) HeadRefinement.solve(net, b, normals[b], HeadRefinement.factor(normals[b], grid[k]), v);
                    solved[k] = v;
                });
                windowShare = (System.nanoTime() - r0) * 1e-9 / (to - from);
                r0 = System.nanoTime();
            }
            double[] vals = solved[ri];
            solved[ri] = null;
            p.restore(vals);
            long r1 = System.nanoTime();
            double[][] sq = validationSquares(run);
            // the cancellation factor (a pass over every structure) only matters for a block this ridge would improve
            boolean improves = false;
            for (int b = 0; b < nb && !improves; b++) {
                if (net.blocks().get(b).perAtom() && !shared) {
                    for (int s = 0; s < ns; s++) improves |= sq[b][s] < bestSq[b][s];
                } else {
                    improves = sum(sq[b]) < sum(bestSq[b]);
                }
            }
            double[] amp = improves ? amplification(run, 0, run.nTrain + run.nVal) : null;
            long r2 = System.nanoTime();
            // a ridge's share of its window's wall time, plus its own restore
            double solveRidge = windowShare + (r1 - r0) * 1e-9;
            solveSeconds += solveRidge;
            scoreSeconds += (r2 - r1) * 1e-9;
            listener.message(String.format(Locale.ROOT, "head refinement: ridge %.0e factored and solved in %.2f s%s, scored in %.2f s",
                ridge, solveRidge, window > 1 ? " (" + window + " ridges at a time)" : "", (r2 - r1) * 1e-9));
            for (int b = 0; amp != null && b < nb; b++) {
                if (amp[b] > HeadRefinement.MAX_AMPLIFICATION) continue;
                if (net.blocks().get(b).perAtom() && !shared) {
                    for (int s = 0; s < ns; s++) {
                        if (sq[b][s] < bestSq[b][s]) {
                            bestSq[b][s] = sq[b][s];
                            ridgeOf[b][s] = ridge;
                            Parameters.Block w = net.scalarNetworks().headLinear(b, s).weight();
                            System.arraycopy(vals, w.offset(), chosen, w.offset(), w.size());
                        }
                    }
                } else if (sum(sq[b]) < sum(bestSq[b])) {
                    bestSq[b] = sq[b];
                    Arrays.fill(ridgeOf[b], ridge);
                    for (int s = 0; s < heads; s++) {
                        Parameters.Block w = net.scalarNetworks().headLinear(b, s).weight();
                        System.arraycopy(vals, w.offset(), chosen, w.offset(), w.size());
                    }
                }
            }
        }
        p.restore(chosen);
        double[] ampChosen = amplification(run, 0, run.nTrain + run.nVal);
        for (int b = 0; b < nb; b++) {
            // species chosen separately could in principle combine into a larger factor: then keep SGD heads
            if (ampChosen[b] > HeadRefinement.MAX_AMPLIFICATION) {
                for (int s = 0; s < heads; s++) {
                    Parameters.Block w = net.scalarNetworks().headLinear(b, s).weight();
                    System.arraycopy(original, w.offset(), chosen, w.offset(), w.size());
                }
                Arrays.fill(ridgeOf[b], Double.NaN);
                bestSq[b] = before[b];
            }
        }
        p.restore(chosen);
        long[] count = new long[nb];
        evaluate(run, run.nTrain, run.nTrain + run.nVal, new double[nb], count);
        String withValidation = "";
        double validationSeconds = 0;
        if (hypers.training().refitValidation() && run.nVal > 0) {
            long tv = System.nanoTime();
            int refit = refitWithValidation(run, ridgeOf, chosen, normals);
            validationSeconds = (System.nanoTime() - tv) * 1e-9;
            withValidation = String.format(Locale.ROOT, "; then %d of %d blocks refit on the %d training + %d validation structures with those ridges"
                + " in %.2f s (refit_validation: the validation metrics below are no longer out of sample)", refit, nb, run.nTrain, run.nVal,
                (System.nanoTime() - tv) * 1e-9);
        }
        ampChosen = amplification(run, 0, run.nTrain + run.nVal);
        StringBuilder sb = new StringBuilder("head refinement (validation RMSE before -> after):");
        for (int b = 0; b < nb; b++) {
            TensorModel.Block bl = net.blocks().get(b);
            sb.append(String.format(Locale.ROOT, " %s %.4g -> %.4g", bl.name(), Math.sqrt(sum(before[b]) / Math.max(1, count[b])),
                Math.sqrt(sum(bestSq[b]) / Math.max(1, count[b]))));
            if (bl.perAtom() && ns > 1 && !shared) {
                StringBuilder per = new StringBuilder();
                for (int s = 0; s < ns; s++) {
                    per.append(s == 0 ? "" : ", ").append(Elements.symbol(run.model.species()[s])).append(' ')
                        .append(Double.isNaN(ridgeOf[b][s]) ? "kept" : String.format(Locale.ROOT, "%.0e", ridgeOf[b][s]));
                }
                sb.append(" (ridge ").append(per).append(')');
            } else {
                sb.append(Double.isNaN(ridgeOf[b][0]) ? " (kept)" : String.format(Locale.ROOT, " (ridge %.0e)", ridgeOf[b][0]));
            }
        }
        sb.append(String.format(Locale.ROOT, "; largest cancellation factor %.3g; %.2f s (normal equations %.2f, factor and solve %.2f, scoring %.2f)",
            Arrays.stream(ampChosen).max().orElse(0), (System.nanoTime() - t0) * 1e-9, (tAcc - t0) * 1e-9, solveSeconds, scoreSeconds));
        sb.append(withValidation);
        listener.message(sb.toString());
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("total", (System.nanoTime() - t0) * 1e-9);
        phases.put("normal_equations", (tAcc - t0) * 1e-9);
        phases.put("factor_and_solve", solveSeconds);
        phases.put("scoring", scoreSeconds);
        phases.put("refit_validation", validationSeconds);
        listener.timing("refit", phases);
        run.scores = null;
    }

    /** Captures the hidden rows and basis values of the validation structures into {@code scores} (one forward pass). */
    private static void captureValidation(Run run, RefitScores scores) {
        TensorModel net = run.model.network();
        double[] hidden = new double[0];
        for (int s = run.nTrain; s < run.nTrain + run.nVal; s += 64) {
            int[] which = new int[Math.min(64, run.nTrain + run.nVal - s)];
            for (int k = 0; k < which.length; k++) which[k] = s + k;
            AtomBatch batch = run.model.batch(run.cache, which, run.structures, run.buffer);
            net.forward(batch);
            int need = batch.atoms() * net.scalarNetworks().width();
            if (hidden.length < need) hidden = new double[need];
            scores.capture(net, batch, which, hidden);
        }
    }

    // ------------------------------------------------------------------ checkpoints

    private void checkpoint(Run run, Path path) throws IOException {
        LambdaMcovModel m = run.model;
        Map<String, String> meta = m.metadata();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("epoch", run.epoch);
        state.put("next_batch", run.nextBatch);
        state.put("step", run.step);
        state.put("adam_t", run.adam.stepCount());
        state.put("best_loss", Double.isFinite(run.bestLoss) ? run.bestLoss : null);
        state.put("best_epoch", run.bestEpoch);
        state.put("plateau_lr", run.plateau.lr());
        state.put("plateau_best", Double.isFinite(run.plateau.best()) ? run.plateau.best() : null);
        state.put("plateau_bad_epochs", run.plateau.badEpochs());
        state.put("train_loss_sum", run.trainLoss);
        state.put("train_loss_batches", run.trainLossBatches);
        state.put("train_sq", run.trainSq == null ? new double[0] : run.trainSq);
        List<Object> counts = new ArrayList<>();
        if (run.trainCount != null) for (long c : run.trainCount) counts.add(c);
        state.put("train_count", counts);
        state.put("csv", run.csv.toString());
        state.put("threads", options.effectiveThreads());
        meta.put("kind", "checkpoint");
        meta.put("checkpoint", Json.write(state));
        Map<String, ModelFile.Tensor> tensors = new LinkedHashMap<>(m.tensors(m.network().parameters().values()));
        for (Map.Entry<String, ModelFile.Tensor> e : m.tensors(run.best).entrySet()) tensors.put("best/" + e.getKey(), e.getValue());
        for (Map.Entry<String, ModelFile.Tensor> e : m.tensors(run.adam.firstMoment()).entrySet()) tensors.put("adam_m/" + e.getKey(), e.getValue());
        for (Map.Entry<String, ModelFile.Tensor> e : m.tensors(run.adam.secondMoment()).entrySet()) tensors.put("adam_v/" + e.getKey(), e.getValue());
        if (run.mixing != null) {
            // trained mixing: the current and best W and W's Adam state (the model's own mixing tensor is the start)
            state.put("mixing_adam_t", run.mixAdam.stepCount());
            meta.put("checkpoint", Json.write(state));
            tensors.put(MIXING_NOW, mixingTensor(run.mixW, m));
            tensors.put(MIXING_BEST, mixingTensor(run.bestMix, m));
            tensors.put(MIXING_ADAM_M, mixingTensor(run.mixAdam.firstMoment(), m));
            tensors.put(MIXING_ADAM_V, mixingTensor(run.mixAdam.secondMoment(), m));
        }
        ModelFile.write(path, meta, tensors);
    }

    private static final String MIXING_NOW = "trained_mixing/current", MIXING_BEST = "trained_mixing/best",
        MIXING_ADAM_M = "trained_mixing/adam_m", MIXING_ADAM_V = "trained_mixing/adam_v";

    private static ModelFile.Tensor mixingTensor(double[] w, LambdaMcovModel m) {
        return new ModelFile.Tensor(new long[] {m.species().length, w.length / m.species().length}, w.clone());
    }

    /** A trained-mixing array of the checkpoint, checked against the run's W. */
    private static double[] mixingArray(ModelFile.Contents c, String key, int length, String name) {
        ModelFile.Tensor t = c.tensors().get(key);
        if (t == null) {
            throw BadInputException.atField(name, key, "missing: the checkpoint holds no trained species mixing (written by an older version?); train again");
        }
        if (t.data().length != length) {
            throw BadInputException.atField(name, key, "has " + t.data().length + " entries, the run's mixing has " + length);
        }
        for (double x : t.data()) if (!Double.isFinite(x)) throw BadInputException.atField(name, key, "holds a non-finite value");
        return t.data().clone();
    }

    private void restore(Run run, Path path, String optionsHash, String dataHash) {
        ModelFile.Contents c = ModelFile.read(path);
        String name = path.toString();
        String st = c.metadata().get("checkpoint");
        if (st == null) throw BadInputException.inFile(name, "not a checkpoint (a model file?)");
        Map<?, ?> prov;
        try {
            prov = (Map<?, ?>) Json.parse(c.metadata().get("provenance"));
        } catch (RuntimeException e) {
            throw BadInputException.atField(name, "provenance", "unreadable");
        }
        if (!optionsHash.equals(prov.get("options_sha256"))) {
            throw BadInputException.atField(name, "options", "the checkpoint was written with different options; resume with the same options file");
        }
        if (!dataHash.equals(prov.get("training_set_sha256"))) {
            throw BadInputException.atField(name, "training_set", "the checkpoint was written for a different training file");
        }
        Map<?, ?> s = (Map<?, ?>) Json.parse(st);
        LambdaMcovModel m = run.model;
        Parameters p = m.network().parameters();
        m.loadValues(c.tensors(), name, p.values());
        double[] best = new double[p.size()];
        m.loadValues(c.tensors(), name, best, "best/", true);
        double[] am = new double[p.size()];
        double[] av = new double[p.size()];
        m.loadValues(c.tensors(), name, am, "adam_m/", true);
        m.loadValues(c.tensors(), name, av, "adam_v/", true);
        run.adam.restore(am, av, ((Number) s.get("adam_t")).longValue());
        run.best = best;
        run.epoch = ((Number) s.get("epoch")).intValue();
        run.nextBatch = ((Number) s.get("next_batch")).intValue();
        run.step = ((Number) s.get("step")).longValue();
        run.bestLoss = s.get("best_loss") == null ? Double.POSITIVE_INFINITY : ((Number) s.get("best_loss")).doubleValue();
        run.bestEpoch = ((Number) s.get("best_epoch")).intValue();
        run.plateau.restore(((Number) s.get("plateau_lr")).doubleValue(),
            s.get("plateau_best") == null ? Double.POSITIVE_INFINITY : ((Number) s.get("plateau_best")).doubleValue(),
            ((Number) s.get("plateau_bad_epochs")).intValue());
        run.trainLoss = ((Number) s.get("train_loss_sum")).doubleValue();
        run.trainLossBatches = ((Number) s.get("train_loss_batches")).longValue();
        List<?> sq = (List<?>) s.get("train_sq");
        List<?> cnt = (List<?>) s.get("train_count");
        int nb = m.network().blocks().size();
        run.trainSq = new double[nb];
        run.trainCount = new long[nb];
        if (sq.size() == nb) for (int b = 0; b < nb; b++) run.trainSq[b] = ((Number) sq.get(b)).doubleValue();
        if (cnt.size() == nb) for (int b = 0; b < nb; b++) run.trainCount[b] = ((Number) cnt.get(b)).longValue();
        run.csv = new StringBuilder((String) s.get("csv"));
        if (run.mixing != null) {
            int n = run.mixW.length;
            run.mixW = mixingArray(c, MIXING_NOW, n, name);
            run.bestMix = mixingArray(c, MIXING_BEST, n, name);
            Object t = s.get("mixing_adam_t");
            if (!(t instanceof Number)) throw BadInputException.atField(name, "checkpoint.mixing_adam_t", "missing");
            run.mixAdam.restore(mixingArray(c, MIXING_ADAM_M, n, name), mixingArray(c, MIXING_ADAM_V, n, name), ((Number) t).longValue());
        }
        // the chunked reductions depend on the thread count: with "threads: 0" a resume on another
        // machine passes the options check but cannot end bit-identical to the uninterrupted run
        Object written = s.get("threads");
        if (written instanceof Number w && w.intValue() != options.effectiveThreads()) {
            listener.message("warning: the checkpoint was written with " + w.intValue() + " threads, this run uses "
                + options.effectiveThreads() + ": the result will differ from an uninterrupted run at the rounding level"
                + " (set 'threads' in the options for bit-identical resumes)");
        }
        listener.message("resuming from " + name + " at epoch " + (run.epoch + 1) + ", batch " + run.nextBatch);
    }
}
