package org.tensorbasis.cli;

import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorbasis.BadInputException;
import org.tensorbasis.bench.BenchTimer;
import org.tensorbasis.equivariant.ClebschGordan;
import org.tensorbasis.equivariant.SphericalHarmonics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorbasis bench harmonics}: throughput of the equivariant kernels on random vectors —
 * solid harmonics up to l_max (values; values + gradients), spherical harmonics with gradients, and
 * Clebsch–Gordan coupling {@code [a ⊗ b]^L} for all L. One line per stage with the median ns per item,
 * one JSON line per stage; the last line is the JSON of the solid harmonics (values) stage.
 */
@Command(name = "harmonics", mixinStandardHelpOptions = true,
    description = "Benchmark spherical/solid harmonics and Clebsch-Gordan coupling; the last line is one JSON object.")
public final class BenchHarmonicsCommand implements Runnable {
    @Option(names = "--vectors", defaultValue = "1000000", description = "Random vectors per repetition (default: ${DEFAULT-VALUE}).")
    int vectors;

    @Option(names = "--lmax", defaultValue = "6", description = "Largest degree of the harmonics (default: ${DEFAULT-VALUE}).")
    int lmax;

    @Option(names = "--coupling-l", defaultValue = "3", description = "Degrees l1 = l2 of the coupled vectors (default: ${DEFAULT-VALUE}).")
    int couplingL;

    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(3, 7);

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    /** Keeps results observable so that the JIT cannot drop the work. */
    static volatile double sink;

    @Override
    public void run() {
        if (vectors < 1) throw BadInputException.field("--vectors", "must be >= 1");
        if (lmax < 0 || lmax > 60) throw BadInputException.field("--lmax", "must be in 0..60");
        if (couplingL < 0 || couplingL > 20) throw BadInputException.field("--coupling-l", "must be in 0..20");
        runs.check();
        final int warmup = runs.warmup(), reps = runs.repetitions();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] xyz = new double[3 * vectors];
        for (int i = 0; i < xyz.length; i++) xyz[i] = rng.nextDouble(-3.0, 3.0);
        SphericalHarmonics sh = new SphericalHarmonics(lmax);
        int sz = SphericalHarmonics.size(lmax);
        // outputs are reused in blocks so that the arrays stay in cache-friendly, bounded memory
        int block = 1024;
        double[] out = new double[block * sz], grad = new double[3 * block * sz];

        BenchTimer.Result grads = BenchTimer.run("harmonics_solid_grad_l" + lmax, warmup, reps, vectors, 1, () -> {
            double s = 0;
            for (int i = 0; i < vectors; i++) {
                int k = i % block;
                sh.solidWithGradient(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], out, k * sz, grad, 3 * k * sz);
                s += out[k * sz + sz - 1] + grad[3 * k * sz + 3 * sz - 1];
            }
            sink = s;
        });
        report(grads);
        BenchTimer.Result sph = BenchTimer.run("harmonics_spherical_grad_l" + lmax, warmup, reps, vectors, 1, () -> {
            double s = 0;
            for (int i = 0; i < vectors; i++) {
                int k = i % block;
                sh.sphericalWithGradient(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], out, k * sz, grad, 3 * k * sz);
                s += out[k * sz + sz - 1] + grad[3 * k * sz + 3 * sz - 1];
            }
            sink = s;
        });
        report(sph);

        // coupling [a ⊗ b]^L for every L = 0..2l of two random degree-l vectors
        int l = couplingL, n = 2 * l + 1, pairs = Math.max(1, vectors / 10);
        ClebschGordan[] cg = new ClebschGordan[2 * l + 1];
        int outSize = 0;
        for (int L = 0; L <= 2 * l; L++) {
            cg[L] = ClebschGordan.of(l, l, L);
            outSize += 2 * L + 1;
        }
        double[] ab = new double[2 * n * 1024];
        for (int i = 0; i < ab.length; i++) ab[i] = rng.nextGaussian();
        double[] cout = new double[outSize];
        final int outLen = outSize;
        BenchTimer.Result coupling = BenchTimer.run("cg_couple_l" + l + "x" + l + "_allL", warmup, reps, pairs, 1, () -> {
            double s = 0;
            for (int p = 0; p < pairs; p++) {
                int o = 2 * n * (p & 1023);
                int off = 0;
                for (int L = 0; L <= 2 * l; L++) {
                    cg[L].couple(ab, o, ab, o + n, cout, off);
                    off += 2 * L + 1;
                }
                s += cout[outLen - 1];
            }
            sink = s;
        });
        report(coupling);

        BenchTimer.Result solid = BenchTimer.run("harmonics_solid_l" + lmax, warmup, reps, vectors, 1, () -> {
            double s = 0;
            for (int i = 0; i < vectors; i++) {
                int k = i % block;
                sh.solid(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], out, k * sz);
                s += out[k * sz + sz - 1];
            }
            sink = s;
        });
        report(solid);
        System.out.println(solid.json("vectors_per_s"));
    }

    private static void report(BenchTimer.Result r) {
        System.out.println(String.format(Locale.ROOT, "%s: median %.1f ns/item (min %.1f, max %.1f)",
            r.stage(), 1e9 / r.median(), 1e9 / r.max(), 1e9 / r.min()));
        if (!r.stage().startsWith("harmonics_solid_l")) System.out.println(r.json(r.stage().startsWith("cg") ? "pairs_per_s" : "vectors_per_s"));
    }
}
