package org.tensorbasis.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.tensorbasis.BadInputException;
import org.tensorbasis.bench.BenchTimer;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Structure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorbasis bench neighbors FILE --cutoff R}: times building the full neighbour lists of
 * every structure of FILE, parallel over structures, and prints a summary then one JSON line
 * (stage "neighbors", throughput in atoms per second).
 */
@Command(name = "neighbors", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Time neighbour-list construction for all structures of FILE; the last line is one JSON object.")
public final class BenchNeighborsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    BenchOptions.Input input;

    @Option(names = "--cutoff", required = true, paramLabel = "R", description = "cutoff radius in Å")
    double cutoff;

    @CommandLine.Mixin
    BenchOptions runs = new BenchOptions(3, 10);

    @Override
    public Integer call() throws Exception {
        if (!(cutoff > 0) || !Double.isFinite(cutoff)) {
            throw BadInputException.field("--cutoff", "must be positive and finite, got " + cutoff);
        }
        runs.check();
        input.check();
        final Path file = input.file;
        final int nThreads = input.threads, warmup = runs.warmup(), repetitions = runs.repetitions();
        BenchOptions.Data data = input.read(cutoff);
        List<Structure> structures = data.structures();
        final int nStruct = structures.size();
        final long atoms = data.atoms();
        int periodic = 0;
        for (Structure s : structures) {
            if (s.isPeriodic()) periodic++;
        }
        // pairs per structure: written by the workers (one slot each), read after the runs
        final int[] pairs = new int[nStruct];
        final double rc = cutoff;
        // Worker threads are recorded to report their CPU time too: on a shared machine it is a
        // steadier measure than wall-clock throughput.
        List<Thread> workers = new CopyOnWriteArrayList<>();
        ForkJoinPool pool = new ForkJoinPool(nThreads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            workers.add(t);
            return t;
        }, null, false);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpuNanos = new long[1];
        int[] calls = new int[1];
        BenchTimer.Result result;
        try {
            Runnable build = () -> pool.submit(() -> IntStream.range(0, nStruct).parallel()
                .forEach(f -> pairs[f] = NeighborList.build(structures.get(f), rc).pairs())).join();
            Runnable work = () -> {
                boolean timed = calls[0]++ >= warmup;
                long before = timed ? workerCpu(mx, workers) : 0;
                build.run();
                if (timed) cpuNanos[0] += workerCpu(mx, workers) - before;
            };
            result = BenchTimer.run("neighbors", warmup, repetitions, atoms, nThreads, work);
        } catch (RuntimeException e) {
            // ForkJoin wraps worker exceptions; surface an invalid cell/cutoff combination as bad input
            Throwable t = e;
            while (t.getCause() != null && !(t instanceof IllegalArgumentException)) t = t.getCause();
            if (t instanceof IllegalArgumentException) throw BadInputException.atField(file.toString(), "--cutoff", t.getMessage());
            throw e;
        } finally {
            pool.shutdown();
        }
        long totalPairs = 0;
        for (int p : pairs) totalPairs += p;

        java.io.PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "neighbors: %s: %d structures (%d periodic), %d atoms, cutoff %.3f Å, %d thread(s)%n",
            file, nStruct, periodic, atoms, cutoff, nThreads);
        out.printf(Locale.ROOT, "pairs: %d (full list), %.2f per atom%n", totalPairs, (double) totalPairs / atoms);
        out.printf(Locale.ROOT, "throughput: median %.4g atoms/s (min %.4g, max %.4g) over %d repetitions after %d warm-up%n",
            result.median(), result.min(), result.max(), repetitions, warmup);
        out.printf(Locale.ROOT, "time: %.3f µs per atom (median, wall clock), %.3f µs per atom per thread%n",
            1e6 / result.median(), 1e6 * nThreads / result.median());
        if (cpuNanos[0] > 0) {
            out.printf(Locale.ROOT, "cpu: %.3f µs per atom (worker CPU time, mean over the timed repetitions)%n",
                cpuNanos[0] * 1e-3 / ((double) atoms * repetitions));
        }
        out.println(result.json("atoms_per_s"));
        out.flush();
        return 0;
    }

    /** Total CPU time of the live worker threads, ns (0 when the JVM cannot measure it). */
    private static long workerCpu(ThreadMXBean mx, List<Thread> workers) {
        if (!mx.isThreadCpuTimeSupported()) return 0;
        long sum = 0;
        for (Thread t : workers) {
            long c = mx.getThreadCpuTime(t.getId());
            if (c > 0) sum += c;
        }
        return sum;
    }
}
