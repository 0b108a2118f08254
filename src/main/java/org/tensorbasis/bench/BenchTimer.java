package org.tensorbasis.bench;

import java.util.Arrays;

/**
 * Times a workload over several repetitions after warm-up and reports the median, min and max of a
 * throughput (items per second) as one JSON line, the last line of every {@code bench} command:
 * {@code {"stage":...,"atoms_per_s_median":...,"min":...,"max":...,"threads":...}}.
 */
public final class BenchTimer {
    private BenchTimer() {}

    /** Result of a benchmark: per-repetition throughputs, sorted. */
    public record Result(String stage, double[] throughputs, int threads, long items) {
        public double median() {
            int n = throughputs.length;
            return n % 2 == 1 ? throughputs[n / 2] : 0.5 * (throughputs[n / 2 - 1] + throughputs[n / 2]);
        }

        public double min() { return throughputs[0]; }

        public double max() { return throughputs[throughputs.length - 1]; }

        /** The JSON line; {@code unit} names the throughput key, e.g. "atoms_per_s". */
        public String json(String unit) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("stage", stage);
            m.put(unit + "_median", tenth(median()));
            m.put("min", tenth(min()));
            m.put("max", tenth(max()));
            m.put("threads", threads);
            m.put("repetitions", throughputs.length);
            m.put("items", items);
            return org.tensorbasis.io.Json.write(m);
        }

        private static double tenth(double x) {
            return Math.round(x * 10) / 10.0;
        }
    }

    /**
     * Warm-up lasts at least this long (when there is any): the optimising JIT compiles a stage's loops in the background
     * for about a second, and 3 warm-up runs of a 60 ms stage left it compiling during the timed ones. {@code bench model}
     * on QM7-X, float32, 2 threads: medians of 387k–502k atoms/s (min ~240k) with 3 warm-up runs, 547k–586k (min ~400k)
     * with 10 (docs/performance.md).
     */
    public static final double MIN_WARMUP_SECONDS = 1.0;

    /**
     * Runs {@code work} {@code warmup} times untimed — and, if {@code warmup > 0}, again until {@link #MIN_WARMUP_SECONDS}
     * have passed — then {@code reps} times timed.
     *
     * @param items number of items (atoms) processed by one call of {@code work}
     */
    public static Result run(String stage, int warmup, int reps, long items, int threads, Runnable work) {
        if (reps < 1) throw new IllegalArgumentException("repetitions must be >= 1");
        long w0 = System.nanoTime();
        for (int i = 0; i < warmup || (warmup > 0 && System.nanoTime() - w0 < MIN_WARMUP_SECONDS * 1e9); i++) work.run();
        double[] tp = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            work.run();
            long dt = System.nanoTime() - t0;
            tp[r] = items / (Math.max(dt, 1) * 1e-9);
        }
        Arrays.sort(tp);
        return new Result(stage, tp, threads, items);
    }
}
