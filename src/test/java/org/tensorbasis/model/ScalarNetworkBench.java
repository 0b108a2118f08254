package org.tensorbasis.model;

import org.tensorbasis.linalg.Gemm;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorbasis.bench.BenchTimer;

/**
 * Manual benchmark of the scalar networks (not a test): forward and forward+backward time per atom.
 * Run from the project directory after {@code mvn -q -o test-compile}:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.tensorbasis.model.ScalarNetworkBench [F...]}
 * with {@code OPENBLAS_NUM_THREADS} and {@code -Ddev.ludovic.netlib.blas.allowNative=false} as wanted.
 */
public final class ScalarNetworkBench {
    private ScalarNetworkBench() {}

    public static void main(String[] args) {
        int[] fs = args.length == 0 ? new int[] {4544, 2312} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        boolean[] pars = Boolean.getBoolean("bench.parallel") ? new boolean[] {false, true} : new boolean[] {false};
        // process CPU time: counts OpenBLAS and fork-join threads too, and is less sensitive than
        // wall time to other jobs on a shared machine
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        String blas = Gemm.blas().getClass().getSimpleName();
        String threads = System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset");
        SpeciesMlp.chunkForNewWorkspaces = Integer.getInteger("bench.chunk", SpeciesMlp.CHUNK);
        int[] atomCounts = java.util.Arrays.stream(System.getProperty("bench.atoms", "80,1000").split(",")).mapToInt(Integer::parseInt).toArray();
        boolean[] norms = System.getProperty("bench.norm") == null ? new boolean[] {false, true}
            : new boolean[] {Boolean.getBoolean("bench.norm")};
        int[] species = {1, 6, 7, 8};
        double[] frac = {0.5, 0.35, 0.07, 0.08};
        for (int f : fs) {
            for (int n : atomCounts) {
                SplittableRandom rng = new SplittableRandom(1);
                double[] x = new double[n * f];
                for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble() * rng.nextDouble();
                int[] z = new int[n];
                for (int i = 0; i < n; i++) {
                    double u = rng.nextDouble(), c = 0;
                    int s = 0;
                    while (s < 3 && u > (c += frac[s])) s++;
                    z[i] = species[s];
                }
                Parameters p = new Parameters();
                ScalarNetworks net = new ScalarNetworks(p, "s.", species, f, 32, 2,
                    List.of(new ScalarNetworks.HeadSpec("l0", 1), new ScalarNetworks.HeadSpec("l2", 11)));
                p.initialize(3);
                double[][] dOut = {new double[n], new double[n * 11]};
                for (double[] d : dOut) for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
                Adam adam = new Adam(p.size());
                double[] xhat = new double[x.length];
                SpeciesMlp.normalizeRows(x, n, f, xhat);
                for (boolean par : pars) {
                    for (boolean norm : norms) {
                        net.setParallel(par);
                        net.setInputNormalized(norm);
                        double[] in = norm ? xhat : x;
                        int inner = Math.max(1, 4000 / n);
                        long[] cpu = new long[2];
                        BenchTimer.Result fwd = BenchTimer.run("fwd", 3, 9, (long) inner * n, 1, () -> {
                            long c0 = os.getProcessCpuTime();
                            for (int k = 0; k < inner; k++) net.forward(in, z, n);
                            cpu[0] += os.getProcessCpuTime() - c0;
                        });
                        BenchTimer.Result fb = BenchTimer.run("fwd+bwd", 3, 9, (long) inner * n, 1, () -> {
                            long c0 = os.getProcessCpuTime();
                            for (int k = 0; k < inner; k++) {
                                net.forward(in, z, n);
                                net.backward(dOut);
                            }
                            cpu[1] += os.getProcessCpuTime() - c0;
                        });
                        int steps = 50;
                        BenchTimer.Result ad = BenchTimer.run("adam", 3, 9, steps, 1, () -> {
                            for (int k = 0; k < steps; k++) adam.stepAndZeroGrads(p, 1e-9);
                        });
                        double atomsRun = 12.0 * inner * n; // warm-up included in the CPU totals
                        System.out.printf(Locale.ROOT,
                            "blas=%s OMP=%s chunk=%d F=%d atoms=%d par=%b normIn=%b | wall us/atom: fwd %.2f [%.2f-%.2f] fwd+bwd %.2f [%.2f-%.2f] | process cpu us/atom: fwd %.2f fwd+bwd %.2f | adam+zero %.0f us/step (%d params, %.2f us/atom at this batch)%n",
                            blas, threads, SpeciesMlp.chunkForNewWorkspaces, f, n, par, norm,
                            1e6 / fwd.median(), 1e6 / fwd.max(), 1e6 / fwd.min(),
                            1e6 / fb.median(), 1e6 / fb.max(), 1e6 / fb.min(),
                            cpu[0] / 1e3 / atomsRun, cpu[1] / 1e3 / atomsRun,
                            1e6 / ad.median(), p.size(), 1e6 / ad.median() / n);
                    }
                }
            }
        }
    }
}
