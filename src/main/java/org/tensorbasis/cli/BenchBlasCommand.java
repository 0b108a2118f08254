package org.tensorbasis.cli;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tensorbasis.BadInputException;
import org.tensorbasis.bench.BenchTimer;
import org.tensorbasis.linalg.Gemm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorbasis bench blas}: dense float64 matrix-product rate (GFLOP/s) of the BLAS in use, one
 * thread of the caller, C[m×n] = A[m×k]·B[k×n] row-major through {@link Gemm}: a network layer's shape
 * (batch rows × width × features) by default. The FLOP bound of a stage follows from it (the first layer
 * costs ≈ 2 × features × width FLOP per atom). The last line is one JSON object ({@code gflops_median}).
 */
@Command(name = "blas", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Benchmark dense dgemm of the BLAS in use (GFLOP/s); the last line is one JSON object.")
public final class BenchBlasCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(3, 7);

    @Option(names = "-m", description = "rows of A and C (default: ${DEFAULT-VALUE}, atoms of a batch)")
    int m = 1024;

    @Option(names = "-n", description = "columns of B and C (default: ${DEFAULT-VALUE}, the network width)")
    int n = 128;

    @Option(names = "-k", description = "columns of A (default: ${DEFAULT-VALUE}, power-spectrum features)")
    int k = 612;

    @Override
    public Integer call() {
        runs.check();
        if (m < 1 || n < 1 || k < 1) throw BadInputException.field("-m/-n/-k", "must be >= 1");
        if ((long) m * k > Integer.MAX_VALUE || (long) k * n > Integer.MAX_VALUE || (long) m * n > Integer.MAX_VALUE) {
            throw BadInputException.field("-m/-n/-k", "matrices larger than 2^31 elements");
        }
        SplittableRandom rng = new SplittableRandom(1);
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        double[] c = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextDouble() - 0.5;
        for (int i = 0; i < b.length; i++) b[i] = rng.nextDouble() - 0.5;
        long flop = 2L * m * n * k;
        // as many products per run as make ~0.2 GFLOP, so that a run is long enough to time
        int inner = (int) Math.max(1, Math.min(1_000_000, 200_000_000L / flop));
        BenchTimer.Result r = BenchTimer.run("blas", runs.warmup(), runs.repetitions(), flop * inner, 1, () -> {
            for (int i = 0; i < inner; i++) Gemm.gemm(false, false, m, n, k, 1.0, a, 0, b, 0, 0.0, c, 0);
        });
        System.out.printf(Locale.ROOT, "BLAS: %s%n", Gemm.blasName());
        System.out.printf(Locale.ROOT, "dgemm %d x %d x %d (row-major, 1 thread): median %.2f GFLOP/s (min %.2f, max %.2f)%n",
            m, n, k, r.median() * 1e-9, r.min() * 1e-9, r.max() * 1e-9);
        java.util.Map<String, Object> j = new java.util.LinkedHashMap<>();
        j.put("stage", "blas");
        j.put("gflops_median", Math.round(r.median() * 1e-7) / 100.0);
        j.put("min", Math.round(r.min() * 1e-7) / 100.0);
        j.put("max", Math.round(r.max() * 1e-7) / 100.0);
        j.put("threads", 1);
        j.put("repetitions", r.throughputs().length);
        j.put("m", m);
        j.put("n", n);
        j.put("k", k);
        j.put("blas", Gemm.blasName());
        System.out.println(org.tensorbasis.io.Json.write(j));
        return 0;
    }
}
