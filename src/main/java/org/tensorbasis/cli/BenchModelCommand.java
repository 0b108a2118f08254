package org.tensorbasis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.lambdamcov.CommitteeModel;
import org.tensorbasis.lambdamcov.LambdaMcovModel;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.bench.BenchTimer;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.CacheBatches;
import org.tensorbasis.model.TensorModel;
import org.tensorbasis.structure.Structure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorbasis bench model FILE}: inference throughput (atoms/s) of the model alone — scalar
 * networks, tensor bases and their contraction, per-structure sums — on cached features (computed once,
 * not timed) at the default hyper-parameters: SOAP defaults, 2 × 32 network, λ correction on, blocks
 * λ = 0 and λ = 2 (one property each, per structure), random weights. Batches are assembled from the
 * cache inside the timed loop, as prediction does.
 *
 * <p>{@code --options OPTS} builds the same demo model at a λ-MCoV options file's settings;
 * {@code --model MODEL.tbm} times a trained λ-MCoV model (a committee: every member) instead:
 * {@link LambdaMcovModel#predict(FeatureCache, List, int[])} on the model's own cached features — batch
 * assembly, forward, de-normalisation into predictions — descriptors excluded.
 */
@Command(name = "model", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Benchmark model inference on cached features (descriptors computed once, untimed); the last line is one JSON object.",
        "Default: a demo model (blocks L0 and L2, random weights) at the default settings; --options OPTS: the demo model at a "
            + "lambda_mcov options file's model.soap and model.bpnn settings; --model MODEL.tbm: a trained lambda_mcov model "
            + "(committees: every member, the mean not timed) on its own descriptor settings — batch assembly, forward and "
            + "de-normalisation into predictions, in prediction batches of up to " + LambdaMcovModel.PREDICT_BATCH + " structures."})
