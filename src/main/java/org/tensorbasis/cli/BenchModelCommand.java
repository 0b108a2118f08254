package org.tensorbasis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.tensorbasis.BadInputException;
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
 */
@Command(name = "model", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Benchmark model inference on cached features; the last line is one JSON object.")
public final class BenchModelCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    BenchOptions.Input input;

    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(3, 7);

    @Option(names = "--passes", description = "passes over the whole set per run (default: ${DEFAULT-VALUE})")
    int passes = 20;

    @Option(names = "--batch-size", description = "structures per batch (default: ${DEFAULT-VALUE})")
    int batchSize = 64;

    @Override
    public Integer call() throws Exception {
        Setup s = Setup.of(input, runs, "--passes", passes, batchSize);
        final int threads = s.threads, warmup = runs.warmup(), repetitions = runs.repetitions();
        int[][] batches = s.batches(batchSize);
        TensorModel m = s.model;
        // data-parallel inference: one single-threaded replica per thread, batches dealt round-robin
        int nrep = Math.max(1, Math.min(threads, batches.length));
        TensorModel[] replicas = new TensorModel[nrep];
        CacheBatches.Buffer[] bufs = new CacheBatches.Buffer[nrep];
        for (int k = 0; k < nrep; k++) {
            replicas[k] = nrep == 1 ? m : m.replica(1);
            bufs[k] = new CacheBatches.Buffer();
        }
        Runnable work = s.cpuTimed(() -> java.util.stream.IntStream.range(0, nrep).parallel().forEach(k -> {
            for (int p = 0; p < passes; p++) {
                for (int bi = k; bi < batches.length; bi += nrep) replicas[k].forward(s.batch(batches[bi], bufs[k]));
            }
        }));
        BenchTimer.Result r = s.inPool(() -> BenchTimer.run("model", warmup, repetitions, s.atoms * passes, threads, work));
        s.describe();
        s.printCpu(repetitions, s.atoms * passes, "us/atom");
        System.out.printf(Locale.ROOT, "forward, batches of %d structures: median %.1f atoms/s = %.3f us/atom (min %.1f, max %.1f atoms/s), %d threads%n",
            batchSize, r.median(), 1e6 / r.median(), r.min(), r.max(), threads);
        System.out.println(r.json("atoms_per_s"));
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
            input.check();
            runs.check();
            if (passes < 1) throw BadInputException.field(passesOption, "must be >= 1, got " + passes);
            if (batchSize < 1) throw BadInputException.field("--batch-size", "must be >= 1, got " + batchSize);
            final Path file = input.file;
            final int threads = input.threads;
            BenchOptions.Data data = input.read();
            List<Structure> structures = data.structures();
            long atoms = data.atoms();
            int[] species = data.species();
            SphericalExpansion calc = new SphericalExpansion(DescriptorSettings.defaults(species));
            int[] kPerL = new int[calc.maxAngular() + 1];
            for (int l = 0; l <= calc.maxAngular(); l++) kPerL[l] = calc.blockSize(l) / (2 * l + 1);
            List<TensorModel.Block> blocks = List.of(
                new TensorModel.Block("L0", 0, 1, 1, false, true, PseudoMode.PSEUDOSCALAR),
                new TensorModel.Block("L2", 2, 1, 1, false, true, PseudoMode.PSEUDOSCALAR));
            TensorModel model = new TensorModel(species, calc.powerSpectrumSize(), kPerL, new TensorModel.Hypers(32, 2, threads), blocks, 1);
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
            return CacheBatches.assemble(cache, which, structures, orders, kPerL, buf);
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
        void printCpu(int reps, long items, String unit) {
            if (cpuNanos.size() < reps) return;
            double[] c = new double[reps];
            for (int i = 0; i < reps; i++) c[i] = cpuNanos.get(cpuNanos.size() - reps + i) * 1e-3 / items;
            java.util.Arrays.sort(c);
            double med = reps % 2 == 1 ? c[reps / 2] : 0.5 * (c[reps / 2 - 1] + c[reps / 2]);
            System.out.printf(Locale.ROOT, "process CPU time: median %.3f %s (min %.3f, max %.3f) = %.1f atoms per CPU-second%n",
                med, unit, c[0], c[reps - 1], 1e6 / med);
        }

        void describe() {
            System.out.printf(Locale.ROOT, "%s: %d structures, %d atoms; %s%n", file.getFileName(), structures.size(), atoms, calc.settings());
            System.out.printf(Locale.ROOT, "model: %d features, 2 x 32 network, blocks L0 (%d basis) and L2 (%d basis, lambda correction), %d parameters%n",
                calc.powerSpectrumSize(), model.basis(0).size(), model.basis(1).size(), model.parameters().size());
        }
    }
}
