package org.tensorbasis.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorbasis.bench.BenchTimer;
import org.tensorbasis.model.Adam;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.CacheBatches;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.model.TensorModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorbasis bench train-step FILE}: training throughput on cached features, one epoch = every
 * structure once in batches of 8: batch assembly, forward, loss (MSE of per-atom-normalised
 * per-structure targets, here fixed random targets) and its gradient, backward, Adam step. Reports
 * atoms/s and µs per atom per epoch. Same model as {@code bench model}; {@code --options OPTS} builds it at a
 * λ-MCoV options file's settings.
 */
@Command(name = "train-step", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Benchmark training steps (forward, loss gradient, backward, Adam) on cached features; the last line is one JSON object.")
public final class BenchTrainStepCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    BenchOptions.Input input;

    /** Each run is {@code --epochs} epochs. */
    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(3, 7);

    @Option(names = "--epochs", description = "epochs per timed run (default: ${DEFAULT-VALUE})")
    int epochs = 3;

    @Option(names = "--batch-size", description = "structures per batch (default: ${DEFAULT-VALUE})")
    int batchSize = 8;

    @Option(names = "--options", paramLabel = "OPTIONS", description = "a lambda_mcov options.yaml: build the model at its "
        + "model.soap settings and model.bpnn width and depth (λ correction, pseudotensor basis, scalar networks too)")
    java.nio.file.Path optionsFile;

    @Option(names = "--split", description = "also time each stage of a step (System.nanoTime splits, one thread's view)")
    boolean split;

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the calling thread (ns): unlike wall time it does not count the time other jobs hold the core. */
    private static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter out = spec.commandLine().getOut();
        BenchModelCommand.Setup s = BenchModelCommand.Setup.of(input, runs, "--epochs", epochs, batchSize, optionsFile);
        final int threads = s.threads, warmup = runs.warmup(), repetitions = runs.repetitions();
        TensorModel m = s.model;
        int[][] batches = s.batches(batchSize);
        int nb = m.blocks().size();
        // fixed random normalised targets, one row per structure and block
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        double[][][] targets = new double[nb][s.structures.size()][];
        for (int b = 0; b < nb; b++) {
            for (int k = 0; k < s.structures.size(); k++) {
                double[] t = new double[m.blocks().get(b).dim()];
                for (int j = 0; j < t.length; j++) t[j] = rng.nextGaussian();
                targets[b][k] = t;
            }
        }
        Parameters params = m.parameters();
        Adam adam = new Adam(params.size());
        double[][] grad = new double[nb][];
        long[] t = new long[6]; // assembly, forward, loss, backward, adam, (scalar-network-only forward+backward)
        CacheBatches.Buffer buf = new CacheBatches.Buffer(); // reused, as the trainer does
        Runnable epoch = () -> {
            for (int[] which : batches) {
                long t0 = split ? now() : 0;
                AtomBatch batch = s.batch(which, buf);
                long t1 = split ? now() : 0;
                m.forward(batch);
                long t2 = split ? now() : 0;
                for (int b = 0; b < nb; b++) {
                    int w = m.blocks().get(b).properties() * m.blocks().get(b).dim();
                    if (grad[b] == null || grad[b].length < batch.atoms() * w) grad[b] = new double[batch.atoms() * w];
                    double[] y = m.structureOutput(b);
                    double inv = 1.0 / ((double) which.length * w);
                    for (int k = 0; k < which.length; k++) {
                        int a0 = batch.structureStart(k);
                        int a1 = batch.structureStart(k + 1);
                        int na = a1 - a0;
                        for (int j = 0; j < w; j++) {
                            double d = y[k * w + j] / na - targets[b][which[k]][j];
                            double g = 2 * d * inv / na;
                            for (int i = a0; i < a1; i++) grad[b][i * w + j] = g;
                        }
                    }
                }
                long t3 = split ? now() : 0;
                params.zeroGrads();
                m.backward(grad);
                long t4 = split ? now() : 0;
                adam.step(params, 1e-4);
                if (split) {
                    long t5 = now();
                    t[0] += t1 - t0;
                    t[1] += t2 - t1;
                    t[2] += t3 - t2;
                    t[3] += t4 - t3;
                    t[4] += t5 - t4;
                    // the scalar networks alone (same batch), to split forward and backward into net and basis
                    netForward(m, batch);
                    double[][] dOut = new double[nb][];
                    for (int b = 0; b < nb; b++) dOut[b] = new double[batch.atoms() * m.basis(b).size() * m.blocks().get(b).properties()];
                    long t6 = now();
                    netForward(m, batch);
                    m.scalarNetworks().backward(dOut);
                    t[5] += now() - t6;
                    params.zeroGrads();
                }
            }
        };
        Runnable work = s.cpuTimed(() -> {
            for (int e = 0; e < epochs; e++) epoch.run();
        });
        BenchTimer.Result r = s.inPool(() -> BenchTimer.run("train-step", warmup, repetitions, s.atoms * epochs, threads, work));
        s.describe(out);
        s.printCpu(out, repetitions, s.atoms * epochs, "us/atom/epoch");
        if (split) {
            double total = (double) s.atoms * epochs * (warmup + repetitions) * 1e3; // ns → µs per atom per epoch
            out.printf(Locale.ROOT, "split (us/atom/epoch, CPU time of the calling thread: exact with --threads 1; all runs; use the headline numbers of a run without --split): assembly %.2f, forward %.2f, loss %.2f, backward %.2f, adam %.2f;"
                    + " scalar networks alone forward+backward %.2f%n",
                t[0] / total, t[1] / total, t[2] / total, t[3] / total, t[4] / total, t[5] / total);
        }
        out.printf(Locale.ROOT, "training, batches of %d structures: median %.1f atoms/s = %.2f us/atom/epoch (best %.2f, worst %.2f us/atom/epoch), %d threads%n",
            batchSize, r.median(), 1e6 / r.median(), 1e6 / r.max(), 1e6 / r.min(), threads);
        out.println(r.json("atoms_per_s"));
        out.flush();
        return 0;
    }

    /** The scalar networks' forward pass alone, on the batch's rows as {@link TensorModel#forward} reads them. */
    private static void netForward(TensorModel m, AtomBatch batch) {
        if (batch.hasFlatFeatures()) {
            m.scalarNetworks().forward(batch.features(), batch.numbers(), batch.atoms());
        } else {
            m.scalarNetworks().forward(batch.rowArrays(), batch.rowOffsets(), batch.numbers(), batch.atoms());
        }
    }
}
