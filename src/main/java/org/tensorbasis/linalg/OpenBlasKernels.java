package org.tensorbasis.linalg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Whether OpenBLAS runs this machine with its AVX-512 kernels (SkylakeX, Cooperlake, Sapphire Rapids), whose dgemm has a
 * small-matrix path: products of up to about 10⁶ multiply-adds are computed without packing the operands first. Other
 * kernels (Haswell, Zen: AVX2) pack both operands on every call, so a narrow first network layer multiplied in blocks of
 * a dozen rows re-packs its whole weight matrix every dozen rows ({@code SpeciesMlp.rowBlock}).
 *
 * <p>OpenBLAS chooses its kernels when the library loads: those that {@code OPENBLAS_CORETYPE} names, else by the CPU.
 * Read the same way here: the variable if set, else the CPU's flags in /proc/cpuinfo (AVX512F and AVX512BW, what
 * OpenBLAS tests before it takes an AVX-512 core). Not Linux, or unreadable: false (the choice that is right for
 * every kernel, at a small cost with AVX-512 ones).
 */
public final class OpenBlasKernels {
    private OpenBlasKernels() {}

    private static final Set<String> AVX512_CORES = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");

    private static volatile Boolean avx512;

    /** Whether OpenBLAS has picked (or will pick) AVX-512 kernels in this process. */
    public static boolean avx512() {
        Boolean b = avx512;
        if (b == null) {
            String cpuinfo;
            try {
                cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
            } catch (IOException | RuntimeException e) {
                cpuinfo = "";
            }
            avx512 = b = avx512(System.getenv("OPENBLAS_CORETYPE"), cpuinfo);
        }
        return b;
    }

    /** {@link #avx512()} for the given value of OPENBLAS_CORETYPE (null: unset) and text of /proc/cpuinfo. */
    static boolean avx512(String coreType, String cpuinfo) {
        if (coreType != null && !coreType.isBlank()) return AVX512_CORES.contains(coreType.trim().toUpperCase(Locale.ROOT));
        for (String line : cpuinfo.split("\n")) {
            if (!line.startsWith("flags")) continue;
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            Set<String> flags = Set.of(line.substring(colon + 1).trim().split("\\s+"));
            return flags.contains("avx512f") && flags.contains("avx512bw");
        }
        return false;
    }
}
