package org.tensorbasis.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.tensorbasis.structure.Structure;

/**
 * Reader throughput on one file (not a test): {@code java -cp target/classes:target/test-classes
 * org.tensorbasis.io.ExtXyzThroughput FILE [repeats]}. Prints median / min / max MB/s and atoms/s.
 */
public final class ExtXyzThroughput {
    private ExtXyzThroughput() {}

    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        double mb = Files.size(f) / 1e6;
        long atoms = 0;
        double[] secs = new double[repeats];
        double[] cpu = new double[repeats];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int rep = -3; rep < repeats; rep++) { // 3 warm-up passes
            long t0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            long a = 0;
            int frames = 0;
            try (ExtXyzReader r = new ExtXyzReader(f, w -> { })) {
                while (r.hasNext()) {
                    Structure s = r.next();
                    a += s.size();
                    frames++;
                }
            }
            double dt = (System.nanoTime() - t0) / 1e9;
            if (rep >= 0) { secs[rep] = dt; cpu[rep] = (mx.getCurrentThreadCpuTime() - c0) / 1e9; }
            atoms = a;
            if (rep == -3) System.out.printf("%s: %.2f MB, %d frames, %d atoms%n", f, mb, frames, a);
        }
        Arrays.sort(secs);
        Arrays.sort(cpu);
        double cmed = cpu[repeats / 2];
        System.out.printf("read (thread CPU time): median %.1f MB/s (%.2f M atoms/s), min %.1f, max %.1f MB/s%n",
            mb / cmed, atoms / cmed / 1e6, mb / cpu[repeats - 1], mb / cpu[0]);
        double med = secs[repeats / 2];
        System.out.printf("read (wall): median %.1f MB/s (%.2f M atoms/s), min %.1f, max %.1f MB/s over %d passes%n",
            mb / med, atoms / med / 1e6, mb / secs[repeats - 1], mb / secs[0], repeats);
    }
}