public final class BenchModelCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    BenchOptions.Input input;

    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(3, 7);

    @Option(names = "--passes", description = "passes over the whole set per run (default: ${DEFAULT-VALUE})")
    int passes = 20;

    @Option(names = "--batch-size", description = "structures per batch (default: 0 = the batches of prediction: 64, fewer below 512 "
        + "structures so that there are at least 8; not with --model)")
    int batchSize = 0;

    @Option(names = "--options", paramLabel = "OPTIONS", description = "a lambda_mcov options.yaml: build the demo model at its "
        + "model.soap settings and model.bpnn width and depth (λ correction, pseudotensor basis, scalar networks too)")
    Path optionsFile;

    @Option(names = "--precision", defaultValue = "float64", paramLabel = "P", description = "float64, or float32 (the power spectrum and "
        + "the first network layer in float32, as eval --precision float32; default: ${DEFAULT-VALUE})")
    String precisionName;

    @Option(names = "--model", paramLabel = "MODEL", description = "a trained lambda_mcov model file (.tbm, committees too): time its "
        + "forward on its own cached features instead of the demo model's")
    Path modelFile;

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter out = spec.commandLine().getOut();
        final boolean f32 = org.tensorbasis.architecture.Precision.of(precisionName, "--precision") == org.tensorbasis.architecture.Precision.FLOAT32;
        if (modelFile != null) return trainedModel(out, f32);
        if (batchSize < 0) throw BadInputException.field("--batch-size", "must be >= 0 (0 = the batches of prediction), got " + batchSize);
        Setup s = Setup.of(input, runs, "--passes", passes, Math.max(1, batchSize), optionsFile);
        final int threads = s.threads, warmup = runs.warmup(), repetitions = runs.repetitions();
        final int size = batchSize == 0 ? LambdaMcovModel.predictBatch(s.structures.size()) : batchSize;
        int[][] batches = s.batches(size);
        TensorModel m = s.model;
        // float32: the power spectrum stored in float32 (normalised, as prediction stores it), read in place
        FeatureCache cache = f32 ? s.float32Cache() : s.cache;
        // data-parallel inference: one single-threaded replica per thread, batches dealt round-robin
        int nrep = Math.max(1, Math.min(threads, batches.length));
        TensorModel[] replicas = new TensorModel[nrep];
        CacheBatches.Buffer[] bufs = new CacheBatches.Buffer[nrep];
        for (int k = 0; k < nrep; k++) {
            replicas[k] = m.predictionReplica(1, f32); // as prediction: weights fixed, their products formed once
            bufs[k] = new CacheBatches.Buffer();
        }
        Runnable work = s.cpuTimed(() -> java.util.stream.IntStream.range(0, nrep).parallel().forEach(k -> {
            for (int p = 0; p < passes; p++) {
                for (int bi = k; bi < batches.length; bi += nrep) replicas[k].forward(s.batch(cache, batches[bi], bufs[k]));
            }
        }));
        BenchTimer.Result r = s.inPool(() -> BenchTimer.run("model", warmup, repetitions, s.atoms * passes, threads, work));
        s.describe(out);
        s.printCpu(out, repetitions, s.atoms * passes, "us/atom");
        out.printf(Locale.ROOT, "forward (%s), batches of %d structures: median %.1f atoms/s = %.3f us/atom (min %.1f, max %.1f atoms/s), %d threads%n",
            f32 ? "float32" : "float64", size, r.median(), 1e6 / r.median(), r.min(), r.max(), threads);
        out.println(r.json("atoms_per_s"));
        out.flush();
        return 0;
    }

    /** {@code --model}: every λ-MCoV model of the file, each on its own cached features. */
    private Integer trainedModel(java.io.PrintWriter out, boolean f32) throws Exception {
        input.check();
        runs.check();
        if (optionsFile != null) throw BadInputException.field("--options", "not with --model (the model file holds its own settings)");
        if (batchSize != 0) throw BadInputException.field("--batch-size", "not with --model (prediction batches are up to " + LambdaMcovModel.PREDICT_BATCH + " structures)");
        if (passes < 1) throw BadInputException.field("--passes", "must be >= 1, got " + passes);
        if (!java.nio.file.Files.isRegularFile(modelFile)) throw BadInputException.inFile(modelFile.toString(), "model file: no such file");
        final int threads = input.threads, warmup = runs.warmup(), repetitions = runs.repetitions();
        TrainedModel loaded = Architectures.load(modelFile, threads);
        List<LambdaMcovModel> members = CommitteeModel.lambdaMcovModels(loaded);
        if (members == null) {
            throw BadInputException.atField(modelFile.toString(), "architecture", "is " + loaded.architecture()
                + "; bench model --model times lambda_mcov models (for any model, bench eval MODEL FILE times prediction end to end)");
        }
        BenchOptions.Data data = input.read(loaded.options().hypers().cutoff());
        List<Structure> structures = data.structures();
        List<Sample> samples = new ArrayList<>(structures.size());
        for (int k = 0; k < structures.size(); k++) samples.add(new Sample(structures.get(k), input.file.toString(), k));
        loaded.checkInput(samples);
        FeatureCache[] caches = new FeatureCache[members.size()];
        for (int m = 0; m < caches.length; m++) {
            caches[m] = members.get(m).features(structures, threads, f32 ? FeatureCache.Storage.FLOAT32_POWER_SPECTRUM : FeatureCache.Storage.FLOAT64);
        }
        long atoms = data.atoms();
        Runnable work = () -> {
            for (int p = 0; p < passes; p++) {
                for (int m = 0; m < caches.length; m++) members.get(m).predict(caches[m], structures, null);
            }
        };
        ForkJoinPool pool = new ForkJoinPool(threads); // bounds the members' data-parallel prediction
        BenchTimer.Result r;
        try {
            r = pool.submit(() -> BenchTimer.run("model", warmup, repetitions, atoms * passes, threads, work)).join();
        } finally {
            pool.shutdown();
        }
        LambdaMcovModel first = members.get(0);
        out.printf(Locale.ROOT, "%s: %d structures, %d atoms; %s%n", input.file.getFileName(), structures.size(), atoms, first.descriptorSettings());
        out.printf(Locale.ROOT, "model %s: %s; %d features, %d x %d network, %d parameters%s%n", modelFile.getFileName(), loaded.describe(),
            first.expansion().powerSpectrumSize(), first.network().hypers().depth(), first.network().hypers().width(),
            first.network().parameters().size(), members.size() > 1 ? " per member" : "");
        out.printf(Locale.ROOT, "prediction on cached features (%d member%s, batches of %d structures, %s): median %.1f atoms/s = %.3f us/atom "
                + "(min %.1f, max %.1f atoms/s), %d threads%n", members.size(), members.size() > 1 ? "s" : "", LambdaMcovModel.predictBatch(structures.size()),
            f32 ? "float32" : "float64",
            r.median(), 1e6 / r.median(), r.min(), r.max(), threads);
        out.println(r.json("atoms_per_s"));
        out.flush();
        return 0;
    }

    /** What both model benchmarks share: structures, cached features, the model. */
    static final class Setup {
        final Path file;
        final List<Structure> structures;
        final SphericalExpansion calc;
        final FeatureCache cache;
        final TensorModel model;
        final long atoms;
        final int threads;
        final int[] orders;
        final int[] kPerL;

        private Setup(Path file, List<Structure> structures, SphericalExpansion calc, FeatureCache cache, TensorModel model,
                      long atoms, int threads) {
            this.file = file;
            this.structures = structures;
            this.calc = calc;
            this.cache = cache;
            this.model = model;
            this.atoms = atoms;
            this.threads = threads;
            this.orders = model.expansionOrders();
            this.kPerL = model.kPerL();
        }

        /** Checks the shared options and the two of the model benchmarks, reads FILE, computes its features. */
        static Setup of(BenchOptions.Input input, BenchOptions runs, String passesOption, int passes, int batchSize) throws Exception {
            return of(input, runs, passesOption, passes, batchSize, null);
        }

        /**
         * As above; with {@code optionsFile} (a λ-MCoV options file, or null for the defaults) the demo model is
         * built at its {@code model.soap} settings, {@code model.bpnn} width and depth, λ correction, pseudotensor
         * basis and scalar networks (blocks L0 and L2 and random weights as always).
         */
        static Setup of(BenchOptions.Input input, BenchOptions runs, String passesOption, int passes, int batchSize,
                        Path optionsFile) throws Exception {
            input.check();
            runs.check();
            if (passes < 1) throw BadInputException.field(passesOption, "must be >= 1, got " + passes);
            if (batchSize < 1) throw BadInputException.field("--batch-size", "must be >= 1, got " + batchSize);
            final Path file = input.file;
            final int threads = input.threads;
            org.tensorbasis.lambdamcov.LambdaMcovOptions.ModelOptions mo = optionsFile == null ? null : BenchOptions.lambdaMcovModel(optionsFile);
            BenchOptions.Data data = mo == null ? input.read() : input.read(mo.cutoff());
            List<Structure> structures = data.structures();
            long atoms = data.atoms();
            int[] species = data.species();
            boolean lambdaCorrection = mo == null || mo.addLambdaBasis();
            PseudoMode pseudo = mo == null ? PseudoMode.PSEUDOSCALAR : mo.pseudotensorBasis();
            TensorModel.Hypers hypers = new TensorModel.Hypers(32, 2, threads);
            SphericalExpansion calc;
            if (mo == null) {
                calc = new SphericalExpansion(DescriptorSettings.defaults(species));
            } else {
                if (mo.maxAngular() < 1) {
                    throw BadInputException.atField(optionsFile.toString(), "model.soap.max_angular", "must be >= 1 (the benchmark's L2 block needs l = 1)");
                }
                DescriptorSettings settings = new DescriptorSettings(mo.cutoff(), mo.cutoffWidth(), mo.maxRadial(), mo.maxAngular(), species,
                    mo.powerSpectrum(), null);
                // the λ correction of the L2 block needs the l = 2 expansion (as LambdaMcovModel.Design does)
                calc = new SphericalExpansion(settings, lambdaCorrection ? Math.max(2, mo.maxAngular()) : mo.maxAngular());
                org.tensorbasis.model.ScalarNetworks.Mode sn = mo.scalarNetworkFor(species.length);
                hypers = new TensorModel.Hypers(mo.width(), mo.depth(), threads, sn,
                    sn == org.tensorbasis.model.ScalarNetworks.Mode.SHARED ? mo.elementEmbedding() : 0);
            }
            int[] kPerL = new int[calc.maxExpansionL() + 1];
            for (int l = 0; l < kPerL.length; l++) kPerL[l] = calc.blockSize(l) / (2 * l + 1);
            List<TensorModel.Block> blocks = List.of(
                new TensorModel.Block("L0", 0, 1, 1, false, lambdaCorrection, pseudo),
                new TensorModel.Block("L2", 2, 1, 1, false, lambdaCorrection, pseudo));
            TensorModel model = new TensorModel(species, calc.powerSpectrumSize(), kPerL, hypers, blocks, 1);
            FeatureCache cache = FeatureCache.compute(structures, calc, model.expansionOrders(), FeatureCache.Storage.FLOAT64, threads);
            // as in training and prediction: rows LayerNorm-normalised once in the cache
            org.tensorbasis.lambdamcov.LambdaMcovModel.normalizeInPlace(cache);
            model.scalarNetworks().setInputNormalized(true);
            return new Setup(file, structures, calc, cache, model, atoms, threads);
        }

        /** Consecutive batches of {@code size} structures covering the set. */
        int[][] batches(int size) {
            int n = structures.size();
            List<int[]> out = new ArrayList<>();
            for (int s = 0; s < n; s += size) {
                int[] w = new int[Math.min(size, n - s)];
                for (int k = 0; k < w.length; k++) w[k] = s + k;
                out.add(w);
            }
            return out.toArray(new int[0][]);
        }

        /** The network input of some structures of the cache, assembled as training and prediction do. */
        AtomBatch batch(int[] which, CacheBatches.Buffer buf) {
            return batch(cache, which, buf);
        }

        /** As {@link #batch(int[], CacheBatches.Buffer)} from another cache of the same structures. */
        AtomBatch batch(FeatureCache from, int[] which, CacheBatches.Buffer buf) {
            return CacheBatches.assemble(from, which, structures, orders, kPerL, buf);
        }

        /** The structures' descriptors as a float32 prediction stores them (normalised power spectrum in float32). */
        FeatureCache float32Cache() {
            return FeatureCache.compute(structures, calc, model.expansionOrders(), FeatureCache.Storage.FLOAT32_POWER_SPECTRUM, threads,
                (rows, n, f) -> org.tensorbasis.model.SpeciesMlp.normalizeRows(rows, n, f, rows));
        }

        /** Runs the benchmark inside a pool of {@code threads} workers, which bounds the model's parallel loops. */
        BenchTimer.Result inPool(java.util.function.Supplier<BenchTimer.Result> work) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                return pool.submit(work::get).join();
            } finally {
                pool.shutdown();
            }
        }

        private final List<Long> cpuNanos = new ArrayList<>();

        /** Wraps {@code work} so that each call records the process CPU time it took (all threads, JIT and GC included). */
        Runnable cpuTimed(Runnable work) {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) return work;
            return () -> {
                long c0 = sun.getProcessCpuTime();
                work.run();
                cpuNanos.add(sun.getProcessCpuTime() - c0);
            };
        }

        /**
         * Prints the median CPU cost per item of the timed runs (the last {@code reps} calls): on a machine
         * shared with other jobs the wall-clock throughput depends on the load, the CPU cost much less.
         */
        void printCpu(java.io.PrintWriter out, int reps, long items, String unit) {
            if (cpuNanos.size() < reps) return;
            double[] c = new double[reps];
            for (int i = 0; i < reps; i++) c[i] = cpuNanos.get(cpuNanos.size() - reps + i) * 1e-3 / items;
            java.util.Arrays.sort(c);
            double med = reps % 2 == 1 ? c[reps / 2] : 0.5 * (c[reps / 2 - 1] + c[reps / 2]);
            out.printf(Locale.ROOT, "process CPU time: median %.3f %s (min %.3f, max %.3f) = %.1f atoms per CPU-second%n",
                med, unit, c[0], c[reps - 1], 1e6 / med);
        }

        void describe(java.io.PrintWriter out) {
            out.printf(Locale.ROOT, "%s: %d structures, %d atoms; %s%n", file.getFileName(), structures.size(), atoms, calc.settings());
            TensorModel.Hypers h = model.hypers();
            out.printf(Locale.ROOT, "model: %d features, %d x %d network (%s), blocks L0 (%d basis) and L2 (%d basis%s), random weights, %d parameters%n",
                calc.powerSpectrumSize(), h.depth(), h.width(), h.scalarNetwork().option(), model.basis(0).size(), model.basis(1).size(),
                model.blocks().get(1).lambdaCorrection() ? ", lambda correction" : "", model.parameters().size());
        }
    }
}
